using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Resume.Actors.Tests.Support;
using Xunit.Abstractions;

namespace Resume.Actors.Tests.Packaging;

/// <summary>
/// The README's "Write and serve your own app", followed as a newcomer would, outside the repository:
/// its files written word for word into an empty folder, Resume's packages packed into a folder feed,
/// the app's tests run on them and the app served and asked over HTTP; then the tool package installed
/// as a .NET tool serves a sample. Proof that what is packed works,
/// and that the README does. Restore uses a global packages folder of its own, so nothing comes from an
/// earlier pack of the same version.
/// </summary>
public sealed partial class WalkthroughSpec(ITestOutputHelper output)
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task The_readme_walkthrough_builds_tests_and_serves_an_app_from_the_packed_packages()
    {
        var section = WalkthroughSection();
        var files = FileBlocks().Matches(section).ToDictionary(m => m.Groups["path"].Value, m => m.Groups["text"].Value);
        Assert.Equal(
            ["Greeter.Tests/Greeter.Tests.csproj", "Greeter.Tests/GreetingAppTests.cs", "Greeter/Greeter.csproj", "Greeter/GreetingApp.cs", "Greeter/Program.cs", "nuget.config"],
            files.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("dotnet pack ~/resume/actors.sln -c Release -o packages", section);
        Assert.Contains("dotnet test Greeter.Tests", section);
        Assert.Contains("dotnet run --project Greeter -c Release -- --port 8090", section);

        var folder = Directory.CreateTempSubdirectory("resume-walkthrough-").FullName;
        var app = (Process?)null;
        try
        {
            foreach (var (path, text) in files)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(folder, path))!);
                await File.WriteAllTextAsync(Path.Combine(folder, path), text);
            }
            // The README packs a Release build; the suite has built the solution already, in its own
            // configuration, so that is packed as it is (a second whole build would double CI's time).
            await Run(folder, "dotnet", "pack", Path.Combine(RepositoryRoot, "actors.sln"), "-c", BuiltConfiguration, "--no-build", "-o", "packages");
            Assert.Equal(
                ["Resume.Apps.0.9.0.nupkg", "Resume.Server.0.9.0.nupkg", "Resume.Tool.0.9.0.nupkg"],
                Directory.GetFiles(Path.Combine(folder, "packages")).Select(Path.GetFileName).Order(StringComparer.Ordinal));

            var tests = await Run(folder, "dotnet", "test", "Greeter.Tests");
            Assert.Matches(PassedTwo(), tests);

            var port = FixedPorts.Take(1)[0];
            await Run(folder, "dotnet", "build", "Greeter", "-c", "Release");
            app = Start(folder, "dotnet", "run", "--project", "Greeter", "-c", "Release", "--no-build", "--", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
            await WaitUntilListening(port, app);

            Assert.Equal("Hello, Ada!\n", await client.GetStringAsync("/greet?name=Ada"));
            Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/greet")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/elsewhere")).StatusCode);
            app.Kill(entireProcessTree: true);

            // The tool package installs as a .NET tool and serves a sample by name.
            await Run(folder, "dotnet", "tool", "install", "Resume.Tool", "--tool-path", "tools", "--add-source", "packages", "--version", "0.9.0");
            var toolPort = FixedPorts.Take(1)[0];
            app = Start(folder, Path.Combine(folder, "tools", "resume"), "--app", "hello", "--host", "127.0.0.1", "--port", toolPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await WaitUntilListening(toolPort, app);
            Assert.Equal("Hello, World!", await client.GetStringAsync($"http://127.0.0.1:{toolPort}/"));
        }
        finally
        {
            if (app is { HasExited: false })
                app.Kill(entireProcessTree: true);
            app?.Dispose();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string RepositoryRoot { get; } = FindRoot();

    /// <summary>The configuration this test assembly was built in (…/bin/Debug/net10.0/), packed as it is.</summary>
    private static string BuiltConfiguration =>
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "actors.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("actors.sln not found above the test assembly.");
    }

    private static string WalkthroughSection()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot, "README.md"));
        var start = readme.IndexOf("<!-- walkthrough -->", StringComparison.Ordinal);
        var end = readme.IndexOf("<!-- /walkthrough -->", StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "README.md has no <!-- walkthrough --> section");
        return readme[start..end];
    }

    private async Task<string> Run(string folder, string file, params string[] args)
    {
        using var process = Start(folder, file, args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(StepTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"`{file} {string.Join(' ', args)}` took over {StepTimeout}");
        }
        var text = await stdout + await stderr;
        output.WriteLine($"$ {file} {string.Join(' ', args)}  (exit {process.ExitCode})");
        Assert.True(process.ExitCode == 0, $"`{file} {string.Join(' ', args)}` exited {process.ExitCode}:\n{text}");
        return text;
    }

    private static Process Start(string folder, string file, params string[] args)
    {
        var info = new ProcessStartInfo(file, args)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // A global packages folder of its own: a package of the same version restored before (by
        // whoever followed the README on this machine) must not stand in for the one just packed.
        info.Environment["NUGET_PACKAGES"] = Path.Combine(folder, ".nuget-packages");
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        // Not the suite's own MSBuild nodes and settings: this is another machine's build, as it were.
        info.Environment.Remove("MSBuildExtensionsPath");
        info.Environment.Remove("MSBUILD_EXE_PATH");
        info.Environment.Remove("MSBuildSDKsPath");
        return Process.Start(info)!;
    }

    private static async Task WaitUntilListening(int port, Process app)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (clock.Elapsed < TimeSpan.FromSeconds(60) && !app.HasExited)
            {
                await Task.Delay(200);
            }
        }
    }

    [GeneratedRegex(@"\*\*`(?<path>[^`]+)`\*\*.*?\n\n```[a-z]+\n(?<text>.*?)```", RegexOptions.Singleline)]
    private static partial Regex FileBlocks();

    [GeneratedRegex(@"Passed!\s+-\s+Failed:\s+0,\s+Passed:\s+2,")]
    private static partial Regex PassedTwo();
}
