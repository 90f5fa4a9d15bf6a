using System.Diagnostics;
using Resume.Actors.Hosting;
using Resume.Tool;

namespace Resume.Actors.Tests;

/// <summary>
/// Configuration from the environment (containers): every key of resume.conf by its variable, named
/// by one rule, over the file and under the command line; RESUME_CONFIG, RESUME_HOCON; typos caught.
/// And the executable's --help and --version.
/// </summary>
public sealed class EnvironmentConfigSpec
{
    [Fact]
    public void Every_key_of_resume_conf_has_a_variable_by_the_rule_and_each_takes_its_value()
    {
        Assert.Equal("RESUME_SERVER_PORT", EnvironmentOverrides.NameOf("resume.server.port"));
        Assert.Equal("resume.limits.max-body-size", EnvironmentOverrides.Keys["RESUME_LIMITS_MAX_BODY_SIZE"]);
        Assert.Equal("akka.loglevel", EnvironmentOverrides.Keys["AKKA_LOGLEVEL"]);
        Assert.True(EnvironmentOverrides.Keys.Count > 60, $"only {EnvironmentOverrides.Keys.Count} keys");

        // Each variable alone puts its key, with the value given, into the environment's layer: every
        // key's value travels through its variable with its type intact (durations, sizes, lists).
        foreach (var (name, path) in EnvironmentOverrides.Keys)
        {
            var value = ResumeConfig.Defaults.GetValue(path);
            var list = EnvironmentOverrides.IsList(path);
            var text = list ? string.Join(",", value.GetStringList()) : value.GetString();
            if (text.Length == 0)
                text = list ? "x" : "set";
            var layer = EnvironmentOverrides.ToConfig(new Dictionary<string, string> { [name] = text });
            Assert.True(layer.HasPath(path), $"{name} does not set {path}");
            Assert.Equal(text, list ? string.Join(",", layer.GetStringList(path)) : layer.GetString(path));
        }
        // And through the whole load, over the defaults.
        Assert.Equal(9123, ServerSettings.FromConfig(Load(new() { ["RESUME_SERVER_PORT"] = "9123" })).Port);
        Assert.Equal(8080, ServerSettings.FromConfig(Load([])).Port);
    }

    [Fact]
    public void Variables_are_over_the_file_and_under_the_command_line()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, "resume.server.port = 9001\nresume.limits.max-body-size = 1m\n");
        try
        {
            var environment = new Dictionary<string, string>
            {
                ["RESUME_SERVER_PORT"] = "9002",
                ["RESUME_LIMITS_MAX_BODY_SIZE"] = "5m",
                ["RESUME_SERVER_TRUSTED_PROXIES"] = "10.0.0.0/8, 127.0.0.1",
                ["RESUME_CONNECTION_KEEP_ALIVE_TIMEOUT"] = "7s",
            };
            var fromEnvironment = ServerSettings.FromConfig(Load(environment, new CommandLine(null, null, null, file)));
            Assert.Equal(9002, fromEnvironment.Port);
            Assert.Equal(5L * 1024 * 1024, fromEnvironment.Limits.MaxBodySize);
            Assert.True(fromEnvironment.TrustedProxies.Contains("10.1.2.3"));
            Assert.Equal(TimeSpan.FromSeconds(7), fromEnvironment.Connection.KeepAliveTimeout);

            Assert.Equal(9003, ServerSettings.FromConfig(Load(environment, new CommandLine(null, null, 9003, file))).Port);
            // RESUME_CONFIG names the file, --config wins over it.
            Assert.Equal(9001, ServerSettings.FromConfig(Load(new() { ["RESUME_CONFIG"] = file })).Port);
            Assert.Equal(8080, ServerSettings.FromConfig(Load(new() { ["RESUME_CONFIG"] = "/no/such/file" }, new CommandLine(null, null, null, EmptyFile()))).Port);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void RESUME_HOCON_sets_what_no_single_variable_does_and_cluster_variables_turn_the_cluster_on()
    {
        var settings = ServerSettings.FromConfig(Load(new()
        {
            ["RESUME_HOCON"] = "resume.apps.hello.suspend-timeout = 3s",
            ["RESUME_CLUSTER_SEED_NODES"] = "node-1:4053,node-2:4053",
        }));

        Assert.Equal(TimeSpan.FromSeconds(3), settings.OptionsFor("hello").SuspendTimeout);
        Assert.True(settings.Cluster.Enabled);
        Assert.Equal(2, settings.Cluster.SeedNodes.Count);
        Assert.False(ServerSettings.FromConfig(Load(new() { ["RESUME_CLUSTER_SEED_NODES"] = "a:1", ["RESUME_CLUSTER_ENABLED"] = "off" })).Cluster.Enabled);
        Assert.Equal(EnvironmentOverrides.Hocon, Assert.Throws<SettingsException>(() => Load(new() { ["RESUME_HOCON"] = "resume { server {" })).Key);
    }

    [Fact]
    public void A_typo_of_a_known_variable_stops_the_server_naming_it_and_other_RESUME_variables_are_left_alone()
    {
        var typo = Assert.Throws<SettingsException>(() => Load(new() { ["RESUME_SERVER_PROT"] = "9000" }));

        Assert.Equal("RESUME_SERVER_PROT", typo.Key);
        Assert.Contains("did you mean RESUME_SERVER_PORT?", typo.Message);
        Assert.Equal(8080, ServerSettings.FromConfig(Load(new() { ["RESUME_FUZZ_CASES"] = "5", ["RESUME_API_TOKEN"] = "x" })).Port);
        // A bad value is named by its key, as from a file (the naming rule leads from one to the other).
        Assert.Equal("resume.server.port", Assert.Throws<SettingsException>(() => ServerSettings.FromConfig(Load(new() { ["RESUME_SERVER_PORT"] = "http" }))).Key);
        // Kubernetes' service links for a Service named resume or resume-server are not typos.
        Assert.Equal(8080, ServerSettings.FromConfig(Load(new() { ["RESUME_SERVER_SERVICE_PORT"] = "80", ["RESUME_SERVER_PORT_80_TCP"] = "tcp://10.0.0.1:80", ["RESUME_PORT"] = "tcp://10.0.0.1:80" })).Port);
    }

    [Theory]
    [InlineData("--help", "Usage: resume")]
    [InlineData("-h", "RESUME_SERVER_PORT")]
    [InlineData("--version", "resume 0.9.0")]
    public async Task Help_and_version_print_and_exit_0(string argument, string expected)
    {
        using var process = Process.Start(new ProcessStartInfo("dotnet", [typeof(StockHost).Assembly.Location, argument])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(0, process.ExitCode);
        Assert.Contains(expected, output);
    }

    private static Akka.Configuration.Config Load(Dictionary<string, string> environment, CommandLine? commandLine = null) =>
        new ResumeOptions { Environment = environment, CommandLine = commandLine }.Load();

    private static string EmptyFile()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, "\n");
        return file;
    }
}
