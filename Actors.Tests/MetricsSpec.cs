using System.Text;
using Resume.Actors.Apps;
using Resume.Actors.Tests.Support;
using Resume.Apps;
using Xunit.Abstractions;

namespace Resume.Actors.Tests;

/// <summary>
/// The metrics as Prometheus text (resume.metrics.prometheus-path), scraped from a real server during
/// load and after it: every count matches the requests the test sent.
/// </summary>
public sealed class MetricsSpec(ITestOutputHelper output) : ServerSpec(output)
{
    private const string Path = "/_metrics";

    [Fact]
    public async Task A_response_cut_short_counts_the_body_bytes_it_sent()
    {
        static IEnumerable<Step> Cut(Environ environ, StartResponse startResponse)
        {
            startResponse("200 OK", [new("Content-Type", "text/plain")]);
            yield return "12345"; // held with the headers until the next step, which fails
            throw new InvalidOperationException("after the first chunk");
        }
        var settings = TestServers.Settings with { Metrics = TestServers.Settings.Metrics with { PrometheusPath = Path } };
        var server = TestServers.Start(Sys, AppBinding.Single("app", Cut, settings.DefaultAppOptions), settings);
        await using (var client = await RawHttpClient.ConnectAsync(server.Endpoint))
        {
            await client.SendAsync(Get("/cut"));
            var response = await client.ReadResponseAsync();
            Assert.False(response.Complete);
            Assert.Equal("12345", response.BodyText);
        }

        await AwaitAssertAsync(() => Assert.True(server.Stats.InFlight.IsEmpty), Dilated(TimeSpan.FromSeconds(10)));
        Assert.Equal(5, (await PrometheusScrape.GetAsync(server.Endpoint, Path)).Value("resume_response_body_sent_bytes_total"));
    }

    [Fact]
    public async Task It_is_off_by_default()
    {
        var server = TestServers.Start(Sys, App(Task.CompletedTask));
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync(Get(Path));
        Assert.Equal(404, (await client.ReadResponseAsync()).Status);
    }

