using System.Globalization;
using Akka.Configuration;
using Resume.Actors.Apps;
using Resume.Actors.Cluster;
using Resume.Actors.Logging;
using Resume.Actors.Proxies;
using Resume.Actors.Metrics;
using Resume.Actors.Requests;
using Resume.Transport.Connection;
using Resume.Transport.Http;
using Resume.Transport.Sockets;
using Resume.Transport.Timeouts;

namespace Resume.Actors.Hosting;

/// <summary>
/// Everything under <c>resume</c> in HOCON, read and checked once at start (<see cref="FromConfig"/>).
/// Defaults live only in <c>HOCON/resume.conf</c>: tests take theirs from
/// <c>ServerSettings.FromConfig(ResumeConfig.Defaults)</c>.
/// </summary>
public sealed record ServerSettings
{
    /// <summary>The IP address or host name to listen on (a name is resolved at start, <see cref="ListenAddress"/>).</summary>
    public required string Host { get; init; }

    public required int Port { get; init; }

    public required int Backlog { get; init; }

    /// <summary>The HTTPS listener beside the plain one (<c>resume.server.https</c>); null when it is off.</summary>
    public required HttpsSettings? Https { get; init; }

    /// <summary>Let other sockets that ask for it listen on the same port (SO_REUSEPORT); off, a port in use stops the server.</summary>
    public required bool ReusePort { get; init; }

    /// <summary>Peers whose Forwarded / X-Forwarded-* headers (and PROXY headers) are believed (<c>resume.server.trusted-proxies</c>).</summary>
    public required TrustedProxies TrustedProxies { get; init; }

    /// <summary>The plain listener's connections begin with a PROXY protocol header (<c>resume.server.proxy-protocol</c>).</summary>
    public required bool ProxyProtocol { get; init; }

    /// <summary>Connections served at once: as configured, or what the descriptor limit leaves (<see cref="MaxConnectionsFor"/>).</summary>
    public required int MaxConnections { get; init; }

    /// <summary>After a failed accept (out of descriptors, say), the first wait before trying again; it doubles up to <see cref="AcceptBackoffMax"/>.</summary>
    public required TimeSpan AcceptBackoffInitial { get; init; }

    public required TimeSpan AcceptBackoffMax { get; init; }

    /// <summary>Stream interpreters the connections run in; 0 for one per core.</summary>
    public required int ConnectionHosts { get; init; }

    public required string ServerHeader { get; init; }

    /// <summary>The app to serve: a sample's name, or "demo" (or "") for all of them.</summary>
    public required string App { get; init; }

    public required HttpLimits Limits { get; init; }

    public required ConnectionSettings Connection { get; init; }

    public required int ReadBufferSize { get; init; }

    public required long WriteHighWaterMark { get; init; }

    public required TimeSpan LingerTimeout { get; init; }

    public required RequestSettings Request { get; init; }

    public required TimeSpan DrainDeadline { get; init; }

    /// <summary>On shutdown, how long the node answers not-ready yet keeps serving before it unbinds (<c>resume.shutdown.unbind-delay</c>).</summary>
    public required TimeSpan UnbindDelay { get; init; }

    /// <summary>Where the liveness endpoint answers; null when it is off.</summary>
    public required string? LivenessPath { get; init; }

    /// <summary>Where the readiness endpoint answers; null when it is off.</summary>
    public required string? ReadinessPath { get; init; }

    public required ClusterSettings Cluster { get; init; }

    /// <summary>Log levels (<c>resume.logging</c>).</summary>
    public required LoggingSettings Logging { get; init; }

    /// <summary>The access log (<c>resume.access-log</c>).</summary>
    public required AccessLogSettings AccessLog { get; init; }

    /// <summary>Where the status endpoint answers; null when it is off.</summary>
    public required string? StatusPath { get; init; }

    /// <summary>
    /// The token that lets a client other than loopback read the status endpoint and the metrics
    /// (<c>Authorization: Bearer TOKEN</c> or <c>?token=TOKEN</c>); null: loopback only.
    /// </summary>
    public required string? StatusToken { get; init; }

    /// <summary><c>resume.metrics</c>: the Prometheus path and the OTLP exporter.</summary>
    public required MetricsSettings Metrics { get; init; }

    /// <summary>Threads of <c>environ.Executor</c>.</summary>
    public required int ExecutorThreads { get; init; }

