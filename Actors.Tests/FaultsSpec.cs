using System.Collections.Concurrent;
using System.Net.Sockets;
using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.TestKit;
using Resume.Actors.Hosting;
using Resume.Actors.Server;
using Resume.Actors.Tests.Support;
using Resume.Apps;
using Resume.Apps.Samples;
using Resume.Transport.Connection;
using Resume.Transport.Http;
using Xunit.Abstractions;

namespace Resume.Actors.Tests;

/// <summary>
/// Faults inside the server actor, a connection actor or a connection's stage, injected through the
/// server's internal test hooks while other clients are mid-request: what failed ends alone, and the
/// listener, the other connections and a drain go on.
/// </summary>
public sealed class FaultsSpec(ITestOutputHelper output) : ServerSpec(output)
{
    [Fact]
    public async Task A_fault_in_the_server_actor_keeps_its_listener_its_connections_mid_request_and_a_pending_drain()
    {
        var held = new HeldRequests();
        var server = TestServers.Start(Sys, held.App);
        var warnings = LogProbe<Warning>();
        await using var first = await StartHeldAsync(server, "first");
        await using var second = await StartHeldAsync(server, "second");

        var fault = new InvalidOperationException("injected into the server actor");
        server.Actor.Tell(new ServerActor.Crash(fault));
        await ExpectLoggedAsync(warnings, fault);
        // Resumed, not restarted: the same actor answers, still holding both connections.
        Assert.Equal(2, await server.Actor.Ask<int>(ServerActor.GetConnectionCount.Instance, Dilated(TimeSpan.FromSeconds(5))));
        await AssertServedAsync(server);

        var drained = server.Actor.Ask<Done>(ServerActor.Drain.Instance, Dilated(TimeSpan.FromSeconds(30)));
        var duringDrain = new InvalidOperationException("injected into the server actor while it drains");
        server.Actor.Tell(new ServerActor.Crash(duringDrain));
        await ExpectLoggedAsync(warnings, duringDrain);
        Assert.False(drained.IsCompleted, "the drain waits for the two requests held");

        held.Release();
        AssertWhole(await first.ReadResponseAsync());
        AssertWhole(await second.ReadResponseAsync());
        Assert.Same(Done.Instance, await drained);
        Assert.Equal(1, held.Disposals("first"));
        Assert.Equal(1, held.Disposals("second"));
    }

    [Fact]
    public async Task The_binding_is_answered_after_unbind_with_the_endpoint_it_was_bound_to()
    {
        var server = TestServers.Start(Sys, HelloApp.Run);
        await server.Actor.Ask<Done>(ServerActor.Unbind.Instance, Dilated(TimeSpan.FromSeconds(5)));

        var bound = await server.Actor.Ask<ServerActor.Bound>(ServerActor.GetBinding.Instance, Dilated(TimeSpan.FromSeconds(5)));
        Assert.Equal(server.Endpoint, bound.Endpoint);
        await Assert.ThrowsAnyAsync<SocketException>(() => RawHttpClient.ConnectAsync(server.Endpoint));
    }

    [Fact]
    public async Task Only_stopping_the_server_closes_its_listener()
    {
        var server = TestServers.Start(Sys, HelloApp.Run);
        var warnings = LogProbe<Warning>();
        var fault = new InvalidOperationException("injected into the server actor");
        server.Actor.Tell(new ServerActor.Crash(fault));
        await ExpectLoggedAsync(warnings, fault);
        await AssertServedAsync(server);

        Watch(server.Actor);
        Sys.Stop(server.Actor);
        await ExpectTerminatedAsync(server.Actor, Dilated(TimeSpan.FromSeconds(10)));
        await Assert.ThrowsAnyAsync<SocketException>(() => RawHttpClient.ConnectAsync(server.Endpoint));
    }

