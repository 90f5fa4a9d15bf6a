namespace Resume.Apps.Samples;

/// <summary><c>hello</c>: 200 text/plain "Hello, World!" with a Content-Length.</summary>
public static class HelloApp
{
    private static readonly byte[] Body = "Hello, World!"u8.ToArray();
    private static readonly KeyValuePair<string, string>[] Headers = Responses.Sized("text/plain", Body.Length);

    public static IEnumerable<Step> Run(Environ environ, StartResponse startResponse)
    {
        startResponse("200 OK", Headers);
        yield return Body;
    }
}
