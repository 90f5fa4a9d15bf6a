using System.Net;
using Akka.Actor;
using Akka.Configuration;
using Resume.Actors.Apps;
using Resume.Actors.Hosting;
using Resume.Actors.Stats;
using Resume.Apps;
using Resume.Apps.Routing;

namespace Resume.Actors.Testing;

/// <summary>
/// A real Resume for an app author's tests, as ASP.NET Core's <c>WebApplicationFactory</c>: the
/// server on 127.0.0.1 and a free port, with the embedded defaults (plus any HOCON given), serving
/// the app(s) over real sockets; <see cref="Client"/> talks to it; disposing drains and stops it.
/// <code>
/// await using var host = ResumeTestHost.Start(MyApp.Run);
/// var text = await host.Client.GetStringAsync("/items/7");
/// </code>
/// </summary>
public sealed class ResumeTestHost : IAsyncDisposable
{
    private readonly ActorSystem _system;
    private readonly ResumeServer _server;
    private readonly TimeSpan _drainDeadline;

    private ResumeTestHost(ActorSystem system, ResumeServer server, TimeSpan drainDeadline)
    {
        _system = system;
        _server = server;
        _drainDeadline = drainDeadline;
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>A client of the server, its base address set.</summary>
    public HttpClient Client { get; }

    public IPEndPoint Endpoint => _server.Endpoint;

    public Uri BaseAddress => new($"http://{_server.Endpoint}/");

    /// <summary>What the status endpoint shows: requests in flight, totals.</summary>
    public ServerStats Stats => _server.Stats;

    /// <summary>Serves <paramref name="app"/> on every path; <paramref name="options"/> as <c>resume.request</c> says unless given.</summary>
    /// <param name="hocon">HOCON over the defaults, e.g. <c>"resume.request.suspend-timeout = 2s"</c>.</param>
    public static ResumeTestHost Start(App app, AppOptions? options = null, string? hocon = null)
    {
        var (system, settings) = Boot(hocon);
        return Started(system, settings, AppBinding.Single("app", app, options ?? settings.DefaultAppOptions));
    }

    /// <summary>Serves each app under its path prefix (<c>"/todos"</c>), each with the options <c>resume.apps.NAME</c> gives its name.</summary>
    public static ResumeTestHost Start(IReadOnlyDictionary<string, App> mounts, string? hocon = null)
    {
        var (system, settings) = Boot(hocon);
        var router = new PathPrefixRouter(mounts.Select(m => KeyValuePair.Create(m.Key.Trim('/'), m.Value)));
        return Started(system, settings, AppBinding.Routed("app", router, settings.OptionsFor));
    }

    /// <summary>Lets requests in flight finish (up to the drain deadline), then stops the server and its actor system.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _server.StopAsync(_drainDeadline + TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        finally
        {
            // After the drain: disposing the client first would cancel its requests still in flight.
            Client.Dispose();
            await _system.Terminate().ConfigureAwait(false);
        }
    }

    private static (ActorSystem System, ServerSettings Settings) Boot(string? hocon)
    {
        // The test's own HOCON over loopback and a free port, over the embedded defaults.
        var loopback = ConfigurationFactory.ParseString("resume.server.host = \"127.0.0.1\"\nresume.server.port = 0\n");
        var overrides = hocon is null ? loopback : ConfigurationFactory.ParseString(hocon).WithFallback(loopback);
        var config = ResumeConfig.Load(overrides: overrides);
        var settings = ServerSettings.FromConfig(config);
        return (ActorSystem.Create("resume-test", config), settings);
    }

    private static ResumeTestHost Started(ActorSystem system, ServerSettings settings, AppBinding apps)
    {
        try
        {
            return new ResumeTestHost(system, ResumeServer.Start(system, settings, apps), settings.DrainDeadline);
        }
        catch
        {
            system.Terminate().Wait(TimeSpan.FromSeconds(10));
            throw;
        }
    }
}
