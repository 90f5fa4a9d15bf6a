namespace Resume.Apps.Routing;

/// <summary>
/// WSGI-style middleware that mounts apps under path prefixes: the longest prefix matching whole
/// segments of PATH_INFO wins and moves from PATH_INFO to SCRIPT_NAME before the app is called.
/// Unmatched paths go to <c>fallback</c>, or get 404.
/// </summary>
public sealed class PathPrefixRouter
{
    private readonly KeyValuePair<string, App>[] _mounts;
    private readonly App _fallback;

    public PathPrefixRouter(IEnumerable<KeyValuePair<string, App>> mounts, App? fallback = null)
    {
        _mounts = mounts
            .Select(m => new KeyValuePair<string, App>("/" + m.Key.Trim('/'), m.Value))
            .OrderByDescending(m => m.Key.Length)
            .ToArray();
        _fallback = fallback ?? NotFound;
    }

    public IReadOnlyList<string> Prefixes => _mounts.Select(m => m.Key).ToArray();

    public IEnumerable<Step> Run(Environ environ, StartResponse startResponse)
    {
        var path = environ.PathInfo;
        foreach (var (prefix, app) in _mounts)
        {
            if (!path.StartsWith(prefix, StringComparison.Ordinal))
                continue;
            if (path.Length > prefix.Length && path[prefix.Length] != '/')
                continue;
            environ.ScriptName += prefix;
            environ.PathInfo = path[prefix.Length..];
            return app(environ, startResponse);
        }
        return _fallback(environ, startResponse);
    }

    public static implicit operator App(PathPrefixRouter router) => router.Run;

    private static IEnumerable<Step> NotFound(Environ environ, StartResponse startResponse)
    {
        var body = "Not Found\n"u8.ToArray();
        startResponse("404 Not Found", [new("Content-Type", "text/plain"), new("Content-Length", body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        yield return body;
    }
}
