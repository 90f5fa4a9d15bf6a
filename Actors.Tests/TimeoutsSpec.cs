using System.Net.Sockets;
using Resume.Actors.Tests.Support;
using Resume.Apps;
using Resume.Apps.Samples;
using Resume.Transport.Timeouts;
using Xunit.Abstractions;

namespace Resume.Actors.Tests;

/// <summary>
/// One test per <see cref="TimeoutReason"/>, through a real server: while the timeout is pending it is
/// armed on a connection host's table (the one mechanism), and when it passes the client sees its outcome.
/// </summary>
public sealed class TimeoutsSpec(ITestOutputHelper output) : ServerSpec(output)
{
    // Long enough that a pending timeout is seen armed before it passes, even on one busy core.
    private static readonly TimeSpan Short = TimeSpan.FromSeconds(1);

    [Fact]
    public void Every_reason_has_a_test_here()
    {
        var tested = typeof(TimeoutsSpec).GetMethods().Select(m => m.Name).Where(n => n.StartsWith("Reason_", StringComparison.Ordinal)).ToList();
        Assert.All(Enum.GetNames<TimeoutReason>(), reason => Assert.Contains(tested, name => name.StartsWith($"Reason_{reason}_", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Reason_RequestHead_a_head_that_stops_arriving_gets_408()
    {
        var settings = TestServers.Settings with { Limits = TestServers.Settings.Limits with { HeaderTimeout = Short } };
        var server = TestServers.Start(Sys, HelloApp.Run, settings);
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);

        await client.SendAsync("GET / HTTP/1.1\r\nHost: t\r\n");
        await AwaitAssertAsync(() => Assert.Equal(1, server.Stats.PendingTimeouts(TimeoutReason.RequestHead)), Dilated(TimeSpan.FromSeconds(5)));

        Assert.Equal(408, (await client.ReadResponseAsync(timeout: Dilated(TimeSpan.FromSeconds(10)))).Status);
        Assert.True(await client.IsClosedByServerAsync(Dilated(TimeSpan.FromSeconds(5))));
    }

    [Fact]
    public async Task Reason_KeepAlive_an_idle_connection_is_closed()
    {
        var settings = TestServers.Settings with { Connection = TestServers.Settings.Connection with { KeepAliveTimeout = Short } };
        var server = TestServers.Start(Sys, HelloApp.Run, settings);
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);

        await client.SendAsync(Get("/"));
        Assert.Equal(200, (await client.ReadResponseAsync()).Status);
        await AwaitAssertAsync(() => Assert.Equal(1, server.Stats.PendingTimeouts(TimeoutReason.KeepAlive)), Dilated(TimeSpan.FromSeconds(5)));

        Assert.True(await client.IsClosedByServerAsync(Dilated(TimeSpan.FromSeconds(10))));
    }

    [Fact]
    public async Task Reason_Suspend_a_request_stuck_on_a_future_gets_504()
    {
        var server = TestServers.Start(Sys, HangApp.Run, options: TestServers.Settings.DefaultAppOptions with { SuspendTimeout = Short });
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);

        await client.SendAsync(Get("/"));
        await AwaitAssertAsync(() => Assert.Equal(1, server.Stats.PendingTimeouts(TimeoutReason.Suspend)), Dilated(TimeSpan.FromSeconds(5)));

        Assert.Equal(504, (await client.ReadResponseAsync(timeout: Dilated(TimeSpan.FromSeconds(10)))).Status);
        await AwaitAssertAsync(() => Assert.Equal(0, server.Stats.PendingTimeouts(TimeoutReason.Suspend)), Dilated(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Reason_Suspend_a_blocking_app_waiting_on_a_future_gets_504()
    {
        var options = TestServers.Settings.DefaultAppOptions with { SuspendTimeout = Short, Blocking = true };
        var server = TestServers.Start(Sys, HangApp.Run, options: options);
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);

        await client.SendAsync(Get("/"));
        await AwaitAssertAsync(() => Assert.Equal(1, server.Stats.PendingTimeouts(TimeoutReason.Suspend)), Dilated(TimeSpan.FromSeconds(5)));

        Assert.Equal(504, (await client.ReadResponseAsync(timeout: Dilated(TimeSpan.FromSeconds(10)))).Status);
    }

    [Fact]
    public async Task Reason_Deadline_a_request_past_its_deadline_gets_504()
    {
        var options = TestServers.Settings.DefaultAppOptions with { SuspendTimeout = TimeSpan.Zero, Deadline = Short };
        var server = TestServers.Start(Sys, HangApp.Run, options: options);
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);

        await client.SendAsync(Get("/"));
        await AwaitAssertAsync(() => Assert.Equal(1, server.Stats.PendingTimeouts(TimeoutReason.Deadline)), Dilated(TimeSpan.FromSeconds(5)));

        Assert.Equal(504, (await client.ReadResponseAsync(timeout: Dilated(TimeSpan.FromSeconds(10)))).Status);
        Assert.Equal(0, server.Stats.PendingTimeouts(TimeoutReason.Suspend));
    }

    [Fact]
    public async Task Reason_Drain_requests_still_running_at_the_drain_deadline_get_503_and_their_connections_close()
    {
        var settings = TestServers.Settings with { DrainDeadline = Short };
        var server = TestServers.Start(Sys, HangApp.Run, settings);
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync(Get("/"));
        await AwaitAssertAsync(() => Assert.Single(server.Stats.InFlight), Dilated(TimeSpan.FromSeconds(5)));

        var stopping = server.StopAsync(Dilated(TimeSpan.FromSeconds(20)));
        await AwaitAssertAsync(() => Assert.Equal(1, server.Stats.PendingTimeouts(TimeoutReason.Drain)), Dilated(TimeSpan.FromSeconds(5)));

        await stopping.WaitAsync(Dilated(TimeSpan.FromSeconds(20)));
        var response = await client.ReadResponseAsync(timeout: Dilated(TimeSpan.FromSeconds(5)));
        Assert.Equal(503, response.Status);
        Assert.Equal("close", response.Header("Connection"));
        Assert.True(await client.IsClosedByServerAsync(Dilated(TimeSpan.FromSeconds(5))));
        Assert.Equal(1, server.Stats.Aborted);
    }

    [Fact]
    public async Task Reason_AsyncOperation_an_async_operation_past_its_timeout_fails_with_TimeoutException()
    {
        using var release = new ManualResetEventSlim();
        IEnumerable<Step> App(Environ environ, StartResponse startResponse)
        {
            var work = environ.Async.SubmitAsync(
                () =>
                {
                    release.Wait(TimeSpan.FromSeconds(30));
                    return 0;
                },
                timeout: Short);
            yield return work;
            startResponse("200 OK", [new("Content-Type", "text/plain")]);
            yield return work.Exception?.InnerException?.GetType().Name ?? "no timeout";
        }
        var server = TestServers.Start(Sys, App);
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);

        await client.SendAsync(Get("/"));
        await AwaitAssertAsync(() => Assert.Equal(1, server.Stats.PendingTimeouts(TimeoutReason.AsyncOperation)), Dilated(TimeSpan.FromSeconds(5)));

        var response = await client.ReadResponseAsync(timeout: Dilated(TimeSpan.FromSeconds(10)));
        release.Set();
        Assert.Equal("TimeoutException", response.BodyText);
        Assert.Equal(0, server.Stats.PendingTimeouts(TimeoutReason.AsyncOperation));
    }

    [Fact]
    public async Task Reason_TlsHandshake_a_client_that_opens_TCP_and_never_completes_its_handshake_is_closed()
    {
        using var certificate = TestCertificate.Create();
        var config = Akka.Configuration.ConfigurationFactory.ParseString(certificate.Hocon(extra: "resume.server.https.handshake-timeout = 1s"));
        var settings = Hosting.ServerSettings.FromConfig(config.WithFallback(Hosting.ResumeConfig.Defaults)) with { Host = "127.0.0.1", Port = 0 };
        var server = TestServers.Start(Sys, HelloApp.Run, settings);
        await using var silent = await RawHttpClient.ConnectAsync(server.HttpsEndpoint!);

        await AwaitAssertAsync(() => Assert.Equal(1, server.Stats.PendingTimeouts(TimeoutReason.TlsHandshake)), Dilated(TimeSpan.FromSeconds(5)));

        Assert.True(await silent.IsClosedByServerAsync(Dilated(TimeSpan.FromSeconds(10))));
        await AwaitAssertAsync(() => Assert.Equal(0, server.Stats.Connections), Dilated(TimeSpan.FromSeconds(5)));
        Assert.Equal(0, server.Stats.PendingTimeouts(TimeoutReason.TlsHandshake));
    }

    [Fact]
    public async Task Reason_ProxyHeader_a_connection_that_sends_no_PROXY_header_is_closed()
    {
        var settings = TestServers.Settings with { ProxyProtocol = true, Limits = TestServers.Settings.Limits with { HeaderTimeout = TimeSpan.FromSeconds(1) } };
        var server = TestServers.Start(Sys, HelloApp.Run, settings);
        await using var silent = await RawHttpClient.ConnectAsync(server.Endpoint);

        await AwaitAssertAsync(() => Assert.Equal(1, server.Stats.PendingTimeouts(TimeoutReason.ProxyHeader)), Dilated(TimeSpan.FromSeconds(5)));

        Assert.True(await silent.IsClosedByServerAsync(Dilated(TimeSpan.FromSeconds(10))));
        await AwaitAssertAsync(() => Assert.Equal(0, server.Stats.Connections), Dilated(TimeSpan.FromSeconds(5)));
        Assert.Equal(0, server.Stats.PendingTimeouts(TimeoutReason.ProxyHeader));
    }

    [Fact]
    public async Task Reason_RequestBodyRate_a_body_that_trickles_in_gets_408_and_the_connection_closes()
    {
        var settings = TestServers.Settings with
        {
            Connection = TestServers.Settings.Connection with { MinRequestBodyRate = new MinDataRate(1000, Short) },
        };
        var server = TestServers.Start(Sys, UploadApp.Run, settings);
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        // 50 bytes a second, a twentieth of the minimum: a slowloris body.
        var trickle = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await client.SendAsync("0123456789");
                await Task.Delay(200, stop.Token);
            }
        });
        await AwaitAssertAsync(() => Assert.Equal(1, server.Stats.PendingTimeouts(TimeoutReason.RequestBodyRate)), Dilated(TimeSpan.FromSeconds(5)));

        var response = await client.ReadResponseAsync(timeout: Dilated(TimeSpan.FromSeconds(10)));
        Assert.Equal(408, response.Status);
        Assert.Equal("close", response.Header("Connection"));
        Assert.Contains("slower than 1000 bytes/s", response.BodyText);
        Assert.True(clock.Elapsed >= Short - TimeSpan.FromMilliseconds(100), $"cut after {clock.ElapsedMilliseconds} ms, within the grace");
        Assert.True(await client.IsClosedByServerAsync(Dilated(TimeSpan.FromSeconds(5))));
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => trickle);
    }

    [Fact]
    public async Task Reason_ResponseRate_a_client_that_reads_nothing_is_disconnected_and_its_app_sees_Aborted()
    {
        var settings = TestServers.Settings with
        {
            Connection = TestServers.Settings.Connection with { MinResponseRate = new MinDataRate(100_000, Short) },
        };
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        IEnumerable<Step> Endless(Environ environ, StartResponse startResponse)
        {
            environ.Aborted.Register(() => aborted.TrySetResult());
            return StreamApp.Run(environ, startResponse);
        }
        var server = TestServers.Start(Sys, Endless, settings);
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint, receiveBufferSize: 4096);

        await client.SendAsync("GET /?chunks=100000000&size=16384 HTTP/1.1\r\nHost: t\r\n\r\n");
        await AwaitAssertAsync(() => Assert.Equal(1, server.Stats.PendingTimeouts(TimeoutReason.ResponseRate)), Dilated(TimeSpan.FromSeconds(5)));

        await aborted.Task.WaitAsync(Dilated(TimeSpan.FromSeconds(10)));
        await AwaitAssertAsync(() => Assert.Equal(0, server.Stats.Connections), Dilated(TimeSpan.FromSeconds(5)));
        await Assert.ThrowsAsync<SocketException>(async () => await client.DrainAsync(long.MaxValue, Dilated(TimeSpan.FromSeconds(10))));
    }
}
