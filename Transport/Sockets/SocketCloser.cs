using System.Net.Sockets;

namespace Resume.Transport.Sockets;

/// <summary>Closes sockets so that a response already sent is not destroyed by a reset.</summary>
public static class SocketCloser
{
    private const int MaxDiscarded = 1024 * 1024;

    /// <summary>
    /// Shuts down sending, then reads and discards until the client closes, <paramref name="linger"/>
    /// passes or 1 MiB came: closing with unread input would make the kernel send RST, which can
    /// destroy a response (a 400, say) the client has not read yet.
    /// </summary>
    /// <param name="clientMaySend">The client may still be sending (its input was refused or left unread): always linger.</param>
    public static void CloseGracefully(Socket socket, TimeSpan linger, bool clientMaySend)
    {
        try
        {
            // The client is done and nothing is unread: closing cannot reset what we sent.
            if (!clientMaySend && socket.Available == 0)
            {
                socket.Shutdown(SocketShutdown.Send);
                socket.Dispose();
                return;
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            socket.Dispose();
            return;
        }
        _ = LingerAsync(socket, linger);
    }

    public static void CloseNow(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already gone.
        }
        socket.Dispose();
    }

    private static async Task LingerAsync(Socket socket, TimeSpan linger)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Send);
            var discard = new byte[4096];
            using var timeout = new CancellationTokenSource(linger);
            var budget = MaxDiscarded;
            int read;
            while (budget > 0 && (read = await socket.ReceiveAsync(discard, SocketFlags.None, timeout.Token).ConfigureAwait(false)) > 0)
                budget -= read;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The client reset or never closed: either way we are done with it.
        }
        finally
        {
            socket.Dispose();
        }
    }
}
