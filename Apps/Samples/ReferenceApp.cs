using System.Text;

namespace Resume.Apps.Samples;

/// <summary>
/// <c>reference</c>: the usual target of HTTP test tools. <c>GET /</c> answers "OK"; <c>POST /</c> echoes
/// the body; <c>/echo</c> lists the request headers as <c>Name: value</c> lines; <c>/cookie</c> lists
/// the request's cookies as <c>name=value</c> lines.
/// </summary>
public static class ReferenceApp
{
    public static IEnumerable<Step> Run(Environ environ, StartResponse startResponse)
    {
        switch (environ.PathInfo)
        {
            case "/echo":
                return Text(startResponse, "200 OK", string.Concat(environ.Headers.Select(h => $"{h.Key}: {h.Value}\n")));
            case "/cookie":
                return Text(startResponse, "200 OK", string.Concat(Cookies(environ).Select(c => c + "\n")));
            case "/" or "" when environ.RequestMethod == "POST":
                return EchoBody(environ, startResponse);
            case "/" or "":
                return Text(startResponse, "200 OK", "OK");
            default:
                return Text(startResponse, "404 Not Found", "Not Found");
        }
    }

    private static IEnumerable<Step> EchoBody(Environ environ, StartResponse startResponse)
    {
        var read = environ.Input.ReadToEndAsync(64L * 1024 * 1024);
        yield return read;
        var body = read.GetAwaiter().GetResult();
        startResponse("200 OK", Responses.Sized(environ.ContentType.Length > 0 ? environ.ContentType : "application/octet-stream", body.Length));
        yield return body;
    }

    private static IEnumerable<string> Cookies(Environ environ) =>
        environ.Headers
            .Where(h => string.Equals(h.Key, "Cookie", StringComparison.OrdinalIgnoreCase))
            .SelectMany(h => h.Value.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));

    private static IEnumerable<Step> Text(StartResponse startResponse, string status, string text)
    {
        var body = Encoding.UTF8.GetBytes(text);
        startResponse(status, Responses.Sized("text/plain; charset=utf-8", body.Length));
        yield return body;
    }
}
