using System.Net;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Resume.Actors.Hosting;
using Resume.Actors.Server;
using Resume.Apps;
using Resume.Apps.Samples;

namespace Resume.Actors.Tests.Loading;

/// <summary>
/// An app author's whole Program.cs, as the README shows it: the generic host, a service of theirs,
/// AddResume with apps mounted by prefix (one made from the host's services, one blocking), and the
/// graceful stop wired without a line of CoordinatedShutdown code.
/// </summary>
public sealed class HostingApiSpec
{
    [Fact]
    public async Task A_host_serves_mounted_apps_made_from_its_services_and_stops_gracefully()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton(new Greeting("Hello from a service"));
        builder.Services.AddResume(resume =>
        {
            resume.Hocon = "resume.server.host = \"127.0.0.1\"\nresume.server.port = 0";
            resume
                .Mount("/greet", services => GreetApp(services.GetRequiredService<Greeting>()))
                .Mount("/sleep", SleepApp.Run)
                .Mount("/sync", BlockingApp.Run, blocking: true);
        });
        using var host = builder.Build();
        await host.StartAsync();
        var server = await host.Services.GetRequiredService<ActorRegistry>().GetAsync<ServerActor>();
        var bound = await server.Ask<ServerActor.Bound>(ServerActor.GetBinding.Instance, TimeSpan.FromSeconds(10));
        using var client = new HttpClient { BaseAddress = new Uri($"http://{bound.Endpoint}/") };

        Assert.Equal("Hello from a service at /greet", await client.GetStringAsync("/greet"));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/sync?ms=10")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/nowhere")).StatusCode);

        // Stopping drains: a request in flight is answered before the host is down.
        var sleeping = client.GetStringAsync("/sleep?ms=700");
        await Task.Delay(200);
        await host.StopAsync();
        Assert.Equal("ok", await sleeping);
    }

    [Theory]
    [InlineData(true, HttpStatusCode.OK)]
    [InlineData(false, HttpStatusCode.InternalServerError)]
    public async Task One_app_on_every_path_runs_blocking_only_when_asked(bool blocking, HttpStatusCode expected)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddResume(resume =>
        {
            resume.Hocon = "resume.server.host = \"127.0.0.1\"\nresume.server.port = 0";
            resume.Serve(BlockingApp.Run, blocking);
        });
        using var host = builder.Build();
        await host.StartAsync();
        var server = await host.Services.GetRequiredService<ActorRegistry>().GetAsync<ServerActor>();
        var bound = await server.Ask<ServerActor.Bound>(ServerActor.GetBinding.Instance, TimeSpan.FromSeconds(10));
        using var client = new HttpClient { BaseAddress = new Uri($"http://{bound.Endpoint}/") };

        // Its synchronous body reads are allowed only on the blocking dispatcher.
        Assert.Equal(expected, (await client.PostAsync("/anywhere?ms=1", new StringContent("body"))).StatusCode);
        await host.StopAsync();
    }

    [Fact]
    public void A_bad_setting_throws_at_AddResume_naming_the_key()
    {
        var builder = Host.CreateApplicationBuilder();

        var error = Assert.Throws<SettingsException>(() => builder.Services.AddResume(resume => resume.Hocon = "resume.server.prot = 1"));

        Assert.Contains("resume.server.prot", error.Message);
    }

    private static App GreetApp(Greeting greeting) => (environ, startResponse) => Greet(greeting, environ, startResponse);

    private static IEnumerable<Step> Greet(Greeting greeting, Environ environ, StartResponse startResponse)
    {
        startResponse("200 OK", [new("Content-Type", "text/plain")]);
        yield return $"{greeting.Text} at {environ.ScriptName}";
    }

    private sealed record Greeting(string Text);
}
