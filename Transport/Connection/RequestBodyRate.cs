using Resume.Transport.Timeouts;

namespace Resume.Transport.Connection;

/// <summary>
/// Whether a request body arrives at least at its <see cref="MinDataRate"/>. Time counts only while
/// the body is waited for (the app asked for a piece, or the server is dropping a body left unread),
/// never while the app is busy elsewhere; once that time passes the grace period, the bytes that came
/// must reach the rate times that time. The check runs on a <see cref="TimeoutTable"/> deadline, set
/// when waiting starts to the first moment the body could fall behind, so a body that keeps up costs
/// a few field writes per piece. The check's callback is made by <paramref name="makeOnCheck"/> when a
/// body is first waited for: an async callback is a few hundred bytes that every connection would
/// hold, and most requests have no body.
/// </summary>
internal sealed class RequestBodyRate(MinDataRate minimum, TimeoutTable timeouts, Func<Action> makeOnCheck)
{
    private const long NotWaiting = -1;

    private TimeoutTable.Deadline? _deadline;
    private long _waitedBefore;
    private long _waitingSince = NotWaiting;
    private long _bytes;

    public bool IsWaiting => _waitingSince != NotWaiting;

    /// <summary>A new body: nothing waited for, nothing received.</summary>
    public void Reset()
    {
        _waitedBefore = 0;
        _waitingSince = NotWaiting;
        _bytes = 0;
        _deadline?.Clear();
    }

    /// <summary>The body is waited for from <paramref name="now"/> (<see cref="Environment.TickCount64"/>).</summary>
    public void StartWaiting(long now)
    {
        if (minimum.IsOff || IsWaiting)
            return;
        _waitingSince = now;
        _deadline ??= timeouts.Add(TimeoutReason.RequestBodyRate, makeOnCheck());
        if (!_deadline.IsSet)
            _deadline.Set(FirstPossibleMiss());
    }

    /// <summary><paramref name="bytes"/> of it arrived at <paramref name="now"/>; waiting stops until asked again.</summary>
    public void Arrived(long now, long bytes)
    {
        _bytes += bytes;
        if (!IsWaiting)
            return;
        _waitedBefore += now - _waitingSince;
        _waitingSince = NotWaiting;
    }

    /// <summary>On the deadline: true if the body fell behind; if not, and it is still waited for, checked again when it could.</summary>
    public bool FellBehind(long now)
    {
        if (!IsWaiting)
            return false;
        var waited = _waitedBefore + (now - _waitingSince);
        if (waited >= minimum.GraceMilliseconds && _bytes < minimum.BytesPerSecond * waited / 1000)
            return true;
        _deadline!.Set(FirstPossibleMiss());
        return false;
    }

    /// <summary>Takes the deadline off the table; call when the stage stops.</summary>
    public void Remove()
    {
        if (_deadline is not null)
            timeouts.Remove(_deadline);
    }

    // The earliest moment, waiting from _waitingSince on, at which the bytes so far could fall short.
    private long FirstPossibleMiss() =>
        _waitingSince - _waitedBefore + Math.Max(minimum.GraceMilliseconds, minimum.MillisecondsFor(_bytes) + 1);
}
