using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Resume.Actors.Hosting;
using Resume.Actors.Stats;
using Resume.Apps;

namespace Resume.Actors.Testing;

/// <summary>
/// A real Resume for an app author's tests, as ASP.NET Core's <c>WebApplicationFactory</c>: the same
/// generic host and <c>AddResume</c> a program runs, on 127.0.0.1 and a free port, serving the app(s)
/// over real sockets; <see cref="Client"/> talks to it; disposing drains and stops it.
/// <code>
/// await using var host = await ResumeTestHost.StartAsync(MyApp.Run);
/// var text = await host.Client.GetStringAsync("/items/7");
///
/// // Apps made from the host's services, as in Program.cs:
/// await using var host = await ResumeTestHost.StartAsync(
///     resume => resume.Mount("/todos", services => new TodoApp(services.GetRequiredService&lt;TodoStore&gt;()).Run),
///     services => services.AddSingleton(new TodoStore(testDatabase)));
/// </code>
/// </summary>
public sealed class ResumeTestHost : IAsyncDisposable
{
    // Loopback and a port the kernel picks, under whatever HOCON the test gives.
    private const string Loopback = "resume.server.host = \"127.0.0.1\"\nresume.server.port = 0\n";

    private readonly IHost _host;
    private readonly ResumeServer _server;

    private ResumeTestHost(IHost host, ResumeServer server)
    {
        _host = host;
        _server = server;
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>A client of the server, its base address set.</summary>
    public HttpClient Client { get; }

    public IPEndPoint Endpoint => _server.Endpoint;

    public Uri BaseAddress => new($"http://{_server.Endpoint}/");

    /// <summary>What the status endpoint shows: requests in flight, totals.</summary>
    public ServerStats Stats => _server.Stats;

    /// <summary>The host's services (those the apps were made from).</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>Serves <paramref name="app"/> on every path.</summary>
    /// <param name="hocon">HOCON over the defaults, e.g. <c>"resume.request.suspend-timeout = 2s"</c>.</param>
    public static Task<ResumeTestHost> StartAsync(App app, string? hocon = null) =>
        StartAsync(resume => resume.Serve(app).Hocon = hocon);

    /// <summary>Serves each app under its path prefix (<c>"/todos"</c>), each with the options <c>resume.apps.NAME</c> gives its name.</summary>
    public static Task<ResumeTestHost> StartAsync(IReadOnlyDictionary<string, App> mounts, string? hocon = null) =>
        StartAsync(resume =>
        {
            foreach (var (prefix, app) in mounts)
                resume.Mount(prefix, app);
            resume.Hocon = hocon;
        });

    /// <summary>
    /// Serves what <paramref name="configure"/> mounts, exactly as <c>AddResume</c> in a program would,
    /// with the services <paramref name="services"/> adds. The machine's <c>RESUME_*</c> variables are
    /// not read, so that a test runs the same everywhere.
    /// </summary>
    public static async Task<ResumeTestHost> StartAsync(Action<ResumeOptions> configure, Action<IServiceCollection>? services = null)
    {
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection([new("hostBuilder:reloadConfigOnChange", "false")]);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Configuration = configuration, DisableDefaults = true });
        // Warnings and errors reach the test's output; the server's info lines would drown it. A rule, not
        // the minimum level: resume.logging.level is a rule too, beneath the host's for the same category.
        builder.Logging.AddConsole().AddFilter((string?)null, LogLevel.Warning);
        services?.Invoke(builder.Services);
        builder.Services.AddResume(resume =>
        {
            configure(resume);
            resume.Hocon = Loopback + resume.Hocon;
            resume.Environment = new Dictionary<string, string>();
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync().ConfigureAwait(false);
            var server = await host.Services.GetRequiredService<RunningServer>().Started.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            return new ResumeTestHost(host, server);
        }
        catch
        {
            await StopAsync(host).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Lets requests in flight finish (up to the drain deadline), then stops the server and its actor system.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync(_host).ConfigureAwait(false);
        }
        finally
        {
            // After the drain: disposing the client first would cancel its requests still in flight.
            Client.Dispose();
        }
    }

    private static async Task StopAsync(IHost host)
    {
        try
        {
            await host.StopAsync().ConfigureAwait(false);
        }
        finally
        {
            host.Dispose();
        }
    }
}
