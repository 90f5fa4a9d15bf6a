using Akka.Actor;
using Resume.Actors.Server;
using Resume.Actors.Tests.Support;
using Resume.Apps;
using Resume.Apps.Samples;
using Xunit.Abstractions;

namespace Resume.Actors.Tests;

/// <summary>Shutdown's drain: what still runs at its deadline is answered (503) or cut, and the drain completes.</summary>
public sealed class DrainSpec(ITestOutputHelper output) : ServerSpec(output)
{
    [Fact]
    public async Task At_the_drain_deadline_a_request_with_no_header_sent_gets_503_with_close_and_one_whose_headers_went_out_is_cut()
    {
        var disposals = 0;
        var aborted = 0;
        IEnumerable<Step> App(Environ environ, StartResponse startResponse)
        {
            environ.Aborted.Register(() => Interlocked.Increment(ref aborted));
            try
            {
                if (environ.PathInfo == "/started")
                {
                    startResponse("200 OK", [new("Content-Type", "text/plain")]);
                    yield return "partial";
                }
                yield return new TaskCompletionSource().Task;
            }
            finally
            {
                Interlocked.Increment(ref disposals);
            }
        }
        var server = TestServers.Start(Sys, App, TestServers.Settings with { DrainDeadline = TimeSpan.FromMilliseconds(300) });
        await using var waiting = await RawHttpClient.ConnectAsync(server.Endpoint);
        await using var started = await RawHttpClient.ConnectAsync(server.Endpoint);
        await waiting.SendAsync(Get("/waiting"));
        await started.SendAsync(Get("/started"));
        await AwaitAssertAsync(
            () => Assert.Equal(2, server.Stats.InFlight.Values.Count(r => r.State == "suspended")), Dilated(TimeSpan.FromSeconds(5)));

        await server.StopAsync(Dilated(TimeSpan.FromSeconds(20)));

        var answered = await waiting.ReadResponseAsync(timeout: Dilated(TimeSpan.FromSeconds(5)));
        Assert.Equal(503, answered.Status);
        Assert.Equal("close", answered.Header("Connection"));
        Assert.True(await waiting.IsClosedByServerAsync(Dilated(TimeSpan.FromSeconds(5))));
        var cut = await started.ReadResponseAsync(timeout: Dilated(TimeSpan.FromSeconds(5)));
        Assert.Equal(200, cut.Status);
        Assert.Equal("partial", cut.BodyText);
        Assert.False(cut.Complete, "a cut chunked response has no last chunk");
        Assert.Equal(2, Volatile.Read(ref disposals));
        Assert.Equal(2, Volatile.Read(ref aborted));
        Assert.Equal(2, server.Stats.Aborted);
    }

    [Fact]
    public async Task A_response_still_being_sent_when_the_drain_starts_reaches_its_slow_reader_whole_though_the_server_stops()
    {
        const int Chunks = 32, ChunkSize = 64 * 1024;
        var server = TestServers.Start(Sys, StreamApp.Run);
        // A slow reader with a small window: the socket still has bytes of its own to send long after the app's last chunk.
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint, receiveBufferSize: 16 * 1024);
        client.ReadRate = 2 * 1024 * 1024;
        await client.SendAsync(Get($"/?chunks={Chunks}&size={ChunkSize}"));
        var reading = client.ReadResponseAsync(timeout: Dilated(TimeSpan.FromSeconds(30)));
        // The app has made its last chunk and its request ended: only the socket has bytes left to send.
        // (Here they are mostly with the kernel already; ConnectionActorSpec shows a connection waits for its socket.)
        await AwaitAssertAsync(() => Assert.Equal(1, server.Stats.Completed), Dilated(TimeSpan.FromSeconds(10)));

        await server.StopAsync(Dilated(TimeSpan.FromSeconds(20)));
        await server.Actor.GracefulStop(Dilated(TimeSpan.FromSeconds(10)));

        var response = await reading;
        Assert.True(response.Complete, $"{response.Body.Length} bytes of the body came");
        Assert.Equal(Chunks * ChunkSize, response.Body.Length);
    }

    [Fact]
    public async Task Once_the_node_retires_each_keep_alive_connection_answers_one_more_request_with_close_and_closes()
    {
        var server = TestServers.Start(Sys, HelloApp.Run);
        await using var kept = await RawHttpClient.ConnectAsync(server.Endpoint);
        await kept.SendAsync(Get("/"));
        Assert.NotEqual("close", (await kept.ReadResponseAsync()).Header("Connection"));

        server.Actor.Tell(ServerActor.Retire.Instance);
        // Retire reaches the connection's stage a few hops later: until then a request is answered as before.
        RawResponse last;
        var answered = 0;
        do
        {
            await kept.SendAsync(Get("/"));
            last = await kept.ReadResponseAsync();
            Assert.Equal(200, last.Status);
            Assert.True(++answered < 50, "the connection never retired");
        }
        while (last.Header("Connection") != "close");
        Assert.True(await kept.IsClosedByServerAsync(Dilated(TimeSpan.FromSeconds(5))));

        // A connection accepted afterwards is served once, the same way.
        await using var fresh = await RawHttpClient.ConnectAsync(server.Endpoint);
        await fresh.SendAsync(Get("/"));
        var only = await fresh.ReadResponseAsync();
        Assert.Equal(200, only.Status);
        Assert.Equal("close", only.Header("Connection"));
        Assert.True(await fresh.IsClosedByServerAsync(Dilated(TimeSpan.FromSeconds(5))));
        Assert.True(server.Stats.Listening, "retiring is not unbinding: the node still serves");
    }
}
