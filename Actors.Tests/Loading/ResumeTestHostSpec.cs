using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Resume.Actors.Testing;
using Resume.Apps;
using Resume.Apps.Samples;

namespace Resume.Actors.Tests.Loading;

/// <summary>The test host an app author starts in a test: one line, an HttpClient, a real server over sockets.</summary>
public sealed class ResumeTestHostSpec
{
    [Fact]
    public async Task One_line_serves_an_app_and_its_client_gets_the_answer()
    {
        await using var host = await ResumeTestHost.StartAsync(HelloApp.Run);

        Assert.Equal("Hello, World!", await host.Client.GetStringAsync("/"));
        Assert.Equal(IPAddress.Loopback, host.Endpoint.Address);
        Assert.Equal(1, host.Stats.Completed);
    }

    [Fact]
    public async Task Apps_mounted_by_prefix_see_their_prefix_as_SCRIPT_NAME_and_HOCON_applies()
    {
        IEnumerable<Step> Where(Environ environ, StartResponse startResponse)
        {
            startResponse("200 OK", [new("Content-Type", "text/plain")]);
            yield return $"{environ.ScriptName}|{environ.PathInfo}";
        }
        IEnumerable<Step> Stuck(Environ environ, StartResponse startResponse)
        {
            yield return new TaskCompletionSource().Task;
        }
        await using var host = await ResumeTestHost.StartAsync(
            new Dictionary<string, App> { ["/items"] = Where, ["/stuck"] = Stuck },
            "resume.apps.stuck.suspend-timeout = 1s");

        Assert.Equal("/items|/7", await host.Client.GetStringAsync("/items/7"));
        Assert.Equal(HttpStatusCode.GatewayTimeout, (await host.Client.GetAsync("/stuck")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync("/elsewhere")).StatusCode);
    }

    [Fact]
    public async Task Apps_are_made_from_the_hosts_services_as_in_a_program()
    {
        await using var host = await ResumeTestHost.StartAsync(
            resume => resume.Mount("/greet", services => new Greeter(services.GetRequiredService<Greeting>()).Run),
            services => services.AddSingleton(new Greeting("Bonjour")));

        Assert.Equal("Bonjour, /ada", await host.Client.GetStringAsync("/greet/ada"));
        Assert.Same(host.Services.GetRequiredService<Greeting>(), host.Services.GetRequiredService<Greeting>());
    }

    [Fact]
    public async Task Disposing_waits_for_requests_in_flight()
    {
        var host = await ResumeTestHost.StartAsync(SleepApp.Run);
        var sleeping = host.Client.GetStringAsync("/?ms=500");
        while (host.Stats.InFlight.IsEmpty)
            await Task.Delay(10);
        var client = new HttpClient { BaseAddress = host.BaseAddress };

        await host.DisposeAsync();

        Assert.Equal("ok", await sleeping);
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync("/"));
    }

    private sealed record Greeting(string Word);

    private sealed class Greeter(Greeting greeting)
    {
        public IEnumerable<Step> Run(Environ environ, StartResponse startResponse)
        {
            startResponse("200 OK", [new("Content-Type", "text/plain")]);
            yield return $"{greeting.Word}, {environ.PathInfo}";
        }
    }
}
