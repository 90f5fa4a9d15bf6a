using System.Net;
using Resume.Actors.Tests.Support;
using Xunit.Abstractions;

namespace Resume.Actors.Tests.Deploy;

/// <summary>What the container runs — the <c>dotnet publish</c> output of the Dockerfile's project, its entry point's DLL — starts, serves, and stops on SIGTERM with exit 0.</summary>
[Collection(TimingSensitive.Name)]
public sealed class PublishedServerSpec(PublishedServer published, ITestOutputHelper output)
{
    [Fact]
    public async Task The_publish_output_starts_with_the_deployed_configuration_serves_hello_and_exits_0_on_SIGTERM()
    {
        var dll = await published.DllAsync();
        await using var server = ServerProcess.Start(dll,
            ["--app", "hello", "--host", "127.0.0.1", "--port", "0", "--config", RepositoryRoot.File(DeployedConfig.OverlayPath)]);
        var endpoint = await server.ListeningAsync(TimeSpan.FromSeconds(60));

        var hello = await GetAsync(endpoint, "/hello");
        Assert.Equal(200, hello.Status);
        Assert.Equal("Hello, World!", hello.BodyText);
        var settings = DeployedConfig.Settings();
        Assert.Equal(200, (await GetAsync(endpoint, settings.ReadinessPath!)).Status);
        Assert.Equal(200, (await GetAsync(endpoint, settings.LivenessPath!)).Status);

        await server.SignalAsync("TERM");
        // The deployed unbind delay comes first, then the drain of nothing.
        Assert.Equal(0, await server.ExitCodeAsync(DrainBudget.OfDeployment().Total));
        output.WriteLine(string.Join('\n', server.Output.TakeLast(10)));
    }

    private static async Task<RawResponse> GetAsync(IPEndPoint endpoint, string target)
    {
        await using var client = await RawHttpClient.ConnectAsync(endpoint);
        return await OneShotHttp.ExchangeAsync(client, "GET", target, null, TimeSpan.FromSeconds(10));
    }
}