    /// <summary>How apps run (<c>resume.request</c>) unless <c>resume.apps.NAME</c> says otherwise.</summary>
    public required AppOptions DefaultAppOptions { get; init; }

    /// <summary>The <c>resume.apps</c> section: by app name, its section over <c>resume.request</c>.</summary>
    public required IReadOnlyDictionary<string, AppOptions> AppOverrides { get; init; }

    /// <summary>How the app named <paramref name="name"/> runs.</summary>
    public AppOptions OptionsFor(string name) =>
        AppOverrides.TryGetValue(name, out var options) ? options : DefaultAppOptions;

    /// <summary>
    /// Reads and checks the <c>resume</c> section of <paramref name="config"/> (which must hold the
    /// embedded defaults, as <see cref="ResumeConfig.Load"/> gives it): throws a
    /// <see cref="SettingsException"/> for the first value of the wrong type or range, or the first
    /// key under <c>resume</c> that is not known.
    /// </summary>
    public static ServerSettings FromConfig(Config config)
    {
        var resume = SettingsReader.Of(config, "resume");
        var server = resume.Section("server");
        var limits = resume.Section("limits");
        var connection = resume.Section("connection");
        var request = resume.Section("request");
        var backoff = request.Section("empty-chunk-backoff");
        var backoffInitial = backoff.PositiveDuration("initial");
        var defaultOptions = ReadAppOptions(request);
        var apps = resume.Section("apps");
        var acceptBackoff = server.Section("accept-backoff");
        var acceptBackoffInitial = acceptBackoff.PositiveDuration("initial");
        var shutdown = resume.Section("shutdown");
        var health = resume.Section("health");
        var host = server.Host("host");
        var settings = new ServerSettings
        {
            Host = host,
            Port = server.Int("port", 0, 65535),
            Backlog = server.Int("backlog", 1),
            Https = HttpsSettings.Read(server.Section("https"), host),
            ReusePort = server.Bool("reuse-port"),
            TrustedProxies = ReadTrustedProxies(server),
            ProxyProtocol = server.Bool("proxy-protocol"),
            MaxConnections = MaxConnectionsFor(server, DescriptorLimit.Soft),
            AcceptBackoffInitial = acceptBackoffInitial,
            AcceptBackoffMax = acceptBackoff.Duration("max", acceptBackoffInitial),
            ConnectionHosts = server.Int("connection-hosts", 0),
            ServerHeader = server.Text("server-header", FieldValueProblem),
            App = server.Text("app"),
            StatusPath = OptionalPath(server, "status-path"),
            StatusToken = server.Text("status-token", FieldValueProblem) is { Length: > 0 } token ? token : null,
            Metrics = MetricsSettings.Read(resume.Section("metrics")),
            Limits = new HttpLimits
            {
                MaxRequestLine = limits.SmallSize("max-request-line", 1),
                MaxHeaderField = limits.SmallSize("max-header-field", 1),
                MaxHeadersSize = limits.SmallSize("max-headers-size", 1),
                MaxHeaderCount = limits.Int("max-header-count", 1),
                MaxBodySize = limits.Size("max-body-size", 0),
                MaxChunkLine = limits.SmallSize("max-chunk-line", 1),
                HeaderTimeout = limits.PositiveDuration("header-timeout"),
            },
            Connection = new ConnectionSettings
            {
                MaxPipelined = connection.Int("max-pipelined", 1),
                KeepAliveTimeout = connection.PositiveDuration("keep-alive-timeout"),
                UnreadBodyDrainLimit = connection.Size("unread-body-drain-limit", 0),
                DrainUnreadExpectedBody = connection.Bool("drain-unread-expected-body"),
                AbortOnClientFin = connection.Bool("abort-on-client-fin"),
                MinRequestBodyRate = ReadMinDataRate(limits.Section("min-request-body-rate")),
                MinResponseRate = ReadMinDataRate(limits.Section("min-response-rate")),
            },
            ReadBufferSize = connection.SmallSize("read-buffer-size", 1),
            WriteHighWaterMark = connection.SmallSize("write-high-water-mark", 1),
            LingerTimeout = connection.Duration("linger-timeout"),
            Request = new RequestSettings
            {
                ResponseBatchBytes = request.SmallSize("response-batch-bytes", 0),
                MaxStepsPerTurn = request.Int("max-steps-per-turn", 1),
                ImmediateEmptyResumes = backoff.Int("immediate", 0),
                EmptyBackoffInitial = backoffInitial,
                EmptyBackoffMax = backoff.Duration("max", backoffInitial),
            },
            DrainDeadline = shutdown.Duration("drain-deadline"),
            UnbindDelay = shutdown.Duration("unbind-delay"),
            LivenessPath = OptionalPath(health, "liveness-path"),
            ReadinessPath = OptionalPath(health, "readiness-path"),
            Cluster = ClusterSettings.Read(resume.Section("cluster")),
            Logging = LoggingSettings.Read(resume.Section("logging")),
            AccessLog = AccessLogSettings.Read(resume.Section("access-log")),
            ExecutorThreads = resume.Section("executor").Int("threads", 1),
            DefaultAppOptions = defaultOptions,
            AppOverrides = apps.Keys.ToDictionary(
                name => name, name => ReadAppOptions(apps.Section(name).WithFallback(request)), StringComparer.Ordinal),
        };
        CheckAkkaSections(resume);
        resume.RefuseUnknownKeys();
        return settings;
    }

