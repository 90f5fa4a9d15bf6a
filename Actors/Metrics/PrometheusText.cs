using System.Globalization;
using System.Text;

namespace Resume.Actors.Metrics;

/// <summary>
/// The Prometheus text exposition format 0.0.4, with OpenTelemetry's naming rules for it: dots and
/// other characters become underscores, the unit becomes a suffix (s → _seconds, By → _bytes;
/// annotations such as {request} are dropped), counters end in <c>_total</c>, up-down counters are
/// gauges, histograms give <c>_bucket{le=...}</c> (cumulative, up to +Inf), <c>_sum</c> and <c>_count</c>.
/// </summary>
internal static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static void Write(StringBuilder text, InstrumentSeries instrument)
    {
        var series = instrument.All.ToList();
        if (series.Count == 0)
            return;
        var name = MetricName(instrument.Instrument.Name, instrument.Instrument.Unit);
        var family = instrument.Kind == SeriesKind.Counter ? name + "_total" : name;
        if (instrument.Instrument.Description is { Length: > 0 } description)
            text.Append("# HELP ").Append(family).Append(' ').Append(description.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('\n');
        text.Append("# TYPE ").Append(family).Append(' ').Append(instrument.Kind switch
        {
            SeriesKind.Counter => "counter",
            SeriesKind.Histogram => "histogram",
            _ => "gauge",
        }).Append('\n');
        foreach (var (tags, values) in series)
        {
            if (instrument.Kind != SeriesKind.Histogram)
            {
                Sample(text, family, Labels(tags.Tags, null), values.Value);
                continue;
            }
            long cumulative = 0;
            var bounds = instrument.Bounds;
            for (var i = 0; i <= bounds.Count; i++)
            {
                cumulative += values.Bucket(i);
                Sample(text, name + "_bucket", Labels(tags.Tags, i < bounds.Count ? Number(bounds[i]) : "+Inf"), cumulative);
            }
            var labels = Labels(tags.Tags, null);
            Sample(text, name + "_sum", labels, values.Value);
            Sample(text, name + "_count", labels, values.Count);
        }
    }

    /// <summary>The metric name for an instrument's name and unit (e.g. http.server.request.duration, s → http_server_request_duration_seconds).</summary>
    public static string MetricName(string instrument, string? unit)
    {
        var name = Sanitize(instrument, allowColon: true);
        var suffix = unit switch
        {
            null or "" or "1" => "",
            "s" => "seconds",
            "ms" => "milliseconds",
            "By" => "bytes",
            _ when unit.StartsWith('{') => "",
            _ => Sanitize(unit, allowColon: false),
        };
        return suffix.Length == 0 || name.EndsWith("_" + suffix, StringComparison.Ordinal) ? name : name + "_" + suffix;
    }

    private static void Sample(StringBuilder text, string name, string labels, double value) =>
        text.Append(name).Append(labels).Append(' ').Append(Number(value)).Append('\n');

    private static string Labels(IReadOnlyList<KeyValuePair<string, object?>> tags, string? le)
    {
        if (tags.Count == 0 && le is null)
            return "";
        var labels = new StringBuilder("{");
        foreach (var (key, value) in tags.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            if (labels.Length > 1)
                labels.Append(',');
            labels.Append(Sanitize(key, allowColon: false)).Append("=\"").Append(Escape(Convert.ToString(value, CultureInfo.InvariantCulture) ?? "")).Append('"');
        }
        if (le is not null)
        {
            if (labels.Length > 1)
                labels.Append(',');
            labels.Append("le=\"").Append(le).Append('"');
        }
        return labels.Append('}').ToString();
    }

    private static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static string Sanitize(string name, bool allowColon)
    {
        var clean = new StringBuilder(name.Length);
        foreach (var c in name)
            clean.Append(char.IsAsciiLetterOrDigit(c) || c == '_' || (allowColon && c == ':') ? c : '_');
        if (clean.Length > 0 && char.IsAsciiDigit(clean[0]))
            clean.Insert(0, '_');
        return clean.ToString();
    }

    private static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
