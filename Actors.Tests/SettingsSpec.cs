using System.Diagnostics;
using Akka.Configuration;
using Resume.Actors.Hosting;
using Resume.Apps.Samples;
using Resume.Tool;

namespace Resume.Actors.Tests;

/// <summary>The configuration read once and checked at start: every bad value and unknown key is one precise error.</summary>
public sealed class SettingsSpec
{
    [Fact]
    public void The_embedded_defaults_pass_every_check_and_every_key_in_them_is_read()
    {
        var settings = ServerSettings.FromConfig(ResumeConfig.Defaults);
        Assert.Equal(8080, settings.Port);
        Assert.Equal(16 * 1024, settings.Request.ResponseBatchBytes);
        Assert.Equal(TimeSpan.FromMilliseconds(1), settings.Request.EmptyBackoffInitial);
        Assert.Equal(1024L * 1024, settings.Connection.UnreadBodyDrainLimit);
        Assert.Equal(TimeSpan.FromSeconds(120), settings.OptionsFor("upload").SuspendTimeout);
        Assert.Null(settings.StatusPath);
    }

    [Theory]
    [InlineData("resume.limits.header-timeout = -5s", "resume.limits.header-timeout", "is negative")]
    [InlineData("resume.request.deadline = soon", "resume.request.deadline", "is not a duration")]
    [InlineData("resume.request.suspend-timeout = 30", "resume.request.suspend-timeout", "has no unit")]
    [InlineData("resume.connection.keep-alive-timeout = 0s", "resume.connection.keep-alive-timeout", "more than 0s")]
    [InlineData("resume.shutdown.drain-deadline = 30d", "resume.shutdown.drain-deadline", "longer than 24 days")]
    [InlineData("resume.request.empty-chunk-backoff.max = 500us", "resume.request.empty-chunk-backoff.max", "less than 1ms")]
    [InlineData("resume.limits.max-body-size = lots", "resume.limits.max-body-size", "is not a size")]
    [InlineData("resume.limits.max-body-size = 1.5m", "resume.limits.max-body-size", "is not a size")]
    [InlineData("resume.limits.max-request-line = 3g", "resume.limits.max-request-line", "at most 2147483647 bytes")]
    [InlineData("resume.connection.read-buffer-size = 0", "resume.connection.read-buffer-size", "at least 1 bytes")]
    [InlineData("resume.request.prebuffer-limit = -1k", "resume.request.prebuffer-limit", "at least 0 bytes")]
    [InlineData("resume.server.port = eighty", "resume.server.port", "is not a whole number")]
    [InlineData("resume.server.port = 70000", "resume.server.port", "at most 65535")]
    [InlineData("resume.server.port = -1", "resume.server.port", "at least 0")]
    [InlineData("resume.server.port = null", "resume.server.port", "has no value")]
    [InlineData("resume.server.port = [1, 2]", "resume.server.port", "is a list")]
    [InlineData("resume.server.port { a = 1 }", "resume.server.port", "is a section")]
    [InlineData("resume.limits.max-header-count = 1.5", "resume.limits.max-header-count", "is not a whole number")]
    [InlineData("resume.server.backlog = 0", "resume.server.backlog", "at least 1")]
    [InlineData("resume.request.max-steps-per-turn = 0", "resume.request.max-steps-per-turn", "at least 1")]
    [InlineData("resume.executor.threads = 0", "resume.executor.threads", "at least 1")]
    [InlineData("resume.blocking-dispatcher.thread-count = -1", "resume.blocking-dispatcher.thread-count", "at least 1")]
    [InlineData("resume.small-mailbox.mailbox-type = \"\"", "resume.small-mailbox.mailbox-type", "is empty")]
    [InlineData("resume.connection.drain-unread-expected-body = maybe", "resume.connection.drain-unread-expected-body", "not on or off")]
    [InlineData("resume.server.host = \"my host\"", "resume.server.host", "not an IP address or a host name")]
    [InlineData("resume.server.host = \"8080\"", "resume.server.host", "not an IP address or a host name")]
    [InlineData("resume.server.host = \"10.0.0\"", "resume.server.host", "not an IP address or a host name")]
    [InlineData("resume.server.max-connections = some", "resume.server.max-connections", "is not a whole number")]
    [InlineData("resume.server.max-connections = 0", "resume.server.max-connections", "at least 1")]
    [InlineData("resume.metrics.prometheus-path = metrics", "resume.metrics.prometheus-path", "is not a path")]
    [InlineData("resume.metrics.otlp.endpoint = \"collector:4317\"", "resume.metrics.otlp.endpoint", "not an http:// or https:// address")]
    [InlineData("resume.metrics.otlp.protocol = \"http/json\"", "resume.metrics.otlp.protocol", "must be grpc or http/protobuf")]
    [InlineData("resume.metrics.otlp.interval = 0s", "resume.metrics.otlp.interval", "more than 0s")]
    [InlineData("resume.server.reserved-descriptors = -1", "resume.server.reserved-descriptors", "at least 0")]
    [InlineData("resume.server.reuse-port = sometimes", "resume.server.reuse-port", "not on or off")]
    [InlineData("resume.server.accept-backoff.max = 1ms", "resume.server.accept-backoff.max", "less than 10ms")]
    [InlineData("resume.server.status-path = status", "resume.server.status-path", "must start with /")]
    [InlineData("resume.server.server-header = \"Resume\\r\\nX-Injected: 1\"", "resume.server.server-header", "cannot be a header value")]
    [InlineData("resume.limits = 5", "resume.limits", "is not a section")]
    [InlineData("resume.apps.upload.deadline = soon", "resume.apps.upload.deadline", "is not a duration")]
    [InlineData("resume.apps.hello = 5", "resume.apps.hello", "is not a section")]
    [InlineData("resume.logging.level = loud", "resume.logging.level", "is not a level")]
    [InlineData("resume.logging.levels { \"Resume.Request\" = chatty }", "resume.logging.levels.\"Resume.Request\"", "is not a level")]
    [InlineData("resume.access-log.format = apache", "resume.access-log.format", "is not a format")]
    [InlineData("resume.access-log.to = \"\"", "resume.access-log.to", "is empty")]
    [InlineData("resume.access-log.queue-size = 0", "resume.access-log.queue-size", "at least 1")]
    public void A_bad_value_is_refused_in_one_line_naming_its_key_and_what_is_wrong(string hocon, string key, string problem)
    {
        var error = Refused(hocon);
        Assert.Equal(key, error.Key);
        Assert.StartsWith(key + ": ", error.Message);
        Assert.Contains(problem, error.Message);
        Assert.DoesNotContain("\n", error.Message);
        Assert.DoesNotContain("\r", error.Message);
    }

