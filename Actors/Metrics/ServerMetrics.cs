using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;
using Resume.Actors.Stats;

namespace Resume.Actors.Metrics;

/// <summary>
/// One server's instruments, on a <see cref="Meter"/> named <see cref="MeterName"/>: OpenTelemetry's
/// HTTP server conventions (<c>http.server.request.duration</c>, <c>http.server.active_requests</c>)
/// and Resume's own (connections, suspended requests by what they wait on, steps, body bytes,
/// rejections, accept pauses, cluster members). A meter per server, not one per process, so that
/// servers side by side (tests) each count their own; exporters pick meters by name, and so see all.
/// Every recording first checks <see cref="Instrument.Enabled"/>: with no exporter on, a request
/// costs a few field reads. Tag values are strings the request already holds or cached boxes, so
/// recording allocates nothing per request.
/// </summary>
public sealed class ServerMetrics : IDisposable
{
    public const string MeterName = "Resume";

    /// <summary>OpenTelemetry's advice for <c>http.server.request.duration</c> (seconds).</summary>
    public static readonly IReadOnlyList<double> DurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    // Boxed once: a status code as a tag value would otherwise be boxed at every request.
    private static readonly object[] StatusCodes = [.. Enumerable.Range(0, 600).Select(code => (object)code)];

    private readonly Histogram<double> _duration;
    private readonly UpDownCounter<long> _activeRequests;
    private readonly UpDownCounter<long> _openConnections;
    private readonly Counter<long> _connections;
    private readonly UpDownCounter<long> _suspended;
    private readonly Counter<long> _steps;
    private readonly Counter<long> _bodyReceived;
    private readonly Counter<long> _bodySent;
    private readonly Counter<long> _rejections;
    private readonly Counter<long> _acceptPauses;
    private IDisposable? _exporter;

    public ServerMetrics()
    {
        Meter = new Meter(MeterName, Version);
        _duration = Meter.CreateHistogram<double>(
            "http.server.request.duration", "s", "Duration of HTTP server requests.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _activeRequests = Meter.CreateUpDownCounter<long>("http.server.active_requests", "{request}", "Number of active HTTP server requests.");
        _openConnections = Meter.CreateUpDownCounter<long>("resume.connections.open", "{connection}", "Connections open now.");
        _connections = Meter.CreateCounter<long>("resume.connections", "{connection}", "Connections accepted.");
        _suspended = Meter.CreateUpDownCounter<long>("resume.requests.suspended", "{request}",
            "Requests suspended now, by what they wait on (resume.wait: request_body, io, cluster, topic, readiness, executor, or future).");
        _steps = Meter.CreateCounter<long>("resume.steps", "{step}", "Steps of app iterators, counted when their request ends.");
        _bodyReceived = Meter.CreateCounter<long>("resume.request.body.received", "By", "Request body bytes the apps read, counted when their request ends.");
        _bodySent = Meter.CreateCounter<long>("resume.response.body.sent", "By", "Response body bytes the apps produced, counted when their request ends.");
        _rejections = Meter.CreateCounter<long>("resume.rejections", "{request}",
            "Requests answered with an error by the server rather than the app, by reason (a parse error or limit, a request body error, a timeout, the drain deadline).");
        _acceptPauses = Meter.CreateCounter<long>("resume.accept.pauses", "{pause}",
            "Times accepting paused because max-connections were open (new clients wait in the backlog).");
    }

    public Meter Meter { get; }

    /// <summary>The assembly's version (the package's), without the commit the SDK appends.</summary>
    public static string Version { get; } =
        typeof(ServerMetrics).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(ServerMetrics).Assembly.GetName().Version?.ToString() ?? "0.0.0";

    /// <summary>Serves this meter as Prometheus text (made once, on the first call); disposed with the meter.</summary>
    public PrometheusExporter Prometheus()
    {
        if (_exporter is PrometheusExporter existing)
            return existing;
        var exporter = new PrometheusExporter(Meter);
        _exporter = exporter;
        return exporter;
    }

    /// <summary>Members by status, read when an exporter collects.</summary>
    public void ObserveClusterMembers(Func<IEnumerable<KeyValuePair<string, int>>> membersByStatus) =>
        Meter.CreateObservableGauge("resume.cluster.members", () => membersByStatus().Select(
            status => new Measurement<long>(status.Value, new KeyValuePair<string, object?>("resume.cluster.member.status", status.Key))),
            "{member}", "Cluster members as this node sees them, by status.");

    public void ConnectionOpened()
    {
        if (_openConnections.Enabled)
            _openConnections.Add(1);
        if (_connections.Enabled)
            _connections.Add(1);
    }

    public void ConnectionClosed()
    {
        if (_openConnections.Enabled)
            _openConnections.Add(-1);
    }

    public void AcceptPaused()
    {
        if (_acceptPauses.Enabled)
            _acceptPauses.Add(1);
    }

    /// <summary>A request's app starts: active from now, and its suspensions counted by <paramref name="status"/>.</summary>
    public void RequestStarted(RequestStatus status, string scheme)
    {
        status.Watch(this, scheme);
        if (_activeRequests.Enabled)
            _activeRequests.Add(1, new TagList { { "http.request.method", status.MetricMethod }, { "url.scheme", scheme } });
    }

    /// <summary>
    /// A request ended: its duration with the status the client got (none if it went away before an
    /// answer, then <c>error.type</c> says so), its steps and bytes, and a rejection if the server answered.
    /// </summary>
    public void RequestEnded(RequestStatus status, int minorVersion, RequestEnd end)
    {
        status.Unwatch();
        if (status.Scheme is not { } scheme)
            return;
        if (_activeRequests.Enabled)
            _activeRequests.Add(-1, new TagList { { "http.request.method", status.MetricMethod }, { "url.scheme", scheme } });
        if (_duration.Enabled)
        {
            var tags = new TagList
            {
                { "http.request.method", status.MetricMethod },
                { "url.scheme", scheme },
                { "network.protocol.version", minorVersion == 1 ? "1.1" : "1.0" },
            };
            if (end.StatusCode is { } code)
                tags.Add("http.response.status_code", Box(code));
            else
                tags.Add("error.type", "aborted");
            _duration.Record(Stopwatch.GetElapsedTime(status.StartedTimestamp).TotalSeconds, tags);
        }
        if (end.Steps > 0 && _steps.Enabled)
            _steps.Add(end.Steps);
        if (end.BytesIn > 0 && _bodyReceived.Enabled)
            _bodyReceived.Add(end.BytesIn);
        if (end.BytesOut > 0 && _bodySent.Enabled)
            _bodySent.Add(end.BytesOut);
        if (end.Rejection is { } reason && end.StatusCode is { } rejected)
            Rejected(reason, rejected);
    }

    /// <summary>The server answered with an error of its own (<see cref="RejectionReasons"/> names the reasons).</summary>
    public void Rejected(string reason, int statusCode)
    {
        if (_rejections.Enabled)
            _rejections.Add(1, new TagList { { "resume.rejection.reason", reason }, { "http.response.status_code", Box(statusCode) } });
    }

    /// <summary>One request more or fewer suspended on <paramref name="wait"/> (from <see cref="RequestStatus"/>'s state changes).</summary>
    internal void Suspended(string wait, int delta)
    {
        if (_suspended.Enabled)
            _suspended.Add(delta, new KeyValuePair<string, object?>("resume.wait", wait));
    }

    public void Dispose()
    {
        _exporter?.Dispose();
        Meter.Dispose();
    }

    private static object Box(int code) => (uint)code < StatusCodes.Length ? StatusCodes[code] : code;
}
