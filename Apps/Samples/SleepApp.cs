namespace Resume.Apps.Samples;

/// <summary><c>sleep?ms=M</c>: suspends on a M ms timer (no thread held), then answers "ok".</summary>
public static class SleepApp
{
    private static readonly byte[] Body = "ok"u8.ToArray();
    private static readonly KeyValuePair<string, string>[] Headers = Responses.Sized("text/plain", Body.Length);

    public static IEnumerable<Step> Run(Environ environ, StartResponse startResponse)
    {
        var ms = (int)environ.Query.Int("ms", 100);
        yield return Task.Delay(ms, environ.Aborted);
        startResponse("200 OK", Headers);
        yield return Body;
    }
}