    [Fact]
    public async Task A_scrape_during_load_and_after_it_counts_what_was_sent()
    {
        var settings = TestServers.Settings with { Metrics = TestServers.Settings.Metrics with { PrometheusPath = Path } };
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = TestServers.Start(Sys, AppBinding.Single("app", App(gate.Task), settings.DefaultAppOptions), settings);

        // 40 requests suspended on a future, one connection each.
        var waiting = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => RawHttpClient.ConnectAsync(server.Endpoint)));
        await Task.WhenAll(waiting.Select(c => c.SendAsync(Get("/wait"))));
        // 140 hellos on 10 keep-alive connections at once, 10 body echoes, 10 404s, and one malformed request.
        await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ =>
        {
            await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
            for (var i = 0; i < 14; i++)
            {
                await client.SendAsync(Get("/hello"));
                Assert.Equal("hello", (await client.ReadResponseAsync()).BodyText);
            }
        }));
        await using (var client = await RawHttpClient.ConnectAsync(server.Endpoint))
        {
            for (var i = 0; i < 10; i++)
            {
                await client.SendAsync("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 10\r\n\r\n0123456789");
                Assert.Equal("0123456789", (await client.ReadResponseAsync()).BodyText);
                await client.SendAsync(Get("/missing"));
                Assert.Equal(404, (await client.ReadResponseAsync()).Status);
            }
        }
        await using (var client = await RawHttpClient.ConnectAsync(server.Endpoint))
        {
            await client.SendAsync("GET / HTTP/1.1\r\nHost: test\r\nno colon here\r\n\r\n");
            Assert.Equal(400, (await client.ReadResponseAsync()).Status);
        }
        // Every other request recorded its end before it left InFlight; the waiting ones, their start before suspending.
        await AwaitAssertAsync(
            () =>
            {
                Assert.Equal(40, server.Stats.InFlight.Values.Count(r => r.Path == "/wait" && r.State == "suspended"));
                Assert.Equal(40, server.Stats.InFlight.Count);
            },
            Dilated(TimeSpan.FromSeconds(10)));

        var during = await PrometheusScrape.GetAsync(server.Endpoint, Path);
        Output!.WriteLine(during.Text);
        Assert.Equal(40, during.Value("resume_requests_suspended", "resume_wait=future"));
        // The 40 waiting, and the scrape itself.
        Assert.Equal(41, during.Value("http_server_active_requests", "http_request_method=GET", "url_scheme=http"));
        Assert.Equal(140 + 10, during.Value("http_server_request_duration_seconds_count", "http_response_status_code=200"));

        gate.SetResult();
        foreach (var client in waiting)
        {
            Assert.Equal("waited", (await client.ReadResponseAsync()).BodyText);
            await client.DisposeAsync();
        }
        await AwaitAssertAsync(() =>
        {
            Assert.Empty(server.Stats.InFlight);
            Assert.Equal(0, server.Stats.Connections);
        }, Dilated(TimeSpan.FromSeconds(10)));

        var after = await PrometheusScrape.GetAsync(server.Endpoint, Path);
        Output!.WriteLine(after.Text);
        Assert.Contains("# TYPE http_server_request_duration_seconds histogram\n", after.Text, StringComparison.Ordinal);
        Assert.Contains("# TYPE resume_connections_total counter\n", after.Text, StringComparison.Ordinal);
        // 140 hellos, 10 echoes, 40 waits and the first scrape; the second is still running.
        string[] ok = ["http_response_status_code=200", "http_request_method=GET", "url_scheme=http", "network_protocol_version=1.1"];
        Assert.Equal(140 + 40 + 1, after.Value("http_server_request_duration_seconds_count", ok));
        Assert.Equal(140 + 40 + 1, after.Value("http_server_request_duration_seconds_bucket", [.. ok, "le=+Inf"]));
        Assert.Equal(10, after.Value("http_server_request_duration_seconds_count", "http_response_status_code=200", "http_request_method=POST"));
        Assert.Equal(10, after.Value("http_server_request_duration_seconds_count", "http_response_status_code=404"));
        Assert.True(after.Value("http_server_request_duration_seconds_bucket", [.. ok, "le=10"]) <= 140 + 40 + 1);
        Assert.True(after.Value("http_server_request_duration_seconds_sum", ok) > 0);
        Assert.Equal(1, after.Value("http_server_active_requests", "http_request_method=GET"));
        Assert.Equal(0, after.Value("http_server_active_requests", "http_request_method=POST"));
        Assert.Equal(0, after.Value("resume_requests_suspended"));
        Assert.Equal(1, after.Value("resume_rejections_total", "http_response_status_code=400", "resume_rejection_reason=malformed_header_line"));
        Assert.Equal(1, after.Value("resume_rejections_total"));
        Assert.Equal(10 * 10, after.Value("resume_request_body_received_bytes_total"));
        var firstScrapeBytes = Encoding.UTF8.GetByteCount(during.Text);
        Assert.Equal((140 * 5) + (10 * 10) + (40 * 6) + (10 * 4) + firstScrapeBytes, after.Value("resume_response_body_sent_bytes_total"));
        // 40 waiting, 10 hello, one for echoes and 404s, the malformed one, and two scrapes.
        Assert.Equal(40 + 10 + 1 + 1 + 2, after.Value("resume_connections_total"));
        Assert.Equal(1, after.Value("resume_connections_open"));
        Assert.True(after.Value("resume_steps_total") >= 200);
    }

    [Fact]
    public async Task Suspended_requests_are_counted_by_what_they_wait_on()
    {
        var settings = TestServers.Settings with { StatusPath = "/_status", Metrics = TestServers.Settings.Metrics with { PrometheusPath = Path } };
        using var release = new ManualResetEventSlim();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var peer = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        peer.Start();
        using var outside = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        await outside.ConnectAsync((System.Net.IPEndPoint)peer.LocalEndpoint);
        using var inside = await peer.AcceptSocketAsync();
        App app = (environ, startResponse) => Waits(environ, startResponse, gate.Task, release, inside);
        var server = TestServers.Start(Sys, AppBinding.Single("app", app, settings.DefaultAppOptions), settings);

        var clients = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => RawHttpClient.ConnectAsync(server.Endpoint)));
        await clients[0].SendAsync("POST /body HTTP/1.1\r\nHost: test\r\nContent-Length: 10\r\n\r\n012");
        await clients[1].SendAsync(Get("/work"));
        await clients[2].SendAsync(Get("/ready"));
        await clients[3].SendAsync(Get("/wait"));
        await AwaitAssertAsync(
            () => Assert.Equal(4, server.Stats.InFlight.Values.Count(r => r.State == "suspended")), Dilated(TimeSpan.FromSeconds(10)));

        var scrape = await PrometheusScrape.GetAsync(server.Endpoint, Path);
        foreach (var wait in new[] { "request_body", "executor", "readiness", "future" })
            Assert.Equal(1, scrape.Value("resume_requests_suspended", $"resume_wait={wait}"));
        Assert.Equal(
            new Dictionary<string, string?> { ["/body"] = "request body", ["/work"] = "executor", ["/ready"] = "readiness", ["/wait"] = "future" },
            server.Stats.InFlight.Values.ToDictionary(r => r.Path, r => r.WaitingOn));

        await clients[0].SendAsync("3456789");
        release.Set();
        await outside.SendAsync("x"u8.ToArray());
        gate.SetResult();
        foreach (var client in clients)
        {
            Assert.Equal(200, (await client.ReadResponseAsync()).Status);
            await client.DisposeAsync();
        }
        await AwaitAssertAsync(() => Assert.Empty(server.Stats.InFlight), Dilated(TimeSpan.FromSeconds(10)));
        Assert.Equal(0, (await PrometheusScrape.GetAsync(server.Endpoint, Path)).Value("resume_requests_suspended"));
    }

    private static IEnumerable<Step> Waits(Environ environ, StartResponse startResponse, Task gate, ManualResetEventSlim release, System.Net.Sockets.Socket inside)
    {
        switch (environ.PathInfo)
        {
            case "/body":
                yield return environ.Input.ReadToEndAsync();
                break;
            case "/work":
                yield return environ.Async.SubmitAsync(() => release.Wait(TimeSpan.FromSeconds(30)));
                break;
            case "/ready":
                yield return Step.Readable(inside);
                break;
            default:
                yield return gate;
                break;
        }
        startResponse("200 OK", [new("Content-Type", "text/plain")]);
        yield return "ok";
    }

    /// <summary>/hello, /echo (reads the body and sends it back), /wait (until <paramref name="gate"/> completes), and 404 elsewhere.</summary>
    private static App App(Task gate) => (environ, startResponse) => Run(environ, startResponse, gate);

    private static IEnumerable<Step> Run(Environ environ, StartResponse startResponse, Task gate)
    {
        switch (environ.PathInfo)
        {
            case "/hello":
                startResponse("200 OK", [new("Content-Type", "text/plain")]);
                yield return "hello";
                break;
            case "/echo":
                var body = environ.Input.ReadToEndAsync();
                yield return body;
                startResponse("200 OK", [new("Content-Type", "text/plain")]);
                yield return body.Result;
                break;
            case "/wait":
                yield return gate;
                startResponse("200 OK", [new("Content-Type", "text/plain")]);
                yield return "waited";
                break;
            default:
                startResponse("404 Not Found", [new("Content-Type", "text/plain")]);
                yield return "nope";
                break;
        }
    }
}