    /// <summary>
    /// <c>max-connections</c> as configured, or for <c>auto</c> what the soft descriptor limit
    /// (<paramref name="descriptorLimit"/>, null where there is none) leaves once
    /// <c>reserved-descriptors</c> are kept for the runtime and the apps' own files and sockets: past
    /// it a connection waits in the kernel's backlog instead of the process running out of descriptors.
    /// </summary>
    public static int MaxConnectionsFor(SettingsReader server, long? descriptorLimit)
    {
        var reserved = server.Int("reserved-descriptors", 0);
        if (server.IntOrAuto("max-connections", 1) is { } configured)
            return configured;
        if (descriptorLimit is not { } limit)
            return int.MaxValue;
        return limit - reserved >= 1
            ? (int)Math.Min(limit - reserved, int.MaxValue)
            : throw server.Refuse("max-connections", string.Create(CultureInfo.InvariantCulture,
                $"auto leaves no descriptor for connections: the process may open {limit} files and resume.server.reserved-descriptors keeps {reserved} (raise the limit, lower the reserve, or set a number)"));
    }

    private static MinDataRate ReadMinDataRate(SettingsReader section) =>
        new(section.Size("bytes-per-second", 0), section.Duration("grace"));

    /// <summary>The keys an app's section may hold; <c>resume.request</c> gives what it leaves out.</summary>
    private static AppOptions ReadAppOptions(SettingsReader section) => new()
    {
        Blocking = section.Bool("blocking"),
        Prebuffer = section.Bool("prebuffer"),
        PrebufferLimit = section.Size("prebuffer-limit", 0),
        SuspendTimeout = section.Duration("suspend-timeout"),
        Deadline = section.Duration("deadline"),
    };

    /// <summary>The sections under <c>resume</c> that Akka reads (a dispatcher, a mailbox): checked here all the same.</summary>
    private static void CheckAkkaSections(SettingsReader resume)
    {
        var blocking = resume.Section("blocking-dispatcher");
        blocking.Text("type", NonEmpty);
        blocking.Text("executor", NonEmpty);
        blocking.Int("thread-count", 1);
        blocking.Int("throughput", 1);
        resume.Section("small-mailbox").Text("mailbox-type", NonEmpty);
    }

    /// <summary>A path the server answers itself, or null for "" (off).</summary>
    private static string? OptionalPath(SettingsReader section, string key) =>
        section.Text(key, path => path is "" || path.StartsWith('/') ? null : "is not a path: it must start with / (or be \"\", off)")
            is { Length: > 0 } path ? path : null;

    private static string? NonEmpty(string text) => text.Trim().Length > 0 ? null : "is empty";

    // Sent as a header value on every response: visible ASCII, spaces and tabs (RFC 9110 §5.5).
    private static string? FieldValueProblem(string text) =>
        text.All(c => c is '\t' or (>= ' ' and <= '~')) ? null : "cannot be a header value: visible ASCII, spaces and tabs only";

    private static TrustedProxies ReadTrustedProxies(SettingsReader server)
    {
        var entries = server.List("trusted-proxies", entry =>
        {
            try
            {
                TrustedProxies.Parse([entry]);
                return null;
            }
            catch (FormatException e)
            {
                return e.Message;
            }
        });
        var header = server.Text("forwarded-headers", text => text is "x-forwarded" or "forwarded" ? null : "is x-forwarded or forwarded");
        return TrustedProxies.Parse(entries).WithForwardedHeader(header == "forwarded");
    }
}
