using Akka.Configuration;
using Resume.Actors.Apps;
using Resume.Actors.Requests;
using Resume.Transport.Connection;
using Resume.Transport.Http;

namespace Resume.Actors.Hosting;

/// <summary>Everything under <c>resume</c> in HOCON, read once at start.</summary>
public sealed record ServerSettings
{
    public string Host { get; init; } = "0.0.0.0";

    public int Port { get; init; } = 8080;

    public int Backlog { get; init; } = 1024;

    public int MaxConnections { get; init; } = 100_000;

    /// <summary>Stream interpreters the connections run in; 0 for one per core.</summary>
    public int ConnectionHosts { get; init; }

    public string ServerHeader { get; init; } = "Resume";

    public string App { get; init; } = "demo";

    public HttpLimits Limits { get; init; } = HttpLimits.Default;

    public ConnectionSettings Connection { get; init; } = ConnectionSettings.Default;

    public int ReadBufferSize { get; init; } = 16 * 1024;

    public long WriteHighWaterMark { get; init; } = 64 * 1024;

    public TimeSpan LingerTimeout { get; init; } = TimeSpan.FromSeconds(2);

    public RequestSettings Request { get; init; } = RequestSettings.Default;

    public TimeSpan DrainDeadline { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Where the status endpoint answers; null when it is off.</summary>
    public string? StatusPath { get; init; }

    /// <summary>Threads of <c>environ.Executor</c>.</summary>
    public int ExecutorThreads { get; init; } = 16;

    /// <summary>How apps run unless <c>resume.apps.NAME</c> says otherwise.</summary>
    public AppOptions DefaultAppOptions { get; init; } = AppOptions.Default;

    /// <summary>The <c>resume.apps</c> section: per-app overrides by name.</summary>
    public Config Apps { get; init; } = Config.Empty;

    /// <summary>How the app named <paramref name="name"/> runs.</summary>
    public AppOptions OptionsFor(string name) =>
        Apps.HasPath(name) ? AppOptions.FromConfig(Apps.GetConfig(name), DefaultAppOptions) : DefaultAppOptions;

    /// <summary>Reads the <c>resume</c> section of <paramref name="config"/> (which must hold the defaults).</summary>
    public static ServerSettings FromConfig(Config config)
    {
        var resume = config.GetConfig("resume");
        var server = resume.GetConfig("server");
        var limits = resume.GetConfig("limits");
        var connection = resume.GetConfig("connection");
        var request = resume.GetConfig("request");
        var backoff = request.GetConfig("empty-chunk-backoff");
        return new ServerSettings
        {
            Host = server.GetString("host"),
            Port = server.GetInt("port"),
            Backlog = server.GetInt("backlog"),
            MaxConnections = server.GetInt("max-connections"),
            ConnectionHosts = server.GetInt("connection-hosts"),
            ServerHeader = server.GetString("server-header"),
            App = server.GetString("app"),
            Limits = new HttpLimits
            {
                MaxRequestLine = Bytes(limits, "max-request-line"),
                MaxHeaderField = Bytes(limits, "max-header-field"),
                MaxHeadersSize = Bytes(limits, "max-headers-size"),
                MaxHeaderCount = limits.GetInt("max-header-count"),
                MaxBodySize = limits.GetByteSize("max-body-size") ?? HttpLimits.Default.MaxBodySize,
                MaxChunkLine = Bytes(limits, "max-chunk-line"),
                HeaderTimeout = limits.GetTimeSpan("header-timeout"),
            },
            Connection = new ConnectionSettings
            {
                MaxPipelined = connection.GetInt("max-pipelined"),
                KeepAliveTimeout = connection.GetTimeSpan("keep-alive-timeout"),
                UnreadBodyDrainLimit = connection.GetByteSize("unread-body-drain-limit") ?? ConnectionSettings.Default.UnreadBodyDrainLimit,
                DrainUnreadExpectedBody = connection.GetBoolean("drain-unread-expected-body"),
            },
            ReadBufferSize = Bytes(connection, "read-buffer-size"),
            WriteHighWaterMark = Bytes(connection, "write-high-water-mark"),
            LingerTimeout = connection.GetTimeSpan("linger-timeout"),
            Request = new RequestSettings
            {
                ResponseBatchBytes = Bytes(request, "response-batch-bytes"),
                MaxStepsPerTurn = request.GetInt("max-steps-per-turn"),
                ImmediateEmptyResumes = backoff.GetInt("immediate"),
                EmptyBackoffInitial = backoff.GetTimeSpan("initial"),
                EmptyBackoffMax = backoff.GetTimeSpan("max"),
            },
            DrainDeadline = resume.GetConfig("shutdown").GetTimeSpan("drain-deadline"),
            StatusPath = server.GetString("status-path") is { Length: > 0 } statusPath ? statusPath : null,
            ExecutorThreads = resume.GetInt("executor.threads"),
            DefaultAppOptions = AppOptions.FromConfig(request, AppOptions.Default),
            Apps = resume.HasPath("apps") ? resume.GetConfig("apps") : Config.Empty,
        };
    }

    private static int Bytes(Config config, string path) =>
        (int)(config.GetByteSize(path) ?? throw new ConfigurationException($"resume: '{path}' must be a size, like 16k."));
}
