using Resume.Apps;

namespace Resume.Actors.Tests.Loading;

/// <summary>Apps the server loads from this test assembly by path, as it would an app author's (<c>--app path.dll:Type.Method</c>).</summary>
public static class LoadableApps
{
    public static IEnumerable<Step> Greet(Environ environ, StartResponse startResponse)
    {
        var body = $"loaded from {typeof(LoadableApps).Assembly.GetName().Name}: {environ.PathInfo}\n";
        startResponse("200 OK", [new("Content-Type", "text/plain")]);
        yield return body;
    }

    /// <summary>The other shape: a factory of the app.</summary>
    public static App Create() => (environ, startResponse) => Greet(environ, startResponse);

    /// <summary>Not an app: the wrong parameters.</summary>
    public static IEnumerable<Step> Wrong(string text) => [text];
}
