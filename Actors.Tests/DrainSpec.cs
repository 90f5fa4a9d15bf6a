using Resume.Actors.Tests.Support;
using Resume.Apps;
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
}
