namespace Resume.Transport.Connection;

/// <summary>
/// How often to look for timeouts that are checked on a periodic tick rather than with a timer each
/// (connections' keep-alive and request-head timeouts, requests' suspend timeouts): a quarter of the
/// shortest, so one ends at most 25% late, between 10 ms and 1 s.
/// </summary>
public static class TimeoutTick
{
    /// <summary>The tick for <paramref name="timeouts"/>; null when none is set (zero or less).</summary>
    public static TimeSpan? For(IEnumerable<TimeSpan> timeouts)
    {
        var shortest = timeouts.Where(t => t > TimeSpan.Zero).DefaultIfEmpty(TimeSpan.Zero).Min();
        if (shortest == TimeSpan.Zero)
            return null;
        return TimeSpan.FromTicks(Math.Clamp(shortest.Ticks / 4, TimeSpan.FromMilliseconds(10).Ticks, TimeSpan.FromSeconds(1).Ticks));
    }
}
