using System.Text;

namespace Resume.Apps.Testing;

/// <summary>A request to run an app on without a server (see <see cref="AppRun"/>).</summary>
public sealed record TestRequest
{
    public string Method { get; init; } = "GET";

    /// <summary>The path, percent-decoded, as PATH_INFO.</summary>
    public string Path { get; init; } = "/";

    public string Query { get; init; } = "";

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [new("Host", "test")];

    public byte[] Body { get; init; } = [];

    public static TestRequest Get(string pathAndQuery)
    {
        var question = pathAndQuery.IndexOf('?');
        return question < 0
            ? new TestRequest { Path = pathAndQuery }
            : new TestRequest { Path = pathAndQuery[..question], Query = pathAndQuery[(question + 1)..] };
    }

    public static TestRequest Post(string path, string body, string contentType = "text/plain") => new()
    {
        Method = "POST",
        Path = path,
        Body = Encoding.UTF8.GetBytes(body),
        Headers = [new("Host", "test"), new("Content-Type", contentType)],
    };
}
