using System.Text;

namespace Resume.Transport.Http;

/// <summary>
/// A response of the server's own (a refused request, an app that failed or timed out): a plain-text
/// head with its Content-Length and a short UTF-8 body. Whether the connection closes after it is
/// the renderer's decision, from the request's <see cref="ResponseContext"/>.
/// </summary>
public sealed record ErrorResponse(ResponseHead Head, ReadOnlyMemory<byte> Body)
{
    /// <summary>Answers <paramref name="status"/> with <paramref name="text"/> as the whole body.</summary>
    public static ErrorResponse For(int status, string text)
    {
        var body = Encoding.UTF8.GetBytes(text);
        return new ErrorResponse(ResponseHead.Plain(status, body.Length), body);
    }

    /// <summary>Answers a refused request: its status, then its message, e.g. <c>"400 Bad Request: The request line is malformed.\n"</c>.</summary>
    public static ErrorResponse For(RequestRejectedException rejection) => Refused(rejection.Status, rejection.Message);

    /// <summary>Answers a request refused for what the client sent (a header, its body): the message is about the request, so it is shown.</summary>
    public static ErrorResponse Refused(int status, string message) =>
        For(status, $"{status} {ResponseHead.ReasonPhrase(status)}: {message}\n");

    /// <summary>
    /// Answers a request the server could not complete (an app that failed, a timeout): the status and
    /// the request's id, under which the log has the details; never an exception's text.
    /// </summary>
    public static ErrorResponse Failed(int status, string requestId, TimeSpan? retryAfter = null)
    {
        var response = For(status, $"{status} {ResponseHead.ReasonPhrase(status)} (request {requestId})\n");
        if (retryAfter is not { } delay)
            return response;
        var seconds = Math.Max(1, (long)Math.Ceiling(delay.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var head = response.Head;
        return response with
        {
            Head = ResponseHead.Checked(head.Status, head.StatusLine, [.. head.Headers, new("Retry-After", seconds)], head.ContentLength, head.Close),
        };
    }

    /// <summary>The whole response, as one final piece of request <paramref name="seq"/>'s response.</summary>
    public ResponseOut ToResponseOut(long seq, ResponseContext context) =>
        new() { Seq = seq, Context = context, Head = Head, Chunks = [Body], IsFinal = true };
}
