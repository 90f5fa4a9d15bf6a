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
    public static ErrorResponse For(RequestRejectedException rejection) =>
        For(rejection.Status, $"{rejection.Status} {ResponseHead.ReasonPhrase(rejection.Status)}: {rejection.Message}\n");

    /// <summary>The whole response, as one final piece of request <paramref name="seq"/>'s response.</summary>
    public ResponseOut ToResponseOut(long seq, ResponseContext context) =>
        new() { Seq = seq, Context = context, Head = Head, Chunks = [Body], IsFinal = true };
}
