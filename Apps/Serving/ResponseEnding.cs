namespace Resume.Apps.Serving;

/// <summary>How a response that did not complete normally ends, as the client sees it.</summary>
/// <param name="Truncated">
/// True when the headers were committed: the response is cut short (no final chunk, or the connection
/// closed short of Content-Length). False: nothing was sent, and the server answers <paramref name="Status"/> instead.
/// </param>
/// <param name="Status">The error status sent when not truncated (500, 504, or a body error's 400/413).</param>
/// <param name="BodyError">The request-body error that decided the status, if one did: its message may be shown to the client.</param>
/// <param name="RetryAfter">For a 503 the app let escape (<see cref="Cluster.ClusterUnavailableException"/>): when the client may try again.</param>
public readonly record struct ResponseEnding(bool Truncated, int Status, RequestBodyException? BodyError, TimeSpan? RetryAfter = null);
