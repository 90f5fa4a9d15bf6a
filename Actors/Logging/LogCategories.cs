namespace Resume.Actors.Logging;

/// <summary>
/// The log categories of Resume's own lines, one per component, so an operator filters them apart
/// (<c>resume.logging.levels</c>, <c>Logging:LogLevel:Resume.Request</c>). Akka's lines keep Akka's.
/// </summary>
public static class LogCategories
{
    /// <summary>Listening, accepting, unbinding, draining, stopping; the server actor's faults.</summary>
    public const string Server = "Resume.Server";

    /// <summary>A connection's life: refused input, TLS handshakes, its faults.</summary>
    public const string Connection = "Resume.Connection";

    /// <summary>A request's life as the server sees it: timeouts, refused bodies, faults of the server's own.</summary>
    public const string Request = "Resume.Request";

    /// <summary>The apps' own output: what they write to <c>wsgi.errors</c>, and the exceptions they raise.</summary>
    public const string App = "Resume.App";

    /// <summary>This node in the cluster: joining, up, leaving.</summary>
    public const string Cluster = "Resume.Cluster";
}
