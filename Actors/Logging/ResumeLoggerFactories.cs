using Akka.Actor;
using Akka.DependencyInjection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Resume.Actors.Logging;

/// <summary>Where a server's <see cref="ILoggerFactory"/> comes from when its starter gives none.</summary>
public static class ResumeLoggerFactories
{
    /// <summary>
    /// The host's factory if <paramref name="system"/> was made by one (Akka.Hosting's service provider,
    /// whose filter rules apply); else a factory over the system's event stream
    /// (<see cref="AkkaEventStreamLoggerProvider"/>) filtered by <paramref name="settings"/> as a host would.
    /// </summary>
    public static ILoggerFactory For(IActorRefFactory system, LoggingSettings settings)
    {
        var actorSystem = system switch
        {
            ActorSystem s => s,
            IActorContext context => context.System,
            _ => throw new ArgumentException("neither an actor system nor an actor's context", nameof(system)),
        };
        if (actorSystem.Settings.Setup.Get<DependencyResolverSetup>().HasValue
            && DependencyResolver.For(actorSystem).Resolver.GetService<ILoggerFactory>() is { } hosted)
        {
            return hosted;
        }
        var bridged = LoggerFactory.Create(builder =>
        {
            builder.SetMinimumLevel(LogLevel.Trace);
            builder.AddProvider(new AkkaEventStreamLoggerProvider(actorSystem));
            builder.Services.AddSingleton<IPostConfigureOptions<LoggerFilterOptions>>(new LogLevelRules(settings));
        });
        WarnBelowAkkaLevel(bridged, actorSystem, settings);
        return bridged;
    }

    // Lines below akka.loglevel would vanish on the event stream: say so once, rather than drop them silently.
    private static void WarnBelowAkkaLevel(ILoggerFactory factory, ActorSystem system, LoggingSettings settings)
    {
        var akkaLevel = system.EventStream.LogLevel;
        var log = factory.CreateLogger(LogCategories.Server);
        foreach (var (category, level) in settings.Levels.Append(KeyValuePair.Create("every category", settings.Level)))
        {
            if (level != LogLevel.None && AkkaEventStreamLoggerProvider.ToAkka(level) < akkaLevel)
                ServerLog.BelowAkkaLevel(log, category, level, akkaLevel.ToString());
        }
    }
}
