using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Resume.Actors.Hosting;
using Resume.Actors.Server;
using Resume.Actors.Tests.Support;
using Resume.Tool;

namespace Resume.Actors.Tests.Cluster;

/// <summary>
/// A whole Resume node in this process, built as the executable builds it (<see cref="StockHost.Build(CommandLine, IReadOnlyDictionary{string, string})"/>
/// from a command line and a config file): HTTP on 127.0.0.1 and a free port, and, with a cluster
/// port, a cluster node on 127.0.0.1. Disposing it stops its host.
/// </summary>
public sealed class TestNode : IAsyncDisposable
{
    private TestNode(IHost host, IPEndPoint http, int clusterPort)
    {
        Host = host;
        Http = http;
        ClusterPort = clusterPort;
    }

    public IHost Host { get; }

    public IPEndPoint Http { get; }

    public int ClusterPort { get; }

    public ActorSystem System => Host.Services.GetRequiredService<ActorSystem>();

    public Address Address => Address.Parse($"akka.tcp://resume@127.0.0.1:{ClusterPort}");

    /// <summary>A port free on 127.0.0.1 now (a node binds it a moment later; nothing else here takes ports by number).</summary>
    public static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>A HOCON file of <paramref name="lines"/>, deleted by the caller.</summary>
    public static string ConfigFile(params string[] lines)
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, string.Join('\n', lines) + "\n");
        return file;
    }

    /// <summary>Starts a node with <paramref name="configFile"/>; clustered (on <paramref name="clusterPort"/>, joining <paramref name="seedPorts"/>) when a port is given.</summary>
    public static async Task<TestNode> StartAsync(string configFile, int? clusterPort = null, IEnumerable<int>? seedPorts = null)
    {
        List<string> args = ["--app", "demo", "--host", "127.0.0.1", "--port", "0", "--config", configFile];
        if (clusterPort is { } port)
        {
            args.AddRange(["--cluster-port", port.ToString(CultureInfo.InvariantCulture), "--public-host", "127.0.0.1"]);
            foreach (var seed in seedPorts ?? [port])
                args.AddRange(["--seed", string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{seed}")]);
        }
        var host = StockHost.Build(CommandLine.Parse(args), new Dictionary<string, string>());
        await host.StartAsync();
        var server = await host.Services.GetRequiredService<ActorRegistry>().GetAsync<ServerActor>();
        var bound = await server.Ask<ServerActor.Bound>(ServerActor.GetBinding.Instance, TimeSpan.FromSeconds(10));
        return new TestNode(host, bound.Endpoint, clusterPort ?? 0);
    }

    /// <summary>POST <paramref name="body"/> to <paramref name="target"/> on a connection of its own.</summary>
    public async Task<RawResponse> PostAsync(string target, string body = "")
    {
        await using var client = await RawHttpClient.ConnectAsync(Http);
        var bytes = global::System.Text.Encoding.UTF8.GetByteCount(body);
        await client.SendAsync($"POST {target} HTTP/1.1\r\nHost: test\r\nContent-Length: {bytes}\r\n\r\n");
        await client.SendAsync(global::System.Text.Encoding.UTF8.GetBytes(body));
        return await client.ReadResponseAsync();
    }

    /// <summary>Stops the node as SIGTERM does: readiness off, unbind, drain, hand-off, leave.</summary>
    public async Task StopAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await Host.StopAsync(timeout.Token);
    }

    /// <summary>GET <paramref name="target"/> on a connection of its own.</summary>
    public async Task<RawResponse> GetAsync(string target)
    {
        await using var client = await RawHttpClient.ConnectAsync(Http);
        await client.SendAsync($"GET {target} HTTP/1.1\r\nHost: test\r\n\r\n");
        return await client.ReadResponseAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await Host.StopAsync(timeout.Token);
        }
        finally
        {
            Host.Dispose();
        }
    }
}
