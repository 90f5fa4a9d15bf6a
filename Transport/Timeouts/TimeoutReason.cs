namespace Resume.Transport.Timeouts;

/// <summary>Why something is timed: every timeout of the server is one of these, kept in a <see cref="TimeoutTable"/>.</summary>
public enum TimeoutReason
{
    /// <summary>A started request head did not arrive whole in time (<c>resume.limits.header-timeout</c>): 408, then close.</summary>
    RequestHead,

    /// <summary>A connection stayed idle between requests too long (<c>resume.connection.keep-alive-timeout</c>): closed.</summary>
    KeepAlive,

    /// <summary>A request waited on one future too long (<c>suspend-timeout</c>): 504, or the response is cut.</summary>
    Suspend,

    /// <summary>A whole request took too long (<c>deadline</c>): 504, or the response is cut.</summary>
    Deadline,

    /// <summary>
    /// Shutdown's drain ran out (<c>resume.shutdown.drain-deadline</c>): requests still running get 503
    /// with <c>Connection: close</c> (or are cut if their headers went out), then the connections close.
    /// </summary>
    Drain,

    /// <summary>
    /// A request body arrived slower than <c>resume.limits.min-request-body-rate</c> while it was being
    /// waited for: the read fails with 408, the connection closes after the response.
    /// </summary>
    RequestBodyRate,

    /// <summary>
    /// A client read a response slower than <c>resume.limits.min-response-rate</c>: the connection is
    /// reset and its requests' <c>Aborted</c> fires.
    /// </summary>
    ResponseRate,

    /// <summary>An <c>environ.Async</c> operation took longer than its timeout: it fails with <see cref="TimeoutException"/>.</summary>
    AsyncOperation,

    /// <summary>
    /// A client of the HTTPS listener did not complete its TLS handshake in time
    /// (<c>resume.server.https.handshake-timeout</c>): the connection is closed.
    /// </summary>
    TlsHandshake,

    /// <summary>A connection to a listener with the PROXY protocol on has not sent its PROXY header in time.</summary>
    ProxyHeader,
}