    [Fact]
    public async Task A_fault_in_one_connection_actor_closes_that_connection_alone_and_disposes_its_request_once()
    {
        var held = new HeldRequests();
        var server = TestServers.Start(Sys, held.App);
        var errors = LogProbe<Error>();
        await using var victim = await StartHeldAsync(server, "victim");
        var connection = Assert.Single(await server.Actor.Ask<IActorRef[]>(ServerActor.GetConnections.Instance, Dilated(TimeSpan.FromSeconds(5))));
        await using var bystander = await StartHeldAsync(server, "bystander");

        var fault = new InvalidOperationException("injected into a connection actor");
        connection.Tell(new ConnectionActor.Crash(fault));
        await ExpectLoggedAsync(errors, fault);

        await AssertEndedAloneAsync(server, held, victim, bystander);
    }

    [Fact]
    public async Task A_fault_in_one_connections_stage_closes_that_connection_alone_and_its_interpreter_serves_the_others()
    {
        var held = new HeldRequests();
        // One host: the victim, the bystander and the newcomer share one stream interpreter.
        var server = TestServers.Start(Sys, held.App, TestServers.Settings with { ConnectionHosts = 1 });
        await using var victim = await StartHeldAsync(server, "victim");
        var connection = Assert.Single(await server.Actor.Ask<IActorRef[]>(ServerActor.GetConnections.Instance, Dilated(TimeSpan.FromSeconds(5))));
        var stage = await connection.Ask<IActorRef>(ConnectionActor.GetStage.Instance, Dilated(TimeSpan.FromSeconds(5)));
        await using var bystander = await StartHeldAsync(server, "bystander");

        // A read of a body that has already ended is answered inside the stage, on the interpreter's
        // thread; this receiver throws there, as a bug in stage code would.
        var receiver = new ThrowingReceiver();
        stage.Tell(new ReadBody(-2, receiver));
        await receiver.Called.Task.WaitAsync(Dilated(TimeSpan.FromSeconds(10)));

        await AssertEndedAloneAsync(server, held, victim, bystander);
    }

    [Fact]
    public async Task A_fault_in_a_request_actor_ends_its_response_and_the_requests_pipelined_behind_it_are_answered()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var disposals = 0;
        IEnumerable<Step> App(Environ environ, StartResponse startResponse)
        {
            if (environ.PathInfo != "/wait")
                return HelloApp.Run(environ, startResponse);
            return Waiting();

            IEnumerable<Step> Waiting()
            {
                try
                {
                    yield return gate.Task;
                    startResponse("200 OK", [new("Content-Type", "text/plain")]);
                    yield return "too late";
                }
                finally
                {
                    Interlocked.Increment(ref disposals);
                }
            }
        }
        var server = TestServers.Start(Sys, App);
        var errors = LogProbe<Error>();
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync(Get("/wait") + Get("/hello"));
        await AwaitAssertAsync(
            () => Assert.Equal("suspended", Assert.Single(server.Stats.InFlight.Values, r => r.Path == "/wait").State),
            Dilated(TimeSpan.FromSeconds(10)));
        var request = server.Stats.InFlight.Values.Single(r => r.Path == "/wait").Request;

        var fault = new InvalidOperationException("injected into a request actor");
        request.Tell(new Resume.Actors.Requests.RequestActor.Crash(fault));
        await ExpectLoggedAsync(errors, fault);

        Assert.Equal(500, (await client.ReadResponseAsync()).Status);
        Assert.Equal("Hello, World!", (await client.ReadResponseAsync()).BodyText);
        await AwaitAssertAsync(() => Assert.Equal(1, Volatile.Read(ref disposals)), Dilated(TimeSpan.FromSeconds(10)));
        gate.SetResult();
        await AwaitAssertAsync(() => Assert.Empty(server.Stats.InFlight), Dilated(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, Volatile.Read(ref disposals));
        Assert.Equal(1, server.Stats.Failed);
    }

