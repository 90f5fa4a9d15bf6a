using Resume.Actors.Tests.Support;
using Xunit.Abstractions;

namespace Resume.Actors.Tests.Loading;

/// <summary>
/// The stock executable serves an app from an assembly, named as gunicorn names one
/// (<c>--app path/to/MyApps.dll:My.Namespace.Type.Method</c>, or the same in HOCON); anything that does not
/// fit is one line and exit code 2.
/// </summary>
public sealed class AppFromAssemblySpec(ITestOutputHelper output) : ServerSpec(output)
{
    private static readonly string Assembly = typeof(LoadableApps).Assembly.Location;

    [Theory]
    [InlineData("Greet")]
    [InlineData("Create")]
    public async Task An_app_in_an_assembly_is_served_from_the_command_line(string method)
    {
        await using var server = ServerProcess.Start(["--app", $"{Assembly}:{typeof(LoadableApps).FullName}.{method}", "--host", "127.0.0.1", "--port", "0"]);
        var endpoint = await server.ListeningAsync(TimeSpan.FromSeconds(60));
        await using var client = await RawHttpClient.ConnectAsync(endpoint);

        await client.SendAsync("GET /some/path HTTP/1.1\r\nHost: t\r\n\r\n");
        var response = await client.ReadResponseAsync();

        Assert.Equal(200, response.Status);
        Assert.Equal("loaded from Resume.Actors.Tests: /some/path\n", response.BodyText);
    }

    [Fact]
    public async Task An_app_in_an_assembly_is_served_as_HOCON_names_it()
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, $"resume.server.app = \"{Assembly}:{typeof(LoadableApps).FullName}.Greet\"\n");
            await using var server = ServerProcess.Start(["--config", file, "--host", "127.0.0.1", "--port", "0"]);
            var endpoint = await server.ListeningAsync(TimeSpan.FromSeconds(60));
            await using var client = await RawHttpClient.ConnectAsync(endpoint);
            await client.SendAsync("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
            Assert.Equal("loaded from Resume.Actors.Tests: /\n", (await client.ReadResponseAsync()).BodyText);
        }
        finally
        {
            File.Delete(file);
        }
    }

    public static TheoryData<string, string, string> Mistakes => new()
    {
        { "a missing file", "/no/such/Apps.dll:My.App.Run", "there is no file /no/such/Apps.dll" },
        { "a missing type", $"{Assembly}:No.Such.Type.Run", "Resume.Actors.Tests.dll has no type No.Such.Type" },
        { "a missing method", $"{Assembly}:{typeof(LoadableApps).FullName}.Nope", $"{typeof(LoadableApps).FullName} has no public static method Nope" },
        { "a method of the wrong shape", $"{Assembly}:{typeof(LoadableApps).FullName}.Wrong", "Wrong is not an app: it must be IEnumerable<Step> Wrong(Environ, StartResponse), or App Wrong()" },
        { "no method named", $"{Assembly}:Type", "after the ':' write Namespace.Type.Method" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public async Task A_reference_that_does_not_fit_is_one_line_and_exit_2(string what, string reference, string problem)
    {
        Output.WriteLine(what);
        await using var server = ServerProcess.Start(["--app", reference, "--host", "127.0.0.1", "--port", "0"]);

        Assert.Equal(2, await server.ExitCodeAsync(TimeSpan.FromSeconds(60)));
        var line = Assert.Single(server.Errors);
        Assert.StartsWith("Configuration error: resume.server.app: ", line);
        Assert.Contains(problem, line);
    }

    [Fact]
    public async Task A_file_that_is_not_an_assembly_is_one_line_and_exit_2()
    {
        var file = Path.Combine(Path.GetTempPath(), $"not-an-assembly-{Guid.NewGuid():N}.dll");
        await File.WriteAllTextAsync(file, "this is text");
        try
        {
            await using var server = ServerProcess.Start(["--app", $"{file}:My.App.Run", "--host", "127.0.0.1", "--port", "0"]);
            Assert.Equal(2, await server.ExitCodeAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains("is not a .NET assembly that can be loaded", Assert.Single(server.Errors));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
