using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Resume.Actors.Metrics;

/// <summary>
/// One instrument's series, one per tag set, aggregated cumulatively since the exporter started.
/// Tag sets are told apart in the order their tags were given: Resume's recording sites always give
/// an instrument's tags in the same order.
/// </summary>
internal sealed class InstrumentSeries
{
    private readonly ConcurrentDictionary<TagSet, Series> _series = new(TagSet.Comparer.Instance);
    private readonly ConcurrentDictionary<TagSet, Series>.AlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>> _lookup;
    private readonly double[]? _bounds;

    public InstrumentSeries(Instrument instrument)
    {
        Instrument = instrument;
        _lookup = _series.GetAlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>>();
        Kind = instrument switch
        {
            Histogram<double> or Histogram<long> or Histogram<int> => SeriesKind.Histogram,
            Counter<long> or Counter<int> or Counter<double> or ObservableCounter<long> or ObservableCounter<int> or ObservableCounter<double> => SeriesKind.Counter,
            _ => SeriesKind.Gauge,
        };
        if (Kind == SeriesKind.Histogram)
            _bounds = [.. (instrument as Histogram<double>)?.Advice?.HistogramBucketBoundaries ?? ServerMetrics.DurationBuckets];
        IsObservable = instrument.IsObservable;
    }

    public Instrument Instrument { get; }

    public SeriesKind Kind { get; }

    public bool IsObservable { get; }

    /// <summary>The histogram's upper bounds (without +Inf).</summary>
    public IReadOnlyList<double> Bounds => _bounds ?? [];

    public IEnumerable<KeyValuePair<TagSet, Series>> All => _series;

    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var series = Find(tags);
        switch (Kind)
        {
            case SeriesKind.Histogram:
                series.Observe(value, BucketOf(value));
                break;
            case SeriesKind.Gauge when IsObservable:
                series.Set(value);
                break;
            default:
                series.Add(value);
                break;
        }
    }

    /// <summary>Observable instruments report what is, not what was: their series are made anew at each collection.</summary>
    public void Clear() => _series.Clear();

    private Series Find(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (_lookup.TryGetValue(tags, out var found))
            return found;
        var series = new Series(Kind == SeriesKind.Histogram ? _bounds!.Length + 1 : 0);
        return _series.GetOrAdd(new TagSet(tags.ToArray()), series);
    }

    private int BucketOf(double value)
    {
        var bounds = _bounds!;
        for (var i = 0; i < bounds.Length; i++)
        {
            if (value <= bounds[i])
                return i;
        }
        return bounds.Length;
    }
}
