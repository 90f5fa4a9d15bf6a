using System.Collections.Concurrent;

namespace Resume.Actors.Cluster;

/// <summary>
/// The last load each node reported, plus the jobs this node sent each since: the least loaded by
/// that count gets the next job (ties broken at random), so a burst from one node spreads out before
/// the next reports come, instead of piling on the node that looked idlest.
/// </summary>
public sealed class LoadTable
{
    private readonly ConcurrentDictionary<string, int> _reported = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _sentSince = new(StringComparer.Ordinal);

    public void Report(string node, int running)
    {
        _reported[node] = running;
        _sentSince[node] = 0;
    }

    public int LoadOf(string node) => _reported.GetValueOrDefault(node) + _sentSince.GetValueOrDefault(node);

    /// <summary>The least loaded of <paramref name="nodes"/> (not empty), counted as sent a job.</summary>
    public string Choose(IReadOnlyList<string> nodes)
    {
        var best = nodes.MinBy(node => (LoadOf(node), Random.Shared.Next()))!;
        _sentSince.AddOrUpdate(best, 1, (_, sent) => sent + 1);
        return best;
    }

    /// <summary>A job sent to <paramref name="node"/> ended (it no longer counts until the next report says so).</summary>
    public void Done(string node) => _sentSince.AddOrUpdate(node, 0, (_, sent) => Math.Max(0, sent - 1));
}
