using Resume.Apps;

namespace Resume.Actors.Apps;

/// <summary>
/// <c>OPTIONS *</c> asks about the server, not a resource (RFC 9110 §9.3.7), so the server answers it
/// and no app sees it: 200, the methods apps here commonly serve in <c>Allow</c>, and no body.
/// </summary>
public static class ServerOptions
{
    // The server refuses no method itself (any upper-case token reaches the app), so this lists the
    // ones RFC 9110 defines for resources, less CONNECT and TRACE, which no sample serves.
    private const string Allow = "GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS";

    public static readonly AppRoute Route = new("server", Run, new AppOptions
    {
        Blocking = false,
        Prebuffer = false,
        PrebufferLimit = 0,
        SuspendTimeout = TimeSpan.Zero,
        Deadline = TimeSpan.Zero,
    });

    public static bool Applies(string method, string target) => target == "*" && method == "OPTIONS";

    private static IEnumerable<Step> Run(Environ environ, StartResponse startResponse)
    {
        startResponse("200 OK", [new("Allow", Allow), new("Content-Length", "0")]);
        yield break;
    }
}
