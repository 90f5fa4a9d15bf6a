using System.Text;
using System.Text.Json;

namespace Resume.Apps.Samples;

/// <summary>JSON bodies and short plain-text errors for the cluster samples.</summary>
internal static class JsonResponses
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static byte[] Answer(StartResponse startResponse, string status, object value)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(value, Options);
        startResponse(status, Responses.Sized("application/json", body.Length));
        return body;
    }

    public static byte[] Line(object value) => [.. JsonSerializer.SerializeToUtf8Bytes(value, Options), (byte)'\n'];

    public static byte[] Error(StartResponse startResponse, string status, string message)
    {
        var body = Encoding.UTF8.GetBytes(message + "\n");
        startResponse(status, Responses.Sized("text/plain; charset=utf-8", body.Length));
        return body;
    }

    /// <summary>The first segment of PATH_INFO ("" if none): an entity's id.</summary>
    public static string FirstSegment(Environ environ, out string rest)
    {
        var path = environ.PathInfo.TrimStart('/');
        var slash = path.IndexOf('/');
        rest = slash < 0 ? "" : path[(slash + 1)..];
        return slash < 0 ? path : path[..slash];
    }
}
