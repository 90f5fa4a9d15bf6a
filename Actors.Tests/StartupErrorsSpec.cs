using System.Text;
using Resume.Actors.Tests.Support;
using Xunit.Abstractions;

namespace Resume.Actors.Tests;

/// <summary>
/// What stops the executable before it serves — a configuration that is not HOCON, an unknown app, a
/// host that is not one or does not resolve, a missing file — is one line on stderr and exit code 2,
/// never a stack trace; and SIGHUP does not stop it.
/// </summary>
public sealed class StartupErrorsSpec(ITestOutputHelper output) : ServerSpec(output)
{
    public static TheoryData<string, string, string> BrokenFiles => new()
    {
        { "an unclosed brace", "resume {\n  server {\n    port = 0\n  }\n", "line 1: this '{' is never closed" },
        { "a garbage line", "resume.server.port = 0\nthis line is not HOCON\n", "line 2: 'this line is not HOCON' has no value" },
        { "a stray closing brace", "resume.server.port = 0\n}\n", "line 2: this '}' closes nothing" },
        { "a key with no value", "resume.server.port =\n", "line 1: the file ends where the value of 'resume.server.port' after '=' belongs" },
        { "binary bytes", "\u007fELF\u0002\u0001\u0001\u0000\u0000", "line 1: control character U+007F" },
    };

    [Theory]
    [MemberData(nameof(BrokenFiles))]
    public async Task A_config_file_that_is_not_HOCON_is_refused_with_its_line(string what, string text, string problem)
    {
        Output.WriteLine(what);
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(file, Encoding.UTF8.GetBytes(text));
            var line = await RefusedAsync("--config", file, "--host", "127.0.0.1", "--port", "0");
            Assert.StartsWith($"Configuration error: --config: '{file}' is not valid HOCON: {problem}", line);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_byte_that_is_not_UTF_8_is_refused_with_its_line()
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(file, [.. "resume.server.port = 0\n# caf"u8, 0xE9, .. "\n"u8]);
            var line = await RefusedAsync("--config", file);
            Assert.Contains("line 2: byte 0xe9 is not UTF-8 text", line);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("an unknown app", "resume.server.app: \"nosuch\" is not an app", "--app", "nosuch", "--port", "0")]
    [InlineData("a host that is not one", "resume.server.host: \"not a host!\" is not an IP address or a host name", "--host", "not a host!", "--port", "0")]
    [InlineData("a host that does not resolve", "resume.server.host: \"no-such-host.invalid\" does not resolve", "--host", "no-such-host.invalid", "--port", "0")]
    [InlineData("an address not of this machine", "resume.server.host: \"192.0.2.1\" (192.0.2.1) is not an address of this machine", "--host", "192.0.2.1", "--port", "0")]
    [InlineData("a missing config file", "--config: the file '/no/such/resume.conf' does not exist", "--config", "/no/such/resume.conf")]
    [InlineData("a directory as config file", "--config: '/tmp' is a directory, not a file", "--config", "/tmp")]
    public async Task A_startup_error_is_one_line_naming_what_to_change_and_exit_2(string what, string expected, params string[] args)
    {
        Output.WriteLine(what);
        Assert.StartsWith($"Configuration error: {expected}", await RefusedAsync(args));
    }

    [Fact]
    public async Task A_host_name_such_as_localhost_is_resolved_at_start()
    {
        await using var server = ServerProcess.Start(["--app", "hello", "--host", "localhost", "--port", "0"]);
        var endpoint = await server.ListeningAsync(Dilated(TimeSpan.FromSeconds(60)));
        Assert.Equal("127.0.0.1", endpoint.Address.ToString());
        await using var client = await RawHttpClient.ConnectAsync(endpoint);
        await client.SendAsync(Get("/"));
        Assert.Equal("Hello, World!", (await client.ReadResponseAsync()).BodyText);
    }

    [Fact]
    public async Task SIGHUP_is_logged_and_ignored_then_SIGTERM_drains_and_exits_0()
    {
        await using var server = ServerProcess.Start(["--host", "127.0.0.1", "--port", "0", "--status-path", "/_status"]);
        var endpoint = await server.ListeningAsync(Dilated(TimeSpan.FromSeconds(60)));
        await using var client = await RawHttpClient.ConnectAsync(endpoint);

        await server.SignalAsync("HUP");
        await server.WaitForLineAsync(new("SIGHUP received and ignored"), Dilated(TimeSpan.FromSeconds(20)));
        await client.SendAsync(Get("/hello"));
        Assert.Equal("Hello, World!", (await client.ReadResponseAsync()).BodyText);

        await client.SendAsync(Get("/sleep?ms=1500"));
        // Stop only once the request is in flight: one not yet read would rightly not be answered.
        await AwaitAssertAsync(async () => Assert.Contains("\"/sleep\"", await StatusAsync(endpoint)), Dilated(TimeSpan.FromSeconds(10)));
        await server.SignalAsync("TERM");
        Assert.Equal("ok", (await client.ReadResponseAsync()).BodyText);
        Assert.Equal(0, await server.ExitCodeAsync(Dilated(TimeSpan.FromSeconds(30))));
    }

    private static async Task<string> StatusAsync(System.Net.IPEndPoint endpoint)
    {
        await using var client = await RawHttpClient.ConnectAsync(endpoint);
        await client.SendAsync(Get("/_status"));
        return (await client.ReadResponseAsync()).BodyText;
    }

    /// <summary>Runs the executable with <paramref name="args"/>, expecting it to refuse them: exit 2, one line on stderr, nothing on stdout.</summary>
    private async Task<string> RefusedAsync(params string[] args)
    {
        await using var server = ServerProcess.Start(args);
        Assert.Equal(2, await server.ExitCodeAsync(Dilated(TimeSpan.FromSeconds(60))));
        var line = Assert.Single(server.Errors, l => l.Length > 0);
        Output.WriteLine(line);
        Assert.DoesNotContain("Exception", line);
        Assert.DoesNotContain("   at ", line);
        Assert.DoesNotContain(server.Output, l => l.Length > 0);
        return line;
    }
}
