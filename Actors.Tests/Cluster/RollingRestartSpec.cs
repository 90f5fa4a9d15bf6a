using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Resume.Actors.Tests.Support;
using Xunit.Abstractions;

namespace Resume.Actors.Tests.Cluster;

/// <summary>
/// Issue #10's end-to-end test: three real server processes on 127.0.0.1 (<c>--app demo</c>, every
/// one naming all three as seeds), under a load of mixed requests from concurrent clients — counter
/// increments, chat posts and long polls, 20 % of requests suspended 1.5 s — while every node in turn
/// is stopped with SIGTERM and started again on the same ports: no request may fail, and every
/// counter must end at the number of increments acknowledged. Then one node is killed with
/// <c>kill -9</c> under load: the failures and their window are measured, and once the split-brain
/// resolver has downed it every entity must answer from the two left, no acknowledged write lost.
/// <para>
/// The load balancer is the client itself, following the readiness path as a Kubernetes Service or a
/// health-checking proxy does: it polls each node's <c>/ready</c> every 200 ms, sends only to nodes
/// that answered 200, and sends a request elsewhere only when its connect was refused (nothing reached
/// the server). Chosen over nginx because it needs nothing installed, so it runs wherever the suite
/// does and is never skipped, and because it makes exactly what a request may be retried on explicit;
/// the server's side is the same either way (readiness 503 first, serving on for the unbind delay).
/// </para>
/// </summary>
[Collection(TimingSensitive.Name)]
public sealed class RollingRestartSpec(ITestOutputHelper output) : ServerSpec(output)
{
    private const string ReadyPath = "/ready";
    private const int Clients = 8;

    // Ten entities: the killed node is all but certain (1 - (2/3)^10) to host some of them.
    private static readonly string[] Counters = [.. Enumerable.Range(0, 8).Select(i => $"c{i}")];
    private static readonly string[] Rooms = ["lobby", "ops"];

    // Measured here (15 runs): every entity answered again 16-18 s after a kill -9 of the oldest
    // node (stable-after = 5s, the failure detector's 3 s pause, the coordinators' move); the bound
    // leaves room for a loaded machine.
    private static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Three_processes_under_load_fail_no_request_in_a_rolling_restart_with_SIGTERM_and_every_entity_answers_after_a_kill_9()
    {
        // The drain deadline covers the longest suspended request (1.5 s sleeps, 1 s long polls) many times over.
        var file = TestNode.ConfigFile(
            "resume.cluster.host = \"127.0.0.1\"",
            "resume.cluster.join-timeout = 60s",
            "resume.health.liveness-path = \"/live\"",
            $"resume.health.readiness-path = \"{ReadyPath}\"",
            "resume.shutdown.unbind-delay = 2s",
            "resume.shutdown.drain-deadline = 10s");
        var ports = FixedPorts.Take(6);
        var nodes = Enumerable.Range(0, 3).Select(i => new ClusterNodeProcess(i, file, ports[i], ports[3 + i], ports[3..])).ToArray();
        IPEndPoint[] endpoints = [.. nodes.Select(n => n.Http)];
        var seed = Random.Shared.Next(1_000_000);
        Output.WriteLine($"HTTP ports {string.Join(", ", ports[..3])}, cluster ports {string.Join(", ", ports[3..])}, load seed {seed}");
        var clock = Stopwatch.StartNew();
        try
        {
            foreach (var node in nodes)
                node.Start();
            await Task.WhenAll(nodes.Select(node => node.ReadyAsync(ReadyPath, Dilated(TimeSpan.FromSeconds(60)))));
            Output.WriteLine($"formation: three processes started and all ready (cluster formed) in {clock.ElapsedMilliseconds} ms");

            var writes = new AckedWrites();
            await using var watch = new ReadinessWatch(endpoints, ReadyPath, TimeSpan.FromMilliseconds(200), clock);
            await RollingRestartAsync(nodes, endpoints, watch, writes, clock, seed);
            await KillUnderLoadAsync(nodes, endpoints, watch, writes, clock, seed + Clients);
            Output.WriteLine("readiness as the client saw it:");
            foreach (var change in watch.Changes)
                Output.WriteLine($"  {change}");
        }
        catch (Exception) when (Dump(nodes))
        {
            throw;
        }
        finally
        {
            foreach (var node in nodes)
                await node.DisposeAsync();
            File.Delete(file);
        }
    }

