using System.Globalization;
using System.Text;
using Resume.Apps;

namespace Resume.Actors.Health;

/// <summary>
/// The liveness and readiness endpoints, answered by the server ahead of any app: short plain text,
/// never cached, so a probe needs nothing but the status code.
/// </summary>
public static class HealthApp
{
    /// <summary>200 "live": a request actor answering it is proof enough that the actor system runs.</summary>
    public static App Liveness { get; } = (_, startResponse) => Answer(startResponse, "200 OK", "live");

    /// <summary>200 "ready", or 503 and the reason (<see cref="Readiness.Problem"/>).</summary>
    public static App For(Readiness readiness) => (_, startResponse) =>
        readiness.Problem is { } problem
            ? Answer(startResponse, "503 Service Unavailable", $"not ready: {problem}")
            : Answer(startResponse, "200 OK", "ready");

    private static IEnumerable<Step> Answer(StartResponse startResponse, string status, string text)
    {
        var body = Encoding.UTF8.GetBytes(text + "\n");
        startResponse(status, [
            new("Content-Type", "text/plain; charset=utf-8"),
            new("Cache-Control", "no-store"),
            new("Content-Length", body.Length.ToString(CultureInfo.InvariantCulture)),
        ]);
        yield return body;
    }
}
