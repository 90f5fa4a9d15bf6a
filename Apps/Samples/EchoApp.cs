using System.Text.Json;

namespace Resume.Apps.Samples;

/// <summary>
/// <c>echo</c>: describes the request exactly as parsed, as JSON: method, raw target, path, query,
/// version, headers in received order and the whole decoded body in base64. It reads the body by
/// yielding futures.
/// </summary>
public static class EchoApp
{
    public static IEnumerable<Step> Run(Environ environ, StartResponse startResponse)
    {
        using var body = new MemoryStream();
        while (true)
        {
            var read = environ.Input.ReadAsync(64 * 1024);
            yield return read;
            var chunk = read.GetAwaiter().GetResult();
            if (chunk.IsEmpty)
                break;
            body.Write(chunk.Span);
        }

        var json = Describe(environ, body.ToArray());
        startResponse("200 OK", Responses.Sized("application/json", json.Length));
        yield return json;
    }

    private static byte[] Describe(Environ environ, byte[] body)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("method", environ.RequestMethod);
            json.WriteString("target", environ.RawUri);
            json.WriteString("path", environ.RawPath);
            json.WriteString("query", environ.QueryString);
            json.WriteString("version", environ.ServerProtocol);
            json.WriteStartArray("headers");
            foreach (var (name, value) in environ.Headers)
            {
                json.WriteStartArray();
                json.WriteStringValue(name);
                json.WriteStringValue(value);
                json.WriteEndArray();
            }
            json.WriteEndArray();
            json.WriteString("body_base64", Convert.ToBase64String(body));
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
