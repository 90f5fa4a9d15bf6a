using Resume.Actors.Stats;

namespace Resume.Actors.Health;

/// <summary>
/// Whether a load balancer should send this node requests: it listens, it is an Up member of the
/// cluster (when clustered) and it is not stopping. Read on every readiness request from whatever
/// thread serves it, so each part is a field or a cheap read, never an ask.
/// </summary>
public sealed class Readiness
{
    private readonly ServerStats _stats;
    private readonly Func<string?> _membership;
    private volatile bool _stopping;

    /// <param name="membership">Why cluster membership keeps the node from being ready (null: it does not); none when not clustered.</param>
    public Readiness(ServerStats stats, Func<string?>? membership = null)
    {
        _stats = stats;
        _membership = membership ?? (() => null);
    }

    /// <summary>Why the node is not ready, in a few words; null when it is.</summary>
    public string? Problem => _stopping ? "stopping" : !_stats.Listening ? "not listening" : _membership();

    /// <summary>From now on the node is not ready: it is shutting down (it may still serve for a while).</summary>
    public void MarkStopping() => _stopping = true;
}
