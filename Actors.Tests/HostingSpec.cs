using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Resume.Actors.Hosting;
using Resume.Actors.Server;
using Resume.Actors.Tests.Support;
using Resume.Tool;
using Xunit.Abstractions;

namespace Resume.Actors.Tests;

/// <summary>The server as users start and stop it: the generic host, and the executable itself.</summary>
public sealed partial class HostingSpec(ITestOutputHelper output) : ServerSpec(output)
{
    [Fact]
    public async Task Stopping_the_host_unbinds_then_lets_the_request_in_flight_finish()
    {
        using var host = StockHost.Build(new CommandLine("demo", "127.0.0.1", 0, null, StatusPath: "/_status"));
        await host.StartAsync();
        var server = await host.Services.GetRequiredService<ActorRegistry>().GetAsync<ServerActor>();
        var endpoint = (await server.Ask<ServerActor.Bound>(ServerActor.GetBinding.Instance, Dilated(TimeSpan.FromSeconds(5)))).Endpoint;

        await using var client = await RawHttpClient.ConnectAsync(endpoint);
        await client.SendAsync("GET /sleep?ms=1500 HTTP/1.1\r\nHost: test\r\n\r\n");
        // Stop only once the request is in flight: one not yet read would rightly not be answered.
        await AwaitAssertAsync(async () => Assert.Equal("/sleep", await InFlightPathAsync(endpoint)), Dilated(TimeSpan.FromSeconds(10)));
        var stopping = host.StopAsync();

        var response = await client.ReadResponseAsync();
        Assert.Equal(200, response.Status);
        Assert.Equal("ok", response.BodyText);
        Assert.True(await client.IsClosedByServerAsync(), "a drained connection closes after its response");
        await stopping.WaitAsync(Dilated(TimeSpan.FromSeconds(30)));
        await Assert.ThrowsAnyAsync<SocketException>(() => RawHttpClient.ConnectAsync(endpoint));
    }

    [Fact]
    public void The_embedded_configuration_documents_sane_defaults()
    {
        var settings = ServerSettings.FromConfig(ResumeConfig.Defaults);
        Assert.Equal(8080, settings.Port);
        Assert.Equal("demo", settings.App);
        Assert.Equal(4096, settings.Limits.MaxRequestLine);
        Assert.Equal(100L * 1024 * 1024, settings.Limits.MaxBodySize);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.DrainDeadline);
    }

    [Fact]
    public void A_config_file_and_the_command_line_layer_over_the_defaults()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "resume.server.port = 9000\nresume.limits.max-header-count = 20\n");
            var options = CommandLine.Parse(["--config", file, "--port", "9100", "--app", "hello"]);
            var settings = ServerSettings.FromConfig(ResumeConfig.Load(options.ConfigFile, options.ToConfig()));
            Assert.Equal(9100, settings.Port);
            Assert.Equal(20, settings.Limits.MaxHeaderCount);
            Assert.Equal("hello", settings.App);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Deadlines_come_from_the_config_file_for_every_app_and_per_app()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "resume.request.suspend-timeout = 3s\nresume.request.deadline = 20s\nresume.apps.sleep.deadline = 1s\n");
            var settings = ServerSettings.FromConfig(ResumeConfig.Load(file));
            Assert.Equal(TimeSpan.FromSeconds(3), settings.OptionsFor("hello").SuspendTimeout);
            Assert.Equal(TimeSpan.FromSeconds(20), settings.OptionsFor("hello").Deadline);
            Assert.Equal(TimeSpan.FromSeconds(1), settings.OptionsFor("sleep").Deadline);
            Assert.Equal(TimeSpan.FromSeconds(3), settings.OptionsFor("sleep").SuspendTimeout);
            Assert.True(settings.OptionsFor("blocking").Blocking);
            Assert.False(settings.OptionsFor("sleep").Blocking);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("--port", "seventy")]
    [InlineData("--bogus", "1")]
    [InlineData("--app")]
    public void Bad_command_lines_are_refused_with_a_reason(params string[] args) =>
        Assert.NotEmpty(Assert.Throws<ArgumentException>(() => CommandLine.Parse(args)).Message);

    [Fact]
    public async Task The_executable_serves_an_app_and_stops_cleanly_on_SIGTERM()
    {
        var executable = typeof(StockHost).Assembly.Location;
        using var process = Process.Start(new ProcessStartInfo("dotnet", [executable, "--app", "hello", "--host", "127.0.0.1", "--port", "0"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        try
        {
            var endpoint = await ReadListeningEndpointAsync(process, Dilated(TimeSpan.FromSeconds(60)));
            await using (var client = await RawHttpClient.ConnectAsync(endpoint))
            {
                await client.SendAsync("GET /anything HTTP/1.1\r\nHost: test\r\n\r\n");
                Assert.Equal("Hello, World!", (await client.ReadResponseAsync()).BodyText);
            }

            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
                await kill.WaitForExitAsync();
            await process.WaitForExitAsync().WaitAsync(Dilated(TimeSpan.FromSeconds(30)));
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task The_executable_refuses_an_unknown_app_with_a_clear_message()
    {
        var executable = typeof(StockHost).Assembly.Location;
        using var process = Process.Start(new ProcessStartInfo("dotnet", [executable, "--bogus", "x"]) { RedirectStandardError = true })!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(Dilated(TimeSpan.FromSeconds(30)));
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("Unknown option '--bogus'", error);
    }

    /// <summary>The path of the one request in flight, as the status endpoint shows it.</summary>
    private static async Task<string?> InFlightPathAsync(IPEndPoint endpoint)
    {
        await using var client = await RawHttpClient.ConnectAsync(endpoint);
        await client.SendAsync("GET /_status HTTP/1.1\r\nHost: test\r\n\r\n");
        using var status = JsonDocument.Parse((await client.ReadResponseAsync()).Body);
        return Assert.Single(status.RootElement.GetProperty("in_flight").EnumerateArray()).GetProperty("path").GetString();
    }

    private static async Task<IPEndPoint> ReadListeningEndpointAsync(Process process, TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            var match = ListeningLine().Match(line);
            if (match.Success)
                return IPEndPoint.Parse(match.Groups[1].Value);
        }
        throw new InvalidOperationException("The server exited without saying where it listens.");
    }

    [GeneratedRegex(@"Listening on http://(\S+)")]
    private static partial Regex ListeningLine();
}
