namespace Resume.Apps.Samples;

/// <summary><c>hang</c>: yields a future that never completes, for disconnect and deadline tests.</summary>
public static class HangApp
{
    public static IEnumerable<Step> Run(Environ environ, StartResponse startResponse)
    {
        yield return new TaskCompletionSource().Task;
        startResponse("200 OK", Responses.Sized("text/plain", 5));
        yield return "never";
    }
}
