using System.Globalization;
using System.Text.Json;
using Resume.Apps;

namespace Resume.Actors.Stats;

/// <summary>
/// The status endpoint: JSON of the open connections, every request in flight (app, method, path,
/// state, what it waits on, since when, bytes in and out) and the totals.
/// </summary>
public static class StatusApp
{
    public static App For(ServerStats stats) => (environ, startResponse) => Run(stats, environ, startResponse);

    private static IEnumerable<Step> Run(ServerStats stats, Environ environ, StartResponse startResponse)
    {
        var body = Render(stats, environ.RequestId);
        startResponse("200 OK", [
            new("Content-Type", "application/json"),
            new("Cache-Control", "no-store"),
            new("Content-Length", body.Length.ToString(CultureInfo.InvariantCulture)),
        ]);
        yield return body;
    }

    /// <summary>The status document; the request asking for it (<paramref name="self"/>) is left out.</summary>
    public static byte[] Render(ServerStats stats, string? self = null)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("connections", stats.Connections);
            json.WriteStartArray("in_flight");
            foreach (var request in stats.InFlight.Values.Where(r => r.Id != self).OrderBy(r => r.Id, StringComparer.Ordinal))
            {
                json.WriteStartObject();
                json.WriteString("id", request.Id);
                json.WriteString("app", request.App);
                json.WriteString("method", request.Method);
                json.WriteString("path", request.Path);
                json.WriteString("state", request.State);
                if (request.WaitingOn is { } waitingOn)
                    json.WriteString("waiting_on", waitingOn);
                else
                    json.WriteNull("waiting_on");
                json.WriteString("since", request.Since.ToString("O", CultureInfo.InvariantCulture));
                json.WriteNumber("bytes_in", request.BytesIn);
                json.WriteNumber("bytes_out", request.BytesOut);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartObject("totals");
            json.WriteNumber("completed", stats.Completed);
            json.WriteNumber("failed", stats.Failed);
            json.WriteNumber("aborted", stats.Aborted);
            json.WriteNumber("timed_out", stats.TimedOut);
            json.WriteNumber("disposed", stats.Disposed);
            // Less the status request itself, still running while it renders this.
            json.WriteNumber("request_actors", stats.RequestActors - (self is null ? 0 : 1));
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