    [Theory]
    [InlineData("resume.server.prot = 9000", "resume.server.prot", "resume.server.port")]
    [InlineData("resume.limit.max-body-size = 1m", "resume.limit.max-body-size", "resume.limits.max-body-size")]
    [InlineData("resume.request.empty-chunk-backoff.intial = 2ms", "resume.request.empty-chunk-backoff.intial", "resume.request.empty-chunk-backoff.initial")]
    [InlineData("resume.apps.upload.suspend-timout = 1s", "resume.apps.upload.suspend-timout", "resume.apps.upload.suspend-timeout")]
    [InlineData("resume.blocking-dispatcher.thread-cont = 2", "resume.blocking-dispatcher.thread-cont", "resume.blocking-dispatcher.thread-count")]
    public void An_unknown_key_is_refused_with_the_closest_known_one(string hocon, string key, string closest)
    {
        var error = Refused(hocon);
        Assert.Equal(key, error.Key);
        Assert.Equal($"{key}: not a known key (the closest known one is {closest})", error.Message);
    }

    [Fact]
    public void Log_levels_take_any_category_as_a_key()
    {
        var logging = Read("resume.logging { level = warning, levels { \"Resume.Request\" = debug, Akka = error, \"My.App\" = none } }").Logging;
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, logging.Level);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Debug, logging.Levels["Resume.Request"]);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Error, logging.Levels["Akka"]);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.None, logging.Levels["My.App"]);
    }

    [Fact]
    public void An_app_section_takes_only_the_keys_an_app_may_override()
    {
        Assert.Equal("resume.apps.hello.response-batch-bytes", Refused("resume.apps.hello.response-batch-bytes = 1k").Key);
    }

    [Fact]
    public void Host_names_are_taken_as_hosts_are_resolved_only_at_start()
    {
        Assert.Equal("localhost", Read("resume.server.host = localhost").Host);
        Assert.Equal("no-such-host.invalid", Read("resume.server.host = \"no-such-host.invalid\"").Host);
        Assert.Equal("::1", Read("resume.server.host = \"::1\"").Host);
    }

    [Theory]
    [InlineData("auto", "256", 1024L, 768)]
    [InlineData("auto", "0", 1024L, 1024)]
    [InlineData("auto", "256", null, int.MaxValue)]
    [InlineData("auto", "256", 10_000_000_000L, int.MaxValue)]
    [InlineData("500", "256", 300L, 500)]
    public void Max_connections_auto_is_what_the_descriptor_limit_leaves_past_the_reserve(string configured, string reserved, long? limit, int expected)
    {
        var config = ConfigurationFactory.ParseString($"resume.server.max-connections = {configured}\nresume.server.reserved-descriptors = {reserved}")
            .WithFallback(ResumeConfig.Defaults);
        Assert.Equal(expected, ServerSettings.MaxConnectionsFor(SettingsReader.Of(config, "resume").Section("server"), limit));
    }

    [Fact]
    public void Max_connections_auto_with_no_descriptor_left_is_refused_naming_the_reserve()
    {
        var config = ConfigurationFactory.ParseString("resume.server.reserved-descriptors = 256").WithFallback(ResumeConfig.Defaults);
        var error = Assert.Throws<SettingsException>(() => ServerSettings.MaxConnectionsFor(SettingsReader.Of(config, "resume").Section("server"), 200));
        Assert.Equal("resume.server.max-connections", error.Key);
        Assert.Contains("may open 200 files and resume.server.reserved-descriptors keeps 256", error.Message);
    }

    [Fact]
    public void An_app_section_falls_back_to_resume_request_key_by_key()
    {
        var settings = Read("resume.request.prebuffer-limit = 5m\nresume.apps.mine.prebuffer = on\nresume.apps.empty {}");
        Assert.True(settings.OptionsFor("mine").Prebuffer);
        Assert.Equal(5L * 1024 * 1024, settings.OptionsFor("mine").PrebufferLimit);
        Assert.Equal(TimeSpan.FromSeconds(60), settings.OptionsFor("mine").SuspendTimeout);
        Assert.Equal(settings.DefaultAppOptions, settings.OptionsFor("empty"));
        Assert.False(settings.OptionsFor("other").Prebuffer);
        Assert.Equal(5L * 1024 * 1024, settings.OptionsFor("other").PrebufferLimit);
    }

    [Fact]
    public void Keys_outside_resume_are_left_to_Akka()
    {
        var settings = Read("akka.not-a-key-resume-knows = 1\nakka.loglevel = DEBUG");
        Assert.Equal(8080, settings.Port);
    }

    [Fact]
    public void Command_line_values_are_set_as_values_never_pasted_into_HOCON()
    {
        const string app = "x\" }\nresume.server.port = 1\nresume { a {";
        const string statusPath = "/s\"t{a}\ntus";
        var options = CommandLine.Parse(["--app", app, "--status-path", statusPath, "--port", "9100"]);

        var settings = ServerSettings.FromConfig(ResumeConfig.Load(overrides: options.ToConfig()));

        Assert.Equal(app, settings.App);
        Assert.Equal(statusPath, settings.StatusPath);
        Assert.Equal(9100, settings.Port);
        var error = Assert.Throws<SettingsException>(() => ResumeHost.Bind(settings, AppCatalog.Named));
        Assert.Equal("resume.server.app", error.Key);
        Assert.DoesNotContain("\n", error.Message);
    }

    [Fact]
    public void A_host_from_the_command_line_is_checked_as_the_configured_one_is()
    {
        var options = CommandLine.Parse(["--host", "127.0.0.1\" }"]);
        var error = Assert.Throws<SettingsException>(() => ServerSettings.FromConfig(ResumeConfig.Load(overrides: options.ToConfig())));
        Assert.Equal("resume.server.host", error.Key);
    }

    [Fact]
    public void An_unknown_app_is_a_bad_value_of_resume_server_app()
    {
        var error = Assert.Throws<SettingsException>(() => ResumeHost.Bind(Read("resume.server.app = helo"), AppCatalog.Named));
        Assert.Equal("resume.server.app", error.Key);
        Assert.Contains("\"helo\" is not an app", error.Message);
        Assert.Contains("hello", error.Message);
    }

    [Fact]
    public void A_missing_or_unparsable_config_file_is_named_by_its_option()
    {
        Assert.Equal("--config", Assert.Throws<SettingsException>(() => ResumeConfig.Load("/no/such/resume.conf")).Key);

        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "resume.server.port = ${no.such.key}\n");
            var error = Assert.Throws<SettingsException>(() => ResumeConfig.Load(file));
            Assert.Equal("--config", error.Key);
            Assert.DoesNotContain("\n", error.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("30s", 30_000L)]
    [InlineData("500ms", 500L)]
    [InlineData("100 ms", 100L)]
    [InlineData("1.5s", 1_500L)]
    [InlineData("2m", 120_000L)]
    [InlineData("1h", 3_600_000L)]
    [InlineData("1d", 86_400_000L)]
    [InlineData("250000us", 250L)]
    [InlineData("0s", 0L)]
    public void Durations_read_as_Akka_reads_them(string text, long milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), SettingsSyntax.Duration(text));

    [Theory]
    [InlineData("7", 7L)]
    [InlineData("16k", 16L * 1024)]
    [InlineData("16K", 16L * 1024)]
    [InlineData("1kB", 1000L)]
    [InlineData("10m", 10L * 1024 * 1024)]
    [InlineData("1MB", 1_000_000L)]
    [InlineData("2g", 2L * 1024 * 1024 * 1024)]
    [InlineData("64 KiB", 64L * 1024)]
    public void Sizes_read_as_Akka_reads_them(string text, long bytes) =>
        Assert.Equal(bytes, SettingsSyntax.Size(text));

    [Fact]
    public void The_closest_key_is_the_fewest_edits_away()
    {
        Assert.Equal(3, KeySuggestion.Distance("kitten", "sitting"));
        Assert.Equal(2, KeySuggestion.Distance("prot", "port"));
        Assert.Equal("resume.server.port", KeySuggestion.Closest("resume.server.prot", ["resume.server.host", "resume.server.port", "resume.limits.max-body-size"]));
    }

    [Theory]
    [InlineData("resume.server.prot = 9000", "resume.server.prot")]
    [InlineData("resume.limits.max-body-size = lots", "resume.limits.max-body-size")]
    public async Task The_executable_exits_2_with_one_line_naming_the_key_and_no_stack_trace(string hocon, string key)
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, hocon + "\n");
        var executable = typeof(StockHost).Assembly.Location;
        using var process = Process.Start(new ProcessStartInfo("dotnet", [executable, "--config", file, "--host", "127.0.0.1", "--port", "0"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        try
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

            Assert.Equal(2, process.ExitCode);
            var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith($"Configuration error: {key}: ", line);
            Assert.DoesNotContain("Exception", error);
            Assert.Empty(await output);
        }
        finally
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
            File.Delete(file);
        }
    }

    private static ServerSettings Read(string hocon) =>
        ServerSettings.FromConfig(ConfigurationFactory.ParseString(hocon).WithFallback(ResumeConfig.Defaults));

    private static SettingsException Refused(string hocon) => Assert.Throws<SettingsException>(() => Read(hocon));
}
