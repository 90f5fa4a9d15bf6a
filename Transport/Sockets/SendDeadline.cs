using Resume.Transport.Timeouts;

namespace Resume.Transport.Sockets;

/// <summary>
/// When the send in flight must have finished for the client to be reading at least its
/// <see cref="MinDataRate"/>: each send may take the grace period or its size at the rate, whichever is
/// longer. The sink has one send in flight at a time, so what follows waits behind it (within the
/// high-water mark) and a client that reads nothing is caught on that one send. Time a send did not
/// need is not carried over as credit (Kestrel does, for its many writes in flight): the kernel takes
/// megabytes at once before a client reads any, and that credit would let a stalled reader stay for
/// hours. Only a send that waits for the client (the kernel's buffer is full) is timed; the check runs
/// on a <see cref="TimeoutTable"/> deadline set while it waits. The check's callback is made by
/// <paramref name="makeOnCheck"/> on the first wait: an async callback is a few hundred bytes that
/// every connection would hold, and most never wait.
/// </summary>
internal sealed class SendDeadline(MinDataRate minimum, TimeoutTable? timeouts, Func<Action> makeOnCheck)
{
    private TimeoutTable.Deadline? _deadline;
    private long _due;

    /// <summary>A send of <paramref name="bytes"/> begins at <paramref name="now"/>.</summary>
    public void Begin(long now, long bytes)
    {
        if (minimum.IsOff)
            return;
        _due = now + Math.Max(minimum.GraceMilliseconds, minimum.MillisecondsFor(bytes));
    }

    /// <summary>The send did not finish at once: it waits for the client to read.</summary>
    public void Waiting()
    {
        if (minimum.IsOff || timeouts is null)
            return;
        _deadline ??= timeouts.Add(TimeoutReason.ResponseRate, makeOnCheck());
        _deadline.Set(_due);
    }

    /// <summary>The send finished.</summary>
    public void Done() => _deadline?.Clear();

    /// <summary>On the deadline, with a send still waiting: whether it is late (if not, checked again when due).</summary>
    public bool IsLate(long now)
    {
        if (now >= _due)
            return true;
        _deadline!.Set(_due);
        return false;
    }

    public void Remove()
    {
        if (_deadline is not null)
            timeouts!.Remove(_deadline);
    }
}
