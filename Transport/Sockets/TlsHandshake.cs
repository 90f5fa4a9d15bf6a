using System.Net.Security;
using System.Net.Sockets;

namespace Resume.Transport.Sockets;

/// <summary>The server's side of a TLS handshake on an accepted socket, which it leaves open whatever happens.</summary>
public static class TlsHandshake
{
    /// <summary>
    /// Completes the handshake by <paramref name="options"/>; fails with the reason (garbage, plain HTTP,
    /// a protocol or cipher the server does not take, the socket closed under it by a timeout).
    /// </summary>
    public static async Task<TlsConnection> AuthenticateAsync(Socket socket, SslServerAuthenticationOptions options)
    {
        // Neither stream owns the socket: closing it stays the write sink's (SocketCloser), as for plain HTTP.
        var stream = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: true);
        try
        {
            await stream.AuthenticateAsServerAsync(options).ConfigureAwait(false);
            return new TlsConnection(stream);
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
