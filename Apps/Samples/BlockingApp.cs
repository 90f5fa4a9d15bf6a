namespace Resume.Apps.Samples;

/// <summary>
/// <c>blocking?ms=M</c>: a plain synchronous WSGI app — it sleeps on its thread and reads the body
/// with synchronous reads. Registered as blocking in HOCON, it runs on the bounded blocking
/// dispatcher and never stalls the actor threads.
/// </summary>
public static class BlockingApp
{
    public static IEnumerable<Step> Run(Environ environ, StartResponse startResponse)
    {
        Thread.Sleep((int)environ.Query.Int("ms", 100));
        long bytes = 0;
        while (environ.Input.Read(64 * 1024) is { IsEmpty: false } chunk)
            bytes += chunk.Length;
        var body = System.Text.Encoding.ASCII.GetBytes($"slept, read {bytes} bytes\n");
        startResponse("200 OK", Responses.Sized("text/plain", body.Length));
        yield return body;
    }
}
