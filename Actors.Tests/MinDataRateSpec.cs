using System.Net.Sockets;
using Resume.Actors.Tests.Support;
using Resume.Apps;
using Resume.Apps.Samples;
using Resume.Transport.Timeouts;
using Xunit.Abstractions;

namespace Resume.Actors.Tests;

/// <summary>
/// Minimum data rates, through a real server: a client slower than the rate is cut off, one that keeps
/// up is not, and time the app spends elsewhere is not held against the client. The reason tests
/// (<see cref="TimeoutsSpec"/>) show the cut itself; these show where the line is.
/// </summary>
[Collection(TimingSensitive.Name)]
public sealed class MinDataRateSpec(ITestOutputHelper output) : ServerSpec(output)
{
    private static readonly TimeSpan Grace = TimeSpan.FromMilliseconds(500);

    [Fact]
    public async Task A_body_that_keeps_up_with_the_rate_is_read_whole()
    {
        var server = TestServers.Start(Sys, UploadApp.Run, WithBodyRate(new MinDataRate(1000, Grace)));
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 20000\r\n\r\n");

        // 20,000 bytes over ~2 s, in pieces the server waits for: ten times the minimum, so that a
        // busy machine stretching the pauses does not bring it near the line.
        for (var i = 0; i < 20; i++)
        {
            await client.SendAsync(new string('x', 1000));
            await Task.Delay(100);
        }

        var response = await client.ReadResponseAsync(timeout: Dilated(TimeSpan.FromSeconds(10)));
        Assert.Equal(200, response.Status);
        Assert.Contains("\"bytes\":20000", response.BodyText);
    }

    [Fact]
    public async Task Time_the_app_spends_elsewhere_does_not_count_against_the_body()
    {
        IEnumerable<Step> ReadsHalfThenWorks(Environ environ, StartResponse startResponse)
        {
            var first = environ.Input.ReadAsync(500);
            yield return first;
            var read = first.Result.Length;
            // Three seconds not reading: at the rate's clock this would be 3000 bytes owed.
            yield return Task.Delay(TimeSpan.FromSeconds(3));
            var rest = environ.Input.ReadToEndAsync();
            yield return rest;
            startResponse("200 OK", [new("Content-Type", "text/plain")]);
            yield return $"{read + rest.Result.Length}";
        }
        var server = TestServers.Start(Sys, ReadsHalfThenWorks, WithBodyRate(new MinDataRate(1000, Grace)));
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);

        await client.SendAsync("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\n" + new string('a', 500));
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        await client.SendAsync(new string('b', 500));

        var response = await client.ReadResponseAsync(timeout: Dilated(TimeSpan.FromSeconds(10)));
        Assert.Equal(200, response.Status);
        Assert.Equal("1000", response.BodyText);
    }

    [Fact]
    public async Task With_no_minimum_a_stalled_body_gets_408_at_the_suspend_timeout_not_504()
    {
        var settings = WithBodyRate(MinDataRate.Off);
        var server = TestServers.Start(Sys, UploadApp.Run, settings, settings.DefaultAppOptions with { SuspendTimeout = TimeSpan.FromSeconds(1) });
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);

        await client.SendAsync("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\nonly this");

        var response = await client.ReadResponseAsync(timeout: Dilated(TimeSpan.FromSeconds(10)));
        Assert.Equal(408, response.Status);
        Assert.Equal("close", response.Header("Connection"));
        Assert.True(await client.IsClosedByServerAsync(Dilated(TimeSpan.FromSeconds(5))));
        Assert.Equal(1, server.Stats.TimedOut);
    }

    [Fact]
    public async Task A_reader_that_keeps_up_with_the_rate_gets_the_whole_response()
    {
        var server = TestServers.Start(Sys, StreamApp.Run, WithResponseRate(new MinDataRate(1024 * 1024, Grace)));
        // A small receive window, so that the server's writes wait for this reader.
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint, receiveBufferSize: 64 * 1024);
        client.ReadRate = 8 * 1024 * 1024;

        await client.SendAsync("GET /?chunks=256&size=32768 HTTP/1.1\r\nHost: t\r\n\r\n");

        var response = await client.ReadResponseAsync(timeout: Dilated(TimeSpan.FromSeconds(20)));
        Assert.True(response.Complete);
        Assert.Equal(8 * 1024 * 1024, response.Body.Length);
    }

    [Fact]
    public async Task A_reader_slower_than_the_rate_is_cut_off_and_its_app_sees_Aborted()
    {
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        IEnumerable<Step> Watched(Environ environ, StartResponse startResponse)
        {
            environ.Aborted.Register(() => aborted.TrySetResult());
            return StreamApp.Run(environ, startResponse);
        }
        var server = TestServers.Start(Sys, Watched, WithResponseRate(new MinDataRate(1024 * 1024, Grace)));
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint, receiveBufferSize: 64 * 1024);
        // A fiftieth of the minimum: it does read, just too slowly.
        client.ReadRate = 20 * 1024;

        await client.SendAsync("GET /?chunks=256&size=32768 HTTP/1.1\r\nHost: t\r\n\r\n");

        var error = await Assert.ThrowsAsync<SocketException>(async () => await client.ReadResponseAsync(timeout: Dilated(TimeSpan.FromSeconds(30))));
        Assert.Equal(SocketError.ConnectionReset, error.SocketErrorCode);
        await aborted.Task.WaitAsync(Dilated(TimeSpan.FromSeconds(5)));
        Output!.WriteLine($"cut after {client.BytesReceived} bytes");
        Assert.True(client.BytesReceived < 8 * 1024 * 1024);
    }

    private static Hosting.ServerSettings WithBodyRate(MinDataRate rate) => TestServers.Settings with
    {
        Connection = TestServers.Settings.Connection with { MinRequestBodyRate = rate },
    };

    private static Hosting.ServerSettings WithResponseRate(MinDataRate rate) => TestServers.Settings with
    {
        Connection = TestServers.Settings.Connection with { MinResponseRate = rate },
    };
}
