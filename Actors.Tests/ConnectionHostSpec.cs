using System.Net.Sockets;
using Resume.Actors.Tests.Support;
using Resume.Apps.Samples;
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
        await AwaitAssertAsync(() => Assert.Equal(51, server.Stats.InFlight.Count), TimeSpan.FromSeconds(10));
        foreach (var victim in victims)
        {
            victim.Socket.LingerState = new LingerOption(true, 0);
            await victim.DisposeAsync();
        }

        var response = await bystander.ReadResponseAsync(timeout: TimeSpan.FromSeconds(20));
        Assert.Equal(200, response.Status);
        Assert.True(response.Complete);
        Assert.Equal(40 * 1000, response.Body.Length);
        await using var newcomer = await RawHttpClient.ConnectAsync(server.Endpoint);
        await newcomer.SendAsync(Get("/?chunks=3&size=10"));
        Assert.Equal(30, (await newcomer.ReadResponseAsync()).Body.Length);
        await AwaitAssertAsync(() => Assert.Equal(2, server.Stats.Connections), TimeSpan.FromSeconds(10));
    }
}
