using System.Text;

namespace Resume.Apps.Samples;

/// <summary>
/// <c>lineclient?port=P&amp;line=TEXT</c>: talks to a line-based TCP service on 127.0.0.1:P through
/// <c>environ.Async</c> and readiness steps — connect, wait writable, send one line, wait readable,
/// read a line — and answers with the line it got back.
/// </summary>
public static class LineClientApp
{
    public static IEnumerable<Step> Run(Environ environ, StartResponse startResponse)
    {
        var port = (int)environ.Query.Int("port", 0);
        var line = environ.Query.TryGetValue("line", out var text) ? text : "hello";
        var connecting = environ.Async.ConnectAsync("127.0.0.1", port, TimeSpan.FromSeconds(5));
        yield return connecting;
        if (!connecting.IsCompletedSuccessfully)
        {
            var error = Encoding.UTF8.GetBytes($"could not connect to 127.0.0.1:{port}: {connecting.Exception?.InnerException?.Message}\n");
            startResponse("502 Bad Gateway", Responses.Sized("text/plain", error.Length));
            yield return error;
            yield break;
        }

        using var socket = connecting.Result;
        yield return Step.Writable(socket, environ.Aborted);
        var sending = environ.Async.WriteAsync(socket, Encoding.UTF8.GetBytes(line + "\n"));
        yield return sending;
        sending.GetAwaiter().GetResult();

        yield return Step.Readable(socket, environ.Aborted);
        var reply = environ.Async.ReadUntilAsync(socket, "\n"u8.ToArray());
        yield return reply;
        var body = reply.GetAwaiter().GetResult();
        startResponse("200 OK", Responses.Sized("text/plain; charset=utf-8", body.Length));
        yield return body;
    }
}
