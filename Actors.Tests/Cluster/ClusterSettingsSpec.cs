using Akka.Actor;
using Akka.Configuration;
using Resume.Actors.Cluster;
using Resume.Actors.Hosting;

namespace Resume.Actors.Tests.Cluster;

/// <summary>
/// <c>resume.cluster</c> and the health and shutdown keys: their defaults, their checks, and how the
/// config file, the environment and the command line layer (file &lt; environment &lt; command line),
/// each value set as a value, never pasted into HOCON.
/// </summary>
public sealed class ClusterSettingsSpec
{
    private static readonly Dictionary<string, string> NoEnvironment = [];

    [Fact]
    public void Clustering_and_the_health_paths_are_off_by_default()
    {
        var settings = ServerSettings.FromConfig(ResumeConfig.Defaults);
        Assert.False(settings.Cluster.Enabled);
        Assert.Equal(4053, settings.Cluster.Port);
        Assert.Empty(settings.Cluster.SeedNodes);
        Assert.Empty(settings.Cluster.Roles);
        Assert.Null(settings.Cluster.PublicHost);
        Assert.Equal(TimeSpan.FromSeconds(30), settings.Cluster.JoinTimeout);
        Assert.Null(settings.LivenessPath);
        Assert.Null(settings.ReadinessPath);
        Assert.Equal(TimeSpan.Zero, settings.UnbindDelay);
    }

    [Fact]
    public void Cluster_options_on_the_command_line_turn_clustering_on()
    {
        var settings = Load(["--cluster-port", "4100", "--seed", "10.0.0.1:4100", "--seed", "[::1]:4101", "--seed", "akka.tcp://resume@node-2.resume:4100", "--public-host", "node-1.resume"]);
        Assert.True(settings.Enabled);
        Assert.Equal(4100, settings.Port);
        Assert.Equal(["akka.tcp://resume@10.0.0.1:4100", "akka.tcp://resume@[::1]:4101", "akka.tcp://resume@node-2.resume:4100"], settings.SeedNodes);
        Assert.Equal("node-1.resume", settings.PublicHost);
        Assert.Equal("node-1.resume", settings.AdvertisedHost);
    }

