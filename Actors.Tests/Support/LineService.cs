using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Resume.Actors.Tests.Support;

/// <summary>
/// A line-based TCP service on 127.0.0.1 for tests: it answers each line with "echo: LINE", or, when
/// silent, answers nothing and reports when a client connection ends.
/// </summary>
public sealed class LineService : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();

    public LineService(bool silent = false)
    {
        _listener.Start();
        _ = AcceptAsync(silent);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Completes when a client connection closes (silent mode).</summary>
    public TaskCompletionSource ClientGone { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a client's first bytes arrive (silent mode).</summary>
    public TaskCompletionSource BytesReceived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
    }

    private async Task AcceptAsync(bool silent)
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = silent ? WatchAsync(client) : ServeAsync(client);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            var reader = new StreamReader(client.GetStream(), Encoding.UTF8);
            var writer = new StreamWriter(client.GetStream(), new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
                await writer.WriteLineAsync($"echo: {line}");
        }
    }

    private async Task WatchAsync(TcpClient client)
    {
        using (client)
        {
            var buffer = new byte[256];
            try
            {
                while (await client.GetStream().ReadAsync(buffer, _stop.Token) > 0)
                    BytesReceived.TrySetResult();
            }
            catch (Exception e) when (e is IOException or OperationCanceledException)
            {
            }
            ClientGone.TrySetResult();
        }
    }
}
