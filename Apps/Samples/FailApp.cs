namespace Resume.Apps.Samples;

/// <summary><c>fail?when=before|after|future</c>: raises before headers, after the first chunk, or through a faulted future.</summary>
public static class FailApp
{
    public static IEnumerable<Step> Run(Environ environ, StartResponse startResponse)
    {
        var when = environ.Query.TryGetValue("when", out var value) ? value : "before";
        if (when == "before")
            throw new InvalidOperationException("fail: raised before headers");
        if (when == "future")
        {
            var failing = FailLater();
            yield return failing;
            failing.GetAwaiter().GetResult();
        }
        startResponse("200 OK", Responses.Streamed("text/plain"));
        yield return "first chunk\n";
        yield return Task.Delay(10);
        throw new InvalidOperationException("fail: raised after the first chunk");
    }

    private static async Task FailLater()
    {
        await Task.Delay(10);
        throw new TimeoutException("fail: the future faulted");
    }
}
