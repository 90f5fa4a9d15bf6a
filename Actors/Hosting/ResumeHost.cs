using Akka.Actor;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Resume.Actors.Apps;
using Resume.Actors.Cluster;
using Resume.Apps;

namespace Resume.Actors.Hosting;

/// <summary>
/// The server as a .NET generic host: Akka.Hosting runs the actor system (a cluster node when
/// <c>resume.cluster.enabled</c>); Ctrl-C / SIGTERM runs CoordinatedShutdown, which turns readiness
/// to 503 and keeps serving for the unbind delay (before-service-unbind), unbinds (service-unbind),
/// lets requests in flight finish up to the drain deadline (service-requests-done), then leaves the
/// cluster and stops the system.
/// </summary>
public static class ResumeHost
{
    /// <summary>
    /// The host for <paramref name="options"/>, its configuration read and checked and its port bound
    /// first: a bad value, an unknown key or app, a host that does not resolve or a port in use throws
    /// a <see cref="SettingsException"/> before anything starts.
    /// </summary>
    public static IHost Build(CommandLine options) => Build(options, EnvironmentOverrides.Current());

    /// <summary>The host for <paramref name="options"/> over the variables of <paramref name="environment"/> (<see cref="EnvironmentOverrides"/>).</summary>
    public static IHost Build(CommandLine options, IReadOnlyDictionary<string, string> environment)
    {
        // No watching of appsettings files for changes (Resume has none: HOCON configures it). The
        // watcher's thread is the first casualty when descriptors run out: reloading a file it saw
        // change fails with EMFILE, and the runtime aborts the process (PAL_SEHException, exit 134).
        var hostConfiguration = new ConfigurationManager();
        hostConfiguration.AddInMemoryCollection([new("hostBuilder:reloadConfigOnChange", "false")]);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Configuration = hostConfiguration });
        builder.Services.AddResume(resume =>
        {
            resume.CommandLine = options;
            resume.Environment = environment;
        });
        builder.Services.AddSystemdNotification();
        return builder.Build();
    }

    /// <summary>
    /// The exit code once <paramref name="host"/> has stopped, and a line for stderr when it is not 0:
    /// a node that could not join its cluster, or was downed, exits non-zero (<see cref="ClusterExit"/>).
    /// </summary>
    public static (int Code, string? Message) Exit(IHost host)
    {
        var reason = CoordinatedShutdown.Get(host.Services.GetRequiredService<ActorSystem>()).ShutdownReason;
        return (ClusterExit.CodeFor(reason), ClusterExit.MessageFor(reason, host.Services.GetRequiredService<ServerSettings>().Cluster));
    }

    /// <summary>
    /// The configured app: a sample by name, or the demo with each mount run by its own options. An
    /// unknown name is a bad value of <c>resume.server.app</c>.
    /// </summary>
    public static AppBinding Bind(ServerSettings settings)
    {
        if (settings.App is "" or AppCatalog.DemoName)
            return AppBinding.Routed(AppCatalog.DemoName, AppCatalog.Demo(), settings.OptionsFor);
        if (AppAssemblyLoader.IsReference(settings.App))
        {
            var (name, loaded) = AppAssemblyLoader.Load(settings.App);
            return AppBinding.Single(name, loaded, settings.OptionsFor(name));
        }
        return AppCatalog.Samples.TryGetValue(settings.App, out var app)
            ? AppBinding.Single(settings.App, app, settings.OptionsFor(settings.App))
            : throw new SettingsException("resume.server.app",
                $"\"{settings.App}\" is not an app; known: {AppCatalog.DemoName}, {string.Join(", ", AppCatalog.Samples.Keys)}, or path/to/Assembly.dll:Namespace.Type.Method");
    }
}
