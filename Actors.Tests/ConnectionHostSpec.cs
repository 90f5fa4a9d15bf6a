using System.Net;
using System.Net.Sockets;
using Akka.Streams;
using Resume.Actors.Tests.Support;
using Resume.Apps.Samples;
using Resume.Transport.Connection;
using Resume.Transport.Timeouts;
using Xunit.Abstractions;

namespace Resume.Actors.Tests;

/// <summary>Many connections' streams in one interpreter (resume.server.connection-hosts).</summary>
public sealed class ConnectionHostSpec(ITestOutputHelper output) : ServerSpec(output)
{
    [Fact]
    public async Task Connections_reset_mid_response_end_alone_and_the_others_in_their_interpreter_go_on()
    {
        var server = TestServers.Start(Sys, StreamApp.Run, TestServers.Settings with { ConnectionHosts = 1 });
        await using var bystander = await RawHttpClient.ConnectAsync(server.Endpoint);
        await bystander.SendAsync(Get("/?chunks=40&size=1000&delay_ms=25"));

        // Endless responses, reset by their clients while the server is writing them.
        var victims = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => RawHttpClient.ConnectAsync(server.Endpoint, receiveBufferSize: 4096)));
        await Task.WhenAll(victims.Select(v => v.SendAsync(Get("/?chunks=1000000000&size=16384"))));
        await AwaitAssertAsync(() => Assert.Equal(51, server.Stats.InFlight.Count), Dilated(TimeSpan.FromSeconds(10)));
        foreach (var victim in victims)
        {
            victim.Socket.LingerState = new LingerOption(true, 0);
            await victim.DisposeAsync();
        }

        var response = await bystander.ReadResponseAsync(timeout: Dilated(TimeSpan.FromSeconds(20)));
        Assert.Equal(200, response.Status);
        Assert.True(response.Complete);
        Assert.Equal(40 * 1000, response.Body.Length);
        await using var newcomer = await RawHttpClient.ConnectAsync(server.Endpoint);
        await newcomer.SendAsync(Get("/?chunks=3&size=10"));
        Assert.Equal(30, (await newcomer.ReadResponseAsync()).Body.Length);
        await AwaitAssertAsync(() => Assert.Equal(2, server.Stats.Connections), Dilated(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_connection_handed_to_a_stopped_host_is_closed_and_its_actor_told()
    {
        var settings = TestServers.Settings;
        var graph = new ConnectionGraph(settings.Limits, settings.Connection, settings.ReadBufferSize, settings.WriteHighWaterMark, settings.LingerTimeout, settings.ServerHeader);
        // As when the server stops: its materializer, and every host in it, goes.
        var materializer = ActorMaterializer.Create(Sys, namePrefix: "stopped-host");
        var host = ConnectionHost.Start(graph, materializer, new TimeoutTable(TimeSpan.FromMilliseconds(100)));
        Watch(materializer.Supervisor);
        materializer.Shutdown();
        // The host's stage stops asynchronously, with the materializer's actors; a connection handed over
        // before that is served as usual. The supervisor ends only after its interpreters have stopped.
        await ExpectTerminatedAsync(materializer.Supervisor, Dilated(TimeSpan.FromSeconds(10)));

        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(listener.LocalEndPoint!);
        var accepted = await listener.AcceptAsync();
        var connection = CreateTestProbe();

        host.Run(accepted, connection.Ref);

        Assert.Equal("server stopping", (await connection.ExpectMsgAsync<ConnectionEnded>(Dilated(TimeSpan.FromSeconds(5)))).Reason);
        Assert.Equal(0, await client.ReceiveAsync(new byte[16], SocketFlags.None).WaitAsync(Dilated(TimeSpan.FromSeconds(5))));
    }
}

