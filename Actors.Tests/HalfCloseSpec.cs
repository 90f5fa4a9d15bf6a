using System.Net.Sockets;
using System.Text;
using Resume.Actors.Tests.Support;
using Resume.Apps;
using Xunit.Abstractions;

namespace Resume.Actors.Tests;

/// <summary>
/// A client that shuts down its sending side after complete requests (<c>printf ... | nc</c>) gets
/// their responses, whatever the timing; a client that resets is gone, and its requests end.
/// With <c>AbortOnClientFin</c>, a FIN is a disconnect too, as Kestrel has it.
/// </summary>
public sealed class HalfCloseSpec(ITestOutputHelper output) : ServerSpec(output)
{
    [Fact]
    public async Task A_client_that_half_closes_while_its_request_is_suspended_gets_the_response()
    {
        var gated = new GatedApp();
        var server = TestServers.Start(Sys, gated.Run);
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync(Get("/"));
        await AwaitAssertAsync(() => Assert.Equal("suspended", Assert.Single(server.Stats.InFlight.Values).State), Dilated(TimeSpan.FromSeconds(5)));

        client.ShutdownSend();
        // Not a proof of order (ConnectionStageSpec shows a FIN before the response deterministically):
        // it only lets the FIN reach the server before the app goes on, which used to abort the request.
        await Task.Delay(Dilated(TimeSpan.FromMilliseconds(200)));
        gated.Gate.SetResult();

        var response = await client.ReadResponseAsync();
        Assert.Equal(200, response.Status);
        Assert.Equal("done", response.BodyText);
        Assert.True(await client.IsClosedByServerAsync());
        Assert.Equal(0, gated.AbortedCount);
        Assert.Equal(1, server.Stats.Completed);
    }

    [Fact]
    public async Task A_client_that_half_closes_after_pipelined_requests_gets_every_response_in_order()
    {
        var server = TestServers.Start(Sys, TestServers.Demo());
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);

        await client.SendAsync(Get("/sleep?ms=50") + Get("/stream?chunks=3&size=10") + Get("/sleep?ms=1"));
        client.ShutdownSend();

        Assert.Equal("ok", (await client.ReadResponseAsync()).BodyText);
        Assert.Equal(30, (await client.ReadResponseAsync()).Body.Length);
        Assert.Equal("ok", (await client.ReadResponseAsync()).BodyText);
        Assert.True(await client.IsClosedByServerAsync());
    }

    [Fact]
    public async Task A_FIN_in_the_same_packet_as_the_request_still_gets_the_response()
    {
        if (!OperatingSystem.IsLinux())
            return; // TCP_CORK, which puts the FIN in the request's packet, is Linux's
        var server = TestServers.Start(Sys, TestServers.Demo());
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);

        // Corked, the request waits in the kernel; the shutdown adds the FIN and both leave as one segment.
        client.Socket.SetRawSocketOption(IpProtoTcp, TcpCork, BitConverter.GetBytes(1));
        client.Socket.Send(Encoding.ASCII.GetBytes(Get("/sleep?ms=1")));
        client.ShutdownSend();

        Assert.Equal("ok", (await client.ReadResponseAsync()).BodyText);
        Assert.True(await client.IsClosedByServerAsync());
    }

    [Fact]
    public async Task A_client_that_resets_is_gone_its_request_is_aborted_and_its_iterator_disposed_once()
    {
        var gated = new GatedApp();
        var server = TestServers.Start(Sys, gated.Run);
        var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync(Get("/"));
        await AwaitAssertAsync(() => Assert.Equal("suspended", Assert.Single(server.Stats.InFlight.Values).State), Dilated(TimeSpan.FromSeconds(5)));

        client.Socket.LingerState = new LingerOption(true, 0);
        await client.DisposeAsync();

        await AwaitAssertAsync(() => Assert.Equal(1, server.Stats.Aborted), Dilated(TimeSpan.FromSeconds(5)));
        gated.Gate.SetResult();
        Assert.Equal(1, gated.AbortedCount);
        Assert.Equal(1, gated.Disposals);
        Assert.False(gated.Resumed);
    }

    [Fact]
    public async Task With_AbortOnClientFin_a_client_that_half_closes_mid_request_is_taken_as_gone()
    {
        var gated = new GatedApp();
        var settings = TestServers.Settings with { Connection = TestServers.Settings.Connection with { AbortOnClientFin = true } };
        var server = TestServers.Start(Sys, gated.Run, settings);
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync(Get("/"));
        await AwaitAssertAsync(() => Assert.Equal("suspended", Assert.Single(server.Stats.InFlight.Values).State), Dilated(TimeSpan.FromSeconds(5)));

        client.ShutdownSend();

        await AwaitAssertAsync(() => Assert.Equal(1, server.Stats.Aborted), Dilated(TimeSpan.FromSeconds(5)));
        Assert.Equal(1, gated.AbortedCount);
        Assert.Equal(1, gated.Disposals);
        Assert.True(await client.IsClosedByServerAsync());
    }

    private const int IpProtoTcp = 6;
    private const int TcpCork = 3;

    /// <summary>Suspends until <see cref="Gate"/> is set, then answers "done"; counts what tests look at.</summary>
    private sealed class GatedApp
    {
        private int _aborted;
        private int _disposals;

        public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int AbortedCount => Volatile.Read(ref _aborted);

        public int Disposals => Volatile.Read(ref _disposals);

        public bool Resumed { get; private set; }

        public IEnumerable<Step> Run(Environ environ, StartResponse startResponse)
        {
            environ.Aborted.Register(() => Interlocked.Increment(ref _aborted));
            try
            {
                yield return Gate.Task;
                Resumed = true;
                startResponse("200 OK", [new("Content-Type", "text/plain"), new("Content-Length", "4")]);
                yield return "done";
            }
            finally
            {
                Interlocked.Increment(ref _disposals);
            }
        }
    }
}
