using System.Text;
using Akka.Actor;
using Akka.TestKit;
using Resume.Actors.Apps;
using Resume.Actors.Requests;
using Resume.Actors.Stats;
using Resume.Actors.Tests.Support;
using Resume.Apps;
using Resume.Transport.Connection;
using Resume.Transport.Http;
using Resume.Transport.Timeouts;
using Xunit.Abstractions;

namespace Resume.Actors.Tests;

/// <summary>The request actor alone, with a TestKit probe in the place of the connection stage.</summary>
public sealed class RequestActorSpec(ITestOutputHelper output) : ServerSpec(output)
{
    private static readonly KeyValuePair<string, string>[] PlainText = [new("Content-Type", "text/plain")];

    [Fact]
    public async Task A_chunk_is_not_sent_before_the_yielded_future_completes_and_is_sent_right_after()
    {
        var future = new TaskCompletionSource();
        IEnumerable<Step> App(Environ environ, StartResponse startResponse)
        {
            startResponse("200 OK", PlainText);
            yield return future.Task;
            yield return "after";
        }
        var stage = CreateTestProbe();
        StartRequest(App, stage);

        await stage.ExpectNoMsgAsync(Dilated(TimeSpan.FromMilliseconds(300)));
        future.SetResult();

        var part = await stage.ExpectMsgAsync<ResponseOut>(Dilated(TimeSpan.FromSeconds(5)));
        Assert.Equal(200, part.Head!.Status);
        Assert.Equal("after", Text(part));
        Assert.True(part.IsFinal);
    }

    [Fact]
    public async Task Steps_never_overlap_though_they_resume_on_other_threads()
    {
        var active = 0;
        var overlaps = 0;
        var threads = new HashSet<int>();
        IEnumerable<Step> App(Environ environ, StartResponse startResponse)
        {
            startResponse("200 OK", PlainText);
            for (var i = 0; i < 200; i++)
            {
                if (Interlocked.Increment(ref active) > 1)
                    Interlocked.Increment(ref overlaps);
                lock (threads)
                    threads.Add(Environment.CurrentManagedThreadId);
                var future = Task.Run(() => Thread.SpinWait(1000));
                Thread.SpinWait(1000);
                Interlocked.Decrement(ref active);
                yield return future;
            }
            yield return "done";
        }
        var stage = CreateTestProbe();
        StartRequest(App, stage);

        var part = await stage.ExpectMsgAsync<ResponseOut>(Dilated(TimeSpan.FromSeconds(20)));
        Assert.Equal("done", Text(part));
        Assert.Equal(0, overlaps);
        Output!.WriteLine($"steps ran on {threads.Count} threads");
    }

    [Fact]
    public async Task A_faulted_future_that_the_app_reads_gives_500()
    {
        var future = new TaskCompletionSource<string>();
        IEnumerable<Step> App(Environ environ, StartResponse startResponse)
        {
            yield return future.Task;
            var value = future.Task.GetAwaiter().GetResult();
            startResponse("200 OK", PlainText);
            yield return value;
        }
        var stage = CreateTestProbe();
        StartRequest(App, stage);
        future.SetException(new TimeoutException("upstream timed out"));

        var part = await stage.ExpectMsgAsync<ResponseOut>(Dilated(TimeSpan.FromSeconds(5)));
        Assert.Equal(500, part.Head!.Status);
        Assert.True(part.IsFinal);
        Assert.DoesNotContain("upstream", Text(part));
    }

    [Fact]
    public async Task A_cancelled_future_resumes_the_app_which_sees_the_cancellation()
    {
        var future = new TaskCompletionSource();
        IEnumerable<Step> App(Environ environ, StartResponse startResponse)
        {
            yield return future.Task;
            startResponse("200 OK", PlainText);
            yield return future.Task.IsCanceled ? "cancelled" : "not cancelled";
        }
        var stage = CreateTestProbe();
        StartRequest(App, stage);
        future.SetCanceled();

        var part = await stage.ExpectMsgAsync<ResponseOut>(Dilated(TimeSpan.FromSeconds(5)));
        Assert.Equal("cancelled", Text(part));
    }

    [Fact]
    public async Task An_exception_before_headers_gives_500_and_disposes_once()
    {
        var disposed = 0;
        IEnumerable<Step> App(Environ environ, StartResponse startResponse)
        {
            try
            {
                yield return Task.Delay(10);
                throw new InvalidOperationException("boom");
            }
            finally
            {
                Interlocked.Increment(ref disposed);
            }
        }
        var stage = CreateTestProbe();
        var request = StartRequest(App, stage);
        Watch(request);

        var part = await stage.ExpectMsgAsync<ResponseOut>(Dilated(TimeSpan.FromSeconds(5)));
        Assert.Equal(500, part.Head!.Status);
        await ExpectTerminatedAsync(request, Dilated(TimeSpan.FromSeconds(5)));
        Assert.Equal(1, disposed);
    }

