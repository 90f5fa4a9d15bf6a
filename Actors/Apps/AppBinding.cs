using Resume.Apps;
using Resume.Apps.Routing;
using Resume.Transport.Http;

namespace Resume.Actors.Apps;

/// <summary>
/// Chooses the route of each request before its app starts, since how an app runs (blocking,
/// pre-buffered, deadlines) must be known before it is called. The status and health endpoints, when
/// on, are answered ahead of the app, and <c>OPTIONS *</c> by the server itself (<see cref="ServerOptions"/>).
/// </summary>
public sealed class AppBinding
{
    private readonly Func<RequestHead, AppRoute> _resolve;

    private AppBinding(Func<RequestHead, AppRoute> resolve, IReadOnlyList<AppRoute> routes)
    {
        _resolve = resolve;
        Routes = routes;
    }

    /// <summary>Every route of an app a request may take (the server's own <see cref="ServerOptions"/> aside).</summary>
    public IReadOnlyList<AppRoute> Routes { get; }

    public AppRoute Resolve(RequestHead head) => ServerOptions.Applies(head.Method, head.Target) ? ServerOptions.Route : _resolve(head);

    /// <summary>One app on every path.</summary>
    public static AppBinding Single(string name, App app, AppOptions options)
    {
        var route = new AppRoute(name, app, options);
        return new AppBinding(_ => route, [route]);
    }

    /// <summary>A router whose mounts each run with their own options, by mount name.</summary>
    public static AppBinding Routed(string name, PathPrefixRouter router, Func<string, AppOptions> optionsFor)
    {
        var fallback = new AppRoute(name, router, optionsFor(name));
        var routes = router.MountNames.ToDictionary(mount => mount, mount => new AppRoute(mount, router, optionsFor(mount)), StringComparer.Ordinal);
        return new AppBinding(
            head => router.MountFor(RequestTarget.PercentDecode(head.Path)) is { } mount ? routes[mount] : fallback,
            [fallback, .. routes.Values]);
    }

    /// <summary>Answers <paramref name="path"/> with <paramref name="status"/>, run with <paramref name="options"/>, and everything else as before.</summary>
    public AppBinding WithStatusEndpoint(string? path, App status, AppOptions options) => WithEndpoint("status", path, status, options);

    /// <summary>
    /// Answers <paramref name="path"/> with <paramref name="app"/>, named <paramref name="name"/> and
    /// run with <paramref name="options"/>, ahead of every app; a null or empty path leaves this as it is.
    /// </summary>
    public AppBinding WithEndpoint(string name, string? path, App app, AppOptions options)
    {
        if (string.IsNullOrEmpty(path))
            return this;
        var route = new AppRoute(name, app, options);
        return new AppBinding(head => RequestTarget.PercentDecode(head.Path) == path ? route : _resolve(head), [route, .. Routes]);
    }
}
