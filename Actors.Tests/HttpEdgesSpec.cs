using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Resume.Actors.Tests.Support;
using Resume.Apps;
using Resume.Apps.Samples;
using Xunit.Abstractions;

namespace Resume.Actors.Tests;

/// <summary>The smaller HTTP edges of RFC 9110/9112 (issue 9, item 7), through a real socket.</summary>
public sealed class HttpEdgesSpec(ITestOutputHelper output) : ServerSpec(output)
{
    [Theory]
    [InlineData("Transfer-Encoding: gzip, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 501)]
    [InlineData("Transfer-Encoding: chunked\r\n\r\n5;\r\nhello\r\n0\r\n\r\n", 400)]
    [InlineData("Transfer-Encoding: chunked\r\n\r\n5;a=b=c\r\nhello\r\n0\r\n\r\n", 400)]
    [InlineData("Transfer-Encoding: chunked\r\n\r\n0\r\nContent-Length: 9\r\n\r\n", 400)]
    public async Task A_body_framed_against_the_rules_is_refused_with_its_status_and_a_close(string afterHost, int status)
    {
        var server = TestServers.Start(Sys, EchoApp.Run);
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync("POST / HTTP/1.1\r\nHost: t\r\n" + afterHost);

        Assert.Equal(status, (await client.ReadResponseAsync()).Status);
        Assert.True(await client.IsClosedByServerAsync());
    }

    [Fact]
    public async Task An_over_long_chunk_size_line_is_a_bad_request()
    {
        var server = TestServers.Start(Sys, EchoApp.Run);
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        var extension = new string('a', TestServers.Settings.Limits.MaxChunkLine);
        await client.SendAsync($"POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5;x={extension}\r\nhello\r\n0\r\n\r\n");

        Assert.Equal(400, (await client.ReadResponseAsync()).Status);
    }

    [Fact]
    public async Task Empty_lines_before_requests_are_ignored_when_they_arrive_a_byte_at_a_time()
    {
        var server = TestServers.Start(Sys, HelloApp.Run);
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        var bytes = Encoding.ASCII.GetBytes("\r\n\r\nGET / HTTP/1.1\r\nHost: t\r\n\r\n\r\nGET / HTTP/1.1\r\nHost: t\r\n\r\n");
        await client.SendInPiecesAsync(bytes, Enumerable.Repeat(1, bytes.Length));

        Assert.Equal(200, (await client.ReadResponseAsync()).Status);
        Assert.Equal(200, (await client.ReadResponseAsync()).Status);
    }

    [Fact]
    public async Task An_HTTP_1_0_client_that_expects_100_continue_gets_no_interim_response()
    {
        var server = TestServers.Start(Sys, EchoApp.Run);
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync("POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\nhello");

        var response = await client.ReadResponseAsync();
        Assert.Equal(200, response.Status);
        using var echoed = JsonDocument.Parse(response.Body);
        Assert.Equal("aGVsbG8=", echoed.RootElement.GetProperty("body_base64").GetString());
    }

    [Fact]
    public async Task Trailer_fields_a_trailer_may_not_carry_are_dropped_and_the_request_is_served()
    {
        var server = TestServers.Start(Sys, EchoApp.Run);
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync(
            "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nContent-Type: text/evil\r\nAuthorization: Basic eA==\r\n\r\n");

        var response = await client.ReadResponseAsync();
        Assert.Equal(200, response.Status);
        using var echoed = JsonDocument.Parse(response.Body);
        Assert.Equal("aGVsbG8=", echoed.RootElement.GetProperty("body_base64").GetString());
        var names = echoed.RootElement.GetProperty("headers").EnumerateArray().Select(h => h[0].GetString()).ToList();
        Assert.DoesNotContain("Content-Type", names);
        Assert.DoesNotContain("Authorization", names);
    }

    [Fact]
    public async Task OPTIONS_asterisk_is_answered_by_the_server_and_never_reaches_the_app()
    {
        var calls = 0;
        IEnumerable<Step> Counting(Environ environ, StartResponse startResponse)
        {
            Interlocked.Increment(ref calls);
            return HelloApp.Run(environ, startResponse);
        }
        var server = TestServers.Start(Sys, Counting);
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync("OPTIONS * HTTP/1.1\r\nHost: t\r\n\r\nGET / HTTP/1.1\r\nHost: t\r\n\r\n");

        var options = await client.ReadResponseAsync();
        Assert.Equal(200, options.Status);
        Assert.Contains("OPTIONS", options.Header("Allow"));
        Assert.Equal("0", options.Header("Content-Length"));
        Assert.Empty(options.Body);
        Assert.Equal(200, (await client.ReadResponseAsync()).Status);
        Assert.Equal(1, calls);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_client_that_disconnects_mid_upload_is_counted_aborted_not_failed(bool reset)
    {
        var settings = TestServers.Settings with { StatusPath = "/_status" };
        var server = TestServers.Start(Sys, TestServers.Demo(settings), settings);
        var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n" + new string('x', 1000));
        await AwaitAssertAsync(() => Assert.Single(server.Stats.InFlight), Dilated(TimeSpan.FromSeconds(10)));
        if (reset)
            client.Socket.LingerState = new LingerOption(true, 0);
        else
            client.ShutdownSend();
        await client.DisposeAsync();
        await AwaitAssertAsync(() => Assert.Empty(server.Stats.InFlight), Dilated(TimeSpan.FromSeconds(10)));

        await using var status = await RawHttpClient.ConnectAsync(server.Endpoint);
        await status.SendAsync("GET /_status HTTP/1.1\r\nHost: t\r\n\r\n");
        using var json = JsonDocument.Parse((await status.ReadResponseAsync()).Body);
        var totals = json.RootElement.GetProperty("totals");
        Assert.Equal(1, totals.GetProperty("aborted").GetInt32());
        Assert.Equal(0, totals.GetProperty("failed").GetInt32());
    }
}
