using System.Text;
using Resume.Actors.Tests.Support;
using Resume.Apps;
using Xunit.Abstractions;

namespace Resume.Actors.Tests;

/// <summary>The app's own CancellationToken on body reads and on environ.Async, through real sockets.</summary>
public sealed class CancellableReadSpec(ITestOutputHelper output) : ServerSpec(output)
{
    [Fact]
    public async Task A_pending_body_read_cancelled_by_the_apps_token_ends_at_once_and_loses_no_bytes()
    {
        var readCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        IEnumerable<Step> App(Environ environ, StartResponse startResponse)
        {
            using var impatience = new CancellationTokenSource();
            var first = environ.Input.ReadAsync(100, impatience.Token);
            impatience.CancelAfter(TimeSpan.FromMilliseconds(50));
            yield return first;
            var firstOutcome = first.Status.ToString();
            readCancelled.TrySetResult();
            var rest = environ.Input.ReadToEndAsync();
            yield return rest;
            startResponse("200 OK", [new("Content-Type", "text/plain")]);
            yield return $"{firstOutcome}: {Encoding.ASCII.GetString(rest.Result)}";
        }
        var server = TestServers.Start(Sys, App);
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);

        await client.SendAsync("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\n");
        await readCancelled.Task.WaitAsync(Dilated(TimeSpan.FromSeconds(10)));
        await client.SendAsync("0123456789");

        var response = await client.ReadResponseAsync();
        Assert.Equal(200, response.Status);
        Assert.Equal("Canceled: 0123456789", response.BodyText);
    }

    [Fact]
    public async Task An_async_operation_given_the_apps_token_is_cancelled_by_it_and_not_timed_out()
    {
        using var aborted = new CancellationTokenSource();
        using var mine = new CancellationTokenSource();
        using var release = new ManualResetEventSlim();
        var facade = new AsyncFacade(aborted.Token, TimeSpan.FromSeconds(30), new TaskExecutor());
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var work = facade.SubmitAsync(
            () =>
            {
                started.TrySetResult();
                release.Wait();
                return 0;
            },
            cancellation: mine.Token);
        var resolve = facade.ResolveAsync("localhost", cancellation: new CancellationToken(canceled: true));

        await started.Task.WaitAsync(Dilated(TimeSpan.FromSeconds(10)));
        mine.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => work.WaitAsync(Dilated(TimeSpan.FromSeconds(10))));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => resolve.WaitAsync(Dilated(TimeSpan.FromSeconds(10))));
        Assert.False(aborted.IsCancellationRequested);
        release.Set();
    }

    /// <summary>Runs work on a thread of its own, so a worker that never returns holds no pool thread.</summary>
    private sealed class TaskExecutor : Executor
    {
        public override Task<T> Submit<T>(Func<T> work, CancellationToken cancellation = default) =>
            Task.Factory.StartNew(work, cancellation, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }
}
