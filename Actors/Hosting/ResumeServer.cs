using System.Net;
using System.Net.Sockets;
using Akka;
using Akka.Actor;
using Microsoft.Extensions.Logging;
using Resume.Actors.Apps;
using Resume.Actors.Cluster;
using Resume.Actors.Health;
using Resume.Actors.Logging;
using Resume.Actors.Metrics;
using Resume.Actors.Server;
using Resume.Actors.Stats;
using Resume.Apps;

namespace Resume.Actors.Hosting;

/// <summary>A running server inside an actor system: its actor, the address it listens on, and its stats.</summary>
public sealed class ResumeServer
{
    private ResumeServer(IActorRef actor, IPEndPoint endpoint, IPEndPoint? httpsEndpoint, ServerStats stats, Readiness readiness, ResumeLogs logs)
    {
        Logs = logs;
        Actor = actor;
        Endpoint = endpoint;
        HttpsEndpoint = httpsEndpoint;
        Stats = stats;
        Readiness = readiness;
    }

    /// <summary>The server's supervisor, which passes every message on to the server actor (see <see cref="ServerSupervisor"/>).</summary>
    public IActorRef Actor { get; }

    public IPEndPoint Endpoint { get; }

    /// <summary>Where the HTTPS listener listens; null when it is off.</summary>
    public IPEndPoint? HttpsEndpoint { get; }

    public ServerStats Stats { get; }

    /// <summary>What the readiness path answers; shutdown marks it stopping.</summary>
    public Readiness Readiness { get; }

    /// <summary>The server's loggers, and its access log when it is on.</summary>
    public ResumeLogs Logs { get; }

    /// <summary>Serves one app on every path, with <paramref name="options"/>.</summary>
    public static ResumeServer Start(
        IActorRefFactory system, ServerSettings settings, App app, AppOptions? options = null, string name = "resume-server", ILoggerFactory? loggerFactory = null) =>
        Start(system, settings, AppBinding.Single("app", app, options ?? settings.DefaultAppOptions), name, loggerFactory);

    /// <summary>
    /// Listens on <see cref="ServerSettings.Host"/>:<see cref="ServerSettings.Port"/>, and for HTTPS if
    /// configured (a bind error throws a <see cref="SettingsException"/> here), and starts serving the
    /// apps of <paramref name="apps"/>, and the status endpoint if configured. It logs to
    /// <paramref name="loggerFactory"/>; without one, to the host's if the system has one, else to the
    /// system's event stream (<see cref="ResumeLoggerFactories.For"/>).
    /// </summary>
    public static ResumeServer Start(IActorRefFactory system, ServerSettings settings, AppBinding apps, string name = "resume-server", ILoggerFactory? loggerFactory = null)
    {
        var listener = ListeningSocket.Open(settings);
        Socket? httpsListener;
        try
        {
            httpsListener = ListeningSocket.OpenHttps(settings);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        return Start(system, settings, apps, listener, name, httpsListener: httpsListener, loggerFactory: loggerFactory);
    }

    /// <summary>
    /// Serves <paramref name="apps"/> on <paramref name="listener"/>, a socket already listening
    /// (<see cref="ListeningSocket.Open"/>), and over TLS on <paramref name="httpsListener"/> if given
    /// (<see cref="ListeningSocket.OpenHttps"/>); it then owns both. <paramref name="membership"/> says
    /// why cluster membership keeps the node from being ready (see <see cref="Health.Readiness"/>).
    /// </summary>
    public static ResumeServer Start(
        IActorRefFactory system, ServerSettings settings, AppBinding apps, Socket listener, string name = "resume-server", Func<string?>? membership = null,
        Func<Executor, Func<int>, ClusterServices>? cluster = null, Socket? httpsListener = null, ILoggerFactory? loggerFactory = null)
    {
        var loggers = loggerFactory ?? ResumeLoggerFactories.For(system, settings.Logging);
        var serverLog = loggers.CreateLogger(LogCategories.Server);
        AccessLog? access;
        try
        {
            access = AccessLog.Start(settings.AccessLog, serverLog);
        }
        catch
        {
            listener.Dispose();
            httpsListener?.Dispose();
            throw;
        }
        var logs = ResumeLogs.Create(loggers, access);
        var stats = new ServerStats();
        var readiness = new Readiness(stats, membership);
        var executor = new DedicatedExecutor(settings.ExecutorThreads);
        // Apps reach entities, topics and jobs through environ.Cluster; on this node alone unless the host made it a cluster node.
        int InFlight() => stats.InFlight.Count;
        var backend = cluster?.Invoke(executor, InFlight)
            ?? ClusterServices.StartLocal(system, settings.Cluster, ClusterTypes.Resolve(settings.Cluster), executor, InFlight);
        if (settings.Cluster.Enabled)
            stats.Metrics.ObserveClusterMembers(() => backend.Members.GroupBy(m => m.Status).Select(g => KeyValuePair.Create(g.Key, g.Count())));
        var served = apps
            .WithStatusEndpoint(settings.StatusPath, OperatorAccess.Guard(StatusApp.For(stats, backend), settings.StatusToken), settings.OptionsFor("status"))
            .WithEndpoint("metrics", settings.Metrics.PrometheusPath, PrometheusEndpoint(settings, stats), settings.OptionsFor("metrics"))
            .WithEndpoint("health", settings.LivenessPath, HealthApp.Liveness, settings.OptionsFor("health"))
            .WithEndpoint("health", settings.ReadinessPath, HealthApp.For(readiness), settings.OptionsFor("health"));
        var actor = system.ActorOf(ServerSupervisor.Props(logs, ServerActor.Props(settings, served, stats, executor, backend, listener, httpsListener, logs)), name);
        return new ResumeServer(actor, (IPEndPoint)listener.LocalEndPoint!, (IPEndPoint?)httpsListener?.LocalEndPoint, stats, readiness, logs);
    }

    // Made only when the path is on: with no listener, the instruments stay disabled and cost nothing.
    private static App PrometheusEndpoint(ServerSettings settings, ServerStats stats) =>
        settings.Metrics.PrometheusPath is null ? (_, _) => [] : OperatorAccess.Guard(MetricsApp.For(stats.Metrics.Prometheus()), settings.StatusToken);

    /// <summary>
    /// Stops accepting, lets requests in flight finish (up to the drain deadline) and closes every
    /// connection; then writes the access log's last lines.
    /// </summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        await Actor.Ask<Done>(ServerActor.Unbind.Instance, timeout).ConfigureAwait(false);
        await Actor.Ask<Done>(ServerActor.Drain.Instance, timeout).ConfigureAwait(false);
        if (Logs.Access is { } access)
            await access.CompleteAsync().WaitAsync(timeout).ConfigureAwait(false);
    }
}
