namespace Resume.Transport.Timeouts;

/// <summary>
/// Timeouts checked on one periodic tick instead of a timer each: an owner adds a
/// <see cref="Deadline"/> once (per connection, request or operation), sets and clears its due time
/// as often as it likes at the cost of a field write, and is called back on the first tick past it.
/// A timer per timeout cost a registration and a cancellation source each, held as long as it was
/// armed, and a schedule and cancel per use; Kestrel checks its timeouts on a heartbeat the same way.
/// A deadline is met up to one <see cref="Tick"/> late. Callbacks run on the ticking thread, outside
/// the table's lock, and must only hand work on (a message, an async callback, a cancellation queued).
/// </summary>
public sealed class TimeoutTable(TimeSpan tick)
{
    private readonly object _gate = new();
    private readonly List<Deadline> _deadlines = [];
    // Reused by Check, which runs on one thread at a time (the owner's tick).
    private readonly List<Deadline> _passed = [];

    /// <summary>How often the owner calls <see cref="Check"/>.</summary>
    public TimeSpan Tick { get; } = tick;

    public int Count
    {
        get
        {
            lock (_gate)
                return _deadlines.Count;
        }
    }

    /// <summary>How many deadlines for <paramref name="reason"/> are set (for the status endpoint and tests; it looks at every one).</summary>
    public int CountArmed(TimeoutReason reason)
    {
        lock (_gate)
            return _deadlines.Count(d => d.Reason == reason && d.IsSet);
    }

    /// <summary>A deadline, unset, that calls <paramref name="onPassed"/> when it has passed; remove it when its owner ends.</summary>
    public Deadline Add(TimeoutReason reason, Action onPassed)
    {
        var deadline = new Deadline(reason, onPassed);
        lock (_gate)
        {
            deadline.Index = _deadlines.Count;
            _deadlines.Add(deadline);
        }
        return deadline;
    }

    public void Remove(Deadline deadline)
    {
        lock (_gate)
        {
            var index = deadline.Index;
            if (index < 0)
                return;
            // Swap with the last: order does not matter, and removal stays O(1).
            var last = _deadlines[^1];
            _deadlines[index] = last;
            last.Index = index;
            _deadlines.RemoveAt(_deadlines.Count - 1);
            deadline.Index = -1;
        }
    }

    /// <summary>Calls back, once, every deadline that has passed by <paramref name="now"/> (<see cref="Environment.TickCount64"/>).</summary>
    public void Check(long now)
    {
        lock (_gate)
        {
            foreach (var deadline in _deadlines)
            {
                if (deadline.TakeIfPassed(now))
                    _passed.Add(deadline);
            }
        }
        try
        {
            foreach (var deadline in _passed)
                deadline.OnPassed();
        }
        finally
        {
            _passed.Clear();
        }
    }

    /// <summary>One owner's timeout for one <see cref="TimeoutReason"/>: unset, or due at an <see cref="Environment.TickCount64"/> time.</summary>
    public sealed class Deadline
    {
        private const long Unset = long.MaxValue;
        private long _due = Unset;

        internal Deadline(TimeoutReason reason, Action onPassed)
        {
            Reason = reason;
            OnPassed = onPassed;
        }

        public TimeoutReason Reason { get; }

        public bool IsSet => Volatile.Read(ref _due) != Unset;

        internal int Index { get; set; }

        internal Action OnPassed { get; }

        public void Set(long due) => Volatile.Write(ref _due, due);

        /// <summary>Due <paramref name="timeout"/> from now.</summary>
        public void SetAfter(TimeSpan timeout) => Set(Environment.TickCount64 + (long)timeout.TotalMilliseconds);

        public void Clear() => Volatile.Write(ref _due, Unset);

        /// <summary>
        /// Starts <paramref name="timeout"/> for something that began at <paramref name="since"/>, unless
        /// it is pending already: it need not move for each request, <see cref="HasPassed"/> checks.
        /// </summary>
        public void StartIfUnset(long since, TimeSpan timeout)
        {
            if (!IsSet)
                Set(since + (long)timeout.TotalMilliseconds);
        }

        /// <summary>When called back: whether <paramref name="timeout"/> has passed since <paramref name="since"/>; if not, due again then.</summary>
        public bool HasPassed(long since, TimeSpan timeout)
        {
            var due = since + (long)timeout.TotalMilliseconds;
            if (due <= Environment.TickCount64)
                return true;
            Set(due);
            return false;
        }

        /// <summary>Clears the deadline and returns true if it was due by <paramref name="now"/>; a racing Set wins.</summary>
        internal bool TakeIfPassed(long now)
        {
            var due = Volatile.Read(ref _due);
            return due <= now && Interlocked.CompareExchange(ref _due, Unset, due) == due;
        }
    }
}
