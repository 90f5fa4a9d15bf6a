using Akka;
using Akka.Actor;
using Akka.Hosting;
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
    public static IHost Build(CommandLine options)
    {
        var config = ResumeConfig.Load(options.ConfigFile, options.ToHocon());
        var settings = ServerSettings.FromConfig(config);
        var apps = Bind(settings);

        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAkka("resume", (akka, _) =>
        {
            akka.AddHocon(config, HoconAddMode.Prepend);
            akka.ConfigureLoggers(loggers => loggers.AddLoggerFactory());
            akka.WithActors((system, registry) =>
            {
                var server = ResumeServer.Start(system, settings, apps);
                registry.Register<ServerActor>(server.Actor);
                var shutdown = CoordinatedShutdown.Get(system);
                shutdown.AddTask(CoordinatedShutdown.PhaseServiceUnbind, "resume-unbind", async () =>
                    await server.Actor.Ask<Done>(ServerActor.Unbind.Instance, TimeSpan.FromSeconds(5)));
                shutdown.AddTask(CoordinatedShutdown.PhaseServiceRequestsDone, "resume-drain", async () =>
                    await server.Actor.Ask<Done>(ServerActor.Drain.Instance, settings.DrainDeadline + TimeSpan.FromSeconds(2)));
            });
        });
        return builder.Build();
    }

    /// <summary>The configured app: a sample by name, or the demo with each mount run by its own options.</summary>
    public static AppBinding Bind(ServerSettings settings) =>
        settings.App is "" or AppCatalog.DemoName
            ? AppBinding.Routed(AppCatalog.DemoName, AppCatalog.Demo(), settings.OptionsFor)
            : AppBinding.Single(settings.App, AppCatalog.Resolve(settings.App), settings.OptionsFor(settings.App));
}
