using Akka;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Resume.Actors.Apps;
using Resume.Actors.Server;
using Resume.Apps;

namespace Resume.Actors.Hosting;

/// <summary>
/// The server as a .NET generic host: Akka.Hosting runs the actor system; Ctrl-C / SIGTERM runs
/// CoordinatedShutdown, which unbinds (service-unbind), lets requests in flight finish up to the
/// drain deadline (service-requests-done), then stops the system.
/// </summary>
public static class ResumeHost
{
    /// <summary>
    /// The host for <paramref name="options"/>, its configuration read and checked and its port bound
    /// first: a bad value, an unknown key or app, a host that does not resolve or a port in use throws
    /// a <see cref="SettingsException"/> before anything starts.
    /// </summary>
    public static IHost Build(CommandLine options)
    {
        var config = ResumeConfig.Load(options.ConfigFile, options.ToConfig());
        var settings = ServerSettings.FromConfig(config);
        var apps = Bind(settings);
        var listener = ListeningSocket.Open(settings);

        // No watching of appsettings files for changes (Resume has none: HOCON configures it). The
        // watcher's thread is the first casualty when descriptors run out: reloading a file it saw
        // change fails with EMFILE, and the runtime aborts the process (PAL_SEHException, exit 134).
        var hostConfiguration = new ConfigurationManager();
        hostConfiguration.AddInMemoryCollection([new("hostBuilder:reloadConfigOnChange", "false")]);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Configuration = hostConfiguration });
        builder.Services.AddAkka("resume", (akka, _) =>
        {
            akka.AddHocon(config, HoconAddMode.Prepend);
            akka.ConfigureLoggers(loggers => loggers.AddLoggerFactory());
            akka.WithActors((system, registry) =>
            {
                var server = ResumeServer.Start(system, settings, apps, listener);
                registry.Register<ServerActor>(server.Actor);
                var shutdown = CoordinatedShutdown.Get(system);
                shutdown.AddTask(CoordinatedShutdown.PhaseServiceUnbind, "resume-unbind", async () =>
                    await server.Actor.Ask<Done>(ServerActor.Unbind.Instance, TimeSpan.FromSeconds(5)));
                shutdown.AddTask(CoordinatedShutdown.PhaseServiceRequestsDone, "resume-drain", async () =>
                    await server.Actor.Ask<Done>(ServerActor.Drain.Instance, settings.DrainDeadline + TimeSpan.FromSeconds(2)));
            });
        });
        builder.Services.AddHostedService<HangupSignal>();
        return builder.Build();
    }

    /// <summary>
    /// The configured app: a sample by name, or the demo with each mount run by its own options. An
    /// unknown name is a bad value of <c>resume.server.app</c>.
    /// </summary>
    public static AppBinding Bind(ServerSettings settings)
    {
        if (settings.App is "" or AppCatalog.DemoName)
            return AppBinding.Routed(AppCatalog.DemoName, AppCatalog.Demo(), settings.OptionsFor);
        return AppCatalog.Samples.TryGetValue(settings.App, out var app)
            ? AppBinding.Single(settings.App, app, settings.OptionsFor(settings.App))
            : throw new SettingsException("resume.server.app",
                $"\"{settings.App}\" is not an app; known: {AppCatalog.DemoName}, {string.Join(", ", AppCatalog.Samples.Keys)}");
    }
}
