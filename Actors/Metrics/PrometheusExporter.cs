using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;

namespace Resume.Actors.Metrics;

/// <summary>
/// Listens to one meter's instruments and keeps, per instrument and tag set, what Prometheus needs:
/// cumulative sums for counters and up-down counters, bucket counts, sum and count for histograms,
/// the last observation for observable gauges. <see cref="Render"/> writes them in the text
/// exposition format 0.0.4 (<see cref="PrometheusText"/>). Written here because OpenTelemetry's
/// Prometheus exporter comes only for ASP.NET Core or with an HttpListener of its own; this one is
/// answered by Resume on its own port, like the status endpoint. A measurement finds its series
/// without allocating (an alternate lookup by the tag span); only a new tag set allocates.
/// </summary>
public sealed class PrometheusExporter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, InstrumentSeries> _instruments = new();
    private readonly Lock _collecting = new();

    public PrometheusExporter(Meter meter)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter != meter)
                return;
            var series = _instruments.GetOrAdd(instrument, i => new InstrumentSeries(i));
            listener.EnableMeasurementEvents(instrument, series);
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, state) => ((InstrumentSeries)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>((_, value, tags, state) => ((InstrumentSeries)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>((_, value, tags, state) => ((InstrumentSeries)state!).Record(value, tags));
        _listener.Start();
    }

    /// <summary>Every instrument's series now, as Prometheus text; observable instruments are observed first.</summary>
    public string Render()
    {
        lock (_collecting)
        {
            foreach (var series in _instruments.Values.Where(s => s.IsObservable))
                series.Clear();
            _listener.RecordObservableInstruments();
            var text = new StringBuilder();
            foreach (var series in _instruments.Values.OrderBy(s => s.Instrument.Name, StringComparer.Ordinal))
                PrometheusText.Write(text, series);
            return text.ToString();
        }
    }

    public void Dispose() => _listener.Dispose();
}
