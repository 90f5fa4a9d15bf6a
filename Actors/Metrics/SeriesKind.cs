namespace Resume.Actors.Metrics;

/// <summary>How Prometheus types an instrument: counters (monotonic, <c>_total</c>), gauges (up-down counters, observations), histograms.</summary>
internal enum SeriesKind
{
    Counter,
    Gauge,
    Histogram,
}
