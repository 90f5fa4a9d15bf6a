using System.Net.Sockets;
using Akka;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Resume.Actors.Apps;
using Resume.Actors.Cluster;
using Resume.Actors.Logging;
using Resume.Actors.Metrics;
using Resume.Actors.Server;
using Resume.Apps.Routing;

namespace Resume.Actors.Hosting;

/// <summary>
/// Resume in a .NET generic host, in the style of the ecosystem:
/// <code>
/// var builder = Host.CreateApplicationBuilder(args);
/// builder.Services.AddResume(resume => resume
///     .Mount("/todos", services => new TodoApp(services.GetRequiredService&lt;NpgsqlDataSource&gt;()).Run)
///     .Mount("/legacy", LegacyApp.Run, blocking: true));
/// await builder.Build().RunAsync();
/// </code>
/// It adds the actor system (Akka.Hosting's <c>AddAkka</c>; a cluster node when <c>resume.cluster</c>
/// says so) and the server, and wires the graceful stop into CoordinatedShutdown: on SIGTERM readiness
/// turns 503 and the node serves on for the unbind delay, stops accepting, lets requests in flight
/// finish up to the drain deadline, then leaves the cluster. The stock executable is this call.
/// </summary>
public static class ResumeServiceCollectionExtensions
{
    /// <summary>
    /// Adds Resume as <paramref name="configure"/> describes. The configuration is read and checked and
    /// the port bound here, at once: a bad value, an unknown key or app, a host that does not resolve or
    /// a port in use throws a <see cref="SettingsException"/> (one line naming the key) before the host exists.
    /// </summary>
    public static IServiceCollection AddResume(this IServiceCollection services, Action<ResumeOptions>? configure = null)
    {
        var options = new ResumeOptions();
        configure?.Invoke(options);
        var config = options.Load();
        var settings = ServerSettings.FromConfig(config);
        var phases = ShutdownPhases.Covering(config, settings);
        // Named apps are checked now; apps made from the host's services, when it starts.
        var configured = options.Single is null && options.Mounts.Count == 0 ? ResumeHost.Bind(settings, options.NamedApps.AsReadOnly()) : null;
        var clusterTypes = ClusterTypes.Resolve(settings.Cluster);
        ClusterPortCheck.Check(settings.Cluster);
        AccessLog.CheckTarget(settings.AccessLog);
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

        services.AddSingleton(settings);
        services.AddSingleton<RunningServer>();
        // resume.logging as filter rules beneath the host's own (Logging:LogLevel wins for the same category).
        services.AddLogging();
        services.AddSingleton<IPostConfigureOptions<LoggerFilterOptions>>(new LogLevelRules(settings.Logging));
        // First, so that SIGHUP is ignored before the server says it listens (hosted services start in order).
        services.AddHostedService<HangupSignal>();
        services.AddAkka(ClusterSettings.SystemName, (akka, provider) =>
        {
            akka.AddHocon(phases.IsEmpty ? config : phases.WithFallback(config), HoconAddMode.Prepend);
            if (settings.Cluster.Enabled)
                ClusterNode.Configure(akka, settings.Cluster);
            akka.ConfigureLoggers(loggers => loggers.AddLoggerFactory());
            akka.WithActors((system, registry) =>
            {
                // Resume's lines go to the host's loggers directly, by category; only Akka's own go through Akka's logging.
                var loggers = provider.GetRequiredService<ILoggerFactory>();
                var apps = configured ?? Bind(options, settings, provider);
                var membership = settings.Cluster.Enabled ? ClusterNode.Membership(system) : null;
                var server = ResumeServer.Start(system, settings, apps, listener, membership: membership, cluster: (executor, inFlight) => settings.Cluster.Enabled
                    ? ClusterServices.StartClustered(system, settings.Cluster, clusterTypes, executor, inFlight)
                    : ClusterServices.StartLocal(system, settings.Cluster, clusterTypes, executor, inFlight), httpsListener: httpsListener, loggerFactory: loggers);
                registry.Register<ServerActor>(server.Actor);
                provider.GetRequiredService<RunningServer>().Set(server);
                AddShutdownTasks(system, server, settings);
                if (settings.Cluster.Enabled)
                    ClusterNode.LogMembership(system, settings.Cluster, server.Logs.Cluster);
            });
        });
        services.AddHostedService<ServingStarted>();
        OtlpExport.AddTo(services, settings.Metrics);
        return services;
    }

    /// <summary>
    /// Adds Resume with the stock command line in <paramref name="args"/> (<c>--port</c>, <c>--host</c>,
    /// <c>--config</c>, the cluster's options; <see cref="CommandLine.Usage"/>) over what
    /// <paramref name="configure"/> sets, as an operator expects of any Resume process.
    /// </summary>
    /// <exception cref="ArgumentException">An argument Resume does not know, or a bad value (its message says which).</exception>
    public static IServiceCollection AddResume(this IServiceCollection services, string[] args, Action<ResumeOptions>? configure = null) =>
        services.AddResume(resume =>
        {
            configure?.Invoke(resume);
            resume.CommandLine = CommandLine.Parse(args);
        });

    private static AppBinding Bind(ResumeOptions options, ServerSettings settings, IServiceProvider provider)
    {
        if (options.Single is { } single)
            return AppBinding.Single(ResumeOptions.SingleName, single(provider), settings.OptionsFor(ResumeOptions.SingleName));
        var router = new PathPrefixRouter(options.Mounts.Select(m => KeyValuePair.Create(m.Name, m.Factory(provider))));
        return AppBinding.Routed(ResumeOptions.SingleName, router, settings.OptionsFor);
    }

    /// <summary>The graceful stop, in CoordinatedShutdown's order (so no user code has to add it).</summary>
    private static void AddShutdownTasks(ActorSystem system, ResumeServer server, ServerSettings settings)
    {
        var shutdown = CoordinatedShutdown.Get(system);
        // Readiness turns 503 first and the node goes on serving, so that load balancers stop
        // sending requests before the port closes.
        shutdown.AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "resume-not-ready", async () =>
        {
            server.Readiness.MarkStopping();
            // Keep-alive clients are told to go on every response from now on, so that few idle
            // connections are left for the drain to close under a request on its way.
            server.Actor.Tell(ServerActor.Retire.Instance);
            if (settings.UnbindDelay > TimeSpan.Zero)
            {
                ServerLog.UnbindDelay(server.Logs.Server, settings.UnbindDelay);
                await Task.Delay(settings.UnbindDelay);
            }
            return Done.Instance;
        });
        shutdown.AddTask(CoordinatedShutdown.PhaseServiceUnbind, "resume-unbind", async () =>
            await server.Actor.Ask<Done>(ServerActor.Unbind.Instance, TimeSpan.FromSeconds(5)));
        shutdown.AddTask(CoordinatedShutdown.PhaseServiceRequestsDone, "resume-drain", async () =>
            await server.Actor.Ask<Done>(ServerActor.Drain.Instance, settings.DrainDeadline + TimeSpan.FromSeconds(2)));
        // Every request has ended: the access log's last lines are written before the process exits.
        if (server.Logs.Access is { } access)
        {
            shutdown.AddTask(CoordinatedShutdown.PhaseServiceStop, "resume-access-log", async () =>
            {
                await access.CompleteAsync().WaitAsync(TimeSpan.FromSeconds(4));
                return Done.Instance;
            });
        }
    }
}
