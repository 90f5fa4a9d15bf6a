using System.Diagnostics;
using System.Globalization;
using Resume.Actors.Cluster;
using Resume.Actors.Tests.Support;
using Xunit.Abstractions;

namespace Resume.Actors.Tests.Cluster;

/// <summary>The executable, clustered, whose only seed does not exist: it gives up at the join timeout and exits non-zero, in one line.</summary>
[Collection(TimingSensitive.Name)]
public sealed class ClusterJoinTimeoutSpec(ITestOutputHelper output) : ServerSpec(output)
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
}
