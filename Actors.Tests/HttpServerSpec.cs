using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Resume.Actors.Tests.Support;
using Resume.Apps;
using Resume.Apps.Samples;
using Xunit.Abstractions;

namespace Resume.Actors.Tests;

/// <summary>The whole server through real sockets on 127.0.0.1: what a client sees.</summary>
[Collection(TimingSensitive.Name)]
public sealed class HttpServerSpec(ITestOutputHelper output) : ServerSpec(output)
{

    [Fact]
    public async Task Hello_answers_with_content_length_date_and_server()
    {
        var server = TestServers.Start(Sys, HelloApp.Run);
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync(Get("/"));

        var response = await client.ReadResponseAsync();
        Assert.Equal(200, response.Status);
        Assert.Equal("Hello, World!", response.BodyText);
        Assert.Equal("13", response.Header("Content-Length"));
        Assert.Equal("Resume", response.Header("Server"));
        Assert.True(DateTime.TryParse(response.Header("Date"), out _));
    }

    [Fact]
    public async Task A_thousand_keep_alive_requests_share_one_connection()
    {
        var server = TestServers.Start(Sys, HelloApp.Run);
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        for (var i = 0; i < 1000; i++)
        {
            await client.SendAsync(Get("/" + i));
            var response = await client.ReadResponseAsync();
            Assert.Equal("Hello, World!", response.BodyText);
        }
    }

