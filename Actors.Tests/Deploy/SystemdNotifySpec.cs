using System.Diagnostics;
using System.Net;
using Resume.Actors.Hosting;
using Resume.Actors.Tests.Support;
using Resume.Tool;
using Xunit.Abstractions;

namespace Resume.Actors.Tests.Deploy;

/// <summary>
/// deploy/systemd/resume.service is <c>Type=notify</c>: the server process itself, given
/// <c>NOTIFY_SOCKET</c> as systemd gives it, must say <c>READY=1</c> only once it serves, and
/// <c>STOPPING=1</c> as soon as SIGTERM starts its graceful stop. The test is systemd here: it binds
/// the datagram socket and reads what the process sends.
/// </summary>
[Collection(TimingSensitive.Name)]
public sealed class SystemdNotifySpec(ITestOutputHelper output)
{
    [Fact]
    public async Task The_server_notifies_READY_once_it_serves_and_STOPPING_as_SIGTERM_starts_its_graceful_stop()
    {
        using var notifications = new NotifySocket();
        var port = FixedPorts.Take(1)[0];
        var endpoint = new IPEndPoint(IPAddress.Loopback, port);
        var settings = DeployedConfig.Settings();
        await using var server = ServerProcess.Start(typeof(StockHost).Assembly.Location,
            ["--app", "hello", "--host", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
             "--config", RepositoryRoot.File(DeployedConfig.OverlayPath)],
            new Dictionary<string, string> { [SystemdNotification.SocketVariable] = notifications.Path });

        Assert.Equal("READY=1", await notifications.ReceiveAsync(TimeSpan.FromSeconds(60)));
        // At READY it serves: it accepts, answers, and its own readiness path says so (set once the
        // accept loop runs), with no retry or wait on the test's side.
        Assert.Equal(200, (await GetAsync(endpoint, "/hello")).Status);
        Assert.Equal(200, (await GetAsync(endpoint, settings.ReadinessPath!)).Status);

        var clock = Stopwatch.StartNew();
        await server.SignalAsync("TERM");
        Assert.Equal("STOPPING=1", await notifications.ReceiveAsync(TimeSpan.FromSeconds(5)));
        var stopping = clock.Elapsed;
        // STOPPING comes at the start of the stop, not its end: the unbind delay still runs, the port still serves.
        Assert.True(stopping < settings.UnbindDelay, $"STOPPING=1 came {stopping} after SIGTERM, past the unbind delay {settings.UnbindDelay}");
        Assert.Equal(200, (await GetAsync(endpoint, "/hello")).Status);
        Assert.Equal(503, (await GetAsync(endpoint, settings.ReadinessPath!)).Status);

        Assert.Equal(0, await server.ExitCodeAsync(DrainBudget.OfDeployment().Total));
        output.WriteLine($"READY=1, then STOPPING=1 {stopping.TotalMilliseconds:0} ms after SIGTERM; exit 0 after {clock.ElapsedMilliseconds} ms");
        // The package's own STOPPING=1 comes again at the end of the stop (SystemdStoppingNotice says why); nothing else.
        var later = new List<string>();
        while (await ReceiveOrNullAsync(notifications) is { } notification)
            later.Add(notification);
        Assert.All(later, n => Assert.Equal("STOPPING=1", n));
    }

    private static async Task<string?> ReceiveOrNullAsync(NotifySocket notifications)
    {
        try
        {
            return await notifications.ReceiveAsync(TimeSpan.FromMilliseconds(200));
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    private static async Task<RawResponse> GetAsync(IPEndPoint endpoint, string target)
    {
        await using var client = await RawHttpClient.ConnectAsync(endpoint);
        return await OneShotHttp.ExchangeAsync(client, "GET", target, null, TimeSpan.FromSeconds(10));
    }
}
