using System.Globalization;
using Resume.Actors.Tests.Support;
using Xunit.Abstractions;

namespace Resume.Actors.Tests;

/// <summary>A server owns its port: a second instance on it fails at start, unless both share it on purpose (resume.server.reuse-port).</summary>
public sealed class PortOwnershipSpec(ITestOutputHelper output) : ServerSpec(output)
{
    [Fact]
    public async Task A_second_instance_on_a_port_in_use_exits_2_with_one_line()
    {
        await using var first = ServerProcess.Start(["--app", "hello", "--host", "127.0.0.1", "--port", "0"]);
        var port = (await first.ListeningAsync(Dilated(TimeSpan.FromSeconds(60)))).Port.ToString(CultureInfo.InvariantCulture);

        await using var second = ServerProcess.Start(["--app", "hello", "--host", "127.0.0.1", "--port", port]);

        Assert.Equal(2, await second.ExitCodeAsync(Dilated(TimeSpan.FromSeconds(60))));
        var line = Assert.Single(second.Errors, l => l.Length > 0);
        Assert.Equal($"Configuration error: resume.server.port: 127.0.0.1:{port} is in use by another process (resume.server.reuse-port = on shares a port on purpose)", line);
        await using var client = await RawHttpClient.ConnectAsync(new(System.Net.IPAddress.Loopback, int.Parse(port, CultureInfo.InvariantCulture)));
        await client.SendAsync(Get("/"));
        Assert.Equal("Hello, World!", (await client.ReadResponseAsync()).BodyText);
    }

    [Fact]
    public async Task With_reuse_port_on_two_instances_listen_on_one_port()
    {
        var config = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(config, "resume.server.reuse-port = on\n");
            await using var first = ServerProcess.Start(["--config", config, "--app", "hello", "--host", "127.0.0.1", "--port", "0"]);
            var endpoint = await first.ListeningAsync(Dilated(TimeSpan.FromSeconds(60)));
            var port = endpoint.Port.ToString(CultureInfo.InvariantCulture);

            await using var second = ServerProcess.Start(["--config", config, "--app", "hello", "--host", "127.0.0.1", "--port", port]);

            Assert.Equal(endpoint, await second.ListeningAsync(Dilated(TimeSpan.FromSeconds(60))));
        }
        finally
        {
            File.Delete(config);
        }
    }
}
