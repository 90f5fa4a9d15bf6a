using Resume.Actors.Tests.Support;
using Resume.Apps;
using Resume.Apps.Samples;
using Xunit.Abstractions;

namespace Resume.Actors.Tests;

/// <summary>How requests end: client disconnects, suspend timeouts and deadlines, empty-chunk back-off.</summary>
[Collection(TimingSensitive.Name)]
public sealed class LifecycleSpec(ITestOutputHelper output) : ServerSpec(output)
{

    [Fact]
    public async Task A_client_disconnect_fires_Aborted_drops_the_future_disposes_once_and_write_throws()
    {
        var aborted = new TaskCompletionSource();
        var disposals = 0;
        string? writeError = null;
        var pending = new TaskCompletionSource();
        var resumed = false;
        IEnumerable<Step> Waiting(Environ environ, StartResponse startResponse)
        {
            environ.Aborted.Register(() => aborted.TrySetResult());
            var write = startResponse("200 OK", [new("Content-Type", "text/plain")]);
            try
            {
                yield return pending.Task;
                resumed = true;
                write("resumed after the client left"u8.ToArray());
            }
            finally
            {
                Interlocked.Increment(ref disposals);
                try
                {
                    write("goodbye"u8.ToArray());
                }
                catch (IOException e)
                {
                    writeError = e.Message;
                }
            }
        }
        var server = TestServers.Start(Sys, Waiting);
        var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync(Get("/"));
        await AwaitAssertAsync(() => Assert.Equal("suspended", Assert.Single(server.Stats.InFlight.Values).State), Dilated(TimeSpan.FromSeconds(5)));

        // A reset: a FIN alone is a half-close, whose request is still answered (HalfCloseSpec).
        client.Socket.LingerState = new System.Net.Sockets.LingerOption(true, 0);
        await client.DisposeAsync();
        await aborted.Task.WaitAsync(Dilated(TimeSpan.FromSeconds(5)));
        await AwaitAssertAsync(() => Assert.Equal(0, server.Stats.RequestActors), Dilated(TimeSpan.FromSeconds(5)));
        // Disposed while still waiting: a disposed iterator never runs again, so the result that comes
        // now has nothing to resume, and its message finds no request actor.
        Assert.Equal(1, disposals);
        Assert.Contains("client disconnected", writeError);
        pending.SetResult();

        Assert.False(resumed);
        Assert.Equal(1, disposals);
        Assert.Equal(1, server.Stats.Aborted);
        Assert.Equal(1, server.Stats.Disposed);
        Assert.Empty(server.Stats.InFlight);
    }

    [Fact]
    public async Task A_request_stuck_on_a_future_gets_504_after_the_suspend_timeout_and_the_connection_goes_on()
    {
        var disposed = new TaskCompletionSource();
        IEnumerable<Step> Stuck(Environ environ, StartResponse startResponse)
        {
            if (environ.PathInfo == "/hello")
            {
                foreach (var step in HelloApp.Run(environ, startResponse))
                    yield return step;
                yield break;
            }
            try
            {
                yield return new TaskCompletionSource().Task;
            }
            finally
            {
                disposed.TrySetResult();
            }
        }
        var server = TestServers.Start(Sys, Stuck, options: TestServers.Settings.DefaultAppOptions with { SuspendTimeout = TimeSpan.FromMilliseconds(300) });
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await using var bystander = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync(Get("/stuck"));
        await bystander.SendAsync(Get("/hello"));

        Assert.Equal(200, (await bystander.ReadResponseAsync()).Status);
        Assert.Equal(504, (await client.ReadResponseAsync()).Status);
        await disposed.Task.WaitAsync(Dilated(TimeSpan.FromSeconds(5)));
        await client.SendAsync(Get("/hello"));
        Assert.Equal("Hello, World!", (await client.ReadResponseAsync()).BodyText);
        Assert.Equal(1, server.Stats.TimedOut);
    }

