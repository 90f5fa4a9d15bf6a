using System.Text.Json;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Resume.Actors.Hosting;
using Resume.Actors.Server;
using Resume.Actors.Tests.Support;
using Resume.Tool;
using Xunit.Abstractions;

namespace Resume.Actors.Tests;

/// <summary>The status endpoint: off by default, on with --status-path, showing requests in flight and totals.</summary>
public sealed class StatusEndpointSpec(ITestOutputHelper output) : ServerSpec(output)
{
    [Fact]
    public async Task It_is_off_by_default()
    {
        var server = TestServers.Start(Sys, TestServers.Demo());
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync("GET /_status HTTP/1.1\r\nHost: t\r\n\r\n");
        Assert.Equal(404, (await client.ReadResponseAsync()).Status);
    }

    [Fact]
    public async Task It_lists_requests_in_flight_and_after_a_disconnect_storm_its_totals_add_up()
    {
        var settings = TestServers.Settings with { StatusPath = "/_status" };
        var server = TestServers.Start(Sys, TestServers.Demo(settings), settings);
        var hanging = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => RawHttpClient.ConnectAsync(server.Endpoint)));
        await Task.WhenAll(hanging.Select(c => c.SendAsync("GET /hang HTTP/1.1\r\nHost: t\r\n\r\n")));
        await AwaitAssertAsync(() => Assert.Equal(30, server.Stats.InFlight.Count), Dilated(TimeSpan.FromSeconds(10)));

        using (var status = await GetStatusAsync(server))
        {
            var root = status.RootElement;
            Assert.Equal(31, root.GetProperty("connections").GetInt32());
            var inFlight = root.GetProperty("in_flight").EnumerateArray().ToList();
            Assert.Equal(30, inFlight.Count);
            Assert.All(inFlight, r =>
            {
                Assert.Equal("hang", r.GetProperty("app").GetString());
                Assert.Equal("GET", r.GetProperty("method").GetString());
                Assert.Equal("/hang", r.GetProperty("path").GetString());
                Assert.Equal("suspended", r.GetProperty("state").GetString());
                Assert.Equal("future", r.GetProperty("waiting_on").GetString());
                Assert.True(r.GetProperty("since").GetDateTimeOffset() <= DateTimeOffset.UtcNow);
                Assert.True(r.GetProperty("for_seconds").GetDouble() >= 0);
            });
        }

        foreach (var client in hanging)
        {
            client.Socket.LingerState = new System.Net.Sockets.LingerOption(true, 0); // a reset: a FIN alone is a half-close, still answered
            await client.DisposeAsync();
        }
        await AwaitAssertAsync(() => Assert.Empty(server.Stats.InFlight), Dilated(TimeSpan.FromSeconds(10)));

        using var after = await GetStatusAsync(server);
        var totals = after.RootElement.GetProperty("totals");
        Output!.WriteLine(totals.ToString());
        Assert.Empty(after.RootElement.GetProperty("in_flight").EnumerateArray());
        Assert.Equal(30, totals.GetProperty("aborted").GetInt32());
        Assert.Equal(totals.GetProperty("completed").GetInt32() + 30, totals.GetProperty("disposed").GetInt32());
        Assert.Equal(0, totals.GetProperty("request_actors").GetInt32());
        Assert.Equal(0, totals.GetProperty("timed_out").GetInt32());
        Assert.Equal(0, totals.GetProperty("failed").GetInt32());
    }

    [Fact]
    public async Task The_command_line_turns_it_on()
    {
        using var host = StockHost.Build(CommandLine.Parse(["--host", "127.0.0.1", "--port", "0", "--status-path", "/_status"]));
        await host.StartAsync();
        try
        {
            var server = await host.Services.GetRequiredService<ActorRegistry>().GetAsync<ServerActor>();
            var endpoint = (await server.Ask<ServerActor.Bound>(ServerActor.GetBinding.Instance, Dilated(TimeSpan.FromSeconds(5)))).Endpoint;
            await using var client = await RawHttpClient.ConnectAsync(endpoint);
            await client.SendAsync("GET /_status HTTP/1.1\r\nHost: t\r\n\r\n");
            using var json = JsonDocument.Parse((await client.ReadResponseAsync()).Body);
            Assert.True(json.RootElement.TryGetProperty("totals", out _));
            Assert.Equal(1, json.RootElement.GetProperty("connections").GetInt32());
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Theory]
    [InlineData("/_status", "*/*", "application/json")]
    [InlineData("/_status", "text/html,application/xhtml+xml,*/*;q=0.8", "text/html; charset=utf-8")]
    [InlineData("/_status?format=html", "*/*", "text/html; charset=utf-8")]
    [InlineData("/_status?format=json", "text/html", "application/json")]
    public async Task JSON_for_tools_the_page_for_browsers(string target, string accept, string contentType)
    {
        var settings = TestServers.Settings with { StatusPath = "/_status" };
        var server = TestServers.Start(Sys, TestServers.Demo(settings), settings);
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync($"GET {target} HTTP/1.1\r\nHost: t\r\nAccept: {accept}\r\n\r\n");
        var response = await client.ReadResponseAsync();
        Assert.Equal(200, response.Status);
        Assert.Equal(contentType, response.Header("Content-Type"));
        if (contentType == "application/json")
            Assert.True(JsonDocument.Parse(response.Body).RootElement.TryGetProperty("in_flight", out _));
        else
            Assert.Contains("<title>Resume status</title>", response.BodyText, StringComparison.Ordinal);
    }

    private static async Task<JsonDocument> GetStatusAsync(ResumeServer server)
    {
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync("GET /_status HTTP/1.1\r\nHost: t\r\n\r\n");
        var response = await client.ReadResponseAsync();
        Assert.Equal("application/json", response.Header("Content-Type"));
        return JsonDocument.Parse(response.Body);
    }
}
