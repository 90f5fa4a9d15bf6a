using System.Net.Sockets;

namespace Resume.Transport.Sockets;

/// <summary>
/// Closes sockets so that a response already sent reaches the client whole, or, when it was cut
/// short and its framing cannot show it, so that the client sees it was.
/// </summary>
public static class SocketCloser
{
    private const int MaxDiscarded = 1024 * 1024;

    // What the client sends while we linger is dropped unread, so every lingering socket may share one buffer.
    private static readonly byte[] Discarded = new byte[4096];

    /// <summary>
    /// Call once every byte is handed to the kernel. Shuts down sending (the FIN follows the bytes still
    /// queued), then reads and discards until the client closes, <paramref name="linger"/> passes or
    /// 1 MiB came, and only then closes. Closing at once would make the kernel answer whatever the
    /// client still sends (a pipelined request, a body we refused) with a reset, and a reset destroys
    /// the part of the response the client has not read yet; the client closes only once it has.
    /// </summary>
    /// <param name="clientFinished">
    /// The client said it sends nothing more (it asked to close, or half-closed) and its input was read
    /// whole: unless bytes are unread after all, nothing can arrive to cause a reset, so the socket
    /// closes at once (the kernel still sends what is queued, then the FIN). Lingering costs a timer and
    /// a receive per connection, which is most of what a one-request connection costs beyond the request.
    /// </param>
    /// <param name="closed">Called once the socket is closed (its descriptor given back).</param>
    public static void CloseGracefully(Socket socket, TimeSpan linger, bool clientFinished, Action? closed = null)
    {
        if (clientFinished && NothingUnread(socket))
        {
            try
            {
                socket.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // The client is gone already: closing is all that is left.
            }
            socket.Dispose();
            closed?.Invoke();
            return;
        }
        _ = LingerAsync(socket, linger, closed);
    }

    /// <summary>Closes with a reset (linger 0): what is still queued is dropped and the client sees the connection broken.</summary>
    public static void Reset(Socket socket)
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

    private static bool NothingUnread(Socket socket)
    {
        try
        {
            return socket.Available == 0;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return true;
        }
    }

    private static async Task LingerAsync(Socket socket, TimeSpan linger, Action? closed)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Send);
            using var timeout = new CancellationTokenSource(linger);
            var budget = MaxDiscarded;
            int read;
            while (budget > 0 && (read = await socket.ReceiveAsync(Discarded, SocketFlags.None, timeout.Token).ConfigureAwait(false)) > 0)
                budget -= read;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The client reset, or did not close in time: either way we are done with it.
        }
        finally
        {
            // Sending is shut down, so this closes normally (no reset) even with a read still pending.
            socket.Dispose();
            closed?.Invoke();
        }
    }
}
