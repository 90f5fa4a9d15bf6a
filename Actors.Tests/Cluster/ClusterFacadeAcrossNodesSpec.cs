using System.Diagnostics;
using System.Text.Json;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.PublishSubscribe;
using Resume.Actors.Cluster;
using Resume.Actors.Tests.Support;
using Xunit.Abstractions;
using AkkaCluster = Akka.Cluster.Cluster;

namespace Resume.Actors.Tests.Cluster;

/// <summary>
/// <c>environ.Cluster</c> across three whole nodes in this process (each built by ResumeHost from a
/// command line, serving the demo over real sockets): a request on one node reaches an entity living
/// on another and gets its answer; a message posted on one node reaches long polls on the others;
/// jobs go to the least-loaded node; a node that leaves gracefully finishes its suspended requests and
/// its entities answer from the others with their state; a crashed node's entities come back.
/// </summary>
[Collection(TimingSensitive.Name)]
public sealed class ClusterFacadeAcrossNodesSpec(ITestOutputHelper output) : ServerSpec(output)
{
    [Fact]
    public async Task Entities_topics_and_jobs_span_the_nodes_and_a_graceful_leave_loses_nothing()
    {
        await using var cluster = await StartClusterAsync();
        var (a, b, c) = (cluster.Nodes[0], cluster.Nodes[1], cluster.Nodes[2]);

        // Counters asked from A live on all three nodes; A gets each one's answer, and every node sees one value.
        var homes = new Dictionary<string, string>();
        for (var i = 0; i < 12; i++)
        {
            var counted = Json(await a.PostAsync($"/counter/c{i}?by={i + 1}"));
            Assert.Equal(i + 1, counted.GetProperty("value").GetInt64());
            Assert.Equal(a.Address.ToString(), counted.GetProperty("node").GetString());
            homes[$"c{i}"] = counted.GetProperty("entityNode").GetString()!;
        }
        Output.WriteLine("counters live on: " + string.Join(", ", homes.GroupBy(h => h.Value).Select(g => $"{g.Key} {g.Count()}")));
        Assert.Contains(homes.Values, home => home != a.Address.ToString());
        for (var i = 0; i < 12; i++)
            Assert.Equal(i + 1, Json(await cluster.Nodes[i % 3].GetAsync($"/counter/c{i}")).GetProperty("value").GetInt64());

        // B's status endpoint sees every member, each with its own counters: twelve in all. A member
        // that misses the endpoint's one-second bound on a loaded machine shows a problem instead, so
        // the endpoint is asked again until all three reported.
        var members = new List<JsonElement>();
        await AwaitAssertAsync(
            async () =>
            {
                members = Json(await b.GetAsync("/_status")).GetProperty("cluster").GetProperty("members").EnumerateArray().ToList();
                Assert.Equal(3, members.Count);
                Assert.All(members, member => Assert.False(
                    member.TryGetProperty("problem", out var problem),
                    $"{member.GetProperty("address")}: {problem}"));
            },
            Dilated(TimeSpan.FromSeconds(10)),
            TimeSpan.FromMilliseconds(200));
        Assert.All(members, member => Assert.True(member.GetProperty("reachable").GetBoolean()));
        Assert.All(members, member => Assert.Equal("Up", member.GetProperty("status").GetString()));
        Assert.All(members, member => Assert.Equal(JsonValueKind.String, member.GetProperty("since").ValueKind));
        Assert.Equal(12, members.Sum(member => member.GetProperty("entities").GetProperty("counter").GetInt32()));
        foreach (var member in members)
            Assert.Equal(homes.Values.Count(home => home == member.GetProperty("address").GetString()), member.GetProperty("entities").GetProperty("counter").GetInt32());
        // And its metrics count the members by status.
        var metrics = new PrometheusScrape((await b.GetAsync("/_metrics")).BodyText);
        Assert.Equal(3, metrics.Value("resume_cluster_members", "resume_cluster_member_status=Up"));
        Assert.Equal(3, metrics.Value("resume_cluster_members"));

        // A post on A reaches long polls waiting on B and C, once their subscriptions reached A by gossip.
        var pollB = b.GetAsync("/chat/room1?after=0&wait=20");
        var pollC = c.GetAsync("/chat/room1?after=0&wait=20");
        var mediator = DistributedPubSub.Get(a.System).Mediator;
        // A's mediator learns of the polls' subscriptions by gossip (every second): once it knows the
        // topic, one more round for the later of the two.
        await AwaitAssertAsync(
            async () => Assert.Contains(
                (await mediator.Ask<CurrentTopics>(GetTopics.Instance, TimeSpan.FromSeconds(3))).Topics,
                topic => Uri.UnescapeDataString(topic) == "chat/room1"),
            Dilated(TimeSpan.FromSeconds(10)),
            TimeSpan.FromMilliseconds(200));
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Equal(201, (await a.PostAsync("/chat/room1?author=ann", "hello from A")).Status);
        foreach (var poll in new[] { pollB, pollC })
        {
            var message = Assert.Single(Json(await poll.WaitAsync(Dilated(TimeSpan.FromSeconds(10)))).EnumerateArray());
            Assert.Equal("hello from A", message.GetProperty("text").GetString());
        }

        // Jobs avoid a busy node: C runs four long naps (sent to its worker directly), then A's /work
        // requests go to A and B only.
        var naps = Enumerable.Range(0, 4)
            .Select(_ => c.System.ActorSelection(JobWorker.Path).Ask<object>(new JobWorker.RunJob("nap", new NapJob.Nap(6000)), TimeSpan.FromSeconds(30)))
            .ToList();
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // two load reports
        var works = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => a.GetAsync("/work?iterations=200000")));
        var computedBy = works.Select(w => Json(w).GetProperty("computedBy").GetString()!).ToList();
        Output.WriteLine("jobs computed by: " + string.Join(", ", computedBy.GroupBy(n => n).Select(g => $"{g.Key} {g.Count()}")));
        Assert.DoesNotContain(c.Address.ToString(), computedBy);
        Assert.Contains(a.Address.ToString(), computedBy);
        Assert.Contains(b.Address.ToString(), computedBy);
        await Task.WhenAll(naps);

        // C leaves gracefully with suspended requests in flight: each is answered, then C's counters
        // answer from A and B with their values.
        // Also two jobs in flight, which may run on another node: their answers still come back to C while it drains.
        var suspended = Enumerable.Range(0, 8).Select(_ => c.GetAsync("/sleep?ms=4000"))
            .Concat(Enumerable.Range(0, 2).Select(_ => c.GetAsync("/work?iterations=3000000")))
            .ToList();
        await AwaitAssertAsync(
            async () => Assert.Equal(10, JsonDocument.Parse((await c.GetAsync("/_status")).BodyText).RootElement.GetProperty("in_flight").GetArrayLength()),
            Dilated(TimeSpan.FromSeconds(5)),
            TimeSpan.FromMilliseconds(100));
        var leaving = Stopwatch.StartNew();
        await c.StopAsync();
        Output.WriteLine($"C left in {leaving.ElapsedMilliseconds} ms");
        foreach (var request in suspended)
            Assert.Equal(200, (await request).Status);
        Output.WriteLine("jobs answered during C's drain, computed by: " + string.Join(", ", suspended.Skip(8).Select(r => Json(r.Result).GetProperty("computedBy").GetString())));
        await AwaitAssertAsync(
            () => Assert.Equal(2, AkkaCluster.Get(a.System).State.Members.Count(m => m.Status == MemberStatus.Up)),
            Dilated(TimeSpan.FromSeconds(20)));
        for (var i = 0; i < 12; i++)
        {
            var counted = Json(await cluster.Nodes[i % 2].GetAsync($"/counter/c{i}"));
            Assert.Equal(i + 1, counted.GetProperty("value").GetInt64());
            Assert.NotEqual(c.Address.ToString(), counted.GetProperty("entityNode").GetString());
        }
    }

    [Fact]
    public async Task A_crashed_nodes_entities_come_back_on_the_others_with_their_state()
    {
        await using var cluster = await StartClusterAsync(crashable: 2);
        var (a, c) = (cluster.Nodes[0], cluster.Nodes[2]);
        var onC = new List<string>();
        for (var i = 0; onC.Count < 3 && i < 60; i++)
        {
            var counted = Json(await a.PostAsync($"/counter/k{i}?by=7"));
            if (counted.GetProperty("entityNode").GetString() == c.Address.ToString())
                onC.Add($"k{i}");
        }
        Assert.NotEmpty(onC);

        var crash = Stopwatch.StartNew();
        await c.System.Terminate();

        // The status endpoint does not wait on the dead node past its bound: C shows a problem, the others their reports.
        var asking = Stopwatch.StartNew();
        var status = Json(await a.GetAsync("/_status"));
        Output.WriteLine($"status with a crashed member answered in {asking.ElapsedMilliseconds} ms");
        Assert.True(asking.Elapsed < TimeSpan.FromSeconds(3), $"took {asking.Elapsed}");
        var crashed = status.GetProperty("cluster").GetProperty("members").EnumerateArray()
            .Single(member => member.GetProperty("address").GetString() == c.Address.ToString());
        Assert.True(crashed.TryGetProperty("problem", out var problem), crashed.ToString());
        Output.WriteLine($"the crashed member: {problem.GetString()}");
        var back = TimeSpan.Zero;
        await AwaitAssertAsync(
            async () =>
            {
                foreach (var id in onC)
                {
                    var response = await a.GetAsync($"/counter/{id}");
                    Assert.Equal(200, response.Status);
                    Assert.Equal(7, Json(response).GetProperty("value").GetInt64());
                }
                back = crash.Elapsed;
            },
            Dilated(TimeSpan.FromSeconds(45)),
            TimeSpan.FromMilliseconds(500));
        Output.WriteLine($"a crashed node's {onC.Count} counters answered again from the others {back.TotalSeconds:0.0} s after the crash");
        Assert.True(back < TimeSpan.FromSeconds(30), $"took {back}");
    }

    private static JsonElement Json(RawResponse response)
    {
        Assert.True(response.Status is 200 or 201, $"{response.Status}: {response.BodyText}");
        return JsonDocument.Parse(response.BodyText).RootElement;
    }

    private async Task<TestCluster> StartClusterAsync(int? crashable = null)
    {
        int[] ports = [TestNode.FreePort(), TestNode.FreePort(), TestNode.FreePort()];
        var cluster = new TestCluster();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var file = TestNode.ConfigFile(
                    "resume.cluster.host = \"127.0.0.1\"",
                    "resume.cluster.join-timeout = 60s",
                    "resume.server.status-path = \"/_status\"",
                    "resume.metrics.prometheus-path = \"/_metrics\"",
                    "akka.cluster.split-brain-resolver.stable-after = 2s",
                    "akka.cluster.failure-detector.heartbeat-interval = 500ms",
                    "akka.cluster.failure-detector.acceptable-heartbeat-pause = 1500ms",
                    $"resume.cluster.jobs.nap = \"{typeof(NapJob).AssemblyQualifiedName}\"",
                    i == crashable ? "akka.coordinated-shutdown.run-by-actor-system-terminate = off" : "");
                cluster.Files.Add(file);
                cluster.Nodes.Add(await TestNode.StartAsync(file, ports[i], ports));
            }
            var formation = Stopwatch.StartNew();
            await AwaitAssertAsync(
                () =>
                {
                    foreach (var node in cluster.Nodes)
                        Assert.Equal(3, AkkaCluster.Get(node.System).State.Members.Count(m => m.Status == MemberStatus.Up));
                },
                Dilated(TimeSpan.FromSeconds(25)),
                TimeSpan.FromMilliseconds(100));
            Output.WriteLine($"formed {formation.ElapsedMilliseconds} ms after the last node started");
            // Until every node's region has registered with the coordinator, new shards go to those that have.
            var counters = ClusterSharding.Get(cluster.Nodes[0].System).ShardRegion("counter");
            await AwaitAssertAsync(
                async () => Assert.Equal(3, (await counters.Ask<ClusterShardingStats>(new GetClusterShardingStats(TimeSpan.FromSeconds(2)), TimeSpan.FromSeconds(3))).Regions.Count),
                Dilated(TimeSpan.FromSeconds(15)),
                TimeSpan.FromMilliseconds(200));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private sealed class TestCluster : IAsyncDisposable
    {
        public List<TestNode> Nodes { get; } = [];

        public List<string> Files { get; } = [];

        public async ValueTask DisposeAsync()
        {
            foreach (var node in Enumerable.Reverse(Nodes))
            {
                try
                {
                    await node.DisposeAsync();
                }
                catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or InvalidOperationException)
                {
                    // Stopped already (left or crashed in the test).
                }
            }
            foreach (var file in Files)
                File.Delete(file);
        }
    }
}
