namespace Resume.Transport.Connection;

/// <summary>Per-connection behaviour, set from HOCON (<c>resume.connection</c>).</summary>
public sealed record ConnectionSettings
{
    /// <summary>Most requests of one connection in flight at once (pipelining); responses still leave in order.</summary>
    public int MaxPipelined { get; init; } = 16;

    /// <summary>How long a connection may sit with no request before it is closed.</summary>
    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(75);

    /// <summary>How much of a body the app left unread is read and dropped to keep the connection; past it, it closes.</summary>
    public long UnreadBodyDrainLimit { get; init; } = 1024 * 1024;

    /// <summary>
    /// When an app answers a request with <c>Expect: 100-continue</c> without reading its body, the
    /// client may or may not send it: false closes the connection after the response (safe), true
    /// reads and drops the body as for any unread body.
    /// </summary>
    public bool DrainUnreadExpectedBody { get; init; }

    public static ConnectionSettings Default { get; } = new();
}
