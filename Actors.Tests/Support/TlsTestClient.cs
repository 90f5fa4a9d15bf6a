using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;

namespace Resume.Actors.Tests.Support;

/// <summary>
/// A client on an SslStream of its own, so a test sees what was negotiated (TLS version, ALPN) and
/// controls each request; it reads responses with a Content-Length.
/// </summary>
public sealed class TlsTestClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly SslStream _stream;
    private readonly MemoryStream _pending = new();

    private TlsTestClient(Socket socket, SslStream stream)
    {
        _socket = socket;
        _stream = stream;
    }

    public SslStream Stream => _stream;

    /// <param name="preamble">Bytes sent before the handshake (a PROXY protocol header).</param>
    public static async Task<TlsTestClient> ConnectAsync(IPEndPoint endpoint, TestCertificate certificate, SslProtocols protocols = SslProtocols.None, byte[]? preamble = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endpoint);
        if (preamble is not null)
            await socket.SendAsync(preamble);
        var stream = new SslStream(new NetworkStream(socket, ownsSocket: false));
        try
        {
            await stream.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                EnabledSslProtocols = protocols,
                ApplicationProtocols = [SslApplicationProtocol.Http11],
                RemoteCertificateValidationCallback = (_, presented, _, _) => certificate.Trusts(presented),
            });
        }
        catch
        {
            await stream.DisposeAsync();
            socket.Dispose();
            throw;
        }
        return new TlsTestClient(socket, stream);
    }

    public async Task SendAsync(string text)
    {
        await _stream.WriteAsync(Encoding.Latin1.GetBytes(text));
        await _stream.FlushAsync();
    }

    /// <summary>Reads one response with a Content-Length: its status and body text.</summary>
    public async Task<(int Status, string Body)> ReadResponseAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        int headEnd;
        while ((headEnd = IndexOfHeadEnd()) < 0)
            await FillAsync(cts.Token);
        var head = Encoding.Latin1.GetString(_pending.GetBuffer(), 0, headEnd);
        var status = int.Parse(head.AsSpan(9, 3), CultureInfo.InvariantCulture);
        var lengthLine = head.Split("\r\n").First(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        var length = int.Parse(lengthLine["Content-Length:".Length..].Trim(), CultureInfo.InvariantCulture);
        while (_pending.Length < headEnd + 4 + length)
            await FillAsync(cts.Token);
        var body = Encoding.UTF8.GetString(_pending.GetBuffer(), headEnd + 4, length);
        var rest = _pending.GetBuffer().AsSpan(headEnd + 4 + length, (int)_pending.Length - headEnd - 4 - length).ToArray();
        _pending.SetLength(0);
        _pending.Write(rest);
        return (status, body);
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _socket.Dispose();
    }

    private int IndexOfHeadEnd() => _pending.GetBuffer().AsSpan(0, (int)_pending.Length).IndexOf("\r\n\r\n"u8);

    private async Task FillAsync(CancellationToken token)
    {
        var buffer = new byte[16 * 1024];
        var read = await _stream.ReadAsync(buffer, token);
        if (read == 0)
            throw new IOException("The server closed the connection inside a response.");
        _pending.Write(buffer, 0, read);
    }
}