    [Fact]
    public async Task Ten_pipelined_requests_in_one_write_are_answered_in_order_though_they_finish_out_of_order()
    {
        // Request i sleeps longer the earlier it came, so they complete in reverse order.
        var server = TestServers.Start(Sys, NumberAfterDelay);
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        var requests = string.Concat(Enumerable.Range(0, 10).Select(i => Get($"/?i={i}&ms={(10 - i) * 30}")));
        await client.SendAsync(requests);

        for (var i = 0; i < 10; i++)
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), (await client.ReadResponseAsync()).BodyText);
    }

    [Fact]
    public async Task Http10_without_keep_alive_is_answered_then_closed()
    {
        var server = TestServers.Start(Sys, HelloApp.Run);
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync("GET / HTTP/1.0\r\n\r\n");

        var response = await client.ReadResponseAsync();
        Assert.Equal("Hello, World!", response.BodyText);
        Assert.Equal("close", response.Header("Connection"));
        Assert.True(await client.IsClosedByServerAsync());
    }

    [Fact]
    public async Task Http10_with_keep_alive_keeps_the_connection()
    {
        var server = TestServers.Start(Sys, HelloApp.Run);
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        for (var i = 0; i < 3; i++)
        {
            await client.SendAsync("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            var response = await client.ReadResponseAsync();
            Assert.Equal("Hello, World!", response.BodyText);
            Assert.Equal("keep-alive", response.Header("Connection"));
        }
    }

    [Fact]
    public async Task Head_gets_the_headers_and_no_body()
    {
        var server = TestServers.Start(Sys, HelloApp.Run);
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync("HEAD / HTTP/1.1\r\nHost: test\r\n\r\n");
        var head = await client.ReadResponseAsync(head: true);
        Assert.Equal(200, head.Status);
        Assert.Equal("13", head.Header("Content-Length"));

        // Were a body sent after the head, it would be read here as the next response's status line.
        await client.SendAsync(Get("/"));
        Assert.Equal("Hello, World!", (await client.ReadResponseAsync()).BodyText);
    }

    [Fact]
    public async Task A_chunked_request_body_is_decoded_for_the_app()
    {
        var server = TestServers.Start(Sys, EchoApp.Run);
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync("POST /up HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n");

        using var echoed = JsonDocument.Parse((await client.ReadResponseAsync()).Body);
        Assert.Equal("hello, world", Encoding.ASCII.GetString(Convert.FromBase64String(echoed.RootElement.GetProperty("body_base64").GetString()!)));
    }

    [Fact]
    public async Task A_body_the_app_does_not_read_is_drained_before_the_next_request()
    {
        var server = TestServers.Start(Sys, HelloApp.Run);
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        var body = new string('x', 100_000);
        await client.SendAsync($"POST / HTTP/1.1\r\nHost: test\r\nContent-Length: {body.Length}\r\n\r\n{body}" + Get("/second"));

        Assert.Equal("Hello, World!", (await client.ReadResponseAsync()).BodyText);
        Assert.Equal("Hello, World!", (await client.ReadResponseAsync()).BodyText);
    }

    [Fact]
    public async Task A_response_without_content_length_is_chunked_for_http11_and_close_delimited_for_http10()
    {
        var server = TestServers.Start(Sys, StreamApp.Run);
        await using (var client = await RawHttpClient.ConnectAsync(server.Endpoint))
        {
            await client.SendAsync(Get("/?chunks=5&size=3"));
            var response = await client.ReadResponseAsync();
            Assert.True(response.Chunked);
            Assert.True(response.Complete);
            Assert.Equal(string.Concat(Enumerable.Repeat("abc", 5)), response.BodyText);
        }
        await using (var client = await RawHttpClient.ConnectAsync(server.Endpoint))
        {
            await client.SendAsync("GET /?chunks=5&size=3 HTTP/1.0\r\n\r\n");
            var response = await client.ReadResponseAsync();
            Assert.False(response.Has("Content-Length"));
            Assert.False(response.Has("Transfer-Encoding"));
            Assert.Equal(string.Concat(Enumerable.Repeat("abc", 5)), response.BodyText);
            Assert.True(await client.IsClosedByServerAsync());
        }
    }

    [Fact]
    public async Task The_apps_content_length_is_honoured_across_several_chunks()
    {
        static IEnumerable<Step> Sized(Environ environ, StartResponse startResponse)
        {
            startResponse("200 OK", [new("Content-Length", "6")]);
            yield return "ab";
            yield return Task.Delay(5);
            yield return "cd";
            yield return "ef";
        }
        var server = TestServers.Start(Sys, Sized);
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync(Get("/"));

        var response = await client.ReadResponseAsync();
        Assert.False(response.Chunked);
        Assert.Equal("abcdef", response.BodyText);
    }

    [Fact]
    public async Task An_app_exception_before_headers_gives_500_and_the_connection_stays_usable()
    {
        static IEnumerable<Step> Failing(Environ environ, StartResponse startResponse)
        {
            if (environ.PathInfo == "/fail")
                throw new InvalidOperationException("secret detail");
            return HelloApp.Run(environ, startResponse);
        }
        var server = TestServers.Start(Sys, Failing);
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync(Get("/fail"));
        var failed = await client.ReadResponseAsync();
        Assert.Equal(500, failed.Status);
        Assert.DoesNotContain("secret", failed.BodyText);

        await client.SendAsync(Get("/"));
        Assert.Equal("Hello, World!", (await client.ReadResponseAsync()).BodyText);
    }

    [Fact]
    public async Task An_app_exception_after_headers_cuts_the_response_so_the_client_sees_truncation()
    {
        static IEnumerable<Step> FailsMidway(Environ environ, StartResponse startResponse)
        {
            startResponse("200 OK", [new("Content-Type", "text/plain")]);
            yield return "partial";
            yield return Task.Delay(10);
            throw new InvalidOperationException("boom");
        }
        var server = TestServers.Start(Sys, FailsMidway);
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync(Get("/"));

        var response = await client.ReadResponseAsync();
        Assert.Equal(200, response.Status);
        Assert.True(response.Chunked);
        Assert.False(response.Complete);
        Assert.Equal("partial", response.BodyText);
    }

    [Fact]
    public async Task A_thousand_concurrent_suspended_requests_are_all_answered_without_a_thread_each()
    {
        var suspended = 0;
        var peak = 0;
        IEnumerable<Step> Sleeper(Environ environ, StartResponse startResponse)
        {
            var now = Interlocked.Increment(ref suspended);
            InterlockedMax(ref peak, now);
            yield return Task.Delay(100);
            Interlocked.Decrement(ref suspended);
            foreach (var step in SleepApp.Run(environ, startResponse))
                yield return step;
        }
        var server = TestServers.Start(Sys, Sleeper);
        var threadsBefore = ThreadPool.ThreadCount;
        var clock = Stopwatch.StartNew();

        var clients = await Task.WhenAll(Enumerable.Range(0, 1000).Select(_ => RawHttpClient.ConnectAsync(server.Endpoint)));
        await Task.WhenAll(clients.Select(c => c.SendAsync(Get("/?ms=0"))));
        var responses = await Task.WhenAll(clients.Select(c => c.ReadResponseAsync(timeout: Dilated(TimeSpan.FromSeconds(60)))));
        clock.Stop();
        foreach (var client in clients)
            await client.DisposeAsync();

        Assert.All(responses, r => Assert.Equal("ok", r.BodyText));
        Output!.WriteLine($"1000 requests in {clock.ElapsedMilliseconds} ms; peak suspended together {peak}; thread pool {threadsBefore} -> {ThreadPool.ThreadCount}");
        // Hundreds suspended at once on a thread pool of a few dozen threads: none holds a thread.
        Assert.True(peak >= 300, $"only {peak} requests were suspended at the same time");
        Assert.True(ThreadPool.ThreadCount < peak / 2, $"{ThreadPool.ThreadCount} pool threads for {peak} suspended requests");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_client_that_stops_reading_pauses_the_app_and_reading_again_resumes_it()
    {
        long chunks = 0;
        var server = TestServers.Start(Sys, StreamApp.Observed(n => Interlocked.Exchange(ref chunks, n)));
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint, receiveBufferSize: 64 * 1024);
        await client.SendAsync(Get("/?chunks=1000000&size=16384"));

        // Held back by the client, not stopped: the request waits on the socket, and its count settles.
        await AwaitAssertAsync(() => Assert.Equal("backpressured", Assert.Single(server.Stats.InFlight.Values).State), Dilated(TimeSpan.FromSeconds(10)));
        var paused = await WaitUntilStableAsync(() => Interlocked.Read(ref chunks));
        Assert.Equal("backpressured", Assert.Single(server.Stats.InFlight.Values).State);
        Output!.WriteLine($"app paused after {paused} chunks ({paused * 16 / 1024} MiB)");
        // Kernel socket buffers plus the server's bounded buffers: far below the 16 GB the app would write.
        Assert.InRange(paused, 1, 4000);

        await client.DrainAsync(64L * 1024 * 1024);
        var resumed = await WaitUntilStableAsync(() => Interlocked.Read(ref chunks));
        Assert.True(resumed > paused + 1000, $"the app did not resume: {paused} -> {resumed}");
        Assert.InRange(resumed, paused, paused + 4000 + (64 * 1024 / 16));
    }

    [Fact]
    public async Task A_body_over_the_limit_gets_413_and_a_close()
    {
        var server = TestServers.Start(Sys, EchoApp.Run, TestServers.Settings with { Limits = TestServers.Settings.Limits with { MaxBodySize = 1000 } });
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync("POST / HTTP/1.1\r\nHost: test\r\nContent-Length: 1001\r\n\r\n");

        Assert.Equal(413, (await client.ReadResponseAsync()).Status);
        Assert.True(await client.IsClosedByServerAsync());
    }

    [Fact]
    public async Task A_chunked_body_growing_over_the_limit_gets_413_from_the_app_that_reads_it()
    {
        var server = TestServers.Start(Sys, EchoApp.Run, TestServers.Settings with { Limits = TestServers.Settings.Limits with { MaxBodySize = 1000 } });
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync("POST / HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n200\r\n" + new string('x', 512) + "\r\n300\r\n" + new string('y', 768) + "\r\n0\r\n\r\n");

        Assert.Equal(413, (await client.ReadResponseAsync()).Status);
        Assert.True(await client.IsClosedByServerAsync());
    }

    [Fact]
    public async Task The_demo_mounts_each_sample_under_its_name_and_lists_them_at_the_root()
    {
        var server = TestServers.Start(Sys, AppCatalog.Demo());
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync(Get("/"));
        var index = await client.ReadResponseAsync();
        Assert.All(AppCatalog.Samples.Keys, name => Assert.Contains($"/{name}", index.BodyText));

        await client.SendAsync(Get("/hello"));
        Assert.Equal("Hello, World!", (await client.ReadResponseAsync()).BodyText);
        await client.SendAsync(Get("/reference/echo"));
        Assert.Contains("Host: test", (await client.ReadResponseAsync()).BodyText);
        await client.SendAsync(Get("/nowhere"));
        Assert.Equal(404, (await client.ReadResponseAsync()).Status);
    }

    private static IEnumerable<Step> NumberAfterDelay(Environ environ, StartResponse startResponse)
    {
        yield return Task.Delay((int)environ.Query.Int("ms", 0));
        var body = Encoding.ASCII.GetBytes(environ.Query["i"]);
        startResponse("200 OK", [new("Content-Length", body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        yield return body;
    }

    /// <summary>
    /// Polls until the value has not changed for a second; returns it. A measurement (where a count
    /// settles), not a wait for an event: the test's proof is the bound it asserts on the value.
    /// </summary>
    private async Task<long> WaitUntilStableAsync(Func<long> read)
    {
        var deadline = Stopwatch.StartNew();
        var last = read();
        var stableSince = Stopwatch.StartNew();
        while (deadline.Elapsed < Dilated(TimeSpan.FromSeconds(30)))
        {
            await Task.Delay(100);
            var now = read();
            if (now != last)
            {
                last = now;
                stableSince.Restart();
            }
            else if (stableSince.Elapsed > TimeSpan.FromSeconds(1))
            {
                return now;
            }
        }
        throw new TimeoutException($"the value kept changing (last {last})");
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
