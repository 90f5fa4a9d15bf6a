namespace Resume.Transport.Timeouts;

/// <summary>
/// The timeouts of the connections in one connection host (keep-alive idle, request head), checked
/// on the host's one periodic tick instead of a scheduler timer per connection and stage: a timer
/// kept armed per connection cost a registration and a cancellation source each, and one schedule
/// and cancel per connection. A stage sets its <see cref="Deadline"/> (most through a
/// <see cref="PhaseTimeout"/>) and is called back (through its async callback) on the first tick
/// past it. All of it runs in the host's interpreter, on one thread at a time, so nothing here locks.
/// </summary>
public sealed class ConnectionDeadlines(TimeSpan tick)
{
    private readonly List<Deadline> _deadlines = [];

    /// <summary>How often deadlines are checked: a deadline is met up to this late.</summary>
    public TimeSpan Tick { get; } = tick;

    /// <summary>A deadline, unset, that calls <paramref name="onPassed"/> when it has passed; remove it when the stage stops.</summary>
    public Deadline Add(Action onPassed)
    {
        var deadline = new Deadline(onPassed) { Index = _deadlines.Count };
        _deadlines.Add(deadline);
        return deadline;
    }

    public void Remove(Deadline deadline)
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

    /// <summary>Calls back, once, every deadline that has passed by <paramref name="now"/> (<see cref="Environment.TickCount64"/>).</summary>
    public void Check(long now)
    {
        // By index from the end: a callback only queues work, but were one to remove a deadline, the
        // swap with the last would still leave every other deadline looked at.
        for (var i = _deadlines.Count - 1; i >= 0; i--)
        {
            if (i >= _deadlines.Count)
                continue;
            var deadline = _deadlines[i];
            if (deadline.Due > now)
                continue;
            deadline.Clear();
            deadline.OnPassed();
        }
    }

    /// <summary>One stage's timeout: unset, or due at a <see cref="Environment.TickCount64"/> time.</summary>
    public sealed class Deadline(Action onPassed)
    {
        private const long Unset = long.MaxValue;

        internal int Index { get; set; }

        internal long Due { get; private set; } = Unset;

        internal Action OnPassed { get; } = onPassed;

        public bool IsSet => Due != Unset;

        public void Set(long due) => Due = due;

        public void Clear() => Due = Unset;

        /// <summary>
        /// Starts <paramref name="timeout"/> for something that began at <paramref name="since"/>, unless
        /// a deadline is pending already: it is not moved for each request, <see cref="HasPassed"/> checks.
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
    }
}
