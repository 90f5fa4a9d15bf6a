using System.Buffers;
using System.Net.Security;
using System.Net.Sockets;

namespace Resume.Transport.Sockets;

/// <summary>
/// TLS over an accepted socket, once its handshake is done (<see cref="TlsHandshake"/>): what the socket
/// stages read and write instead of the socket itself when the connection came to the HTTPS listener.
/// The socket stays theirs to close (<see cref="SocketCloser"/>): the <see cref="SslStream"/> neither owns
/// nor closes it, so close and linger work as for plain connections, after a close_notify.
/// </summary>
public sealed class TlsConnection(SslStream stream) : IDisposable
{
    // A TLS record carries at most 16 KiB: pieces smaller than that are gathered into records' worth,
    // since every write to the SslStream is at least one record (with its own header, MAC and send).
    private const int RecordSize = 16 * 1024;

    /// <summary>The protocol agreed by ALPN (http/1.1), or empty when the client offered none.</summary>
    public SslApplicationProtocol NegotiatedApplicationProtocol => stream.NegotiatedApplicationProtocol;

    /// <summary>
    /// Reads decrypted bytes. A zero-byte read waits for data holding no buffer (the SslStream rents its
    /// own only once a record is there), as the plain read source's zero-byte receive does.
    /// </summary>
    public ValueTask<int> ReadAsync(Memory<byte> buffer) => stream.ReadAsync(buffer);

    /// <summary>Writes <paramref name="segments"/> whole, in order; done once the kernel took the last record.</summary>
    public Task WriteAsync(List<ArraySegment<byte>> segments) =>
        segments.Count == 1 ? stream.WriteAsync(segments[0].AsMemory()).AsTask() : GatherAsync(segments);

    /// <summary>
    /// Sends close_notify (so the client can tell the end of a close-delimited response from a cut),
    /// waiting at most <paramref name="linger"/> for it to leave, then closes the socket as a plain one is
    /// (<see cref="SocketCloser.CloseGracefully"/>) and releases the TLS state once it is closed.
    /// </summary>
    public async Task CloseGracefullyAsync(Socket socket, TimeSpan linger, bool clientFinished, Action? closed)
    {
        try
        {
            await stream.ShutdownAsync().WaitAsync(linger).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or TimeoutException or InvalidOperationException)
        {
            // The client is gone or does not read: the socket's close below is all there is left to do.
        }
        SocketCloser.CloseGracefully(socket, linger, clientFinished, () =>
        {
            Dispose();
            closed?.Invoke();
        });
    }

    /// <summary>Resets the socket (see <see cref="SocketCloser.Reset"/>) and releases the TLS state.</summary>
    public void Reset(Socket socket)
    {
        SocketCloser.Reset(socket);
        Dispose();
    }

    public void Dispose() => stream.Dispose();

    private async Task GatherAsync(List<ArraySegment<byte>> segments)
    {
        byte[]? staging = null;
        var staged = 0;
        try
        {
            foreach (var segment in segments)
            {
                if (segment.Count >= RecordSize)
                {
                    if (staged > 0)
                        await stream.WriteAsync(staging.AsMemory(0, staged)).ConfigureAwait(false);
                    staged = 0;
                    await stream.WriteAsync(segment.AsMemory()).ConfigureAwait(false);
                    continue;
                }
                staging ??= ArrayPool<byte>.Shared.Rent(RecordSize);
                if (staged + segment.Count > staging.Length)
                {
                    await stream.WriteAsync(staging.AsMemory(0, staged)).ConfigureAwait(false);
                    staged = 0;
                }
                segment.AsSpan().CopyTo(staging.AsSpan(staged));
                staged += segment.Count;
            }
            if (staged > 0)
                await stream.WriteAsync(staging.AsMemory(0, staged)).ConfigureAwait(false);
        }
        finally
        {
            if (staging is not null)
                ArrayPool<byte>.Shared.Return(staging);
        }
    }
}
