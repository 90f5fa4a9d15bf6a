using Akka.Actor;
using Resume.Actors.Apps;
using Resume.Actors.Hosting;
using Resume.Apps;

namespace Resume.Actors.Tests.Support;

/// <summary>Servers on 127.0.0.1 and an ephemeral port, with the embedded default configuration.</summary>
public static class TestServers
{
    private static int _names;

    public static ServerSettings Settings { get; } = ServerSettings.FromConfig(ResumeConfig.Defaults) with { Host = "127.0.0.1", Port = 0 };

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
