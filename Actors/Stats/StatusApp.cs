using System.Globalization;
using System.Text.Json;
using Resume.Actors.Cluster;
using Resume.Apps;

namespace Resume.Actors.Stats;

/// <summary>
/// The status endpoint: JSON of the open connections, every request in flight (app, method, path,
/// state, what it waits on, since when, bytes in and out), the totals, and the cluster: every member
/// with its status, since when, and its own requests in flight and entities, asked of all members at
/// once for at most a second (a member that is unreachable or does not answer is shown as such).
/// A browser (<c>Accept: text/html</c>) or <c>?format=html</c> gets <see cref="StatusPage"/> instead,
/// which fetches this JSON (<c>?format=json</c>, which always wins) every second; tools that ask for
/// nothing in particular get JSON.
/// </summary>
public static class StatusApp
{
    public static App For(ServerStats stats, ClusterServices? cluster = null) => (environ, startResponse) => Run(stats, cluster, environ, startResponse);

    /// <summary>Whether <paramref name="environ"/> asks for the HTML page rather than the JSON.</summary>
    public static bool WantsPage(Environ environ) => environ.Query.GetValueOrDefault("format") switch
    {
        "html" => true,
        "json" => false,
        _ => environ.Header("Accept")?.Contains("text/html", StringComparison.OrdinalIgnoreCase) == true,
    };

    private static IEnumerable<Step> Run(ServerStats stats, ClusterServices? cluster, Environ environ, StartResponse startResponse)
    {
        if (WantsPage(environ))
        {
            startResponse("200 OK", [
                new("Content-Type", "text/html; charset=utf-8"),
                new("Cache-Control", "no-store"),
                new("Content-Length", StatusPage.Html.Length.ToString(CultureInfo.InvariantCulture)),
            ]);
            yield return StatusPage.Html;
            yield break;
        }
        Task<ClusterView>? gathered = null;
        if (cluster is not null)
        {
            gathered = cluster.GatherAsync();
            yield return gathered;
        }
        var body = Render(stats, environ.RequestId, gathered is { IsCompletedSuccessfully: true } ? gathered.Result : null);
        startResponse("200 OK", [
            new("Content-Type", "application/json"),
            new("Cache-Control", "no-store"),
            new("Content-Length", body.Length.ToString(CultureInfo.InvariantCulture)),
        ]);
        yield return body;
    }

    /// <summary>The status document; the request asking for it (<paramref name="self"/>) is left out.</summary>
    public static byte[] Render(ServerStats stats, string? self = null, ClusterView? cluster = null)
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
                var since = request.Since;
                json.WriteString("since", since.ToString("O", CultureInfo.InvariantCulture));
                // How long it has been in this state, by the server's clock: a browser's may differ.
                json.WriteNumber("for_seconds", Math.Round(Math.Max(0, (DateTimeOffset.UtcNow - since).TotalSeconds), 3));
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
            if (cluster is not null)
                WriteCluster(json, cluster);
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static void WriteCluster(Utf8JsonWriter json, ClusterView cluster)
    {
        json.WriteStartObject("cluster");
        json.WriteString("self", cluster.Self);
        json.WriteStartArray("members");
        foreach (var member in cluster.Members)
        {
            json.WriteStartObject();
            json.WriteString("address", member.Address);
            json.WriteString("status", member.Status);
            json.WriteStartArray("roles");
            foreach (var role in member.Roles)
                json.WriteStringValue(role);
            json.WriteEndArray();
            if (member.Since is { } since)
                json.WriteString("since", since.ToString("O", CultureInfo.InvariantCulture));
            else
                json.WriteNull("since");
            json.WriteBoolean("reachable", member.Reachable);
            if (member.Report is { } report)
            {
                json.WriteNumber("in_flight", report.InFlight);
                json.WriteStartObject("entities");
                foreach (var (type, count) in report.Entities.OrderBy(e => e.Key, StringComparer.Ordinal))
                    json.WriteNumber(type, count);
                json.WriteEndObject();
            }
            else
            {
                json.WriteString("problem", member.Problem);
            }
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