    /// <summary>The victim's response is cut and its connection closed, its iterator disposed once; the bystander and newcomers are served in full.</summary>
    private async Task AssertEndedAloneAsync(ResumeServer server, HeldRequests held, RawHttpClient victim, RawHttpClient bystander)
    {
        try
        {
            var cut = await victim.ReadResponseAsync(timeout: Dilated(TimeSpan.FromSeconds(10)));
            Assert.Equal(200, cut.Status);
            Assert.False(cut.Complete);
            Assert.Equal(HeldRequests.Before, cut.BodyText);
        }
        catch (SocketException)
        {
            // A failed stream closes its socket at once (a reset), which may reach the client before it reads.
        }
        Assert.True(await victim.IsClosedByServerAsync(Dilated(TimeSpan.FromSeconds(10))));
        await AwaitAssertAsync(() => Assert.Equal(1, held.Disposals("victim")), Dilated(TimeSpan.FromSeconds(10)));
        await AwaitAssertAsync(() => Assert.Equal(1, server.Stats.Connections), Dilated(TimeSpan.FromSeconds(10)));

        await AssertServedAsync(server);
        held.Release();
        AssertWhole(await bystander.ReadResponseAsync());
        await AwaitAssertAsync(() => Assert.Equal(1, held.Disposals("bystander")), Dilated(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, held.Disposals("victim"));
        await server.StopAsync(Dilated(TimeSpan.FromSeconds(30)));
    }

    private static async Task AssertServedAsync(ResumeServer server)
    {
        await using var newcomer = await RawHttpClient.ConnectAsync(server.Endpoint);
        await newcomer.SendAsync(Get("/hello"));
        Assert.Equal("Hello, World!", (await newcomer.ReadResponseAsync()).BodyText);
    }

    private static void AssertWhole(RawResponse response)
    {
        Assert.Equal(200, response.Status);
        Assert.True(response.Complete);
        Assert.Equal(HeldRequests.Before + HeldRequests.After, response.BodyText);
    }

    private async Task<RawHttpClient> StartHeldAsync(ResumeServer server, string name)
    {
        var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync(Get($"/held/{name}"));
        await AwaitAssertAsync(
            () => Assert.Equal("suspended", Assert.Single(server.Stats.InFlight.Values, r => r.Path == $"/held/{name}").State),
            Dilated(TimeSpan.FromSeconds(10)));
        return client;
    }

    private TestProbe LogProbe<T>()
        where T : LogEvent
    {
        var probe = CreateTestProbe();
        Sys.EventStream.Subscribe(probe.Ref, typeof(T));
        return probe;
    }

    private async Task ExpectLoggedAsync(TestProbe log, Exception fault) =>
        await log.FishForMessageAsync(e => e is LogEvent logged && ReferenceEquals(logged.Cause, fault), Dilated(TimeSpan.FromSeconds(10)));

    /// <summary>
    /// An app whose requests to /held/NAME send their head and a first chunk, then wait on one gate the
    /// test opens; any other path answers as hello does at once.
    /// </summary>
    private sealed class HeldRequests
    {
        public const string Before = "before the gate; ";
        public const string After = "after it";

        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ConcurrentDictionary<string, int> _disposals = new();

        public IEnumerable<Step> App(Environ environ, StartResponse startResponse) =>
            environ.PathInfo.StartsWith("/held/", StringComparison.Ordinal)
                ? Held(environ.PathInfo["/held/".Length..], startResponse)
                : HelloApp.Run(environ, startResponse);

        public void Release() => _gate.TrySetResult();

        public int Disposals(string name) => _disposals.GetValueOrDefault(name);

        private IEnumerable<Step> Held(string name, StartResponse startResponse)
        {
            try
            {
                startResponse("200 OK", [new("Content-Type", "text/plain")]);
                yield return Before;
                yield return _gate.Task;
                yield return After;
            }
            finally
            {
                _disposals.AddOrUpdate(name, 1, (_, n) => n + 1);
            }
        }
    }

    private sealed class ThrowingReceiver : IBodyReceiver
    {
        public TaskCompletionSource Called { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void OnBody(RequestBody part)
        {
            Called.TrySetResult();
            throw new InvalidOperationException("injected into a connection's stage");
        }

        public void OnBodyFailed(RequestRejectedException rejection) => OnBody(RequestBody.End);
    }
}
