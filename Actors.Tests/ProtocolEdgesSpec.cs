using System.Text.Json;
using Resume.Actors.Tests.Support;
using Resume.Apps;
using Resume.Apps.Samples;
using Xunit.Abstractions;

namespace Resume.Actors.Tests;

/// <summary>Timeouts, the environ's view of a request, and what an app may not send.</summary>
public sealed class ProtocolEdgesSpec(ITestOutputHelper output) : ServerSpec(output)
{
    [Fact]
    public async Task A_request_head_that_stalls_gets_408_and_a_close()
    {
        var settings = TestServers.Settings with { Limits = TestServers.Settings.Limits with { HeaderTimeout = TimeSpan.FromMilliseconds(500) } };
        var server = TestServers.Start(Sys, HelloApp.Run, settings);
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync("GET / HTTP/1.1\r\nHost: te");

        Assert.Equal(408, (await client.ReadResponseAsync(timeout: Dilated(TimeSpan.FromSeconds(10)))).Status);
        Assert.True(await client.IsClosedByServerAsync());
    }

    [Fact]
    public async Task An_idle_keep_alive_connection_is_closed_after_the_timeout()
    {
        var settings = TestServers.Settings with { Connection = TestServers.Settings.Connection with { KeepAliveTimeout = TimeSpan.FromMilliseconds(500) } };
        var server = TestServers.Start(Sys, HelloApp.Run, settings);
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync("GET / HTTP/1.1\r\nHost: test\r\n\r\n");
        Assert.Equal(200, (await client.ReadResponseAsync()).Status);

        Assert.True(await client.IsClosedByServerAsync(Dilated(TimeSpan.FromSeconds(10))));
    }

    [Fact]
    public async Task A_header_value_with_CR_or_LF_from_the_app_is_refused_and_never_sent()
    {
        static IEnumerable<Step> Injecting(Environ environ, StartResponse startResponse)
        {
            startResponse("200 OK", [new("X-Note", "fine\r\nSet-Cookie: stolen=1")]);
            yield return "body";
        }
        var server = TestServers.Start(Sys, Injecting);
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync("GET / HTTP/1.1\r\nHost: test\r\n\r\n");

        var response = await client.ReadResponseAsync();
        Assert.Equal(500, response.Status);
        Assert.False(response.Has("Set-Cookie"));
        Assert.False(response.Has("X-Note"));
    }

    [Fact]
    public async Task The_environ_carries_the_wsgi_keys_and_the_absolute_form_authority_wins_over_Host()
    {
        Environ? seen = null;
        IEnumerable<Step> Capture(Environ environ, StartResponse startResponse)
        {
            seen = environ;
            return HelloApp.Run(environ, startResponse);
        }
        var server = TestServers.Start(Sys, Capture);
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync("POST http://api.example:8081/a%20b/c?x=1&y=%C3%A9 HTTP/1.1\r\nHost: other\r\nContent-Type: text/plain\r\nContent-Length: 0\r\nX-Thing: one\r\nX-Thing: two\r\n\r\n");
        Assert.Equal(200, (await client.ReadResponseAsync()).Status);

        Assert.NotNull(seen);
        Assert.Equal("POST", seen.RequestMethod);
        Assert.Equal("", seen.ScriptName);
        Assert.Equal("/a b/c", seen.PathInfo);
        Assert.Equal("/a%20b/c", seen.RawPath);
        Assert.Equal("x=1&y=%C3%A9", seen.QueryString);
        Assert.Equal("é", seen.Query["y"]);
        Assert.Equal("api.example", seen.ServerName);
        Assert.Equal("8081", seen.ServerPort);
        Assert.Equal("HTTP/1.1", seen.ServerProtocol);
        Assert.Equal("text/plain", seen.ContentType);
        Assert.Equal(0, seen.ContentLength);
        Assert.Equal("one, two", seen["HTTP_X_THING"]);
        Assert.Equal("other", seen["HTTP_HOST"]);
        Assert.False(seen.ContainsKey("HTTP_CONTENT_TYPE"));
        Assert.Equal("127.0.0.1", seen.RemoteAddr);
        Assert.Equal("http", seen["wsgi.url_scheme"]);
    }

    [Fact]
    public async Task Echo_reports_the_raw_target_and_headers_in_received_order()
    {
        var server = TestServers.Start(Sys, EchoApp.Run);
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync("GET /p?q HTTP/1.1\r\nHost: h\r\nB: 2\r\nA:   1  \r\n\r\n");

        using var json = JsonDocument.Parse((await client.ReadResponseAsync()).Body);
        var headers = json.RootElement.GetProperty("headers").EnumerateArray().Select(h => $"{h[0]}={h[1]}").ToArray();
        Assert.Equal(["Host=h", "B=2", "A=1"], headers);
        Assert.Equal("/p?q", json.RootElement.GetProperty("target").GetString());
    }
}
