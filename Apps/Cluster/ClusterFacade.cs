namespace Resume.Apps.Cluster;

/// <summary>
/// <c>environ.Cluster</c>: sharded entities, topics and cluster work, as futures to yield, with no
/// Akka types. With clustering off the same calls run on this node alone (entities and jobs local),
/// so an app runs unchanged from a laptop to a cluster. Every future is cancelled when the request is
/// aborted (the client went away), and a timeout fails it with <see cref="ClusterUnavailableException"/>,
/// which the server answers with 503 and <c>Retry-After</c> if the app lets it escape. Subscriptions
/// end with the request, however it ends.
/// </summary>
public sealed class ClusterFacade
{
    // A node takes a few seconds to be found down and its entities to start elsewhere.
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    private readonly IClusterBackend _backend;
    private readonly CancellationToken _aborted;
    private List<TopicSubscription>? _subscriptions;

    public ClusterFacade(IClusterBackend backend, CancellationToken aborted)
    {
        _backend = backend;
        _aborted = aborted;
    }

    /// <summary>This node's name: its cluster address, or "local" when clustering is off.</summary>
    public string NodeName => _backend.NodeName;

    /// <summary>The members this node knows of, itself included.</summary>
    public IReadOnlyList<ClusterMember> Members => _backend.Members;

    /// <summary>
    /// Asks entity <paramref name="entityId"/> of type <paramref name="entityType"/> (a name under
    /// <c>resume.cluster.entities</c>), wherever it lives; the future holds its reply.
    /// </summary>
    public Task<TReply> AskAsync<TReply>(
        string entityType, string entityId, object message, TimeSpan? timeout = null, CancellationToken cancellation = default) =>
        FutureKind.Label(AskEntityAsync<TReply>(entityType, entityId, message, timeout, cancellation), FutureKind.Cluster);

    private async Task<TReply> AskEntityAsync<TReply>(string entityType, string entityId, object message, TimeSpan? timeout, CancellationToken cancellation)
    {
        var limit = timeout ?? _backend.DefaultTimeout;
        using var linked = Link(cancellation);
        object? reply;
        try
        {
            reply = await _backend.AskEntityAsync(entityType, entityId, message, limit, linked.Token).ConfigureAwait(false);
        }
        catch (TimeoutException e) when (e is not ClusterUnavailableException && !linked.IsCancellationRequested)
        {
            throw new ClusterUnavailableException($"Entity {entityType}/{entityId} did not answer within {limit.TotalSeconds:0.###} s.", RetryAfter, e);
        }
        return reply is TReply typed
            ? typed
            : throw new InvalidCastException($"Entity {entityType}/{entityId} answered {reply?.GetType().Name ?? "nothing"}, not {typeof(TReply).Name}.");
    }

    /// <summary>Sends <paramref name="message"/> to an entity without waiting for a reply.</summary>
    public void Tell(string entityType, string entityId, object message) => _backend.TellEntity(entityType, entityId, message);

    /// <summary>Publishes <paramref name="message"/> to every subscriber of <paramref name="topic"/>, on every node.</summary>
    public void Publish(string topic, object message) => _backend.Publish(topic, message);

    /// <summary>Subscribes this request to <paramref name="topic"/>; yield <see cref="TopicSubscription.Subscribed"/> before relying on it (and see there).</summary>
    public TopicSubscription Subscribe(string topic)
    {
        var subscription = new TopicSubscription(topic);
        lock (this)
        {
            if (_aborted.IsCancellationRequested)
                throw new OperationCanceledException("The request has ended.", _aborted);
            (_subscriptions ??= []).Add(subscription);
        }
        _backend.Subscribe(topic, subscription);
        return subscription;
    }

    /// <summary>
    /// Runs job <paramref name="jobType"/> (a name under <c>resume.cluster.jobs</c>) with
    /// <paramref name="data"/> on the least-loaded node; the future holds its result.
    /// </summary>
    public Task<TResult> SubmitAsync<TResult>(string jobType, object? data, TimeSpan? timeout = null, CancellationToken cancellation = default) =>
        FutureKind.Label(SubmitJobAsync<TResult>(jobType, data, timeout, cancellation), FutureKind.Cluster);

    private async Task<TResult> SubmitJobAsync<TResult>(string jobType, object? data, TimeSpan? timeout, CancellationToken cancellation)
    {
        var limit = timeout ?? _backend.DefaultTimeout;
        using var linked = Link(cancellation);
        object? result;
        try
        {
            result = await _backend.SubmitAsync(jobType, data, limit, linked.Token).ConfigureAwait(false);
        }
        catch (TimeoutException e) when (e is not ClusterUnavailableException && !linked.IsCancellationRequested)
        {
            throw new ClusterUnavailableException($"Job {jobType} did not finish within {limit.TotalSeconds:0.###} s.", RetryAfter, e);
        }
        return result is TResult typed
            ? typed
            : throw new InvalidCastException($"Job {jobType} returned {result?.GetType().Name ?? "nothing"}, not {typeof(TResult).Name}.");
    }

    /// <summary>For the server, when the request ends: its subscriptions end.</summary>
    public void EndRequest()
    {
        List<TopicSubscription>? subscriptions;
        lock (this)
            (subscriptions, _subscriptions) = (_subscriptions, null);
        if (subscriptions is null)
            return;
        foreach (var subscription in subscriptions)
            subscription.Dispose();
    }

    private CancellationTokenSource Link(CancellationToken cancellation) =>
        cancellation.CanBeCanceled
            ? CancellationTokenSource.CreateLinkedTokenSource(_aborted, cancellation)
            : CancellationTokenSource.CreateLinkedTokenSource(_aborted);
}
