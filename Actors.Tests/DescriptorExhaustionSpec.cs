using System.Diagnostics;
using System.Net;
using Resume.Actors.Tests.Support;
using Xunit.Abstractions;

namespace Resume.Actors.Tests;

/// <summary>
/// The executable under a low limit on open files (prlimit), with more clients than descriptors: it
/// stays up, serves the connections it has, and serves new clients as soon as descriptors free up.
/// </summary>
[Collection(TimingSensitive.Name)]
public sealed class DescriptorExhaustionSpec(ITestOutputHelper output) : ServerSpec(output)
{
    // Small enough to exhaust in a second or two, large enough for the runtime's own descriptors.
    private const int OpenFiles = 500;

    private static readonly TimeSpan HoldExhausted = TimeSpan.FromSeconds(35);

    [Fact]
    public async Task Out_of_descriptors_it_pauses_accepting_serves_its_connections_and_accepts_again_once_they_close()
    {
        // A fixed max-connections above the limit, so that accept itself runs out of descriptors.
        var (server, endpoint) = await StartAsync("resume.server.max-connections = 100000\n");
        await using var _ = server;

        var early = new List<RawHttpClient>();
        var flood = new List<RawHttpClient>();
        try
        {
            for (var i = 0; i < 5; i++)
            {
                var client = await RawHttpClient.ConnectAsync(endpoint);
                early.Add(client);
                await client.SendAsync(Get("/hello"));
                Assert.Equal(200, (await client.ReadResponseAsync()).Status);
            }
            // Requests in flight when the descriptors run out.
            foreach (var client in early)
                await client.SendAsync(Get("/sleep?ms=1000"));

            // More connections than the process may have descriptors: the kernel completes them all
            // (the backlog holds those not accepted).
            for (var i = 0; i < OpenFiles; i++)
                flood.Add(await RawHttpClient.ConnectAsync(endpoint));
            await server.WaitForLineAsync(new("Accepting paused: out of file descriptors"), Dilated(TimeSpan.FromSeconds(30)));

            foreach (var client in early)
                Assert.Equal("ok", (await client.ReadResponseAsync()).BodyText);

            // Out of descriptors for longer than the process used to last (it aborted 15–30 s in, when
            // the runtime could not start a thread), serving its connections all along.
            var exhausted = Stopwatch.StartNew();
            while (exhausted.Elapsed < HoldExhausted)
            {
                foreach (var client in early)
                {
                    await client.SendAsync(Get("/hello"));
                    Assert.Equal(200, (await client.ReadResponseAsync()).Status);
                }
                await Task.Delay(TimeSpan.FromMilliseconds(250));
            }

            var freed = Stopwatch.StartNew();
            foreach (var client in flood)
                await client.DisposeAsync();
            flood.Clear();
            await using (var late = await RawHttpClient.ConnectAsync(endpoint))
            {
                await late.SendAsync(Get("/hello"));
                Assert.Equal("Hello, World!", (await late.ReadResponseAsync(timeout: Dilated(TimeSpan.FromSeconds(30)))).BodyText);
            }
            Output.WriteLine($"limit {OpenFiles} open files, {OpenFiles + early.Count + 1} connections, out of descriptors for {exhausted.Elapsed.TotalSeconds:F0} s: a new client served {freed.ElapsedMilliseconds} ms after the others closed");
            var resumed = await server.WaitForLineAsync(new(@"Accepting again after (\d+) ms paused \((\d+) failed attempts\)"), Dilated(TimeSpan.FromSeconds(10)));
            Output.WriteLine(resumed.Value);

            Assert.Single(server.Output, line => line.Contains("Accepting paused", StringComparison.Ordinal));
            await server.SignalAsync("TERM");
            Assert.Equal(0, await server.ExitCodeAsync(Dilated(TimeSpan.FromSeconds(30))));
        }
        finally
        {
            foreach (var client in early.Concat(flood))
                await client.DisposeAsync();
            Output.WriteLine($"The server's stderr:\n{string.Join('\n', server.Errors)}");
        }
    }

    [Fact]
    public async Task With_max_connections_auto_clients_past_the_limit_wait_their_turn_and_all_are_served()
    {
        var (server, endpoint) = await StartAsync("");
        await using var _ = server;
        var clients = new List<RawHttpClient>();
        try
        {
            for (var i = 0; i < OpenFiles; i++)
                clients.Add(await RawHttpClient.ConnectAsync(endpoint));
            // Each answered connection closes, which lets the next one in.
            foreach (var client in clients)
                await client.SendAsync("GET /hello HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
            var served = 0;
            foreach (var client in clients)
            {
                if ((await client.ReadResponseAsync(timeout: Dilated(TimeSpan.FromSeconds(30)))).Status == 200)
                    served++;
            }
            Output.WriteLine($"limit {OpenFiles} open files, {clients.Count} connections at once: {served} served");
            Assert.Equal(clients.Count, served);
            Assert.DoesNotContain(server.Output, line => line.Contains("Accepting paused", StringComparison.Ordinal));
        }
        finally
        {
            foreach (var client in clients)
                await client.DisposeAsync();
        }
    }

    /// <summary>The executable under the limit, with <paramref name="hocon"/> as its --config, once it listens.</summary>
    private async Task<(ServerProcess Server, IPEndPoint Endpoint)> StartAsync(string hocon)
    {
        var config = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(config, hocon);
            var server = ServerProcess.Start(["--config", config, "--host", "127.0.0.1", "--port", "0"], OpenFiles);
            try
            {
                return (server, await server.ListeningAsync(Dilated(TimeSpan.FromSeconds(60))));
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
        }
        finally
        {
            File.Delete(config);
        }
    }
}
