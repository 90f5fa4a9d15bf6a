using System.Net.Sockets;
using System.Text;

namespace Resume.Actors.Tests.Deploy;

/// <summary>
/// What systemd listens on for a <c>Type=notify</c> service: a Unix datagram socket whose path the
/// service finds in <c>NOTIFY_SOCKET</c>. Each datagram is one notification (<c>READY=1</c>, ...).
/// </summary>
public sealed class NotifySocket : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);

    public NotifySocket()
    {
        // A socket path must fit in 108 bytes: a short one in /tmp, not the test's folder.
        Path = System.IO.Path.Combine("/tmp", $"resume-notify-{Guid.NewGuid():N}.sock");
        _socket.Bind(new UnixDomainSocketEndPoint(Path));
    }

    public string Path { get; }

    /// <summary>The next notification, as text; throws a <see cref="TimeoutException"/> if none comes in time.</summary>
    public async Task<string> ReceiveAsync(TimeSpan within)
    {
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(within);
        try
        {
            var length = await _socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            return Encoding.UTF8.GetString(buffer, 0, length);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"no notification on {Path} within {within}");
        }
    }

    public void Dispose()
    {
        _socket.Dispose();
        File.Delete(Path);
    }
}
