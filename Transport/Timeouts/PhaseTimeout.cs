namespace Resume.Transport.Timeouts;

/// <summary>
/// A limit on how long one phase of a connection may last (a request head arriving, the connection
/// sitting idle), kept on the host's <see cref="TimeoutTable"/>. The deadline is not moved
/// each time the phase starts again: when it passes, <see cref="HasExpired"/> looks at when the
/// current phase began and, if need be, sets the deadline to the rest of it. That keeps a request
/// on a keep-alive connection to two field writes here.
/// </summary>
public sealed class PhaseTimeout
{
    private const long Stopped = -1;

    private readonly TimeoutTable _table;
    private readonly TimeoutTable.Deadline _deadline;
    private readonly TimeSpan _limit;

    // When the phase began (Environment.TickCount64), or Stopped.
    private long _since = Stopped;

    /// <param name="onPassed">Called (from the table's tick) when the deadline passes: it should ask <see cref="HasExpired"/>.</param>
    public PhaseTimeout(TimeoutTable table, TimeoutReason reason, TimeSpan limit, Action onPassed)
    {
        _table = table;
        _limit = limit;
        _deadline = table.Add(reason, onPassed);
    }

    public bool IsRunning => _since != Stopped;

    /// <summary>The phase begins (again) at <paramref name="now"/>.</summary>
    public void Start(long now)
    {
        _since = now;
        _deadline.StartIfUnset(now, _limit);
    }

    /// <summary>The phase is over; a deadline still pending finds nothing to end.</summary>
    public void Stop() => _since = Stopped;

    /// <summary>When the deadline passed: whether the running phase is over its limit. If not, the deadline is set to its rest.</summary>
    public bool HasExpired() => _since != Stopped && _deadline.HasPassed(_since, _limit);

    /// <summary>Takes the deadline off the table; call when the stage stops.</summary>
    public void Remove() => _table.Remove(_deadline);
}
