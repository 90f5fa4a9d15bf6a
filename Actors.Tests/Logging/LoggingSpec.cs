using Akka.Event;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Resume.Actors.Hosting;
using Resume.Actors.Logging;
using Resume.Actors.Tests.Support;
using Resume.Apps;
using Xunit.Abstractions;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace Resume.Actors.Tests.Logging;

/// <summary>
/// Logs an operator can use, on a real server over 127.0.0.1: a category per component, the request
/// id in scope of a request's lines, levels from HOCON under the host's configuration, and an app's
/// exception logged once.
/// </summary>
public sealed class LoggingSpec(ITestOutputHelper output) : ServerSpec(output)
{
    private const string ErrorsLine = "a line for the operator";

    [Fact]
    public async Task Each_component_logs_under_its_category_and_a_request_s_lines_carry_its_id()
    {
        var logs = new CapturedLogs();
        var options = TestServers.Settings.DefaultAppOptions with { SuspendTimeout = TimeSpan.FromMilliseconds(300) };
        var server = ResumeServer.Start(Sys, TestServers.Settings, App, options, $"logging-{Guid.NewGuid():N}", logs.Factory());
        await using (var client = await RawHttpClient.ConnectAsync(server.Endpoint))
        {
            await client.SendAsync(Get("/errors"));
            Assert.Equal(200, (await client.ReadResponseAsync()).Status);
            await client.SendAsync(Get("/hang"));
            Assert.Equal(504, (await client.ReadResponseAsync()).Status);
        }
        await using (var garbage = await RawHttpClient.ConnectAsync(server.Endpoint))
        {
            await garbage.SendAsync("NOT HTTP\r\n\r\n");
            Assert.Equal(400, (await garbage.ReadResponseAsync()).Status);
        }
        await server.StopAsync(Dilated(TimeSpan.FromSeconds(30)));
        var entries = logs.Entries;
        foreach (var entry in entries)
            Output.WriteLine($"{entry.Level} {entry.Category} [{string.Join(", ", entry.Scope.Select(s => $"{s.Key}={s.Value}"))}] {entry.Message}");

        Assert.Contains(entries, e => e.Category == LogCategories.Server && e.Message.StartsWith("Listening on http://", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.Category == LogCategories.Server && e.Message.StartsWith("Draining", StringComparison.Ordinal));

        var written = Assert.Single(entries, e => e.Message.Contains(ErrorsLine, StringComparison.Ordinal));
        Assert.Equal(LogCategories.App, written.Category);
        AssertInRequestScope(written);

        var timedOut = Assert.Single(entries, e => e.Message.Contains("suspend timeout passed", StringComparison.Ordinal));
        Assert.Equal(LogCategories.Request, timedOut.Category);
        Assert.Equal(LogLevel.Warning, timedOut.Level);
        AssertInRequestScope(timedOut);
        Assert.NotEqual(written.Scope["RequestId"], timedOut.Scope["RequestId"]);
        Assert.Equal(written.Scope["ConnectionId"], timedOut.Scope["ConnectionId"]);

        var refused = Assert.Single(entries, e => e.Message.Contains("refused with 400", StringComparison.Ordinal));
        Assert.Equal(LogCategories.Connection, refused.Category);
        Assert.Equal(2L, refused.Scope["ConnectionId"]);
    }

    [Fact]
    public async Task Without_a_logger_factory_the_lines_go_to_the_actor_system_s_event_stream_by_category()
    {
        var probe = CreateTestProbe();
        Sys.EventStream.Subscribe(probe.Ref, typeof(Info));
        var server = TestServers.Start(Sys, App);
        var listening = (Info)await probe.FishForMessageAsync(
            m => m is Info info && info.Message.ToString()!.StartsWith("Listening on http://", StringComparison.Ordinal), Dilated(TimeSpan.FromSeconds(10)));
        Assert.Equal(LogCategories.Server, listening.LogSource);
        await server.StopAsync(Dilated(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Without_a_logger_factory_a_level_below_akka_s_is_not_dropped_silently()
    {
        Assert.Equal(Akka.Event.LogLevel.InfoLevel, Sys.EventStream.LogLevel);
        var probe = CreateTestProbe();
        Sys.EventStream.Subscribe(probe.Ref, typeof(Warning));
        var settings = TestServers.Settings with
        {
            Logging = TestServers.Settings.Logging with { Levels = new Dictionary<string, LogLevel> { [LogCategories.Request] = LogLevel.Debug } },
        };
        var server = TestServers.Start(Sys, App, settings);
        var warning = (Warning)await probe.FishForMessageAsync(
            m => m is Warning w && w.Message.ToString()!.Contains("below akka.loglevel", StringComparison.Ordinal), Dilated(TimeSpan.FromSeconds(10)));
        Assert.Contains(LogCategories.Request, warning.Message.ToString(), StringComparison.Ordinal);
        await server.StopAsync(Dilated(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Levels_come_from_HOCON_and_the_host_s_configuration_wins_for_the_same_category()
    {
        const string hocon = """resume.logging { level = warning, levels { "Resume.Request" = error, "Resume.App" = error } }""";
        var logs = new CapturedLogs();
        using (var host = await StartHostAsync(logs, hocon, new() { ["Logging:LogLevel:Resume.Request"] = "Debug" }))
        {
            var factory = host.Services.GetRequiredService<ILoggerFactory>();
            Assert.True(factory.CreateLogger(LogCategories.Request).IsEnabled(LogLevel.Debug), "the configuration's Debug wins over HOCON's error");
            Assert.False(factory.CreateLogger(LogCategories.App).IsEnabled(LogLevel.Warning), "HOCON's error for Resume.App");
            Assert.False(factory.CreateLogger(LogCategories.Server).IsEnabled(LogLevel.Information), "HOCON's level = warning for the rest");
            Assert.True(factory.CreateLogger(LogCategories.Server).IsEnabled(LogLevel.Warning));

            var endpoint = (await host.Services.GetRequiredService<RunningServer>().Started).Endpoint;
            await using var client = await RawHttpClient.ConnectAsync(endpoint);
            await client.SendAsync(Get("/errors"));
            Assert.Equal(200, (await client.ReadResponseAsync()).Status);
            await client.SendAsync(Get("/hang"));
            Assert.Equal(504, (await client.ReadResponseAsync()).Status);
            await host.StopAsync();
        }
        Assert.Contains(logs.Entries, e => e.Category == LogCategories.Request && e.Message.Contains("suspend timeout passed", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains(ErrorsLine, StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Entries, e => e.Category.StartsWith("Resume.", StringComparison.Ordinal) && e.Level < LogLevel.Warning && e.Category != LogCategories.Request);

        // Without the configuration's rule, HOCON's error holds for Resume.Request.
        var quiet = new CapturedLogs();
        using (var host = await StartHostAsync(quiet, hocon, []))
        {
            Assert.False(host.Services.GetRequiredService<ILoggerFactory>().CreateLogger(LogCategories.Request).IsEnabled(LogLevel.Warning));
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task An_app_s_exception_is_logged_once_with_its_request_id()
    {
        var logs = new CapturedLogs();
        using (var host = await StartHostAsync(logs, "", []))
        {
            var endpoint = (await host.Services.GetRequiredService<RunningServer>().Started).Endpoint;
            await using var client = await RawHttpClient.ConnectAsync(endpoint);
            await client.SendAsync(Get("/fail"));
            var response = await client.ReadResponseAsync();
            Assert.Equal(500, response.Status);
            // The connection is still served: the failure stayed in its request.
            await client.SendAsync(Get("/ok"));
            Assert.Equal(200, (await client.ReadResponseAsync()).Status);
            await host.StopAsync();
            var failure = Assert.Single(logs.Entries, e => e.Exception is not null);
            Assert.Equal(LogCategories.App, failure.Category);
            Assert.Equal(LogLevel.Error, failure.Level);
            Assert.IsType<InvalidOperationException>(failure.Exception);
            AssertInRequestScope(failure);
            // The id the client was given is the one in the log.
            Assert.Contains($"request {failure.Scope["RequestId"]}", response.BodyText, StringComparison.Ordinal);
        }
    }

    private static void AssertInRequestScope(CapturedLogs.Entry entry)
    {
        var requestId = Assert.IsType<string>(entry.Scope["RequestId"]);
        Assert.Contains($"[{requestId}]", entry.Message, StringComparison.Ordinal);
        Assert.StartsWith($"{entry.Scope["ConnectionId"]}-", requestId, StringComparison.Ordinal);
    }

    private static async Task<IHost> StartHostAsync(CapturedLogs logs, string hocon, Dictionary<string, string?> configuration)
    {
        var config = new ConfigurationManager();
        config.AddInMemoryCollection([new("hostBuilder:reloadConfigOnChange", "false"), .. configuration]);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Configuration = config, DisableDefaults = true });
        // What Host.CreateApplicationBuilder's defaults do: Logging:LogLevel from the configuration.
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Logging.AddProvider(logs);
        builder.Services.AddResume(resume =>
        {
            resume.Serve(App);
            resume.Hocon = "resume.server { host = \"127.0.0.1\", port = 0 }\nresume.request.suspend-timeout = 300ms\n" + hocon;
            resume.Environment = new Dictionary<string, string>();
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static IEnumerable<Step> App(Environ environ, StartResponse startResponse)
    {
        switch (environ.PathInfo)
        {
            case "/fail":
                throw new InvalidOperationException("the app's own failure");
            case "/errors":
                environ.Errors.Write(ErrorsLine + "\n");
                break;
            case "/hang":
                yield return new TaskCompletionSource().Task;
                break;
        }
        startResponse("200 OK", [new("Content-Type", "text/plain")]);
        yield return "ok";
    }
}
