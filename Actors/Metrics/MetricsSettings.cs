using Resume.Actors.Hosting;

namespace Resume.Actors.Metrics;

/// <summary>How OTLP sends the metrics: gRPC (a collector's port 4317) or HTTP with protobuf bodies (4318).</summary>
public enum OtlpProtocol
{
    Grpc,
    HttpProtobuf,
}

/// <summary>
/// <c>resume.metrics</c>: where Resume serves its metrics as Prometheus text, and where it sends them
/// with OpenTelemetry (OTLP). Both off by default.
/// </summary>
public sealed record MetricsSettings
{
    /// <summary>Where the Prometheus text answers; null when it is off.</summary>
    public required string? PrometheusPath { get; init; }

    /// <summary>The OTLP collector's address; null when HOCON names none (OTEL_EXPORTER_OTLP_ENDPOINT may still).</summary>
    public required Uri? OtlpEndpoint { get; init; }

    public required OtlpProtocol OtlpProtocol { get; init; }

    /// <summary>How often the metrics are sent.</summary>
    public required TimeSpan OtlpInterval { get; init; }

    public static MetricsSettings Read(SettingsReader metrics)
    {
        var prometheus = metrics.Text("prometheus-path", path => path is "" || path.StartsWith('/') ? null : "is not a path: it must start with / (or be \"\", off)");
        var otlp = metrics.Section("otlp");
        var endpoint = otlp.Text("endpoint", text => text.Length == 0
            || (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            ? null
            : "is not an http:// or https:// address (or \"\", off)");
        var protocol = otlp.Text("protocol", text => text is "grpc" or "http/protobuf" ? null : "must be grpc or http/protobuf");
        return new MetricsSettings
        {
            PrometheusPath = prometheus.Length > 0 ? prometheus : null,
            OtlpEndpoint = endpoint.Length > 0 ? new Uri(endpoint) : null,
            OtlpProtocol = protocol == "grpc" ? OtlpProtocol.Grpc : OtlpProtocol.HttpProtobuf,
            OtlpInterval = otlp.PositiveDuration("interval"),
        };
    }
}
