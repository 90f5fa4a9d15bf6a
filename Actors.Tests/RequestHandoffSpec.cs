using System.Text;
using Akka.TestKit;
using Resume.Actors.Apps;
using Resume.Actors.Requests;
using Resume.Actors.Server;
using Resume.Actors.Tests.Support;
using Resume.Apps;
using Resume.Transport.Http;
using Xunit.Abstractions;

namespace Resume.Actors.Tests;

/// <summary>The stage's way past the connection actor: a request goes straight to an idle request actor, or to nobody.</summary>
public sealed class RequestHandoffSpec(ITestOutputHelper output) : ServerSpec(output)
{
    private static readonly RequestHead Head = HeadParser.Parse(Encoding.ASCII.GetBytes("GET /a HTTP/1.1\r\nHost: test\r\n\r\n"), TestServers.Settings.Limits);

    private static IEnumerable<Step> Hello(Environ environ, StartResponse startResponse)
    {
        startResponse("200 OK", []);
        yield return "hello";
    }

    [Fact]
    public async Task A_request_goes_to_an_idle_actor_of_its_connection_once_the_connection_actor_made_the_context()
    {
        var stage = CreateTestProbe();
        var idle = CreateTestProbe();
        var handoff = new RequestHandoff(AppBinding.Single("hello", Hello, TestServers.Settings.DefaultAppOptions), connectionId: 7);

        // Before the connection actor made the context (its first request), every request goes to it.
        Assert.False(handoff.TryHandOff(Head, 0, stage.Ref));
        var context = ContextFor(stage);
        handoff.Context = context;
        // No actor is idle: the connection actor makes one.
        Assert.False(handoff.TryHandOff(Head, 1, stage.Ref));

        context.IdleRequests.Add(idle.Ref);
        Assert.True(handoff.TryHandOff(Head, 2, stage.Ref));
        var start = await idle.ExpectMsgAsync<RequestActor.Start>(Dilated(TimeSpan.FromSeconds(5)));
        Assert.Equal((2L, "7-2", "hello"), (start.Seq, start.RequestId, start.Route.Name));
        Assert.Same(Head, start.Head);
        Assert.Same(context, start.Connection);
        Assert.False(start.Aborted.IsCancellationRequested);
        // It was taken: the next request finds none idle.
        Assert.False(handoff.TryHandOff(Head, 3, stage.Ref));
    }

    [Fact]
    public async Task A_blocking_request_or_another_stage_s_goes_to_the_connection_actor_and_the_idle_actor_stays_idle()
    {
        var stage = CreateTestProbe();
        var idle = CreateTestProbe();
        var blocking = new RequestHandoff(AppBinding.Single("slow", Hello, TestServers.Settings.DefaultAppOptions with { Blocking = true }), connectionId: 1);
        var context = ContextFor(stage);
        blocking.Context = context;
        context.IdleRequests.Add(idle.Ref);

        // The connection actor tracks blocking requests (their Aborted is cancelled from there).
        Assert.False(blocking.TryHandOff(Head, 0, stage.Ref));
        // A context made for another stage (never so in a server: one stage per connection) is not used.
        var other = new RequestHandoff(AppBinding.Single("hello", Hello, TestServers.Settings.DefaultAppOptions), connectionId: 2) { Context = context };
        Assert.False(other.TryHandOff(Head, 0, CreateTestProbe().Ref));

        await idle.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
        Assert.True(context.IdleRequests.TryTake(out var still));
        Assert.Equal(idle.Ref, still);
    }

    private ConnectionContext ContextFor(TestProbe stage) => TestConnections.Context(Sys, stage.Ref);
}
