namespace Resume.Actors.Tests.Deploy;

/// <summary>A systemd unit file read simply: <c>[Section]</c> and <c>Key=Value</c> lines, comments dropped; a key may repeat.</summary>
public sealed class SystemdUnit
{
    private readonly List<(string Section, string Key, string Value)> _entries;

    private SystemdUnit(List<(string, string, string)> entries) => _entries = entries;

    /// <summary>The value of <paramref name="key"/> in <paramref name="section"/>; throws unless it is given exactly once.</summary>
    public string this[string section, string key] => _entries.Single(e => e.Section == section && e.Key == key).Value;

    public bool Has(string section, string key) => _entries.Any(e => e.Section == section && e.Key == key);

    public static SystemdUnit Parse(string text)
    {
        var entries = new List<(string, string, string)>();
        var section = "";
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
                continue;
            if (line.StartsWith('[') && line.EndsWith(']'))
            {
                section = line[1..^1];
                continue;
            }
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
                throw new FormatException($"not Key=Value: {line}");
            entries.Add((section, line[..equals].Trim(), line[(equals + 1)..].Trim()));
        }
        return new SystemdUnit(entries);
    }
}
