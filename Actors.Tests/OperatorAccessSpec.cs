using Resume.Actors.Stats;
using Resume.Apps;
using Resume.Apps.Testing;

namespace Resume.Actors.Tests;

/// <summary>The status endpoint and the metrics answer loopback, or a client with the status token; anyone else gets 403.</summary>
public sealed class OperatorAccessSpec
{
    [Theory]
    [InlineData("127.0.0.1", null, "", null, 200)]
    [InlineData("::1", null, "", null, 200)]
    [InlineData("::ffff:127.0.0.1", null, "", null, 200)]
    [InlineData("203.0.113.7", null, "", null, 403)]
    [InlineData("203.0.113.7", null, "token=secret", null, 403)]
    [InlineData("203.0.113.7", "secret", "", null, 403)]
    [InlineData("203.0.113.7", "secret", "token=wrong", null, 403)]
    [InlineData("203.0.113.7", "secret", "token=secret", null, 200)]
    [InlineData("203.0.113.7", "secret", "format=html&token=secret", null, 200)]
    [InlineData("203.0.113.7", "secret", "", "Bearer secret", 200)]
    [InlineData("203.0.113.7", "secret", "", "bearer secret", 200)]
    [InlineData("203.0.113.7", "secret", "", "Bearer secre", 403)]
    [InlineData("203.0.113.7", "secret", "", "Basic c2VjcmV0", 403)]
    public void Loopback_or_the_token(string remoteAddr, string? token, string query, string? authorization, int status)
    {
        var guarded = OperatorAccess.Guard(Ok, token);
        App app = (environ, startResponse) =>
        {
            environ[Environ.CgiKeys.RemoteAddr] = remoteAddr;
            return guarded(environ, startResponse);
        };
        var request = new TestRequest
        {
            Path = "/_status",
            Query = query,
            Headers = authorization is null ? [new("Host", "t")] : [new("Host", "t"), new("Authorization", authorization)],
        };
        using var run = AppRun.Start(app, request);
        run.RunUntilSuspended();
        Assert.Equal(status, run.StatusCode);
    }

    private static IEnumerable<Step> Ok(Environ environ, StartResponse startResponse)
    {
        startResponse("200 OK", []);
        yield return "ok";
    }
}
