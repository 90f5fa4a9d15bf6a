using Akka.Actor;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Resume.Actors.Apps;
using Resume.Actors.Cluster;
using Resume.Apps;
using Resume.Apps.Routing;

namespace Resume.Actors.Hosting;

/// <summary>
/// What the host built by <c>AddResume</c> needs beyond it: the app <c>resume.server.app</c> names, and
/// the exit code once it has stopped (non-zero for a node that could not join its cluster, or was downed).
/// </summary>
public static class ResumeHost
{
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
    /// The app <c>resume.server.app</c> names: an app in an assembly (<c>path.dll:Type.Method</c>), or
    /// one of <paramref name="named"/> (a router runs each mount with its own options). Anything else
    /// is a bad value of <c>resume.server.app</c>.
    /// </summary>
    public static AppBinding Bind(ServerSettings settings, IReadOnlyDictionary<string, App> named)
    {
        if (AppAssemblyLoader.IsReference(settings.App))
        {
            var (name, loaded) = AppAssemblyLoader.Load(settings.App);
            return AppBinding.Single(name, loaded, settings.OptionsFor(name));
        }
        if (!named.TryGetValue(settings.App, out var app))
        {
            var known = named.Count == 0 ? "" : $"known: {string.Join(", ", named.Keys)}, or ";
            throw new SettingsException("resume.server.app",
                $"\"{settings.App}\" is not an app; {known}path/to/Assembly.dll:Namespace.Type.Method (or mount apps with AddResume)");
        }
        return app.Target is PathPrefixRouter router && app.Method.Name == nameof(PathPrefixRouter.Run)
            ? AppBinding.Routed(settings.App, router, settings.OptionsFor)
            : AppBinding.Single(settings.App, app, settings.OptionsFor(settings.App));
    }
}
