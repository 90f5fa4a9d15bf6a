using System.Diagnostics;
using System.Net.Sockets;
using Akka;
using Akka.Actor;
using Resume.Actors.Server;
using Resume.Actors.Tests.Cluster;
using Resume.Actors.Tests.Support;
using Xunit.Abstractions;

namespace Resume.Actors.Tests;

/// <summary>
/// The liveness and readiness paths, answered by the server ahead of any app, and the unbind delay:
/// on shutdown readiness turns 503 while the node goes on serving, then the port closes.
/// </summary>
public sealed class HealthSpec(ITestOutputHelper output) : ServerSpec(output)
{
    [Fact]
    public async Task Health_paths_are_off_by_default()
    {
        var server = TestServers.Start(Sys, TestServers.Demo());
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync(Get("/ready"));
        Assert.Equal(404, (await client.ReadResponseAsync()).Status);
    }

    [Fact]
    public async Task Liveness_and_readiness_answer_ahead_of_the_app_in_plain_text()
    {
        var settings = TestServers.Settings with { LivenessPath = "/hello", ReadinessPath = "/ready" };
        var server = TestServers.Start(Sys, TestServers.Demo(settings), settings);
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);

        await client.SendAsync(Get("/hello"));
        var live = await client.ReadResponseAsync();
        Assert.Equal(200, live.Status);
        Assert.Equal("live\n", live.BodyText);
        Assert.Equal("no-store", live.Header("Cache-Control"));
        Assert.StartsWith("text/plain", live.Header("Content-Type"));

        await client.SendAsync(Get("/ready"));
        var ready = await client.ReadResponseAsync();
        Assert.Equal(200, ready.Status);
        Assert.Equal("ready\n", ready.BodyText);

        server.Readiness.MarkStopping();
        await client.SendAsync(Get("/ready"));
        var stopping = await client.ReadResponseAsync();
        Assert.Equal(503, stopping.Status);
        Assert.Equal("not ready: stopping\n", stopping.BodyText);
        await client.SendAsync(Get("/echo"));
        Assert.Equal(200, (await client.ReadResponseAsync()).Status);
    }

    [Fact]
    public async Task A_server_is_ready_once_it_listens_and_not_once_it_has_unbound()
    {
        var server = TestServers.Start(Sys, TestServers.Demo());
        // The server actor starts listening in its PreStart, a moment after Start returns.
        await AwaitAssertAsync(() => Assert.Null(server.Readiness.Problem), Dilated(TimeSpan.FromSeconds(5)));
        await server.Actor.Ask<Done>(ServerActor.Unbind.Instance, Dilated(TimeSpan.FromSeconds(5)));
        Assert.Equal("not listening", server.Readiness.Problem);
    }

    [Fact]
    public async Task During_the_unbind_delay_readiness_is_503_and_requests_are_still_served_then_the_port_closes()
    {
        var file = TestNode.ConfigFile(
            "resume.shutdown.unbind-delay = 2s",
            "resume.health.liveness-path = \"/live\"",
            "resume.health.readiness-path = \"/ready\"");
        try
        {
            await using var node = await TestNode.StartAsync(file);
            Assert.Equal(200, (await node.GetAsync("/ready")).Status);
            await using var kept = await RawHttpClient.ConnectAsync(node.Http);
            await kept.SendAsync(Get("/hello"));
            Assert.Equal(200, (await kept.ReadResponseAsync()).Status);

            var clock = Stopwatch.StartNew();
            var stopping = node.Host.StopAsync();
            await AwaitAssertAsync(async () => Assert.Equal(503, (await node.GetAsync("/ready")).Status), Dilated(TimeSpan.FromSeconds(5)));
            var notReadyAt = clock.Elapsed;
            Assert.Equal("not ready: stopping\n", (await node.GetAsync("/ready")).BodyText);
            Assert.Equal(200, (await node.GetAsync("/live")).Status);
            // Still served, on new connections and on one kept alive.
            Assert.Equal("Hello, World!", (await node.GetAsync("/hello")).BodyText);
            await kept.SendAsync(Get("/sleep?ms=300"));
            Assert.Equal("ok", (await kept.ReadResponseAsync()).BodyText);

            await AwaitAssertAsync(
                async () => await Assert.ThrowsAnyAsync<SocketException>(() => RawHttpClient.ConnectAsync(node.Http)),
                Dilated(TimeSpan.FromSeconds(10)),
                TimeSpan.FromMilliseconds(50));
            Output.WriteLine($"readiness 503 at {notReadyAt.TotalMilliseconds:0} ms, port closed at {clock.Elapsed.TotalMilliseconds:0} ms");
            Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(2), $"the port closed {clock.Elapsed} after the stop began, before the 2s delay");
            await stopping.WaitAsync(Dilated(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
