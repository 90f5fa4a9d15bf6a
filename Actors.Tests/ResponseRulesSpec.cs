using Resume.Actors.Tests.Support;
using Resume.Apps;
using Resume.Apps.Testing;
using Xunit.Abstractions;

namespace Resume.Actors.Tests;

/// <summary>What startResponse refuses, the same in the server and in the app test kit.</summary>
public sealed class ResponseRulesSpec(ITestOutputHelper output) : ServerSpec(output)
{
    public static TheoryData<string, string, string> Refused => new()
    {
        { "200", "Content-Type", "text/plain" },
        { "20 OK", "Content-Type", "text/plain" },
        { "200 OK\r\nX-Injected: 1", "Content-Type", "text/plain" },
        { "200 OK", "Bad Name", "x" },
        { "200 OK", "", "x" },
        { "200 OK", "X-Value", "a\r\nX-Injected: 1" },
        { "200 OK", "X-Value", "bell\u0007" },
        { "200 OK", "Transfer-Encoding", "chunked" },
        { "200 OK", "keep-alive", "timeout=5" },
        { "200 OK", "Content-Length", "ten" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_bad_status_or_header_is_refused_by_the_server_with_500_and_by_the_test_kit_alike(string status, string name, string value)
    {
        IEnumerable<Step> App(Environ environ, StartResponse startResponse)
        {
            startResponse(status, [new(name, value)]);
            yield return "body";
        }

        using var run = AppRun.Start(App);
        await run.RunToEndAsync();
        Assert.IsType<ArgumentException>(run.Error);

        var server = TestServers.Start(Sys, App);
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync(Get("/"));
        var response = await client.ReadResponseAsync();
        Assert.Equal(500, response.Status);
        Assert.DoesNotContain(response.Headers, h => h.Key == "X-Injected");
    }

    [Fact]
    public async Task A_good_head_passes_both()
    {
        IEnumerable<Step> App(Environ environ, StartResponse startResponse)
        {
            startResponse("299 Whatever You Like", [new("X-Token.~!#", "tab\tand obs-text \u00e9"), new("Content-Length", "4")]);
            yield return "body";
        }

        using var run = AppRun.Start(App);
        await run.RunToEndAsync();
        Assert.Null(run.Error);

        var server = TestServers.Start(Sys, App);
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync(Get("/"));
        var response = await client.ReadResponseAsync();
        Assert.Equal(299, response.Status);
        Assert.Equal("body", response.BodyText);
    }
}
