namespace Resume.Apps.Cluster;

/// <summary>
/// What <see cref="ClusterFacade"/> stands on: the server's cluster, or this node alone when
/// clustering is off. Implemented by the server (and by tests); apps use the facade.
/// </summary>
public interface IClusterBackend
{
    /// <summary>This node's name: its cluster address, or "local" when clustering is off.</summary>
    string NodeName { get; }

    /// <summary>The members this node knows of, itself included.</summary>
    IReadOnlyList<ClusterMember> Members { get; }

    /// <summary>How long an ask or a job may take when the app does not say.</summary>
    TimeSpan DefaultTimeout { get; }

    /// <summary>Asks entity <paramref name="entityId"/> of <paramref name="entityType"/>; the task holds its reply.</summary>
    Task<object?> AskEntityAsync(string entityType, string entityId, object message, TimeSpan timeout, CancellationToken cancellation);

    void TellEntity(string entityType, string entityId, object message);

    void Publish(string topic, object message);

    /// <summary>Delivers the topic's messages to <paramref name="subscription"/> until it is disposed.</summary>
    void Subscribe(string topic, TopicSubscription subscription);

    /// <summary>Runs job <paramref name="jobType"/> on the least-loaded node; the task holds its result.</summary>
    Task<object?> SubmitAsync(string jobType, object? data, TimeSpan timeout, CancellationToken cancellation);
}