    private async Task RollingRestartAsync(ClusterNodeProcess[] nodes, IPEndPoint[] endpoints, ReadinessWatch watch, AckedWrites writes, Stopwatch clock, int seed)
    {
        var tally = new LoadTally();
        var load = new MixedLoad(endpoints, watch, writes, tally, clock, Counters, Rooms, Clients, seed);
        var started = clock.Elapsed;
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(3));
            foreach (var node in nodes)
            {
                var restart = Stopwatch.StartNew();
                var stopping = node.StopAsync(Dilated(TimeSpan.FromSeconds(30)));
                await AwaitConditionAsync(() => !watch.IsReady(node.Index), Dilated(TimeSpan.FromSeconds(5)), TimeSpan.FromMilliseconds(10));
                var unready = restart.Elapsed;
                Assert.Equal(0, await stopping);
                var exited = restart.Elapsed;
                node.Start();
                await node.ReadyAsync(ReadyPath, Dilated(TimeSpan.FromSeconds(60)));
                await AwaitConditionAsync(() => watch.IsReady(node.Index), Dilated(TimeSpan.FromSeconds(5)), TimeSpan.FromMilliseconds(10));
                Output.WriteLine($"node {node.Index} restart: SIGTERM at +{(clock.Elapsed - restart.Elapsed).TotalSeconds:0.0} s, "
                    + $"the client saw it not ready after {unready.TotalMilliseconds:0} ms, exit 0 after {exited.TotalMilliseconds:0} ms, "
                    + $"started again and ready after {restart.ElapsedMilliseconds} ms in all");
                // A moment on the whole cluster before the next stop, as an orchestrator's minimum ready time.
                await Task.Delay(TimeSpan.FromSeconds(2));
            }
        }
        finally
        {
            await load.StopAsync();
        }

        Output.WriteLine($"rolling restart, {(clock.Elapsed - started).TotalSeconds:0.0} s under load: {tally.Summary()}");
        foreach (var failure in tally.Failures.Take(20))
            Output.WriteLine($"  FAILED {failure}");
        // Seen here: Akka's shard region drops the messages other regions forward to it between a
        // shard's BeginHandOff and HandOff ("to avoid re-ordering"); each such ask fails at the ask
        // timeout. Named in the message so that the cause is plain when it happens.
        var drops = nodes.SelectMany(n => n.OutputLines()).Where(l => l.Contains("buffered messages to shard", StringComparison.Ordinal)).ToList();
        Output.WriteLine($"  messages shard regions dropped in hand-offs: {drops.Count}");
        // The writes first: whatever failed, no acknowledged one may be lost.
        await AssertWritesKeptAsync(endpoints, writes, "after the restart");
        Assert.True(tally.Failures.Count == 0,
            $"{tally.Failures.Count} requests failed during the rolling restart:\n{string.Join('\n', tally.Failures)}\n"
            + $"sharding's drops on the nodes ({drops.Count}):\n{string.Join('\n', drops.Select(l => l.Trim()))}");
        Assert.True(tally.Outcomes.Count(o => o.Kind == "sleep") * 100 / tally.Outcomes.Count >= 15, "about a fifth of the requests were suspended");
    }

    private async Task KillUnderLoadAsync(ClusterNodeProcess[] nodes, IPEndPoint[] endpoints, ReadinessWatch watch, AckedWrites writes, Stopwatch clock, int seed)
    {
        // The first node restarted is now the oldest member: it hosts the shard coordinators and
        // the other singletons, the hardest node to lose.
        var victim = nodes[0];
        IPEndPoint[] survivors = [.. nodes.Where(n => n != victim).Select(n => n.Http)];
        var tally = new LoadTally();
        var load = new MixedLoad(endpoints, watch, writes, tally, clock, Counters, Rooms, Clients, seed);
        TimeSpan killed;
        (TimeSpan At, IReadOnlyList<string> Unavailable) recovered;
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(3));
            killed = clock.Elapsed;
            await victim.KillAsync(Dilated(TimeSpan.FromSeconds(10)));
            recovered = await EveryEntityAnswersAsync(survivors, clock, killed + Dilated(RecoveryBound + TimeSpan.FromSeconds(10)));
            await Task.Delay(TimeSpan.FromSeconds(3));
        }
        finally
        {
            await load.StopAsync();
        }

        var failures = tally.Failures;
        Output.WriteLine($"kill -9 of node {victim.Index} at +{killed.TotalSeconds:0.0} s: {tally.Summary()}");
        if (failures.Count > 0)
        {
            Output.WriteLine($"  failures from +{(failures.Min(f => f.End) - killed).TotalSeconds:0.00} s to +{(failures.Max(f => f.End) - killed).TotalSeconds:0.00} s after the kill "
                + $"(requests started from {(failures.Min(f => f.Start) - killed).TotalSeconds:0.00} s to {(failures.Max(f => f.Start) - killed).TotalSeconds:0.00} s); "
                + $"by kind: {string.Join(", ", failures.GroupBy(f => f.Kind).Select(g => $"{g.Key} {g.Count()}"))}; "
                + $"by cause: {string.Join(", ", failures.GroupBy(f => f.Status?.ToString(CultureInfo.InvariantCulture) ?? f.Error!.Split(':')[0]).Select(g => $"{g.Key} {g.Count()}"))}");
        }
        foreach (var failure in failures.Take(30))
            Output.WriteLine($"  FAILED {failure}");
        Output.WriteLine($"  every entity answered on both survivors {(recovered.At - killed).TotalMilliseconds:0} ms after the kill; "
            + $"unavailable meanwhile: {(recovered.Unavailable.Count == 0 ? "none (no entity lived on the killed node)" : string.Join(", ", recovered.Unavailable))}");

        Assert.True(recovered.At - killed <= Dilated(RecoveryBound), $"every entity answered {recovered.At - killed} after the kill, over {RecoveryBound}");
        // Nothing failed before the kill, and nothing once the entities were back.
        Assert.All(failures, f => Assert.InRange(f.End, killed, recovered.At));
        Assert.All(survivors, s => Assert.True(watch.IsReady(Array.IndexOf(endpoints, s)), "a survivor stayed ready"));

        await AssertWritesKeptAsync(survivors, writes, "after the kill");
    }

    /// <summary>
    /// Every node of <paramref name="endpoints"/> reads each counter and room at one value that
    /// keeps every acknowledged write: each acknowledged increment answered a distinct new value,
    /// all of them at most the value read, which exceeds their number by at most the increments
    /// whose fate is unknown (a failed one may have been applied); with none unknown, n increments
    /// answered exactly 1..n and the counter reads n. The same for the rooms' message numbers.
    /// </summary>
    private async Task AssertWritesKeptAsync(IPEndPoint[] endpoints, AckedWrites writes, string when)
    {
        foreach (var (name, acked, uncertain, read) in Counters.Select(c => (c, writes.Increments(c), writes.UncertainIncrements(c), (Func<IPEndPoint, Task<long>>)(e => CounterValueAsync(e, c))))
            .Concat(Rooms.Select(r => (r, writes.Posts(r), writes.UncertainPosts(r), (Func<IPEndPoint, Task<long>>)(e => LastSeqAsync(e, r))))))
        {
            var values = await Task.WhenAll(endpoints.Select(read));
            var value = Assert.Single(values.Distinct());
            Assert.Equal(acked.Count, acked.Distinct().Count());
            Assert.All(acked, v => Assert.InRange(v, 1, value));
            Assert.InRange(value, acked.Count, acked.Count + uncertain);
        }
        Output.WriteLine($"{when} every node read each counter and room with each acknowledged write (acknowledged+unknown): "
            + string.Join(", ", Counters.Select(c => $"{c}={writes.Increments(c).Count}+{writes.UncertainIncrements(c)}")
                .Concat(Rooms.Select(r => $"{r}={writes.Posts(r).Count}+{writes.UncertainPosts(r)}"))));
    }

    /// <summary>
    /// Asks every entity on every survivor, in rounds, until one round has all of them answer 200
    /// within 1.5 s; returns when, and the entities that did not answer in some round before.
    /// </summary>
    private static async Task<(TimeSpan At, IReadOnlyList<string> Unavailable)> EveryEntityAnswersAsync(IPEndPoint[] survivors, Stopwatch clock, TimeSpan until)
    {
        string[] targets = [.. Counters.Select(c => $"/counter/{c}"), .. Rooms.Select(r => $"/chat/{r}?after=999999999&wait=0")];
        var unavailable = new SortedSet<string>(StringComparer.Ordinal);
        while (clock.Elapsed < until)
        {
            var answers = await Task.WhenAll(survivors.SelectMany(survivor => targets.Select(async target =>
                (target, ok: await AnswersAsync(survivor, target)))));
            if (answers.All(a => a.ok))
                return (clock.Elapsed, [.. unavailable]);
            unavailable.UnionWith(answers.Where(a => !a.ok).Select(a => a.target.Split('?')[0]));
            await Task.Delay(250);
        }
        throw new TimeoutException($"entities still not answering at +{clock.Elapsed}: {string.Join(", ", unavailable)}");
    }

    private static async Task<bool> AnswersAsync(IPEndPoint endpoint, string target)
    {
        try
        {
            await using var client = await RawHttpClient.ConnectAsync(endpoint);
            return (await OneShotHttp.ExchangeAsync(client, "GET", target, null, TimeSpan.FromSeconds(1.5))).Status == 200;
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    private static async Task<long> CounterValueAsync(IPEndPoint endpoint, string counter)
    {
        await using var client = await RawHttpClient.ConnectAsync(endpoint);
        var response = await OneShotHttp.ExchangeAsync(client, "GET", $"/counter/{counter}", null, TimeSpan.FromSeconds(10));
        Assert.Equal(200, response.Status);
        using var json = JsonDocument.Parse(response.Body);
        return json.RootElement.GetProperty("value").GetInt64();
    }

    /// <summary>The number of the last message of <paramref name="room"/> (0 for none).</summary>
    private static async Task<long> LastSeqAsync(IPEndPoint endpoint, string room)
    {
        await using var client = await RawHttpClient.ConnectAsync(endpoint);
        var response = await OneShotHttp.ExchangeAsync(client, "GET", $"/chat/{room}?after=0&wait=0", null, TimeSpan.FromSeconds(10));
        Assert.Equal(200, response.Status);
        using var json = JsonDocument.Parse(response.Body);
        return json.RootElement.EnumerateArray().Select(m => m.GetProperty("seq").GetInt64()).DefaultIfEmpty(0).Max();
    }

    /// <summary>Writes each node's last lines to the test's output; false, so that the exception goes on.</summary>
    private bool Dump(ClusterNodeProcess[] nodes)
    {
        foreach (var node in nodes)
            Output.WriteLine(node.Log());
        return false;
    }
}
