using System.Diagnostics;
using Resume.Actors.Tests.Support;
using Resume.Apps;
using Resume.Apps.Samples;
using Xunit.Abstractions;

namespace Resume.Actors.Tests;

/// <summary>Blocking apps on their own bounded dispatcher, and the executor for heavy work.</summary>
[Collection(TimingSensitive.Name)]
public sealed class ThreadsSpec(ITestOutputHelper output) : ServerSpec(output)
{

    [Fact]
    public async Task An_app_registered_as_blocking_runs_its_steps_on_the_blocking_dispatcher()
    {
        string? stepThread = null;
        IEnumerable<Step> Where(Environ environ, StartResponse startResponse)
        {
            stepThread = Thread.CurrentThread.Name;
            return HelloApp.Run(environ, startResponse);
        }
        var server = TestServers.Start(Sys, Where, options: TestServers.Settings.DefaultAppOptions with { Blocking = true });
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync(Get("/"));
        Assert.Equal(200, (await client.ReadResponseAsync()).Status);
        Output!.WriteLine($"step thread: {stepThread}");
        Assert.Contains("blocking-dispatcher", stepThread);
    }

    [Fact]
    public async Task A_suspending_app_registered_as_blocking_has_its_futures_waited_on_the_blocking_dispatcher()
    {
        var threads = new List<string?>();
        IEnumerable<Step> Suspending(Environ environ, StartResponse startResponse)
        {
            threads.Add(Thread.CurrentThread.Name);
            yield return Task.Delay(50);
            threads.Add(Thread.CurrentThread.Name);
            foreach (var step in HelloApp.Run(environ, startResponse))
                yield return step;
        }
        var server = TestServers.Start(Sys, Suspending, options: TestServers.Settings.DefaultAppOptions with { Blocking = true });
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync(Get("/"));

        Assert.Equal("Hello, World!", (await client.ReadResponseAsync()).BodyText);
        Assert.Equal(2, threads.Count);
        Assert.All(threads, name => Assert.Contains("blocking-dispatcher", name));
        Assert.Equal(threads[0], threads[1]);
    }

    [Fact]
    public async Task Hello_stays_fast_while_200_blocking_requests_sleep()
    {
        var server = TestServers.Start(Sys, TestServers.Demo());
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        var sleepers = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => RawHttpClient.ConnectAsync(server.Endpoint)));
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(sleepers.Select(c => c.SendAsync(Get("/blocking?ms=1000"))));
        var blocked = Task.WhenAll(sleepers.Select(c => c.ReadResponseAsync(timeout: Dilated(TimeSpan.FromSeconds(60)))));

        var slowest = TimeSpan.Zero;
        var latencies = new List<long>();
        for (var i = 0; i < 20; i++)
        {
            var one = Stopwatch.StartNew();
            await client.SendAsync(Get("/hello"));
            Assert.Equal("Hello, World!", (await client.ReadResponseAsync()).BodyText);
            slowest = one.Elapsed > slowest ? one.Elapsed : slowest;
            latencies.Add(one.ElapsedMilliseconds);
            await Task.Delay(50); // pacing: the hellos are spread over the blocking requests' second
        }
        var helloDone = clock.Elapsed;

        var responses = await blocked;
        Output!.WriteLine($"hello latencies (ms): {string.Join(' ', latencies)}");
        Output!.WriteLine($"slowest hello {slowest.TotalMilliseconds:0} ms; 20 hellos done at {helloDone.TotalMilliseconds:0} ms; 200 blocking requests done at {clock.ElapsedMilliseconds} ms");
        Assert.All(responses, r => Assert.Equal(200, r.Status));
        // 200 one-second sleeps on 64 blocking threads take 4 s; hello never waits for them.
        Assert.True(clock.Elapsed > TimeSpan.FromSeconds(3), "the blocking pool ran more than its size at once");
        Assert.True(slowest < TimeSpan.FromSeconds(1), $"a hello took {slowest}");
        foreach (var sleeper in sleepers)
            await sleeper.DisposeAsync();
    }
}