    [Fact]
    public async Task An_exception_after_headers_cuts_the_response_short()
    {
        var future = new TaskCompletionSource();
        IEnumerable<Step> App(Environ environ, StartResponse startResponse)
        {
            startResponse("200 OK", PlainText);
            yield return "first";
            yield return future.Task;
            throw new InvalidOperationException("boom");
        }
        var stage = CreateTestProbe();
        var request = StartRequest(App, stage);

        var first = await stage.ExpectMsgAsync<ResponseOut>(Dilated(TimeSpan.FromSeconds(5)));
        Assert.Equal("first", Text(first));
        Assert.False(first.IsLast);
        request.Tell(new ResponseAccepted(0));
        future.SetResult();

        var cut = await stage.ExpectMsgAsync<ResponseOut>(Dilated(TimeSpan.FromSeconds(5)));
        Assert.True(cut.IsAbort);
        Assert.Null(cut.Head);
    }

    [Fact]
    public async Task Completion_disposes_the_iterator_once()
    {
        var disposed = 0;
        IEnumerable<Step> App(Environ environ, StartResponse startResponse)
        {
            try
            {
                startResponse("200 OK", PlainText);
                yield return "body";
            }
            finally
            {
                Interlocked.Increment(ref disposed);
            }
        }
        var stage = CreateTestProbe();
        var request = StartRequest(App, stage, parent: TestActor);

        Assert.True((await stage.ExpectMsgAsync<ResponseOut>(Dilated(TimeSpan.FromSeconds(5)))).IsFinal);
        // Answered in full, the actor goes back to its connection (its idle actors) instead of stopping.
        await ExpectIdleAsync(stage, request);
        Assert.Equal(1, disposed);
        Assert.Equal(0, _stats.RequestActors);

        // And serves the connection's next request as a new one: a late acceptance of the first is ignored.
        request.Tell(new ResponseAccepted(0));
        StartRequest(App, stage, seq: 1, actor: request);
        var second = await stage.ExpectMsgAsync<ResponseOut>(Dilated(TimeSpan.FromSeconds(5)));
        Assert.Equal((1L, true, "body"), (second.Seq, second.IsFinal, Text(second)));
        await ExpectIdleAsync(stage, request);
        Assert.Equal(2, disposed);
    }

    [Fact]
    public async Task A_request_whose_connection_closes_after_it_stops_its_actor()
    {
        IEnumerable<Step> App(Environ environ, StartResponse startResponse)
        {
            startResponse("200 OK", PlainText);
            yield return "body";
        }
        var stage = CreateTestProbe();
        var request = StartRequest(App, stage, "GET / HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n", parent: TestActor);
        Watch(request);

        Assert.True((await stage.ExpectMsgAsync<ResponseOut>(Dilated(TimeSpan.FromSeconds(5)))).IsFinal);
        // No later request comes on that connection: the actor stops, and does not go back to it.
        await ExpectTerminatedAsync(request, Dilated(TimeSpan.FromSeconds(5)));
        Assert.False(_connections[stage.Ref].IdleRequests.TryTake(out _));
    }

    [Fact]
    public async Task The_deadline_of_an_earlier_request_ends_with_it_not_with_the_next_one_on_the_same_actor()
    {
        var next = new TaskCompletionSource<string>();
        var calls = 0;
        IEnumerable<Step> App(Environ environ, StartResponse startResponse)
        {
            startResponse("200 OK", PlainText);
            if (Interlocked.Increment(ref calls) == 2)
                yield return next.Task;
            yield return "done";
        }
        var stage = CreateTestProbe();
        var options = TestServers.Settings.DefaultAppOptions with { Deadline = TimeSpan.FromMilliseconds(300) };
        var request = StartRequest(App, stage, options: options, parent: TestActor);
        await stage.ExpectMsgAsync<ResponseOut>(Dilated(TimeSpan.FromSeconds(5)));
        await ExpectIdleAsync(stage, request);

        // The second request waits past the first one's deadline but not its own.
        StartRequest(App, stage, seq: 1, options: options with { Deadline = TimeSpan.FromSeconds(30) }, actor: request);
        await Task.Delay(Dilated(TimeSpan.FromMilliseconds(800)));
        next.SetResult("x");
        var second = await stage.ExpectMsgAsync<ResponseOut>(Dilated(TimeSpan.FromSeconds(5)));
        Assert.Equal(200, second.Head!.Status);
        Assert.Equal("done", Text(second));
    }

