using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Resume.Actors.Tests.Support;
using Resume.Apps.Samples;
using Xunit.Abstractions;

namespace Resume.Actors.Tests;

/// <summary>
/// How a connection closes: the server's own close never cuts a response short, however slowly the
/// client reads it, and a response that was cut short ends so that the client can tell.
/// </summary>
[Collection(TimingSensitive.Name)]
public sealed class ClosingSpec(ITestOutputHelper output) : ServerSpec(output)
{
    // Slower than the server writes (as curl --limit-rate 20M was when these responses were cut): the
    // server hands its last bytes to the kernel, and closes, while megabytes still wait to be read.
    private const long ReadRate = 20 * 1024 * 1024;
    private const int ChunkSize = 64 * 1024;
    private const int Chunks = 160; // 10 MiB

    [Fact]
    public async Task A_10_MB_response_with_Connection_close_reaches_a_slow_reader_whole()
    {
        var server = TestServers.Start(Sys, StreamApp.Run);
        await using var client = await SlowClientAsync(server.Endpoint);
        await client.SendAsync($"GET /?chunks={Chunks}&size={ChunkSize} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");

        var response = await ReadWholeAsync(client);

        Assert.Equal("close", response.Header("Connection"));
        Assert.True(response.Complete, "the chunked body ended without its last chunk");
        AssertStreamed(response.Body);
        Assert.True(await client.IsClosedByServerAsync());
    }

    [Fact]
    public async Task A_10_MB_close_delimited_response_over_HTTP_1_0_reaches_a_slow_reader_whole()
    {
        var server = TestServers.Start(Sys, StreamApp.Run);
        await using var client = await SlowClientAsync(server.Endpoint);
        await client.SendAsync($"GET /?chunks={Chunks}&size={ChunkSize} HTTP/1.0\r\n\r\n");

        var response = await ReadWholeAsync(client);

        Assert.Null(response.Header("Content-Length"));
        AssertStreamed(response.Body);
    }

    [Fact]
    public async Task The_status_endpoint_with_2000_requests_in_flight_reaches_a_slow_reader_whole()
    {
        var settings = TestServers.Settings with { StatusPath = "/_status" };
        var server = TestServers.Start(Sys, TestServers.Demo(settings), settings);
        // 125 connections with 16 pipelined requests each (the default limit): 2,000 suspended at once.
        var hanging = await Task.WhenAll(Enumerable.Range(0, 125).Select(_ => RawHttpClient.ConnectAsync(server.Endpoint)));
        var sixteen = string.Concat(Enumerable.Repeat("GET /hang HTTP/1.1\r\nHost: t\r\n\r\n", 16));
        await Task.WhenAll(hanging.Select(c => c.SendAsync(sixteen)));
        await AwaitAssertAsync(() => Assert.Equal(2000, server.Stats.InFlight.Count), Dilated(TimeSpan.FromSeconds(20)));

        // Its half a megabyte in one write, read over a quarter of a second.
        await using var client = await SlowClientAsync(server.Endpoint, rate: 2 * 1024 * 1024);
        await client.SendAsync("GET /_status HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        var response = await ReadWholeAsync(client);

        Assert.True(response.Complete, $"{response.Body.Length} of {response.Header("Content-Length")} bytes came");
        using var status = JsonDocument.Parse(response.Body);
        Assert.Equal(2000, status.RootElement.GetProperty("in_flight").GetArrayLength());
        foreach (var hung in hanging)
        {
            hung.Socket.LingerState = new LingerOption(true, 0); // gone: their requests end now
            await hung.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_close_delimited_response_cut_short_by_its_app_ends_in_a_reset()
    {
        var server = TestServers.Start(Sys, FailApp.Run);
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync("GET /?when=after HTTP/1.0\r\n\r\n");

        // A normal close would end the body as if it were whole: only a reset tells the client it is not.
        var error = await Assert.ThrowsAsync<SocketException>(() => client.ReadResponseAsync());
        Assert.Equal(SocketError.ConnectionReset, error.SocketErrorCode);
    }

    private static async Task<RawHttpClient> SlowClientAsync(System.Net.IPEndPoint endpoint, long rate = ReadRate)
    {
        var client = await RawHttpClient.ConnectAsync(endpoint);
        client.ReadRate = rate;
        return client;
    }

    /// <summary>Reads one response, saying how far it came if the connection broke.</summary>
    private async Task<RawResponse> ReadWholeAsync(RawHttpClient client)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            var response = await client.ReadResponseAsync(timeout: Dilated(TimeSpan.FromSeconds(30)));
            Output!.WriteLine($"{client.BytesReceived} bytes in {clock.ElapsedMilliseconds} ms at {client.ReadRate / 1024 / 1024} MiB/s");
            return response;
        }
        catch (SocketException e)
        {
            throw new Xunit.Sdk.XunitException($"the connection broke ({e.SocketErrorCode}) after {client.BytesReceived} bytes, {clock.ElapsedMilliseconds} ms");
        }
    }

    /// <summary>Checks the body of <c>stream?chunks=Chunks&amp;size=ChunkSize</c>: each chunk runs a..z from its start.</summary>
    private static void AssertStreamed(byte[] body)
    {
        Assert.Equal((long)Chunks * ChunkSize, body.Length);
        for (var i = 0; i < body.Length; i++)
        {
            if (body[i] != (byte)('a' + (i % ChunkSize % 26)))
                Assert.Fail($"byte {i} is '{Encoding.Latin1.GetString(body, i, 1)}'");
        }
    }
}
