using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Resume.Actors.Tests.Support;
using Resume.Apps;
using Resume.Apps.Samples;
using Resume.Apps.Testing;
using Xunit.Abstractions;

namespace Resume.Actors.Tests;

/// <summary>The sample apps: with the app test kit (no server) and, where sockets matter, through the server.</summary>
public sealed class SampleAppsSpec(ITestOutputHelper output) : ServerSpec(output)
{
    [Fact]
    public void Hello_answers_in_one_step_and_is_disposed()
    {
        using var run = AppRun.Start(HelloApp.Run);
        Assert.True(run.RunUntilSuspended());
        Assert.Equal(200, run.StatusCode);
        Assert.Equal("Hello, World!", run.BodyText);
        Assert.Contains(run.Headers, h => h.Key == "Content-Length" && h.Value == "13");
        Assert.Equal(1, run.Disposals);
    }

    [Fact]
    public void The_test_kit_builds_the_environ_as_the_server_does()
    {
        var request = TestRequest.Post("/x", "{}", "application/json") with
        {
            Headers = [new("Host", "test"), new("Content-Type", "application/json"), new("X-Thing", "one"), new("X-Thing", "two"), new("Cookie", "a=1"), new("Cookie", "b=2")],
        };
        using var run = AppRun.Start(HelloApp.Run, request);
        Assert.Equal("application/json", run.Environ.ContentType);
        Assert.Equal(2, run.Environ.ContentLength);
        Assert.Equal("one, two", run.Environ["HTTP_X_THING"]);
        Assert.Equal("a=1; b=2", run.Environ["HTTP_COOKIE"]);
        Assert.False(run.Environ.ContainsKey("HTTP_CONTENT_TYPE"));
    }

    [Fact]
    public async Task Echo_reads_the_body_by_yielding_futures()
    {
        using var run = AppRun.Start(EchoApp.Run, TestRequest.Post("/x", "payload") with { Query = "a=1" });
        await run.RunToEndAsync();
        using var json = JsonDocument.Parse(run.Body);
        Assert.Equal("POST", json.RootElement.GetProperty("method").GetString());
        Assert.Equal("a=1", json.RootElement.GetProperty("query").GetString());
        Assert.Equal("payload", Encoding.UTF8.GetString(Convert.FromBase64String(json.RootElement.GetProperty("body_base64").GetString()!)));
        Assert.NotEmpty(run.Futures);
    }

    [Fact]
    public async Task Stream_yields_its_chunks_each_after_its_delay()
    {
        using var run = AppRun.Start(StreamApp.Run, TestRequest.Get("/?chunks=3&size=4&delay_ms=5"));
        Assert.False(run.RunUntilSuspended());
        Assert.NotNull(run.PendingFuture);
        await run.RunToEndAsync();
        Assert.Equal(3, run.Chunks.Count);
        Assert.Equal("abcdabcdabcd", run.BodyText);
        Assert.Equal(3, run.Futures.Count);
    }

    [Fact]
    public async Task Sleep_suspends_on_a_timer_then_answers_ok()
    {
        using var run = AppRun.Start(SleepApp.Run, TestRequest.Get("/?ms=20"));
        Assert.False(run.RunUntilSuspended());
        Assert.Null(run.Status);
        await run.RunToEndAsync();
        Assert.Equal("ok", run.BodyText);
    }

    [Theory]
    [InlineData("GET", "/", "OK")]
    [InlineData("POST", "/", "sent")]
    [InlineData("GET", "/echo", "Cookie: a=1; b=2\n")]
    [InlineData("GET", "/cookie", "a=1\nb=2\n")]
    public async Task Reference_answers_the_usual_test_routes(string method, string path, string expected)
    {
        var request = new TestRequest { Method = method, Path = path, Body = method == "POST" ? "sent"u8.ToArray() : [], Headers = [new("Cookie", "a=1; b=2")] };
        using var run = AppRun.Start(ReferenceApp.Run, request);
        await run.RunToEndAsync();
        Assert.Equal(200, run.StatusCode);
        Assert.Equal(expected, run.BodyText);
    }

    [Fact]
    public async Task Upload_answers_the_byte_count_and_sha256_of_the_body()
    {
        var body = new byte[300_000];
        new Random(7).NextBytes(body);
        using var run = AppRun.Start(UploadApp.Run, new TestRequest { Method = "POST", Body = body });
        await run.RunToEndAsync();
        Assert.Equal($"{{\"bytes\":300000,\"sha256\":\"{Convert.ToHexStringLower(SHA256.HashData(body))}\"}}", run.BodyText);
    }