    [Fact]
    public async Task A_disconnect_while_suspended_fires_Aborted_drops_the_future_and_disposes_once()
    {
        var disposed = 0;
        var future = new TaskCompletionSource();
        var abortedFired = new TaskCompletionSource();
        var resumedAfterDisconnect = false;
        IEnumerable<Step> App(Environ environ, StartResponse startResponse)
        {
            environ.Aborted.Register(() => abortedFired.TrySetResult());
            try
            {
                yield return future.Task;
                resumedAfterDisconnect = true;
                startResponse("200 OK", PlainText);
                yield return "too late";
            }
            finally
            {
                Interlocked.Increment(ref disposed);
            }
        }
        var stage = CreateTestProbe();
        var request = StartRequest(App, stage);
        Watch(request);
        await stage.ExpectNoMsgAsync(Dilated(TimeSpan.FromMilliseconds(200)));

        // A client that goes away stops its connection actor, and with it this child.
        Sys.Stop(request);
        await ExpectTerminatedAsync(request, Dilated(TimeSpan.FromSeconds(5)));
        await abortedFired.Task.WaitAsync(Dilated(TimeSpan.FromSeconds(5)));
        future.SetResult();

        await stage.ExpectNoMsgAsync(Dilated(TimeSpan.FromMilliseconds(300)));
        Assert.False(resumedAfterDisconnect);
        Assert.Equal(1, disposed);
    }

    [Fact]
    public async Task A_second_startResponse_without_error_is_an_error()
    {
        IEnumerable<Step> App(Environ environ, StartResponse startResponse)
        {
            startResponse("200 OK", PlainText);
            startResponse("201 Created", PlainText);
            yield return "never";
        }
        var stage = CreateTestProbe();
        StartRequest(App, stage);

        Assert.Equal(500, (await stage.ExpectMsgAsync<ResponseOut>(Dilated(TimeSpan.FromSeconds(5)))).Head!.Status);
    }

    [Fact]
    public async Task startResponse_with_error_before_headers_are_sent_replaces_the_response()
    {
        IEnumerable<Step> App(Environ environ, StartResponse startResponse)
        {
            startResponse("200 OK", PlainText);
            yield return Step.Empty;
            startResponse("503 Service Unavailable", PlainText, new InvalidOperationException("database down"));
            yield return "sorry";
        }
        var stage = CreateTestProbe();
        StartRequest(App, stage);

        var part = await stage.ExpectMsgAsync<ResponseOut>(Dilated(TimeSpan.FromSeconds(5)));
        Assert.Equal(503, part.Head!.Status);
        Assert.Equal("sorry", Text(part));
    }

    [Fact]
    public async Task startResponse_with_error_after_headers_are_sent_rethrows_it_and_the_response_is_cut()
    {
        var rethrown = new TaskCompletionSource<Exception>();
        var error = new InvalidOperationException("database down");
        IEnumerable<Step> App(Environ environ, StartResponse startResponse)
        {
            startResponse("200 OK", PlainText);
            yield return "sent";
            yield return Task.Delay(1);
            try
            {
                startResponse("500 Internal Server Error", PlainText, error);
            }
            catch (Exception e)
            {
                rethrown.SetResult(e);
                throw;
            }
        }
        var stage = CreateTestProbe();
        var request = StartRequest(App, stage);

        Assert.Equal(200, (await stage.ExpectMsgAsync<ResponseOut>(Dilated(TimeSpan.FromSeconds(5)))).Head!.Status);
        request.Tell(new ResponseAccepted(0));
        Assert.True((await stage.ExpectMsgAsync<ResponseOut>(Dilated(TimeSpan.FromSeconds(5)))).IsAbort);
        Assert.Same(error, await rethrown.Task.WaitAsync(Dilated(TimeSpan.FromSeconds(5))));
    }

    [Fact]
    public async Task Empty_chunks_send_nothing()
    {
        IEnumerable<Step> App(Environ environ, StartResponse startResponse)
        {
            startResponse("200 OK", PlainText);
            for (var i = 0; i < 20; i++)
                yield return Array.Empty<byte>();
            yield return "x";
        }
        var stage = CreateTestProbe();
        StartRequest(App, stage);

        var part = await stage.ExpectMsgAsync<ResponseOut>(Dilated(TimeSpan.FromSeconds(10)));
        Assert.Equal("x", Text(part));
        Assert.All(part.Chunks, chunk => Assert.False(chunk.IsEmpty));
        Assert.True(part.IsFinal);
    }

