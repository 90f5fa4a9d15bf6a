using System.Net;
using System.Net.Sockets;
using Resume.Actors.Tests.Support;

namespace Resume.Actors.Tests.Fuzz;

/// <summary>
/// What must hold whatever a client sends: the server answers with no 5xx but 501 (a transfer coding
/// it does not decode) and 505 (a version it does not speak), every response is well-formed, and the
/// connection ends within the bound its timeouts set. The client half-closes after its bytes, as
/// <c>printf ... | nc</c> does, so the server never waits on input that will not come; or it holds
/// the connection open, and the server's header and keep-alive timeouts must end it.
/// </summary>
public static class FuzzInvariants
{
    private static readonly int[] AllowedServerErrors = [501, 505];

    /// <summary>
    /// Sends <paramref name="input"/>, then half-closes unless told to <paramref name="holdOpen"/> (the
    /// server must then end the connection by its own timeouts), and throws, naming the rule, if the
    /// server broke one; else the statuses it answered.
    /// </summary>
    public static async Task<IReadOnlyList<int>> HoldForAsync(IPEndPoint server, FuzzCase input, TimeSpan bound, bool holdOpen = false)
    {
        var statuses = new List<int>();
        await using var client = await RawHttpClient.ConnectAsync(server);
        try
        {
            await client.SendInPiecesAsync(input.Bytes, input.Pieces);
            if (!holdOpen)
                client.ShutdownSend();
        }
        catch (SocketException)
        {
            // The server refused the input and closed before taking all of it: what it answered is read below.
        }

        var deadline = DateTime.UtcNow + bound;
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
                throw new TimeoutException($"The connection was still open {bound.TotalSeconds:0.#} s after the input.");
            RawResponse response;
            try
            {
                response = await client.ReadResponseAsync(timeout: left);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The connection was still open {bound.TotalSeconds:0.#} s after the input.");
            }
            catch (Exception e) when (e is IOException or SocketException)
            {
                return statuses; // closed, between responses or in one cut short because the client left
            }
            if (!response.StatusLine.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) && !response.StatusLine.StartsWith("HTTP/1.0 ", StringComparison.Ordinal))
                throw new InvalidDataException($"A malformed status line: {response.StatusLine}");
            if (response.Status >= 500 && !AllowedServerErrors.Contains(response.Status))
                throw new InvalidDataException($"The server answered {response.StatusLine}: {response.BodyText}");
            statuses.Add(response.Status);
        }
    }
}
