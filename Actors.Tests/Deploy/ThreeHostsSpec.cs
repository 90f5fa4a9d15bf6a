using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Resume.Actors.Tests.Support;
using Xunit.Abstractions;

namespace Resume.Actors.Tests.Deploy;

/// <summary>
/// Issue #12's deployment run for real: deploy/three-hosts.sh brings up three nodes of the publish
/// output in three network namespaces (three addresses, as three hosts), clustered by static seeds,
/// behind nginx with deploy/nginx/resume.conf. Requests through nginx reach every node and share
/// sharded state; a rolling restart through the script under a steady load loses no request. Needs
/// root (namespaces, a bridge) and nginx, as CI has them; the script's down runs whatever happens.
/// </summary>
[Collection(TimingSensitive.Name)]
public sealed class ThreeHostsSpec(PublishedServer published, ITestOutputHelper output)
{
    private const int Increments = 30;

    [SkippableFact]
    public async Task Through_nginx_three_namespaced_nodes_share_sharded_state_and_a_rolling_restart_under_load_loses_no_request()
    {
        Skip.IfNot(Environment.UserName == "root", "needs root: deploy/three-hosts.sh makes network namespaces and a bridge (CI runs as root)");
        var hosts = new ThreeHosts(await published.FolderAsync(), FixedPorts.Take(1)[0], line => output.WriteLine($"  {line}"));
        var clock = Stopwatch.StartNew();
        try
        {
            // What a run killed half-way may have left (namespaces, their processes, the bridge) would stop up.
            await hosts.RunAsync("down", TimeSpan.FromSeconds(120));
            await hosts.RunAsync("up", TimeSpan.FromSeconds(120));
            output.WriteLine($"up: three nodes ready and nginx answering after {clock.ElapsedMilliseconds} ms");

            // One counter, incremented through nginx, which spreads the requests over the nodes: each
            // answer names the node that served it, and the values follow one another whichever it was.
            var counter = $"deploy-{Guid.NewGuid():N}";
            var servedBy = new HashSet<string>(StringComparer.Ordinal);
            for (var expected = 1; expected <= Increments; expected++)
            {
                var (value, node) = await CounterAsync(hosts.Balancer, "POST", counter);
                Assert.Equal(expected, value);
                servedBy.Add(node);
            }
            Assert.Equal(3, servedBy.Count);
            Assert.Equal(Increments, (await CounterAsync(hosts.Balancer, "GET", counter)).Value);
            output.WriteLine($"{Increments} increments through nginx, served by {string.Join(", ", servedBy.Order(StringComparer.Ordinal))}, added up");

            var load = new BalancedLoad(hosts.Balancer, counter, clients: 4, pause: TimeSpan.FromMilliseconds(25));
            var restart = Stopwatch.StartNew();
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(2));
                await hosts.RunAsync("restart-rolling", TimeSpan.FromSeconds(150));
                await Task.Delay(TimeSpan.FromSeconds(2));
            }
            finally
            {
                await load.StopAsync();
            }
            output.WriteLine($"rolling restart in {restart.ElapsedMilliseconds} ms under load: {load.Summary()}");
            Assert.True(load.Failures.Count == 0, $"{load.Failures.Count} requests failed:\n{string.Join('\n', load.Failures)}\n{hosts.Logs()}");
            Assert.True(load.Requests >= 200, $"a steady load: {load.Requests} requests");
            Assert.Equal(3, load.ServedBy.Count);
            // Every increment acknowledged during the restart kept, none applied twice.
            Assert.Equal(Increments + load.AcknowledgedIncrements, (await CounterAsync(hosts.Balancer, "GET", counter)).Value);
            output.WriteLine(await hosts.RunAsync("status", TimeSpan.FromSeconds(30)));
        }
        catch (Exception) when (Dump(hosts))
        {
            throw;
        }
        finally
        {
            await hosts.RunAsync("down", TimeSpan.FromSeconds(120));
            output.WriteLine($"down after {clock.ElapsedMilliseconds} ms in all");
        }
        Assert.False(Directory.Exists(hosts.StateFolder), "down removed the state folder");
        // And what is harder to take down: the namespaces, the bridge and the route.
        Assert.DoesNotContain("resume-n", await CommandOutput("ip", "netns", "list"));
        Assert.DoesNotContain("resume-br0", await CommandOutput("ip", "link", "show"));
        Assert.Equal("", (await CommandOutput("ip", "route", "show", "10.77.0.0/24")).Trim());
    }

    private static async Task<string> CommandOutput(string file, params string[] args)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(file, args) { RedirectStandardOutput = true })!;
        var text = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return text;
    }

    private static async Task<(long Value, string Node)> CounterAsync(IPEndPoint balancer, string method, string counter)
    {
        await using var client = await RawHttpClient.ConnectAsync(balancer);
        var response = await OneShotHttp.ExchangeAsync(client, method, $"/counter/{counter}", method == "POST" ? "" : null, TimeSpan.FromSeconds(10));
        Assert.True(response.Status == 200, $"{method} /counter/{counter}: {response.StatusLine} {response.BodyText}");
        using var json = JsonDocument.Parse(response.Body);
        return (json.RootElement.GetProperty("value").GetInt64(), json.RootElement.GetProperty("node").GetString()!);
    }

    private bool Dump(ThreeHosts hosts)
    {
        output.WriteLine(hosts.Logs());
        return false;
    }
}
