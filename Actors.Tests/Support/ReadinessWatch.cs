using System.Diagnostics;
using System.Net;

namespace Resume.Actors.Tests.Support;

/// <summary>
/// What a load balancer following the readiness path knows: each node's <c>/ready</c> polled every
/// <c>interval</c>, a node taking requests only while its last poll answered 200. A client that saw
/// a connect refused marks the node down at once, until its next poll.
/// </summary>
public sealed class ReadinessWatch : IAsyncDisposable
{
    private readonly IReadOnlyList<IPEndPoint> _nodes;
    private readonly int[] _ready;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _polls;
    private readonly Stopwatch _clock;
    private readonly List<string> _changes = [];

    /// <param name="clock">What the changes are timed by (the test's clock).</param>
    public ReadinessWatch(IReadOnlyList<IPEndPoint> nodes, string path, TimeSpan interval, Stopwatch clock)
    {
        _nodes = nodes;
        _clock = clock;
        _ready = new int[nodes.Count];
        _polls = [.. Enumerable.Range(0, nodes.Count).Select(i => Task.Run(() => PollAsync(i, path, interval)))];
    }

    /// <summary>The nodes whose last poll answered 200 (and no connect was refused since).</summary>
    public IReadOnlyList<int> ReadyNodes => [.. Enumerable.Range(0, _nodes.Count).Where(IsReady)];

    /// <summary>Each change seen, as "+12.345 s node 1 not ready".</summary>
    public IReadOnlyList<string> Changes
    {
        get
        {
            lock (_changes)
                return [.. _changes];
        }
    }

    public bool IsReady(int node) => Volatile.Read(ref _ready[node]) == 1;

    /// <summary>A connect to <paramref name="node"/> was refused: send it nothing until a poll says otherwise.</summary>
    public void MarkDown(int node) => Set(node, false, "connect refused");

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_polls);
        _stop.Dispose();
    }

    private async Task PollAsync(int node, string path, TimeSpan interval)
    {
        while (!_stop.IsCancellationRequested)
        {
            Set(node, await HealthProbe.IsOkAsync(_nodes[node], path, interval * 5), "poll");
            try
            {
                await Task.Delay(interval, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Set(int node, bool ready, string why)
    {
        if (Interlocked.Exchange(ref _ready[node], ready ? 1 : 0) != (ready ? 1 : 0))
        {
            lock (_changes)
                _changes.Add($"+{_clock.Elapsed.TotalSeconds:0.000} s node {node} {(ready ? "ready" : "not ready")} ({why})");
        }
    }
}
