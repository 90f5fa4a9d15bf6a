using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Akka.Cluster;
using Resume.Actors.Cluster;
using Resume.Actors.Tests.Support;
using Xunit.Abstractions;
using AkkaCluster = Akka.Cluster.Cluster;

namespace Resume.Actors.Tests.Cluster;

/// <summary>
/// The executable, clustered, as an orchestrator sees it: its exit code. It exits 3 when it cannot
/// join within the join timeout, 4 when it is downed, 0 when it is stopped and leaves; a non-zero
/// exit comes with one line on stderr.
/// </summary>
[Collection(TimingSensitive.Name)]
public sealed class ClusterExitSpec(ITestOutputHelper output) : ServerSpec(output)
{
    [Fact]
    public async Task A_node_that_cannot_join_within_the_join_timeout_exits_3_with_one_line()
    {
        var file = TestNode.ConfigFile("resume.cluster.join-timeout = 4s", "resume.cluster.host = \"127.0.0.1\"");
        var nobody = TestNode.FreePort().ToString(CultureInfo.InvariantCulture);
        try
        {
            var clock = Stopwatch.StartNew();
            await using var server = ServerProcess.Start(["--app", "hello", "--host", "127.0.0.1", "--port", "0", "--config", file,
                "--cluster-port", "0", "--public-host", "127.0.0.1", "--seed", $"127.0.0.1:{nobody}"]);
            await server.ListeningAsync(Dilated(TimeSpan.FromSeconds(60)));
            var listening = clock.Elapsed;

            Assert.Equal(ClusterExit.JoinFailed, await server.ExitCodeAsync(Dilated(TimeSpan.FromSeconds(30))));
            Output.WriteLine($"listening after {listening.TotalMilliseconds:0} ms, exited after {clock.Elapsed.TotalMilliseconds:0} ms");
            Assert.True(clock.Elapsed - listening < TimeSpan.FromSeconds(4) + Dilated(TimeSpan.FromSeconds(6)), $"exited {clock.Elapsed - listening} after listening");
            var line = Assert.Single(server.Errors, l => l.Length > 0);
            Assert.Equal($"Cluster error: could not join a cluster through the seed nodes akka.tcp://resume@127.0.0.1:{nobody} within 4s (resume.cluster.join-timeout); exit code 3", line);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_cluster_port_in_use_stops_the_node_before_it_starts_with_one_line_and_exit_2()
    {
        var file = TestNode.ConfigFile("resume.cluster.host = \"127.0.0.1\"");
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
        try
        {
            await using var server = ServerProcess.Start(["--app", "hello", "--host", "127.0.0.1", "--port", "0", "--config", file,
                "--cluster-port", port, "--seed", $"127.0.0.1:{port}"]);
            Assert.Equal(2, await server.ExitCodeAsync(Dilated(TimeSpan.FromSeconds(60))));
            Assert.Equal($"Configuration error: resume.cluster.port: 127.0.0.1:{port} is in use by another process", Assert.Single(server.Errors, l => l.Length > 0));
            Assert.DoesNotContain(server.Output, l => l.Length > 0);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_downed_node_exits_4_with_one_line_and_a_node_stopped_by_SIGTERM_leaves_and_exits_0()
    {
        var file = TestNode.ConfigFile("resume.cluster.host = \"127.0.0.1\"", "resume.cluster.join-timeout = 60s");
        try
        {
            var seedPort = TestNode.FreePort();
            await using var seed = await TestNode.StartAsync(file, seedPort, [seedPort]);
            int[] ports = [TestNode.FreePort(), TestNode.FreePort()];
            var processes = ports.Select(port => ServerProcess.Start(["--app", "hello", "--host", "127.0.0.1", "--port", "0", "--config", file,
                "--cluster-port", port.ToString(CultureInfo.InvariantCulture), "--public-host", "127.0.0.1", "--seed", $"127.0.0.1:{seedPort}"])).ToArray();
            try
            {
                var cluster = AkkaCluster.Get(seed.System);
                // As long as the nodes' own join-timeout: two runtimes starting at once on a loaded CI
                // machine had one node still joining after 40 s.
                await AwaitAssertAsync(
                    () => Assert.Equal(3, cluster.State.Members.Count(m => m.Status == MemberStatus.Up)),
                    Dilated(TimeSpan.FromSeconds(60)),
                    TimeSpan.FromMilliseconds(100));

                cluster.Down(cluster.State.Members.Single(m => m.Address.Port == ports[0]).Address);
                Assert.Equal(ClusterExit.Downed, await processes[0].ExitCodeAsync(Dilated(TimeSpan.FromSeconds(30))));
                Assert.Equal("Cluster error: this node was downed (removed from the cluster); exit code 4", Assert.Single(processes[0].Errors, l => l.Length > 0));

                // The node logs its own Up when gossip tells it, which may come after the seed saw it Up
                // (a loaded CI machine): it leaves once it knows.
                var self = $"akka.tcp://resume@127.0.0.1:{ports[1]}";
                await AwaitAssertAsync(
                    () => Assert.Contains(processes[1].Output, l => l.Contains($"Cluster node {self} is Up", StringComparison.Ordinal)),
                    Dilated(TimeSpan.FromSeconds(30)),
                    TimeSpan.FromMilliseconds(100));
                await processes[1].SignalAsync("TERM");
                Assert.Equal(0, await processes[1].ExitCodeAsync(Dilated(TimeSpan.FromSeconds(30))));
                Assert.DoesNotContain(processes[1].Errors, l => l.Length > 0);
                // Its membership, as the operator reads it, under the category Resume.Cluster.
                Assert.Contains(processes[1].Output, l => l.Contains("Resume.Cluster[401]", StringComparison.Ordinal));
                Assert.Contains(processes[1].Output, l => l.Contains($"Cluster node {self}: joining through the seeds", StringComparison.Ordinal));
                Assert.Contains(processes[1].Output, l => l.Contains($"Cluster node {self} is Up", StringComparison.Ordinal));
                await AwaitAssertAsync(
                    () => Assert.Equal([seedPort], cluster.State.Members.Select(m => m.Address.Port ?? 0)),
                    Dilated(TimeSpan.FromSeconds(20)),
                    TimeSpan.FromMilliseconds(100));
            }
            finally
            {
                foreach (var process in processes)
                    await process.DisposeAsync();
            }
        }
        finally
        {
            File.Delete(file);
        }
    }
}
