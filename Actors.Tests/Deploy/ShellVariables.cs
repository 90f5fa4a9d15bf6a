using System.Text.RegularExpressions;

namespace Resume.Actors.Tests.Deploy;

/// <summary>The plain assignments of a shell script (<c>NAME=value</c> at the start of a line, outside functions), by name.</summary>
public static partial class ShellVariables
{
    public static IReadOnlyDictionary<string, string> Of(string script) =>
        Assignment().Matches(script).GroupBy(m => m.Groups[1].Value).ToDictionary(g => g.Key, g => g.First().Groups[2].Value, StringComparer.Ordinal);

    [GeneratedRegex(@"^([A-Z_][A-Z0-9_]*)=(\S+)$", RegexOptions.Multiline)]
    private static partial Regex Assignment();
}
