using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Resume.Actors.Metrics;

/// <summary>
/// Sends the "Resume" meter's instruments with OpenTelemetry (OTLP) when <c>resume.metrics.otlp.endpoint</c>
/// names a collector, or the environment does (OTEL_EXPORTER_OTLP_ENDPOINT, read by the SDK itself,
/// with its protocol and headers variables). Through OpenTelemetry's own SDK and exporter, the
/// packages every collector is tested against, rather than a protocol of our own making.
/// </summary>
public static class OtlpExport
{
    private static readonly string[] EndpointVariables = ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"];

    /// <summary>Whether metrics are sent: HOCON names an endpoint, or the environment does.</summary>
    public static bool IsOn(MetricsSettings metrics) =>
        metrics.OtlpEndpoint is not null || EndpointVariables.Any(name => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(name)));

    /// <summary>Adds OpenTelemetry's meter provider with an OTLP exporter to <paramref name="services"/>, if <see cref="IsOn"/>.</summary>
    public static void AddTo(IServiceCollection services, MetricsSettings metrics)
    {
        if (!IsOn(metrics))
            return;
        var telemetry = services.AddOpenTelemetry();
        // OTEL_SERVICE_NAME, when set, names the service; otherwise "resume" rather than the SDK's unknown_service.
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_SERVICE_NAME")))
            telemetry.ConfigureResource(resource => resource.AddService("resume", serviceVersion: ServerMetrics.Version));
        telemetry.WithMetrics(meters => meters
            .AddMeter(ServerMetrics.MeterName)
            .AddOtlpExporter((exporter, reader) =>
            {
                if (metrics.OtlpEndpoint is { } endpoint)
                {
                    exporter.Protocol = metrics.OtlpProtocol == OtlpProtocol.Grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
                    exporter.Endpoint = metrics.OtlpProtocol == OtlpProtocol.Grpc ? endpoint : SignalPath(endpoint);
                }
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)Math.Min(int.MaxValue, metrics.OtlpInterval.TotalMilliseconds);
            }));
    }

    // The SDK takes an endpoint set in code as the full URL for http/protobuf; the environment's base
    // address gets /v1/metrics added. HOCON's endpoint is a base address too, as the variable's is.
    private static Uri SignalPath(Uri endpoint) =>
        endpoint.AbsolutePath.EndsWith("/v1/metrics", StringComparison.Ordinal)
            ? endpoint
            : new Uri(endpoint, endpoint.AbsolutePath.TrimEnd('/') + "/v1/metrics");
}
