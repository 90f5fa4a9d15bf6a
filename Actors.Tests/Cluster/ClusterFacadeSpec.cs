using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Resume.Actors.Hosting;
using Resume.Actors.Tests.Support;
using Resume.Apps;
using Resume.Apps.Cluster;
using Xunit.Abstractions;

namespace Resume.Actors.Tests.Cluster;

/// <summary>
/// <c>environ.Cluster</c> with clustering off, through a real server and sockets: the samples' entities,
/// topics and jobs on this node alone (what an app sees on a laptop), and the rules every mode shares:
/// an ask that times out is 503 with Retry-After, a client that leaves cancels its ask, and a request's
/// subscriptions end with it.
/// </summary>
public sealed class ClusterFacadeSpec(ITestOutputHelper output) : ServerSpec(output)
{
    private static readonly ServerSettings Settings = TestServers.Settings with
    {
        Cluster = TestServers.Settings.Cluster with
        {
            AskTimeout = TimeSpan.FromSeconds(1),
            Entities = new Dictionary<string, string>(TestServers.Settings.Cluster.Entities)
            {
                ["silent"] = typeof(SilentEntity).AssemblyQualifiedName!,
                ["where"] = typeof(WhereEntity).AssemblyQualifiedName!,
            },
        },
    };

    [Fact]
    public async Task A_counter_counts_the_increments_of_every_request()
    {
        using var http = Client(TestServers.Start(Sys, TestServers.Demo(Settings), Settings));

        for (var i = 0; i < 5; i++)
            (await http.PostAsync("/counter/visits", null)).EnsureSuccessStatusCode();
        var added = await http.PostAsync("/counter/visits?by=10", null);
        var read = await http.GetFromJsonAsync<JsonElement>("/counter/visits");

        Assert.Equal(15, (await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("value").GetInt64());
        Assert.Equal(15, read.GetProperty("value").GetInt64());
        Assert.Equal("local", read.GetProperty("node").GetString());
        Assert.Equal(0, (await http.GetFromJsonAsync<JsonElement>("/counter/other")).GetProperty("value").GetInt64());
    }

    [Fact]
    public async Task A_long_poll_is_answered_by_the_next_message_posted_and_a_stream_follows_the_room()
    {
        using var http = Client(TestServers.Start(Sys, TestServers.Demo(Settings), Settings));
        (await http.PostAsync("/chat/lobby?author=ann", new StringContent("first"))).EnsureSuccessStatusCode();

        var poll = http.GetFromJsonAsync<JsonElement[]>("/chat/lobby?after=1&wait=20");
        using var stream = await http.GetStreamAsync("/chat/lobby/stream?after=0");
        using var lines = new StreamReader(stream);
        Assert.Contains("\"text\":\"first\"", await lines.ReadLineAsync());
        await Task.Delay(300);
        Assert.False(poll.IsCompleted, "the poll should wait for a message");

        (await http.PostAsync("/chat/lobby?author=bob", new StringContent("second"))).EnsureSuccessStatusCode();

        var polled = Assert.Single((await poll.WaitAsync(Dilated(TimeSpan.FromSeconds(10))))!);
        Assert.Equal("second", polled.GetProperty("text").GetString());
        Assert.Equal(2, polled.GetProperty("seq").GetInt64());
        Assert.Contains("\"text\":\"second\"", await lines.ReadLineAsync().WaitAsync(Dilated(TimeSpan.FromSeconds(10))));
    }

    [Fact]
    public async Task A_long_poll_with_nothing_posted_answers_an_empty_list_after_its_wait()
    {
        using var http = Client(TestServers.Start(Sys, TestServers.Demo(Settings), Settings));

        var messages = await http.GetFromJsonAsync<JsonElement[]>("/chat/quiet?after=0&wait=1");

        Assert.Empty(messages!);
    }

    [Fact]
    public async Task Work_runs_as_a_job_and_says_where()
    {
        using var http = Client(TestServers.Start(Sys, TestServers.Demo(Settings), Settings));

        var result = await http.GetFromJsonAsync<JsonElement>("/work?text=abc&iterations=1");

        // SHA-256 of "abc", once.
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", result.GetProperty("sha256").GetString());
        Assert.Equal("local", result.GetProperty("computedBy").GetString());
    }

    [Fact]
    public async Task An_ask_that_times_out_and_escapes_the_app_is_503_with_Retry_After()
    {
        IEnumerable<Step> App(Environ environ, StartResponse startResponse)
        {
            var ask = environ.Cluster.AskAsync<string>("silent", "x", "hello?");
            yield return ask;
            startResponse("200 OK", []);
            yield return ask.GetAwaiter().GetResult();
        }
        using var http = Client(TestServers.Start(Sys, App, Settings));

        var response = await http.GetAsync("/");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task A_client_that_goes_away_cancels_its_ask_and_ends_its_subscriptions()
    {
        var ask = new TaskCompletionSource<Task>(TaskCreationOptions.RunContinuationsAsynchronously);
        var subscribed = new TaskCompletionSource<TopicSubscription>(TaskCreationOptions.RunContinuationsAsynchronously);
        IEnumerable<Step> App(Environ environ, StartResponse startResponse)
        {
            var subscription = environ.Cluster.Subscribe("news");
            yield return subscription.Subscribed;
            subscribed.SetResult(subscription);
            var pending = environ.Cluster.AskAsync<string>("silent", "x", "hello?", TimeSpan.FromMinutes(1));
            ask.SetResult(pending);
            yield return pending;
        }
        var server = TestServers.Start(Sys, App, Settings);
        var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
        var subscription = await subscribed.Task.WaitAsync(Dilated(TimeSpan.FromSeconds(10)));
        var pending = await ask.Task.WaitAsync(Dilated(TimeSpan.FromSeconds(10)));

        // Gone, not half-closed (a FIN alone still gets its response: resume.connection.abort-on-client-fin).
        client.Socket.LingerState = new System.Net.Sockets.LingerOption(true, 0);
        await client.DisposeAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.WaitAsync(Dilated(TimeSpan.FromSeconds(10))));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => subscription.NextAsync().WaitAsync(Dilated(TimeSpan.FromSeconds(5))));
    }

