using System.Text.RegularExpressions;

namespace Resume.Actors.Tests.Transport;

/// <summary>
/// Transport's folders import in one direction: Timeouts uses no other folder, Sockets uses Timeouts
/// (a slow reader's deadline), Http uses those two, Connection uses all three; and Transport knows
/// nothing of Apps. Read from the source (using directives and qualified names), so a new dependency
/// fails here before review.
/// </summary>
public sealed partial class TransportLayeringSpec
{
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["Sockets"] = ["Timeouts"],
        ["Timeouts"] = [],
        ["Http"] = ["Sockets", "Timeouts"],
        ["Connection"] = ["Http", "Sockets", "Timeouts"],
    };

    [Fact]
    public void Each_folder_uses_only_the_folders_below_it()
    {
        var uses = FolderDependencies();

        Assert.Equal(Allowed.Keys.Order(), uses.Keys.Order());
        var forbidden = uses
            .SelectMany(folder => folder.Value.Where(used => used != folder.Key && !Allowed[folder.Key].Contains(used)).Select(used => $"{folder.Key} uses {used}"))
            .ToList();
        Assert.Empty(forbidden);
        // The scan sees what is there: the top folder does use the others.
        Assert.Superset(new HashSet<string> { "Http", "Sockets", "Timeouts" }, uses["Connection"]);
    }

    [Fact]
    public void Transport_does_not_use_apps()
    {
        var offenders = SourceFiles()
            .Where(file => CodeOf(file).Any(line => line.Contains("Resume.Apps", StringComparison.Ordinal)))
            .Select(Path.GetFileName)
            .ToList();
        Assert.Empty(offenders);
    }

    /// <summary>For each folder of Transport, the other folders its code names.</summary>
    private static Dictionary<string, HashSet<string>> FolderDependencies()
    {
        var transport = TransportDirectory();
        var uses = new Dictionary<string, HashSet<string>>();
        foreach (var file in SourceFiles())
        {
            var folder = Path.GetRelativePath(transport, file).Split(Path.DirectorySeparatorChar)[0];
            if (!uses.TryGetValue(folder, out var used))
                uses[folder] = used = [];
            foreach (var line in CodeOf(file))
            {
                foreach (Match match in TransportNamespace().Matches(line))
                    used.Add(match.Groups["folder"].Value);
            }
        }
        return uses;
    }

    /// <summary>The lines of a file without comments and string literals.</summary>
    private static IEnumerable<string> CodeOf(string file) =>
        File.ReadLines(file)
            .Select(line => StringLiteral().Replace(line, "\"\""))
            .Select(line => line.Contains("//", StringComparison.Ordinal) ? line[..line.IndexOf("//", StringComparison.Ordinal)] : line);

    private static IEnumerable<string> SourceFiles()
    {
        var transport = TransportDirectory();
        return Directory.EnumerateFiles(transport, "*.cs", SearchOption.AllDirectories)
            .Where(file => !Path.GetRelativePath(transport, file).Split(Path.DirectorySeparatorChar)[0].Equals("obj", StringComparison.Ordinal)
                && !Path.GetRelativePath(transport, file).Split(Path.DirectorySeparatorChar)[0].Equals("bin", StringComparison.Ordinal));
    }

    private static string TransportDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "actors.sln")))
                return Path.Combine(directory.FullName, "Transport");
        }
        throw new DirectoryNotFoundException("No actors.sln above " + AppContext.BaseDirectory);
    }

    // "using Resume.Transport.Http;", "Resume.Transport.Http.X", or a name relative to Resume.Transport ("Http.X").
    [GeneratedRegex(@"(?<![\w.])(?:Resume\.)?(?:Transport\.)?(?<folder>Sockets|Timeouts|Http|Connection)\.[A-Z]|Resume\.Transport\.(?<folder>\w+)")]
    private static partial Regex TransportNamespace();

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex StringLiteral();
}
