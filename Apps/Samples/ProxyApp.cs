namespace Resume.Apps.Samples;

/// <summary>
/// <c>proxy?url=</c>: fetches an upstream with HttpClient and streams its body through chunk by chunk,
/// suspended (no thread held) on every upstream read. The request's Aborted cancels the upstream call.
/// </summary>
public static class ProxyApp
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    // Its length is what Content-Length declares: counted, never written by hand.
    private static readonly byte[] Usage = "proxy needs ?url=http(s)://...\n"u8.ToArray();

    private static readonly string[] Passed = ["Content-Type", "Content-Length", "Cache-Control", "ETag", "Last-Modified"];

    public static IEnumerable<Step> Run(Environ environ, StartResponse startResponse)
    {
        if (!environ.Query.TryGetValue("url", out var url) || !Uri.TryCreate(url, UriKind.Absolute, out var target) || target.Scheme is not ("http" or "https"))
        {
            startResponse("400 Bad Request", Responses.Sized("text/plain", Usage.Length));
            yield return Usage;
            yield break;
        }

        var sent = Http.GetAsync(target, HttpCompletionOption.ResponseHeadersRead, environ.Aborted);
        yield return sent;
        if (!sent.IsCompletedSuccessfully)
        {
            var reason = sent.Exception?.InnerException?.Message ?? "cancelled";
            var text = System.Text.Encoding.UTF8.GetBytes($"upstream failed: {reason}\n");
            startResponse("502 Bad Gateway", Responses.Sized("text/plain", text.Length));
            yield return text;
            yield break;
        }

        using var upstream = sent.Result;
        var headers = upstream.Headers.Concat(upstream.Content.Headers)
            .Where(h => Passed.Contains(h.Key, StringComparer.OrdinalIgnoreCase))
            .Select(h => new KeyValuePair<string, string>(h.Key, string.Join(", ", h.Value)))
            .ToList();
        startResponse($"{(int)upstream.StatusCode} {upstream.ReasonPhrase}", headers);

        var opened = upstream.Content.ReadAsStreamAsync(environ.Aborted);
        yield return opened;
        using var body = opened.GetAwaiter().GetResult();
        while (true)
        {
            // A fresh buffer per read: a yielded chunk must not change while it waits to be sent.
            var buffer = new byte[64 * 1024];
            var read = body.ReadAsync(buffer, environ.Aborted).AsTask();
            yield return read;
            var count = read.GetAwaiter().GetResult();
            if (count == 0)
                yield break;
            yield return buffer.AsMemory(0, count);
        }
    }
}
