using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Resume.Actors.Tests.Support;

/// <summary>What one phase of a load saw: every request's outcome, and the connects refused (and sent elsewhere).</summary>
public sealed class LoadTally
{
    private readonly ConcurrentQueue<RequestOutcome> _outcomes = new();
    private int _refusedConnects;

    public IReadOnlyList<RequestOutcome> Outcomes => [.. _outcomes];

    public IReadOnlyList<RequestOutcome> Failures => [.. _outcomes.Where(o => o.Failed)];

    /// <summary>Connects refused: nothing was sent, so the request went to another node.</summary>
    public int RefusedConnects => Volatile.Read(ref _refusedConnects);

    public void Add(RequestOutcome outcome) => _outcomes.Enqueue(outcome);

    public void RefusedConnect() => Interlocked.Increment(ref _refusedConnects);

    /// <summary>"1234 requests, 0 failed; by kind ...; by node ...; ...".</summary>
    public string Summary()
    {
        var outcomes = Outcomes;
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{outcomes.Count} requests, {outcomes.Count(o => o.Failed)} failed; by kind:");
        foreach (var kind in outcomes.GroupBy(o => o.Kind).OrderBy(g => g.Key, StringComparer.Ordinal))
            text.Append(CultureInfo.InvariantCulture, $" {kind.Key} {kind.Count()}");
        text.Append("; by node:");
        foreach (var node in outcomes.GroupBy(o => o.Node).OrderBy(g => g.Key))
            text.Append(CultureInfo.InvariantCulture, $" {node.Key}: {node.Count()}");
        text.Append(CultureInfo.InvariantCulture, $"; connects refused and sent to another node: {RefusedConnects}");
        return text.ToString();
    }
}