    [Fact]
    public async Task The_next_step_waits_until_the_stage_accepted_the_last_batch()
    {
        var stepped = 0;
        var big = new byte[TestServers.Settings.Request.ResponseBatchBytes];
        IEnumerable<Step> App(Environ environ, StartResponse startResponse)
        {
            startResponse("200 OK", PlainText);
            for (var i = 0; i < 3; i++)
            {
                Interlocked.Increment(ref stepped);
                yield return big;
            }
        }
        var stage = CreateTestProbe();
        var request = StartRequest(App, stage);

        Assert.False((await stage.ExpectMsgAsync<ResponseOut>(Dilated(TimeSpan.FromSeconds(5)))).IsLast);
        await stage.ExpectNoMsgAsync(Dilated(TimeSpan.FromMilliseconds(300)));
        Assert.Equal(1, Volatile.Read(ref stepped));

        request.Tell(new ResponseAccepted(0));
        Assert.False((await stage.ExpectMsgAsync<ResponseOut>(Dilated(TimeSpan.FromSeconds(5)))).IsLast);
        Assert.Equal(2, Volatile.Read(ref stepped));
    }

    [Fact]
    public async Task Write_queues_data_and_the_next_step_waits_until_it_is_accepted()
    {
        var stepped = 0;
        IEnumerable<Step> App(Environ environ, StartResponse startResponse)
        {
            var write = startResponse("200 OK", PlainText);
            write("written"u8.ToArray());
            yield return Step.Empty;
            Interlocked.Increment(ref stepped);
            yield return "yielded";
        }
        var stage = CreateTestProbe();
        var request = StartRequest(App, stage);

        var first = await stage.ExpectMsgAsync<ResponseOut>(Dilated(TimeSpan.FromSeconds(5)));
        Assert.Equal("written", Text(first));
        await stage.ExpectNoMsgAsync(Dilated(TimeSpan.FromMilliseconds(200)));
        Assert.Equal(0, Volatile.Read(ref stepped));

        request.Tell(new ResponseAccepted(0));
        Assert.Equal("yielded", Text(await stage.ExpectMsgAsync<ResponseOut>(Dilated(TimeSpan.FromSeconds(5)))));
    }

    private readonly ServerStats _stats = new();

    // Ticked as a connection host ticks its table.
    private readonly TimeoutTable _timeouts = new(TimeSpan.FromMilliseconds(10));

    private ICancelable? _ticking;

    private readonly Dictionary<IActorRef, ConnectionContext> _connections = [];

    /// <summary>Waits until <paramref name="request"/> is back among its connection's idle actors (and takes it from there).</summary>
    private async Task ExpectIdleAsync(TestProbe stage, IActorRef request)
    {
        var idle = _connections[stage.Ref].IdleRequests;
        await AwaitAssertAsync(() =>
        {
            Assert.True(idle.TryTake(out var taken), "the actor is not back at its connection");
            Assert.Equal(request, taken);
        }, Dilated(TimeSpan.FromSeconds(5)));
    }

    /// <summary>Starts a request on a new actor (a child of <paramref name="parent"/>, else top-level), or on <paramref name="actor"/> if given.</summary>
    private IActorRef StartRequest(App app, TestProbe stage, string request = "GET / HTTP/1.1\r\nHost: test\r\n\r\n", AppOptions? options = null,
        long seq = 0, IActorRef? parent = null, IActorRef? actor = null)
    {
        var head = HeadParser.Parse(Encoding.ASCII.GetBytes(request), TestServers.Settings.Limits);
        options ??= TestServers.Settings.DefaultAppOptions;
        _ticking ??= Sys.Scheduler.Advanced.ScheduleRepeatedlyCancelable(_timeouts.Tick, _timeouts.Tick, () => _timeouts.Check(Environment.TickCount64));
        var props = options.Blocking ? RequestActor.BlockingProps : RequestActor.Props;
        actor ??= parent is null ? Sys.ActorOf(props) : ChildActorOf(props);
        // One context per stage, as a connection has: its requests share it (and its idle actors).
        if (!_connections.TryGetValue(stage.Ref, out var connection))
        {
            connection = TestConnections.Context(Sys, stage.Ref, _stats, _timeouts);
            _connections[stage.Ref] = connection;
        }
        actor.Tell(new RequestActor.Start(new AppRoute("test", app, options), head, seq, $"test-{seq}", new CancellationTokenSource(), connection));
        return actor;
    }

    private static string Text(ResponseOut part) => string.Concat(part.Chunks.Select(c => Encoding.UTF8.GetString(c.Span)));
}