    [Theory]
    [InlineData("before")]
    [InlineData("after")]
    [InlineData("future")]
    public async Task Fail_raises_where_asked(string when)
    {
        using var run = AppRun.Start(FailApp.Run, TestRequest.Get($"/?when={when}"));
        await run.RunToEndAsync();
        Assert.NotNull(run.Error);
        Assert.Equal(when == "after" ? "first chunk\n" : "", run.BodyText);
        Assert.Equal(1, run.Disposals);
    }

    [Fact]
    public void Hang_waits_forever_and_an_abort_disposes_it()
    {
        using var run = AppRun.Start(HangApp.Run);
        Assert.False(run.RunUntilSuspended());
        Assert.False(run.PendingFuture!.IsCompleted);
        run.Abort();
        Assert.True(run.Environ.Aborted.IsCancellationRequested);
        Assert.Equal(1, run.Disposals);
    }

    [Fact]
    public void The_test_kit_lets_a_test_complete_or_fail_the_apps_futures_by_hand()
    {
        var lookup = new TaskCompletionSource<string>();
        IEnumerable<Step> UsesAService(Environ environ, StartResponse startResponse)
        {
            yield return lookup.Task;
            if (lookup.Task.IsFaulted)
            {
                startResponse("503 Service Unavailable", []);
                yield break;
            }
            startResponse("200 OK", []);
            yield return lookup.Task.Result;
        }
        using var run = AppRun.Start(UsesAService);
        Assert.False(run.RunUntilSuspended());
        Assert.Same(lookup.Task, run.PendingFuture);
        lookup.SetException(new TimeoutException());
        Assert.True(run.RunUntilSuspended());
        Assert.Equal(503, run.StatusCode);
    }

    [Fact]
    public async Task Blocking_runs_unchanged_in_the_demo_with_synchronous_reads()
    {
        var server = TestServers.Start(Sys, TestServers.Demo());
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync("POST /blocking?ms=10 HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n");
        Assert.Equal("slept, read 7 bytes\n", (await client.ReadResponseAsync()).BodyText);
    }

    [Fact]
    public async Task Proxy_streams_an_upstream_body_through()
    {
        var upstream = TestServers.Start(Sys, StreamApp.Run);
        var proxy = TestServers.Start(Sys, ProxyApp.Run);
        await using var client = await RawHttpClient.ConnectAsync(proxy.Endpoint);
        var url = Uri.EscapeDataString($"http://127.0.0.1:{upstream.Endpoint.Port}/?chunks=50&size=1000&delay_ms=2");
        await client.SendAsync($"GET /?url={url} HTTP/1.1\r\nHost: t\r\n\r\n");

        var response = await client.ReadResponseAsync();
        Assert.Equal(200, response.Status);
        Assert.Equal(50_000, response.Body.Length);
        Assert.Equal("application/octet-stream", response.Header("Content-Type"));
    }

    [Fact]
    public async Task Proxy_answers_502_when_the_upstream_is_unreachable()
    {
        using var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        var proxy = TestServers.Start(Sys, ProxyApp.Run);
        await using var client = await RawHttpClient.ConnectAsync(proxy.Endpoint);
        await client.SendAsync($"GET /?url=http://127.0.0.1:{port}/ HTTP/1.1\r\nHost: t\r\n\r\n");
        Assert.Equal(502, (await client.ReadResponseAsync()).Status);
    }

    [Fact]
    public async Task A_client_leaving_the_proxy_cancels_the_upstream_request()
    {
        // HttpClient cancels by closing its connection with a FIN, which a server taking FINs as
        // half-closes would not see as cancelling: the upstream takes them as disconnects.
        var finAborts = TestServers.Settings with { Connection = TestServers.Settings.Connection with { AbortOnClientFin = true } };
        var upstream = TestServers.Start(Sys, HangApp.Run, finAborts);
        var proxy = TestServers.Start(Sys, ProxyApp.Run);
        var client = await RawHttpClient.ConnectAsync(proxy.Endpoint);
        await client.SendAsync($"GET /?url=http://127.0.0.1:{upstream.Endpoint.Port}/ HTTP/1.1\r\nHost: t\r\n\r\n");
        await AwaitAssertAsync(() => Assert.Single(upstream.Stats.InFlight), Dilated(TimeSpan.FromSeconds(10)));

        client.Socket.LingerState = new System.Net.Sockets.LingerOption(true, 0); // a reset: a FIN alone is a half-close, still answered
        await client.DisposeAsync();
        await AwaitAssertAsync(
            () =>
            {
                Assert.Empty(upstream.Stats.InFlight);
                Assert.Equal(1, upstream.Stats.Aborted);
            },
            Dilated(TimeSpan.FromSeconds(10)));
    }
}
