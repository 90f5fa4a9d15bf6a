using Resume.Transport.Timeouts;

namespace Resume.Transport.Connection;

/// <summary>Per-connection behaviour, set from HOCON (<c>resume.connection</c>).</summary>
public sealed record ConnectionSettings
{
    /// <summary>Most requests of one connection in flight at once (pipelining); responses still leave in order.</summary>
    public required int MaxPipelined { get; init; }

    /// <summary>How long a connection may sit with no request before it is closed.</summary>
    public required TimeSpan KeepAliveTimeout { get; init; }

    /// <summary>How much of a body the app left unread is read and dropped to keep the connection; past it, it closes.</summary>
    public required long UnreadBodyDrainLimit { get; init; }

    /// <summary>
    /// When an app answers a request with <c>Expect: 100-continue</c> without reading its body, the
    /// client may or may not send it: false closes the connection after the response (safe), true
    /// reads and drops the body as for any unread body.
    /// </summary>
    public required bool DrainUnreadExpectedBody { get; init; }

    /// <summary>
    /// What a client's FIN (it shut down its sending side) means while its requests are in flight.
    /// False (the default): a half-close; the requests it sent whole are answered, then the connection
    /// closes (<c>printf ... | nc</c> works). True: the client is gone, as Kestrel has it; its requests
    /// are ended and their <c>Aborted</c> fires. A client that closed entirely is found out either way,
    /// by a reset or a failed write.
    /// </summary>
    public required bool AbortOnClientFin { get; init; }

    /// <summary>How fast a request body must arrive while it is waited for: 408 and close past it.</summary>
    public required MinDataRate MinRequestBodyRate { get; init; }

    /// <summary>How fast a client must read a response: past it the connection is reset, its requests' Aborted fires.</summary>
    public required MinDataRate MinResponseRate { get; init; }
}
