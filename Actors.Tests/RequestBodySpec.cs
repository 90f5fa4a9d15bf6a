using System.Security.Cryptography;
using System.Text;
using Resume.Actors.Tests.Support;
using Resume.Apps;
using Resume.Apps.Samples;
using Xunit.Abstractions;

namespace Resume.Actors.Tests;

/// <summary>environ.Input through real sockets: reads on demand, 100-continue, pre-buffering.</summary>
[Collection(TimingSensitive.Name)]
public sealed class RequestBodySpec(ITestOutputHelper output) : ServerSpec(output)
{
    [Fact]
    public async Task Lines_and_sized_reads_never_pass_the_end_of_the_body()
    {
        static IEnumerable<Step> Lines(Environ environ, StartResponse startResponse)
        {
            var parts = new List<string>();
            for (var i = 0; i < 2; i++)
            {
                var line = environ.Input.ReadLineAsync();
                yield return line;
                parts.Add(line.Result);
            }
            var rest = environ.Input.ReadAsync(1000);
            yield return rest;
            parts.Add(Encoding.ASCII.GetString(rest.Result.Span));
            var after = environ.Input.ReadAsync(1000);
            yield return after;
            parts.Add($"after end: {after.Result.Length}");
            var body = Encoding.ASCII.GetBytes(string.Join("|", parts));
            startResponse("200 OK", [new("Content-Length", body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
            yield return body;
        }
        var server = TestServers.Start(Sys, Lines);
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 14\r\n\r\none\ntwo\nthree!GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n");

        Assert.Equal("one\n|two\n|three!|after end: 0", (await client.ReadResponseAsync()).BodyText);
        Assert.Equal("|||after end: 0", (await client.ReadResponseAsync()).BodyText);
    }

    [Fact]
    public async Task A_slow_reader_keeps_the_client_blocked_instead_of_buffering_the_upload()
    {
        const long total = 256L * 1024 * 1024;
        long appRead = 0;
        var slow = true;
        IEnumerable<Step> SlowReader(Environ environ, StartResponse startResponse)
        {
            while (true)
            {
                var read = environ.Input.ReadAsync(64 * 1024);
                yield return read;
                if (read.Result.IsEmpty)
                    break;
                Interlocked.Add(ref appRead, read.Result.Length);
                if (Volatile.Read(ref slow))
                    yield return Task.Delay(20);
            }
            startResponse("200 OK", [new("Content-Length", "2")]);
            yield return "ok";
        }
        var server = TestServers.Start(Sys, SlowReader, TestServers.Settings with { Limits = TestServers.Settings.Limits with { MaxBodySize = total } });
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        client.Socket.SendBufferSize = 64 * 1024;
        long sent = 0;
        var sending = Task.Run(async () =>
        {
            await client.SendAsync($"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: {total}\r\n\r\n");
            var block = new byte[256 * 1024];
            while (sent < total)
            {
                await client.SendAsync(block);
                Interlocked.Add(ref sent, block.Length);
            }
        });

        // Once the slow reader has read a MiB (a second or so at its pace), whatever buffers lie between
        // it and the client, which sends as fast as it may, are full.
        await AwaitConditionAsync(() => Task.FromResult(Interlocked.Read(ref appRead) >= 1024 * 1024), Dilated(TimeSpan.FromSeconds(60)));
        var gap = Interlocked.Read(ref sent) - Interlocked.Read(ref appRead);
        Output!.WriteLine($"client sent {Interlocked.Read(ref sent) >> 20} MiB, app read {Interlocked.Read(ref appRead) >> 20} MiB");
        // Only kernel socket buffers and one read piece lie between the client and the app.
        Assert.InRange(gap, -256 * 1024, 16L * 1024 * 1024);
        Assert.True(Interlocked.Read(ref sent) < total / 4, "the client was never held back");

        Volatile.Write(ref slow, false);
        await sending.WaitAsync(Dilated(TimeSpan.FromSeconds(60)));
        Assert.Equal("ok", (await client.ReadResponseAsync(timeout: Dilated(TimeSpan.FromSeconds(60)))).BodyText);
        Assert.Equal(total, Interlocked.Read(ref appRead));
    }

    [Fact]
    public async Task Expect_100_continue_is_answered_when_the_app_first_reads()
    {
        var server = TestServers.Start(Sys, UploadApp.Run);
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");

        var interim = await client.ReadResponseAsync();
        Assert.Equal(100, interim.Status);
        await client.SendAsync("hello");
        var final = await client.ReadResponseAsync();
        Assert.Contains("\"bytes\":5", final.BodyText);
        Assert.Contains(Convert.ToHexStringLower(SHA256.HashData("hello"u8)), final.BodyText);
    }

    [Fact]
    public async Task Expect_100_continue_is_never_sent_when_the_app_answers_without_reading()
    {
        var server = TestServers.Start(Sys, HelloApp.Run);
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\nExpect: 100-continue\r\n\r\n");

        var response = await client.ReadResponseAsync();
        Assert.Equal(200, response.Status);
        Assert.Equal("close", response.Header("Connection"));
        Assert.True(await client.IsClosedByServerAsync());
    }

    [Fact]
    public async Task With_drain_configured_an_unread_expected_body_is_read_and_dropped_and_the_connection_kept()
    {
        var settings = TestServers.Settings with { Connection = TestServers.Settings.Connection with { DrainUnreadExpectedBody = true } };
        var server = TestServers.Start(Sys, HelloApp.Run, settings);
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");

        var response = await client.ReadResponseAsync();
        Assert.Equal(200, response.Status);
        Assert.Null(response.Header("Connection"));
        await client.SendAsync("hello" + "GET / HTTP/1.1\r\nHost: t\r\n\r\n");
        Assert.Equal("Hello, World!", (await client.ReadResponseAsync()).BodyText);
    }

    [Fact]
    public async Task A_prebuffered_app_reads_its_body_synchronously()
    {
        static IEnumerable<Step> SyncReader(Environ environ, StartResponse startResponse)
        {
            var body = new MemoryStream();
            while (environ.Input.Read(7) is { IsEmpty: false } chunk)
                body.Write(chunk.Span);
            startResponse("200 OK", [new("Content-Length", body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
            yield return body.ToArray();
        }
        var server = TestServers.Start(Sys, SyncReader, options: TestServers.Settings.DefaultAppOptions with { Prebuffer = true, PrebufferLimit = 1000 });
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
        Assert.Equal("hello world", (await client.ReadResponseAsync()).BodyText);

        await client.SendAsync("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1001\r\n\r\n" + new string('x', 1001));
        Assert.Equal(413, (await client.ReadResponseAsync()).Status);
    }

    [Fact]
    public async Task A_synchronous_read_in_a_suspending_app_is_refused_with_a_clear_error()
    {
        string? error = null;
        IEnumerable<Step> SyncReader(Environ environ, StartResponse startResponse)
        {
            try
            {
                environ.Input.Read(10);
            }
            catch (InvalidOperationException e)
            {
                error = e.Message;
            }
            startResponse("200 OK", [new("Content-Length", "0")]);
            yield break;
        }
        var server = TestServers.Start(Sys, SyncReader);
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\n");
        await client.ReadResponseAsync();
        Assert.Contains("register the app as blocking or pre-buffered", error);

        // A request without a body has another input (NoRequestBody), under the same rule.
        error = null;
        await using var second = await RawHttpClient.ConnectAsync(server.Endpoint);
        await second.SendAsync("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
        await second.ReadResponseAsync();
        Assert.Contains("register the app as blocking or pre-buffered", error);
    }
}
