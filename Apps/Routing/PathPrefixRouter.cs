using System.Globalization;

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

    /// <summary>The mount names, without slashes.</summary>
    public IReadOnlyList<string> MountNames => _mounts.Select(m => m.Key[1..]).ToArray();

    /// <summary>The name of the mount that serves <paramref name="path"/>, or null for the fallback.</summary>
    public string? MountFor(string path) => Match(path) is { } mount ? mount.Key[1..] : null;

    public IEnumerable<Step> Run(Environ environ, StartResponse startResponse)
    {
        var path = environ.PathInfo;
        if (Match(path) is not { } mount)
            return _fallback(environ, startResponse);
        environ.ScriptName += mount.Key;
        environ.PathInfo = path[mount.Key.Length..];
        return mount.Value(environ, startResponse);
    }

    private KeyValuePair<string, App>? Match(string path)
    {
        foreach (var mount in _mounts)
        {
            var prefix = mount.Key;
            if (path.StartsWith(prefix, StringComparison.Ordinal) && (path.Length == prefix.Length || path[prefix.Length] == '/'))
                return mount;
        }
        return null;
    }

    public static implicit operator App(PathPrefixRouter router) => router.Run;

    private static IEnumerable<Step> NotFound(Environ environ, StartResponse startResponse)
    {
        var body = "Not Found\n"u8.ToArray();
        startResponse("404 Not Found", [new("Content-Type", "text/plain"), new("Content-Length", body.Length.ToString(CultureInfo.InvariantCulture))]);
        yield return body;
    }
}
