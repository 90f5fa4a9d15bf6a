using System.Net;
using System.Text;
using Resume.Actors.Tests.Support;
using Resume.Apps;
using Resume.Apps.Samples;
using Xunit.Abstractions;

namespace Resume.Actors.Tests;

/// <summary>environ.Async, readiness steps and environ.Executor: alone, and through the server.</summary>
public sealed class AsyncFacadeSpec(ITestOutputHelper output) : ServerSpec(output)
{
    [Fact]
    public async Task Read_until_returns_through_the_delimiter_and_keeps_the_rest_for_the_next_read()
    {
        using var service = new LineService();
        var facade = new AsyncFacade(CancellationToken.None, TimeSpan.FromSeconds(5), TestServers.Executor);
        using var socket = await facade.ConnectAsync("127.0.0.1", service.Port);
        await facade.WriteAsync(socket, "one\ntwo\n"u8.ToArray());

        Assert.Equal("echo: one\n", Encoding.UTF8.GetString(await facade.ReadUntilAsync(socket, "\n"u8.ToArray())));
        Assert.Equal("echo: two\n", Encoding.UTF8.GetString(await facade.ReadUntilAsync(socket, "\n"u8.ToArray())));
        Assert.Single(await facade.ResolveAsync("localhost"), a => IPAddress.IsLoopback(a));
    }

    [Fact]
    public async Task A_timeout_fails_the_future_with_TimeoutException_and_an_abort_with_OperationCanceledException()
    {
        using var service = new LineService(silent: true);
        using var aborted = new CancellationTokenSource();
        var facade = new AsyncFacade(aborted.Token, TimeSpan.FromSeconds(5), TestServers.Executor);
        using var socket = await facade.ConnectAsync("127.0.0.1", service.Port);

        await Assert.ThrowsAsync<TimeoutException>(() => facade.ReadAsync(socket, 10, TimeSpan.FromMilliseconds(200)));
        var reading = facade.ReadAsync(socket, 10);
        aborted.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading);
    }

    [Fact]
    public async Task The_set_form_of_readiness_tells_which_sockets_are_ready()
    {
        using var service = new LineService();
        var facade = new AsyncFacade(CancellationToken.None, TimeSpan.FromSeconds(5), TestServers.Executor);
        using var quiet = await facade.ConnectAsync("127.0.0.1", service.Port);
        using var talking = await facade.ConnectAsync("127.0.0.1", service.Port);
        await facade.WriteAsync(talking, "hi\n"u8.ToArray());

        var ready = await SocketReadiness.WhenAny([quiet, talking], []).WaitAsync(Dilated(TimeSpan.FromSeconds(5)));
        Assert.Same(talking, Assert.Single(ready.Readable));
        Assert.Empty(ready.Writable);
        var writable = await SocketReadiness.WhenAny([], [quiet]).WaitAsync(Dilated(TimeSpan.FromSeconds(5)));
        Assert.Same(quiet, Assert.Single(writable.Writable));
    }

    [Fact]
    public async Task Lineclient_talks_to_a_line_service_through_the_facade_and_readiness_steps()
    {
        using var service = new LineService();
        var server = TestServers.Start(Sys, LineClientApp.Run);
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync($"GET /?port={service.Port}&line=ping HTTP/1.1\r\nHost: t\r\n\r\n");

        var response = await client.ReadResponseAsync();
        Assert.Equal(200, response.Status);
        Assert.Equal("echo: ping\n", response.BodyText);
    }

    [Fact]
    public async Task A_client_that_goes_away_cancels_the_outgoing_operation_itself()
    {
        using var service = new LineService(silent: true);
        var server = TestServers.Start(Sys, LineClientApp.Run);
        var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync($"GET /?port={service.Port} HTTP/1.1\r\nHost: t\r\n\r\n");
        // Once its line is out, the app holds the socket it connected (with `using`): a reset while it
        // still waited on the connect would leave that socket to the finalizer, and the service waiting.
        await service.BytesReceived.Task.WaitAsync(Dilated(TimeSpan.FromSeconds(5)));
        await AwaitAssertAsync(() => Assert.Equal("suspended", Assert.Single(server.Stats.InFlight.Values).State), Dilated(TimeSpan.FromSeconds(5)));

        client.Socket.LingerState = new System.Net.Sockets.LingerOption(true, 0); // a reset: a FIN alone is a half-close, still answered
        await client.DisposeAsync();
        // The app's upstream read is cancelled and its socket closed: the service sees the connection end.
        await service.ClientGone.Task.WaitAsync(Dilated(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Executor_work_runs_off_the_actor_threads_and_its_result_resumes_the_app()
    {
        string? workThread = null;
        IEnumerable<Step> Heavy(Environ environ, StartResponse startResponse)
        {
            var work = environ.Executor.Submit(() =>
            {
                workThread = Thread.CurrentThread.Name;
                return 6 * 7;
            });
            yield return work;
            var body = Encoding.ASCII.GetBytes(work.Result.ToString(System.Globalization.CultureInfo.InvariantCulture));
            startResponse("200 OK", [new("Content-Length", body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
            yield return body;
        }
        var server = TestServers.Start(Sys, Heavy);
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync("GET / HTTP/1.1\r\nHost: t\r\n\r\n");

        Assert.Equal("42", (await client.ReadResponseAsync()).BodyText);
        Assert.StartsWith("resume-executor", workThread);
    }
}
