namespace Resume.Transport.Timeouts;

/// <summary>
/// How often a <see cref="TimeoutTable"/> is checked: a quarter of the shortest timeout it keeps, so
/// one ends at most 25% late, between 10 ms and <see cref="Longest"/>.
/// </summary>
public static class TimeoutTick
{
    /// <summary>
    /// The longest tick: an <c>environ.Async</c> operation's timeout is the app's to choose, per call,
    /// and is met within this.
    /// </summary>
    public static readonly TimeSpan Longest = TimeSpan.FromMilliseconds(100);

    /// <summary>The tick for <paramref name="timeouts"/> (those of zero or less are none).</summary>
    public static TimeSpan For(IEnumerable<TimeSpan> timeouts)
    {
        var shortest = timeouts.Where(t => t > TimeSpan.Zero).DefaultIfEmpty(TimeSpan.Zero).Min();
        if (shortest == TimeSpan.Zero)
            return Longest;
        return TimeSpan.FromTicks(Math.Clamp(shortest.Ticks / 4, TimeSpan.FromMilliseconds(10).Ticks, Longest.Ticks));
    }
}
