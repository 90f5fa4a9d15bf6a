using Akka.Actor;
using Akka.Configuration;
using Resume.Actors.Apps;
using Resume.Actors.Hosting;
using Resume.Apps;
using Resume.Apps.Samples;

namespace Resume.Actors.Tests.Support;

/// <summary>Servers on 127.0.0.1 and an ephemeral port, with the embedded default configuration and the samples'.</summary>
public static class TestServers
{
    private static int _names;

    /// <summary>The defaults with the samples' HOCON (their entity and job types), as the stock executable runs.</summary>
    public static Config Config { get; } = ResumeConfig.Load(appDefaults: ConfigurationFactory.ParseString(AppCatalog.Hocon));

    public static ServerSettings Settings { get; } = ServerSettings.FromConfig(Config) with { Host = "127.0.0.1", Port = 0 };

    /// <summary>An executor for request actors started without a server.</summary>
    public static DedicatedExecutor Executor { get; } = new(4, "test-executor");

    public static ResumeServer Start(ActorSystem system, App app, ServerSettings? settings = null, AppOptions? options = null) =>
        ResumeServer.Start(system, settings ?? Settings, app, options, $"server-{Interlocked.Increment(ref _names)}");

    /// <summary>The demo with every sample, each run as HOCON says (blocking registered as blocking).</summary>
    public static AppBinding Demo(ServerSettings? settings = null) =>
        AppBinding.Routed(AppCatalog.DemoName, AppCatalog.Demo(), (settings ?? Settings).OptionsFor);

    public static ResumeServer Start(ActorSystem system, AppBinding apps, ServerSettings? settings = null) =>
        ResumeServer.Start(system, settings ?? Settings, apps, $"server-{Interlocked.Increment(ref _names)}");
}
