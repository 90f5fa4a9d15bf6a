namespace Resume.Apps.Samples;

/// <summary>
/// <c>stream?chunks=N&amp;size=B&amp;delay_ms=D</c>: N chunks of B bytes, each after a D ms delay when D &gt; 0,
/// with no Content-Length (chunked on HTTP/1.1). <c>size=0</c> yields empty chunks.
/// </summary>
public static class StreamApp
{
    public static IEnumerable<Step> Run(Environ environ, StartResponse startResponse) => Run(environ, startResponse, null);

    /// <summary>The same app, reporting each chunk it yields to <paramref name="onChunk"/> (for tests).</summary>
    public static App Observed(Action<long> onChunk) => (environ, startResponse) => Run(environ, startResponse, onChunk);

    private static IEnumerable<Step> Run(Environ environ, StartResponse startResponse, Action<long>? onChunk)
    {
        var query = environ.Query;
        var chunks = query.Int("chunks", 10);
        var size = (int)query.Int("size", 1024);
        var delay = (int)query.Int("delay_ms", 0);
        var chunk = new byte[size];
        for (var i = 0; i < size; i++)
            chunk[i] = (byte)('a' + i % 26);

        startResponse("200 OK", Responses.Streamed("application/octet-stream"));
        for (long i = 0; i < chunks; i++)
        {
            if (delay > 0)
                yield return Task.Delay(delay, environ.Aborted);
            onChunk?.Invoke(i + 1);
            yield return chunk;
        }
    }
}
