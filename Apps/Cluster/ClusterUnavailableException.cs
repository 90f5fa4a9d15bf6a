namespace Resume.Apps.Cluster;

/// <summary>
/// The cluster did not answer in time (an ask or a job timed out, or no node can take it). If the
/// app lets it escape before headers are sent, the server answers 503 with
/// <c>Retry-After: </c><see cref="RetryAfter"/> instead of 500: the client may well succeed later
/// (a node is moving its entities, or recovering).
/// </summary>
public sealed class ClusterUnavailableException(string message, TimeSpan retryAfter, Exception? inner = null)
    : TimeoutException(message, inner)
{
    public TimeSpan RetryAfter { get; } = retryAfter;

    /// <summary>The first <see cref="ClusterUnavailableException"/> in <paramref name="error"/> or its inner exceptions.</summary>
    public static ClusterUnavailableException? FindIn(Exception error) => error switch
    {
        ClusterUnavailableException found => found,
        AggregateException aggregate => aggregate.InnerExceptions.Select(FindIn).FirstOrDefault(found => found is not null),
        _ when error.InnerException is not null => FindIn(error.InnerException),
        _ => null,
    };
}
