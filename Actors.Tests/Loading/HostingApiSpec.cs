using System.Net;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Resume.Actors.Cluster;
using Resume.Actors.Hosting;
using Resume.Actors.Server;
using Resume.Actors.Testing;
using Resume.Actors.Tests.Cluster;
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

    [Fact]
    public async Task Entity_types_are_named_in_code_and_reached_through_environ_Cluster()
    {
        IEnumerable<Step> Ask(Environ environ, StartResponse startResponse)
        {
            var reply = environ.Cluster.AskAsync<string>("where", "e1", environ.PathInfo);
            yield return reply;
            startResponse("200 OK", [new("Content-Type", "text/plain")]);
            yield return reply.Result;
        }
        await using var host = await ResumeTestHost.StartAsync(resume => resume.Entity<WhereEntity>("where").Serve(Ask));

        Assert.Equal("e1:1:/a", await host.Client.GetStringAsync("/a"));
        Assert.Equal("e1:2:/b", await host.Client.GetStringAsync("/b"));
    }

    [Fact]
    public void The_cluster_set_in_code_is_under_the_operators_command_line_and_environment()
    {
        static ClusterSettings Load(CommandLine? commandLine, Dictionary<string, string> environment)
        {
            var options = new ResumeOptions { CommandLine = commandLine, Environment = environment }
                .Cluster(4100, ["node-1:4100", "node-2:4100"], publicHost: "node-1")
                .Job<NapJob>("nap");
            return ServerSettings.FromConfig(options.Load()).Cluster;
        }

        var inCode = Load(null, []);
        Assert.True(inCode.Enabled);
        Assert.Equal(4100, inCode.Port);
        Assert.Equal(["akka.tcp://resume@node-1:4100", "akka.tcp://resume@node-2:4100"], inCode.SeedNodes);
        Assert.Equal("node-1", inCode.PublicHost);
        Assert.Equal($"{typeof(NapJob).FullName}, Resume.Actors.Tests", inCode.Jobs["nap"]);

        var overridden = Load(CommandLine.Parse(["--cluster-port", "4200"]), new() { ["RESUME_PUBLIC_HOST"] = "elsewhere" });
        Assert.Equal(4200, overridden.Port);
        Assert.Equal("elsewhere", overridden.PublicHost);
        Assert.Throws<ArgumentException>(() => new ResumeOptions().Entity<WhereEntity>("a.b"));
    }

    private static App GreetApp(Greeting greeting) => (environ, startResponse) => Greet(greeting, environ, startResponse);

    private static IEnumerable<Step> Greet(Greeting greeting, Environ environ, StartResponse startResponse)
    {
        startResponse("200 OK", [new("Content-Type", "text/plain")]);
        yield return $"{greeting.Text} at {environ.ScriptName}";
    }

    private sealed record Greeting(string Text);
}
