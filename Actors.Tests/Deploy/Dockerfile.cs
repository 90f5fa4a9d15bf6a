using System.Text.Json;
using System.Text.RegularExpressions;

namespace Resume.Actors.Tests.Deploy;

/// <summary>
/// deploy/Dockerfile, read simply: its instructions (continued lines joined, comments dropped) and the
/// values the other deployment files must agree with. It is the one place the tests take the
/// executable's project and DLL from, so that what they publish is what the image runs.
/// </summary>
public sealed partial class Dockerfile
{
    public const string RelativePath = "deploy/Dockerfile";

    private Dockerfile(IReadOnlyList<(string Keyword, string Arguments)> instructions) => Instructions = instructions;

    public IReadOnlyList<(string Keyword, string Arguments)> Instructions { get; }

    /// <summary>The build stage's <c>ARG PROJECT=...</c>: the executable's project, from the repository root.</summary>
    public string Project => Arguments("ARG").Select(a => ArgDefault().Match(a)).Single(m => m.Success && m.Groups[1].Value == "PROJECT").Groups[2].Value;

    /// <summary>The exec-form entry point, as its JSON array.</summary>
    public IReadOnlyList<string> Entrypoint => ExecForm(Arguments("ENTRYPOINT").Single());

    /// <summary>The DLL the entry point runs (<c>dotnet X.dll ...</c>).</summary>
    public string EntrypointDll => Entrypoint.Single(a => a.EndsWith(".dll", StringComparison.Ordinal));

    /// <summary>The file the entry point passes to <c>--config</c>.</summary>
    public string ConfigPath => Entrypoint[Entrypoint.ToList().IndexOf("--config") + 1];

    /// <summary>
    /// The build stage's <c>dotnet publish</c>, as arguments after <c>dotnet</c>, with the project and
    /// the output folder (<c>-o</c>) put in: what a test runs to have what the image runs.
    /// </summary>
    public IReadOnlyList<string> PublishArguments(string project, string output)
    {
        var run = Arguments("RUN").Single(r => r.Contains("dotnet publish", StringComparison.Ordinal));
        var words = run.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => w.Trim('"')).ToList();
        words = words[(words.IndexOf("dotnet") + 1)..];
        var outputAt = words.IndexOf("-o") + 1;
        return [.. words.Select((w, i) => w == "$PROJECT" ? project : i == outputAt ? output : w)];
    }

    public IReadOnlyList<int> ExposedPorts => [.. Arguments("EXPOSE").SelectMany(a => a.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Select(int.Parse)];

    /// <summary>The health check's command, its options (<c>--interval=5s</c> ...) left out.</summary>
    public IReadOnlyList<string> HealthCheckCommand
    {
        get
        {
            var text = Arguments("HEALTHCHECK").Single();
            var command = text[(text.IndexOf("CMD", StringComparison.Ordinal) + 3)..].Trim();
            return ExecForm(command);
        }
    }

    public IEnumerable<string> Arguments(string keyword) =>
        Instructions.Where(i => i.Keyword == keyword).Select(i => i.Arguments);

    public static Dockerfile Load() => Parse(RepositoryRoot.Read(RelativePath));

    public static Dockerfile Parse(string text)
    {
        var instructions = new List<(string, string)>();
        var current = "";
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.TrimStart().StartsWith('#'))
                continue;
            var continued = line.EndsWith('\\');
            current += (continued ? line[..^1] : line).Trim() + " ";
            if (continued)
                continue;
            if (current.Trim().Length > 0)
            {
                var parts = current.Trim().Split(' ', 2);
                instructions.Add((parts[0].ToUpperInvariant(), parts.Length > 1 ? parts[1].Trim() : ""));
            }
            current = "";
        }
        return new Dockerfile(instructions);
    }

    private static string[] ExecForm(string json) =>
        JsonSerializer.Deserialize<string[]>(json) ?? throw new FormatException($"not an exec-form JSON array: {json}");

    [GeneratedRegex(@"^(\w+)=(\S+)$")]
    private static partial Regex ArgDefault();
}
