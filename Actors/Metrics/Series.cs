namespace Resume.Actors.Metrics;

/// <summary>
/// The cumulative value of one instrument for one tag set: a sum (counters, up-down counters), a last
/// value (observable gauges), or bucket counts, sum and count (histograms). Updated lock-free from
/// any thread; a scrape reads a moment's values, each consistent on its own.
/// </summary>
internal sealed class Series(int buckets)
{
    private readonly long[] _buckets = new long[buckets];
    private double _value;
    private long _count;

    public double Value => Volatile.Read(ref _value);

    public long Count => Interlocked.Read(ref _count);

    public long Bucket(int index) => Interlocked.Read(ref _buckets[index]);

    public void Add(double delta)
    {
        var current = Volatile.Read(ref _value);
        while (true)
        {
            var seen = Interlocked.CompareExchange(ref _value, current + delta, current);
            if (seen.Equals(current))
                return;
            current = seen;
        }
    }

    public void Set(double value) => Volatile.Write(ref _value, value);

    /// <summary>A histogram's measurement: its bucket (the first whose bound holds it; the last is +Inf), the sum and the count.</summary>
    public void Observe(double value, int bucket)
    {
        Interlocked.Increment(ref _buckets[bucket]);
        Add(value);
        Interlocked.Increment(ref _count);
    }
}