    [Fact]
    public void The_environment_is_over_the_config_file_and_under_the_command_line()
    {
        var file = TestNode.ConfigFile(
            "resume.cluster { enabled = on, port = 5000, public-host = from-file, seed-nodes = [\"file:5000\"], roles = [web] }");
        try
        {
            var environment = new Dictionary<string, string>
            {
                [EnvironmentOverrides.ClusterPort] = "5001",
                [EnvironmentOverrides.Seeds] = "env-a:5001, env-b:5002",
                [EnvironmentOverrides.PublicHost] = "from-env",
            };
            Assert.Equal(5000, Load(["--config", file], NoEnvironment).Port);

            var overEnvironment = Load(["--config", file], environment);
            Assert.Equal(5001, overEnvironment.Port);
            Assert.Equal(["akka.tcp://resume@env-a:5001", "akka.tcp://resume@env-b:5002"], overEnvironment.SeedNodes);
            Assert.Equal("from-env", overEnvironment.PublicHost);
            Assert.Equal(["web"], overEnvironment.Roles);

            var overAll = Load(["--config", file, "--cluster-port", "5002", "--seed", "cli:5002"], environment);
            Assert.Equal(5002, overAll.Port);
            Assert.Equal(["akka.tcp://resume@cli:5002"], overAll.SeedNodes);
            Assert.Equal("from-env", overAll.PublicHost);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Environment_variables_turn_clustering_on_and_empty_ones_are_ignored()
    {
        Assert.False(Load([], new Dictionary<string, string> { [EnvironmentOverrides.Seeds] = " ", [EnvironmentOverrides.ClusterPort] = "" }).Enabled);
        var settings = Load([], new Dictionary<string, string> { [EnvironmentOverrides.Seeds] = "seed-0.resume:4053" });
        Assert.True(settings.Enabled);
        Assert.Equal(["akka.tcp://resume@seed-0.resume:4053"], settings.SeedNodes);
    }

    [Fact]
    public void A_bad_port_in_the_environment_is_named_by_its_variable()
    {
        var error = Assert.Throws<SettingsException>(() => Load([], new Dictionary<string, string> { [EnvironmentOverrides.ClusterPort] = "40 53" }));
        Assert.Equal("RESUME_CLUSTER_PORT", error.Key);
        Assert.Equal("RESUME_CLUSTER_PORT: \"40 53\" is not a port: a number from 0 to 65535", error.Message);
    }

    [Fact]
    public void Values_with_quotes_and_braces_stay_values_from_the_command_line_and_the_environment()
    {
        const string injected = "h\" }\nresume.cluster.port = 1\nresume { x {";
        var fromCommandLine = Assert.Throws<SettingsException>(() => Load(["--public-host", injected]));
        Assert.Equal("resume.cluster.public-host", fromCommandLine.Key);
        Assert.DoesNotContain("\n", fromCommandLine.Message);

        var fromEnvironment = Assert.Throws<SettingsException>(() => Load([], new Dictionary<string, string> { [EnvironmentOverrides.PublicHost] = injected }));
        Assert.Equal("resume.cluster.public-host", fromEnvironment.Key);

        // One seed holding a quote and a comma-free list syntax is one bad seed, not two good ones.
        var seed = Assert.Throws<SettingsException>(() => Load(["--seed", "a:1\", \"b:2"]));
        Assert.Equal("resume.cluster.seed-nodes", seed.Key);
        Assert.Contains("\"a:1\", \"b:2\" is not a seed node", seed.Message);
    }

    [Theory]
    [InlineData("resume.cluster.enabled = on", "resume.cluster.seed-nodes", "is empty")]
    [InlineData("resume.cluster.seed-nodes = [\"no-port\"]", "resume.cluster.seed-nodes", "is not a seed node")]
    [InlineData("resume.cluster.seed-nodes = [\"h:0\"]", "resume.cluster.seed-nodes", "a number from 1 to 65535")]
    [InlineData("resume.cluster.seed-nodes = [\"akka.tcp://other@h:4053\"]", "resume.cluster.seed-nodes", "its system must be resume")]
    [InlineData("resume.cluster.seed-nodes = [\"http://h:4053\"]", "resume.cluster.seed-nodes", "is not a seed node")]
    [InlineData("resume.cluster.seed-nodes = [\"bad host:4053\"]", "resume.cluster.seed-nodes", "its host")]
    [InlineData("resume.cluster.seed-nodes = \"h:4053\"", "resume.cluster.seed-nodes", "is not a list")]
    [InlineData("resume.cluster.roles = [\"\"]", "resume.cluster.roles", "is not a role name")]
    [InlineData("resume.cluster.port = 70000", "resume.cluster.port", "at most 65535")]
    [InlineData("resume.cluster.host = \"not a host\"", "resume.cluster.host", "not an IP address or a host name")]
    [InlineData("resume.cluster.join-timeout = 0s", "resume.cluster.join-timeout", "more than 0s")]
    [InlineData("resume.cluster.enabeld = on", "resume.cluster.enabeld", "resume.cluster.enabled")]
    [InlineData("resume.health.readiness-path = ready", "resume.health.readiness-path", "must start with /")]
    [InlineData("resume.health.liveness-path = live", "resume.health.liveness-path", "must start with /")]
    [InlineData("resume.shutdown.unbind-delay = 5", "resume.shutdown.unbind-delay", "has no unit")]
    public void A_bad_cluster_health_or_shutdown_value_is_refused_naming_its_key(string hocon, string key, string problem)
    {
        var error = Assert.Throws<SettingsException>(() => ServerSettings.FromConfig(ConfigurationFactory.ParseString(hocon).WithFallback(ResumeConfig.Defaults)));
        Assert.Equal(key, error.Key);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void A_wildcard_bind_host_advertises_the_machine_name_unless_a_public_host_is_set()
    {
        var settings = Load(["--seed", "127.0.0.1:4053"]);
        Assert.Equal("0.0.0.0", settings.Host);
        Assert.Equal(System.Net.Dns.GetHostName(), settings.AdvertisedHost);
        Assert.Equal("127.0.0.1", (settings with { Host = "127.0.0.1" }).AdvertisedHost);
    }

    [Fact]
    public void Downed_and_join_failures_exit_non_zero_and_a_normal_stop_exits_0()
    {
        var settings = Load(["--seed", "127.0.0.1:4053"]);
        Assert.Equal(3, ClusterExit.CodeFor(CoordinatedShutdown.ClusterJoinUnsuccessfulReason.Instance));
        Assert.Equal(4, ClusterExit.CodeFor(CoordinatedShutdown.ClusterDowningReason.Instance));
        Assert.Equal(0, ClusterExit.CodeFor(CoordinatedShutdown.ClrExitReason.Instance));
        Assert.Equal(0, ClusterExit.CodeFor(CoordinatedShutdown.ClusterLeavingReason.Instance));
        Assert.Equal(0, ClusterExit.CodeFor(null));
        Assert.Null(ClusterExit.MessageFor(CoordinatedShutdown.ClrExitReason.Instance, settings));
        Assert.Equal(
            "Cluster error: could not join a cluster through the seed nodes akka.tcp://resume@127.0.0.1:4053 within 30s (resume.cluster.join-timeout); exit code 3",
            ClusterExit.MessageFor(CoordinatedShutdown.ClusterJoinUnsuccessfulReason.Instance, settings));
    }

    private static ClusterSettings Load(string[] args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var options = CommandLine.Parse(args);
        return ServerSettings.FromConfig(new ResumeOptions { CommandLine = options, Environment = environment ?? NoEnvironment }.Load()).Cluster;
    }
}
