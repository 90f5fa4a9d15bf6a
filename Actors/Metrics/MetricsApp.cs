using System.Globalization;
using System.Text;
using Resume.Apps;

namespace Resume.Actors.Metrics;

/// <summary>The Prometheus endpoint (<c>resume.metrics.prometheus-path</c>): the server's metrics as text, rendered at each scrape.</summary>
public static class MetricsApp
{
    public static App For(PrometheusExporter exporter) => (_, startResponse) => Run(exporter, startResponse);

    private static IEnumerable<Step> Run(PrometheusExporter exporter, StartResponse startResponse)
    {
        var body = Encoding.UTF8.GetBytes(exporter.Render());
        startResponse("200 OK", [
            new("Content-Type", PrometheusText.ContentType),
            new("Cache-Control", "no-store"),
            new("Content-Length", body.Length.ToString(CultureInfo.InvariantCulture)),
        ]);
        yield return body;
    }
}
