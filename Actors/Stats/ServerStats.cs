using Resume.Actors.Metrics;
using Resume.Transport.Timeouts;
using System.Collections.Concurrent;

namespace Resume.Actors.Stats;

/// <summary>
/// Counters and the requests in flight of one server, kept by its actors with lock-free updates,
/// read by the status endpoint and by tests.
/// </summary>
public sealed class ServerStats
{
    private long _connections;
    private long _completed;
    private long _failed;
    private long _aborted;
    private long _timedOut;
    private long _disposed;
    private long _requestActors;
    private volatile bool _listening;

    public ConcurrentDictionary<string, RequestStatus> InFlight { get; } = new(StringComparer.Ordinal);

    /// <summary>The server's instruments (System.Diagnostics.Metrics); the server actor disposes them when it stops.</summary>
    public ServerMetrics Metrics { get; } = new();

    public long Connections => Interlocked.Read(ref _connections);

    /// <summary>Requests whose app finished and whose response was sent whole.</summary>
    public long Completed => Interlocked.Read(ref _completed);

    /// <summary>Requests whose app threw (500, or a cut response).</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Requests ended because the client went away or the server stopped them.</summary>
    public long Aborted => Interlocked.Read(ref _aborted);

    /// <summary>Requests ended by a suspend timeout or their deadline.</summary>
    public long TimedOut => Interlocked.Read(ref _timedOut);

    /// <summary>App iterators disposed.</summary>
    public long Disposed => Interlocked.Read(ref _disposed);

    /// <summary>Request actors alive now.</summary>
    public long RequestActors => Interlocked.Read(ref _requestActors);

    /// <summary>Whether new connections are accepted: from the server actor's start until it unbinds.</summary>
    public bool Listening
    {
        get => _listening;
        set => _listening = value;
    }

    /// <summary>The connection hosts' timeout tables, where every timeout of the server is kept (set when the server starts).</summary>
    public IReadOnlyList<TimeoutTable> TimeoutTables { get; set; } = [];

    /// <summary>How many timeouts for <paramref name="reason"/> are armed right now, over every table.</summary>
    public int PendingTimeouts(TimeoutReason reason) => TimeoutTables.Sum(table => table.CountArmed(reason));

    public void ConnectionOpened()
    {
        Interlocked.Increment(ref _connections);
        Metrics.ConnectionOpened();
    }

    public void ConnectionClosed()
    {
        Interlocked.Decrement(ref _connections);
        Metrics.ConnectionClosed();
    }

    public void RequestActorStarted() => Interlocked.Increment(ref _requestActors);

    public void RequestActorStopped() => Interlocked.Decrement(ref _requestActors);

    public void IteratorDisposed() => Interlocked.Increment(ref _disposed);

    public void Ended(RequestOutcome outcome)
    {
        switch (outcome)
        {
            case RequestOutcome.Completed:
                Interlocked.Increment(ref _completed);
                break;
            case RequestOutcome.Failed:
                Interlocked.Increment(ref _failed);
                break;
            case RequestOutcome.Aborted:
                Interlocked.Increment(ref _aborted);
                break;
            case RequestOutcome.TimedOut:
                Interlocked.Increment(ref _timedOut);
                break;
        }
    }
}
