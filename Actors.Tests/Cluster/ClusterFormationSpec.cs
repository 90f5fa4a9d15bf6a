using System.Diagnostics;
using Akka.Cluster;
using Resume.Actors.Cluster;
using Resume.Actors.Hosting;
using Resume.Actors.Tests.Support;
using Xunit.Abstractions;
using AkkaCluster = Akka.Cluster.Cluster;

namespace Resume.Actors.Tests.Cluster;

/// <summary>
/// Three whole nodes in this process, each built by <see cref="ResumeHost"/> from a command line
/// (<c>--cluster-port</c>, <c>--seed</c>, <c>--public-host</c>) and a config file, form one cluster
/// through their seed nodes; readiness follows membership; a downed node stops and exits 4; the
/// keep-majority resolver downs a crashed node.
/// </summary>
[Collection(TimingSensitive.Name)]
public sealed class ClusterFormationSpec(ITestOutputHelper output) : ServerSpec(output)
{
    [Fact]
    public async Task Three_nodes_form_a_cluster_readiness_follows_membership_and_a_downed_node_exits_4()
    {
        var file = TestNode.ConfigFile(
            "resume.cluster.host = \"127.0.0.1\"",
            "resume.cluster.join-timeout = 60s",
            "resume.health.liveness-path = \"/live\"",
            "resume.health.readiness-path = \"/ready\"");
        int[] ports = [TestNode.FreePort(), TestNode.FreePort(), TestNode.FreePort()];
        var nodes = new List<TestNode>();
        try
        {
            // The second and third start first: without the first seed up, no cluster can form, so
            // they are alive but not ready.
            nodes.Add(await TestNode.StartAsync(file, ports[1], ports));
            nodes.Add(await TestNode.StartAsync(file, ports[2], ports));
            foreach (var node in nodes)
            {
                Assert.Equal(200, (await node.GetAsync("/live")).Status);
                var notReady = await node.GetAsync("/ready");
                Assert.Equal(503, notReady.Status);
                Assert.Equal("not ready: not a cluster member (yet)\n", notReady.BodyText);
                Output.WriteLine($"before the first seed: {notReady.BodyText.Trim()}");
            }

            var formation = Stopwatch.StartNew();
            nodes.Insert(0, await TestNode.StartAsync(file, ports[0], ports));
            await AwaitAssertAsync(
                () =>
                {
                    foreach (var node in nodes)
                    {
                        var members = AkkaCluster.Get(node.System).State.Members;
                        Assert.Equal(3, members.Count(m => m.Status == MemberStatus.Up));
                    }
                },
                Dilated(TimeSpan.FromSeconds(25)),
                TimeSpan.FromMilliseconds(100));
            Output.WriteLine($"three nodes Up in every view {formation.ElapsedMilliseconds} ms after the first seed started");
            foreach (var node in nodes)
            {
                var ready = await node.GetAsync("/ready");
                Assert.Equal(200, ready.Status);
                Assert.Equal("ready\n", ready.BodyText);
                Assert.Equal("Hello, World!", (await node.GetAsync("/hello")).BodyText);
            }

            // The keep-majority resolver with HOCON's timings survives Akka.Cluster.Hosting's options.
            var config = nodes[0].System.Settings.Config;
            Assert.Equal("keep-majority", config.GetString("akka.cluster.split-brain-resolver.active-strategy"));
            Assert.Equal(TimeSpan.FromSeconds(5), config.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after"));
            Assert.Equal(TimeSpan.FromSeconds(60), config.GetTimeSpan("akka.cluster.shutdown-after-unsuccessful-join-seed-nodes"));
            // A restarted node asks to join again soon after its previous incarnation is removed.
            Assert.Equal(TimeSpan.FromSeconds(2), config.GetTimeSpan("akka.cluster.retry-unsuccessful-join-after"));
            Assert.Contains("SplitBrainResolverProvider", config.GetString("akka.cluster.downing-provider-class"));
            // No SO_REUSEPORT: a second node on a cluster port in use fails instead of sharing it.
            Assert.False(config.GetBoolean("akka.remote.dot-netty.tcp.tcp-reuse-addr"));

            var downed = nodes[2];
            var downing = Stopwatch.StartNew();
            AkkaCluster.Get(nodes[0].System).Down(downed.Address);
            await downed.System.WhenTerminated.WaitAsync(Dilated(TimeSpan.FromSeconds(30)));
            Output.WriteLine($"the downed node's actor system ended {downing.ElapsedMilliseconds} ms after Down");
            var (code, message) = ResumeHost.Exit(downed.Host);
            Assert.Equal(ClusterExit.Downed, code);
            Assert.StartsWith("Cluster error: this node was downed", message);
            await AwaitAssertAsync(
                () => Assert.Equal(2, AkkaCluster.Get(nodes[1].System).State.Members.Count(m => m.Status == MemberStatus.Up)),
                Dilated(TimeSpan.FromSeconds(20)),
                TimeSpan.FromMilliseconds(100));
            Assert.Equal(200, (await nodes[1].GetAsync("/ready")).Status);
        }
        finally
        {
            foreach (var node in nodes)
                await node.DisposeAsync();
            File.Delete(file);
        }
    }

    [Fact]
    public async Task The_split_brain_resolver_downs_a_crashed_node_and_the_majority_stays_ready()
    {
        var file = TestNode.ConfigFile(
            "resume.cluster.host = \"127.0.0.1\"",
            "resume.health.readiness-path = \"/ready\"");
        // A crash, in-process: the actor system stops without leaving (no CoordinatedShutdown).
        var crashing = TestNode.ConfigFile(
            "resume.cluster.host = \"127.0.0.1\"",
            "akka.coordinated-shutdown.run-by-actor-system-terminate = off");
        int[] ports = [TestNode.FreePort(), TestNode.FreePort(), TestNode.FreePort()];
        var nodes = new List<TestNode>();
        try
        {
            nodes.Add(await TestNode.StartAsync(file, ports[0], ports));
            nodes.Add(await TestNode.StartAsync(file, ports[1], ports));
            nodes.Add(await TestNode.StartAsync(crashing, ports[2], ports));
            var cluster = AkkaCluster.Get(nodes[0].System);
            await AwaitAssertAsync(
                () => Assert.Equal(3, cluster.State.Members.Count(m => m.Status == MemberStatus.Up)),
                Dilated(TimeSpan.FromSeconds(25)),
                TimeSpan.FromMilliseconds(100));

            var crash = Stopwatch.StartNew();
            await nodes[2].System.Terminate();
            await AwaitAssertAsync(
                () => Assert.DoesNotContain(cluster.State.Members, m => m.Address.Port == ports[2]),
                Dilated(TimeSpan.FromSeconds(30)),
                TimeSpan.FromMilliseconds(100));
            Output.WriteLine($"the crashed node was downed and removed {crash.ElapsedMilliseconds} ms after the crash");
            Assert.Equal(2, cluster.State.Members.Count(m => m.Status == MemberStatus.Up));
            Assert.Equal(200, (await nodes[0].GetAsync("/ready")).Status);
            Assert.Equal(200, (await nodes[1].GetAsync("/ready")).Status);
        }
        finally
        {
            foreach (var node in nodes)
                await node.DisposeAsync();
            File.Delete(file);
            File.Delete(crashing);
        }
    }
}
