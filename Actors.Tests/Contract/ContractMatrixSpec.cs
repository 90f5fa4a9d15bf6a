using System.Net.Sockets;
using System.Text;
using Resume.Actors.Tests.Support;
using Resume.Apps.Testing;
using Xunit.Abstractions;

namespace Resume.Actors.Tests.Contract;

/// <summary>
/// The contract matrix: every scenario of <see cref="ContractScenarios"/> runs through the test kit
/// (<see cref="AppRun"/>) and through a real server over a socket, and both must show the same
/// outcome — status, the app's headers, body bytes, truncation, times disposed, and the exceptions
/// the app saw — and the outcome the scenario expects.
/// </summary>
public sealed class ContractMatrixSpec(ITestOutputHelper output) : ServerSpec(output)
{
    // Set by the server, not the app: left out when comparing the app's headers.
    private static readonly string[] ServerHeaders = ["Date", "Server", "Transfer-Encoding", "Connection", "Keep-Alive"];

    public static TheoryData<string> Scenarios => new(ContractScenarios.All.Select(s => s.Name));

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task A_semantic_shows_the_same_outcome_under_the_test_kit_and_on_the_server(string name)
    {
        var scenario = ContractScenarios.All.Single(s => s.Name == name);

        var underTestKit = await RunUnderTestKitAsync(scenario);
        var onServer = await RunOnServerAsync(scenario);

        Output!.WriteLine($"test kit: {underTestKit}");
        Output.WriteLine($"server:   {onServer}");
        Assert.Equal(underTestKit, onServer);
        Assert.Equal(scenario.Expected, onServer);
    }

    [Fact]
    public void Every_scenario_states_what_it_expects()
    {
        Assert.All(ContractScenarios.All, s => Assert.NotNull(s.Expected));
        Assert.Equal(ContractScenarios.All.Count, ContractScenarios.All.Select(s => s.Name).Distinct().Count());
    }

    private async Task<Observed> RunUnderTestKitAsync(ContractScenario scenario)
    {
        var log = new ScenarioLog();
        using var run = AppRun.Start(scenario.App(log), scenario.Request, new AppRunOptions { Blocking = scenario.Blocking });
        if (scenario.AbortWhenSuspended)
        {
            Assert.False(run.RunUntilSuspended());
            run.Abort();
            scenario.After?.Invoke(log);
            return new Observed(0, null, null, false, log.Disposals, log.Seen);
        }
        await run.RunToEndAsync(Dilated(TimeSpan.FromSeconds(10)));
        scenario.After?.Invoke(log);
        var serverAnswered = run.Error is not null && !run.Truncated;
        return new Observed(
            run.StatusCode,
            serverAnswered ? null : AppHeaders(run.Headers),
            serverAnswered ? null : run.BodyText,
            run.Truncated,
            log.Disposals,
            log.Seen);
    }

    private async Task<Observed> RunOnServerAsync(ContractScenario scenario)
    {
        var log = new ScenarioLog();
        var options = TestServers.Settings.DefaultAppOptions with { Blocking = scenario.Blocking };
        var server = TestServers.Start(Sys, scenario.App(log), options: options);
        var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        await client.SendAsync(RequestBytes(scenario.Request));
        if (scenario.AbortWhenSuspended)
        {
            await log.Suspended.Task.WaitAsync(Dilated(TimeSpan.FromSeconds(10)));
            client.Socket.LingerState = new LingerOption(true, 0); // a reset: the client is gone
            await client.DisposeAsync();
            await log.Disposed.WaitAsync(Dilated(TimeSpan.FromSeconds(10)));
            scenario.After?.Invoke(log);
            return new Observed(0, null, null, false, log.Disposals, log.Seen);
        }
        await using (client)
        {
            var response = await client.ReadResponseAsync(timeout: Dilated(TimeSpan.FromSeconds(10)));
            await log.Disposed.WaitAsync(Dilated(TimeSpan.FromSeconds(10)));
            scenario.After?.Invoke(log);
            // The app marks its own responses; without the mark the server answered with its own error response.
            var serverAnswered = !response.Has("X-Scenario");
            return new Observed(
                response.Status,
                serverAnswered ? null : AppHeaders(response.Headers),
                serverAnswered ? null : response.BodyText,
                !response.Complete,
                log.Disposals,
                log.Seen);
        }
    }

    private static string AppHeaders(IReadOnlyList<KeyValuePair<string, string>> headers) =>
        string.Join("; ", headers.Where(h => !ServerHeaders.Contains(h.Key, StringComparer.OrdinalIgnoreCase)).Select(h => $"{h.Key}: {h.Value}"));

    private static byte[] RequestBytes(TestRequest request)
    {
        var text = new StringBuilder($"{request.Method} {request.Path}{(request.Query.Length > 0 ? "?" + request.Query : "")} HTTP/1.1\r\n");
        foreach (var (header, value) in request.Headers)
            text.Append($"{header}: {value}\r\n");
        if (request.Body.Length > 0)
            text.Append($"Content-Length: {request.Body.Length}\r\n");
        text.Append("\r\n");
        return [.. Encoding.Latin1.GetBytes(text.ToString()), .. request.Body];
    }
}