    [Fact]
    public async Task An_unknown_entity_type_fails_the_ask_with_the_known_names()
    {
        IEnumerable<Step> App(Environ environ, StartResponse startResponse)
        {
            var ask = environ.Cluster.AskAsync<string>("nope", "x", "hello?");
            yield return ask;
            startResponse("200 OK", []);
            yield return ask.Exception?.GetBaseException().Message ?? "no failure";
        }
        using var http = Client(TestServers.Start(Sys, App, Settings));

        var text = await http.GetStringAsync("/");

        Assert.Contains("No entity type \"nope\"; known: counter, chat-room", text);
    }

    [Fact]
    public async Task Draining_ends_long_polls_and_streams_at_once_through_environ_Stopping()
    {
        var server = TestServers.Start(Sys, TestServers.Demo(Settings), Settings);
        await using var poller = await RawHttpClient.ConnectAsync(server.Endpoint);
        await using var follower = await RawHttpClient.ConnectAsync(server.Endpoint);
        await poller.SendAsync("GET /chat/hall?after=0&wait=60 HTTP/1.1\r\nHost: t\r\n\r\n");
        await follower.SendAsync("GET /chat/hall/stream HTTP/1.1\r\nHost: t\r\n\r\n");
        await AwaitAssertAsync(() => Assert.Equal(2, server.Stats.InFlight.Count), Dilated(TimeSpan.FromSeconds(5)));

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var stopping = server.StopAsync(Dilated(TimeSpan.FromSeconds(30)));
        var polled = await poller.ReadResponseAsync(timeout: Dilated(TimeSpan.FromSeconds(5)));
        var followed = await follower.ReadResponseAsync(timeout: Dilated(TimeSpan.FromSeconds(5)));
        await stopping;

        Assert.Equal(200, polled.Status);
        Assert.Equal("[]", polled.BodyText);
        Assert.Equal(200, followed.Status);
        Assert.True(followed.Complete, "the stream should end normally, not be cut");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"drained in {clock.Elapsed}, not at once (the drain deadline is {Settings.DrainDeadline})");
    }

    private static HttpClient Client(ResumeServer server) =>
        new() { BaseAddress = new Uri($"http://{server.Endpoint}"), Timeout = TimeSpan.FromSeconds(30) };
}
