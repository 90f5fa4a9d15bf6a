using System.Globalization;
using System.Net;
using System.Text;
using Resume.Apps.Routing;

namespace Resume.Apps.Samples;

/// <summary>The sample apps by the name <c>--app</c> takes, and the demo that mounts them all.</summary>
public static class AppCatalog
{
    /// <summary>The name of the demo: every sample under <c>/NAME</c> and an index at <c>/</c>.</summary>
    public const string DemoName = "demo";

    public static IReadOnlyDictionary<string, App> Samples { get; } = new Dictionary<string, App>(StringComparer.Ordinal)
    {
        ["hello"] = HelloApp.Run,
        ["echo"] = EchoApp.Run,
        ["stream"] = StreamApp.Run,
        ["sleep"] = SleepApp.Run,
        ["reference"] = ReferenceApp.Run,
        ["upload"] = UploadApp.Run,
        ["proxy"] = ProxyApp.Run,
        ["blocking"] = BlockingApp.Run,
        ["lineclient"] = LineClientApp.Run,
        ["fail"] = FailApp.Run,
        ["hang"] = HangApp.Run,
        ["counter"] = CounterApp.Run,
        ["chat"] = ChatApp.Run,
        ["work"] = WorkApp.Run,
    };

    public static PathPrefixRouter Demo() => new(Samples, Index);

    /// <summary>Every name <c>--app</c> takes: the samples and the demo.</summary>
    public static IReadOnlyDictionary<string, App> Named { get; } =
        new Dictionary<string, App>(Samples, StringComparer.Ordinal) { [DemoName] = Demo() };

    /// <summary>The HOCON the samples need under any other configuration: counter's, chat's and work's entity and job types.</summary>
    public static string Hocon { get; } = ReadHocon();

    private static string ReadHocon()
    {
        using var stream = typeof(AppCatalog).Assembly.GetManifestResourceStream("samples.conf")
            ?? throw new InvalidOperationException("samples.conf is not embedded in Resume.Samples.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static IEnumerable<Step> Index(Environ environ, StartResponse startResponse)
    {
        if (environ.PathInfo is not ("/" or ""))
        {
            var missing = "Not Found\n"u8.ToArray();
            startResponse("404 Not Found", Responses.Sized("text/plain", missing.Length));
            yield return missing;
            yield break;
        }
        var html = new StringBuilder("<!doctype html><title>Resume</title><h1>Resume sample apps</h1><ul>");
        foreach (var name in Samples.Keys)
            html.Append(CultureInfo.InvariantCulture, $"<li><a href=\"{WebUtility.HtmlEncode(name)}\">/{WebUtility.HtmlEncode(name)}</a></li>");
        html.Append("</ul>");
        var body = Encoding.UTF8.GetBytes(html.ToString());
        startResponse("200 OK", Responses.Sized("text/html; charset=utf-8", body.Length));
        yield return body;
    }
}