    [Fact]
    public async Task The_suspend_timeout_bounds_each_suspension_not_the_sum_of_them()
    {
        IEnumerable<Step> ManyShortWaits(Environ environ, StartResponse startResponse)
        {
            startResponse("200 OK", [new("Content-Type", "text/plain")]);
            for (var i = 0; i < 8; i++)
            {
                yield return Task.Delay(100);
                yield return "x";
            }
        }
        var server = TestServers.Start(Sys, ManyShortWaits, options: TestServers.Settings.DefaultAppOptions with { SuspendTimeout = TimeSpan.FromMilliseconds(400) });
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync(Get("/"));

        var response = await client.ReadResponseAsync();
        Assert.Equal(200, response.Status);
        Assert.Equal("xxxxxxxx", response.BodyText);
        Assert.Equal(0, server.Stats.TimedOut);
    }

    [Fact]
    public async Task A_request_past_its_deadline_after_headers_is_cut_short()
    {
        var server = TestServers.Start(Sys, StreamApp.Run, options: TestServers.Settings.DefaultAppOptions with { Deadline = TimeSpan.FromMilliseconds(500) });
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync(Get("/?chunks=100&size=10&delay_ms=50"));

        var response = await client.ReadResponseAsync();
        Assert.Equal(200, response.Status);
        Assert.False(response.Complete);
        Assert.InRange(response.Body.Length, 10, 990);
        await AwaitAssertAsync(() => Assert.Equal(1, server.Stats.TimedOut), Dilated(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Empty_chunks_back_off_instead_of_spinning()
    {
        long steps = 0;
        var server = TestServers.Start(Sys, StreamApp.Observed(n => Interlocked.Exchange(ref steps, n)));
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync(Get("/?chunks=1000000000&size=0"));

        // The scenario's measuring window, not a wait for an event: the steps an app of endless empty
        // chunks takes in two seconds.
        await Task.Delay(TimeSpan.FromSeconds(2));
        var count = Interlocked.Read(ref steps);
        Output!.WriteLine($"{count} empty chunks in 2 s");
        // Spinning would step millions of times; backing off to 100 ms steps a few dozen.
        Assert.InRange(count, 5, 200);
        Assert.Equal("backing-off", Assert.Single(server.Stats.InFlight.Values).State);
    }

    [Fact]
    public async Task A_disconnect_storm_leaves_every_iterator_disposed_and_no_request_actor_alive()
    {
        Assert.False(TestServers.Settings.OptionsFor("hang").Blocking);
        Assert.False(TestServers.Settings.OptionsFor("stream").Blocking);
        Assert.True(TestServers.Settings.OptionsFor("blocking").Blocking);
        var server = TestServers.Start(Sys, TestServers.Demo());
        var clients = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => RawHttpClient.ConnectAsync(server.Endpoint)));
        var paths = new[] { "/hang", "/stream?chunks=1000&size=100&delay_ms=20", "/sleep?ms=5000", "/blocking?ms=2000" };
        await Task.WhenAll(clients.Select((c, i) => c.SendAsync(Get(paths[i % paths.Length]))));
        await AwaitAssertAsync(() => Assert.True(200 == server.Stats.InFlight.Count, string.Join(",", server.Stats.InFlight.Values.GroupBy(r => r.App + ":" + r.State).Select(g => $"{g.Key}={g.Count()}")) + $" completed={server.Stats.Completed} failed={server.Stats.Failed} conns={server.Stats.Connections}"), Dilated(TimeSpan.FromSeconds(10)));

        foreach (var (client, i) in clients.Select((c, i) => (c, i)))
        {
            if (i % 2 == 0)
                client.Socket.LingerState = new System.Net.Sockets.LingerOption(true, 0); // a reset, not a close
            await client.DisposeAsync();
        }

        await AwaitAssertAsync(
            () =>
            {
                Assert.Empty(server.Stats.InFlight);
                Assert.Equal(0, server.Stats.RequestActors);
                Assert.Equal(0, server.Stats.Connections);
            },
            Dilated(TimeSpan.FromSeconds(20)));
        var stats = server.Stats;
        Output!.WriteLine($"completed {stats.Completed}, aborted {stats.Aborted}, failed {stats.Failed}, disposed {stats.Disposed}");
        Assert.Equal(200, stats.Completed + stats.Aborted + stats.Failed + stats.TimedOut);
        Assert.Equal(200, stats.Disposed);
        Assert.Equal(0, stats.Failed);
    }
}
