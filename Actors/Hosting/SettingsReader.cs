using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace Resume.Actors.Hosting;

/// <summary>
/// Reads a HOCON section key by key, each with its type and range, and remembers every key read:
/// whatever else the configuration holds under <c>resume</c> is a key nobody knows (a typo), which
/// <see cref="RefuseUnknownKeys"/> names with the closest known key. No default is written here:
/// the embedded <c>HOCON/resume.conf</c> holds them all. The first bad value throws a
/// <see cref="SettingsException"/> naming its full path.
/// </summary>
public sealed partial class SettingsReader
{
    // The most .NET timers take (CancellationTokenSource.CancelAfter, Task.Delay): int.MaxValue ms.
    private static readonly TimeSpan LongestDuration = TimeSpan.FromMilliseconds(int.MaxValue);

    private readonly HoconValue _section;
    private readonly HashSet<string> _read;

    private SettingsReader(HoconValue section, string path, HashSet<string> read)
    {
        _section = section;
        Path = path;
        _read = read;
    }

    /// <summary>The section's full path, e.g. <c>resume.server</c>.</summary>
    public string Path { get; }

    /// <summary>The keys this section holds, in order (for a section of names, such as <c>resume.apps</c>).</summary>
    public IEnumerable<string> Keys => Items.Keys;

    private Dictionary<string, HoconValue> Items => _section.GetObject().Items;

    /// <summary>A reader of the top-level section <paramref name="name"/> of <paramref name="config"/>.</summary>
    public static SettingsReader Of(Config config, string name) =>
        new SettingsReader(config.Root, "", new HashSet<string>(StringComparer.Ordinal)).Section(name);

    public SettingsReader Section(string key)
    {
        var value = Find(key);
        return value.IsObject()
            ? new SettingsReader(value, Join(Path, key), _read)
            : throw Refuse(key, $"{Describe(value)} is not a section: write {Join(Path, key)} {{ ... }}");
    }

    /// <summary>
    /// This section over <paramref name="fallback"/>, key by key, as HOCON's <c>WithFallback</c> merges
    /// them (how <c>resume.apps.NAME</c> falls back to <c>resume.request</c>). Keys read from it are
    /// named by this section's path.
    /// </summary>
    public SettingsReader WithFallback(SettingsReader fallback)
    {
        var merged = new Config(new HoconRoot(_section)).WithFallback(new Config(new HoconRoot(fallback._section)));
        return new SettingsReader(merged.Root, Path, _read);
    }

    public bool Bool(string key)
    {
        var text = Scalar(key);
        return SettingsSyntax.Boolean(text) ?? throw Refuse(key, $"{Show(text)} is not on or off (true or false)");
    }

    public int Int(string key, int min, int max = int.MaxValue)
    {
        var text = Scalar(key);
        var value = SettingsSyntax.Integer(text) ?? throw Refuse(key, $"{Show(text)} is not a whole number");
        return value >= min && value <= max ? (int)value : throw Refuse(key, OutOfRange(text, value, min, max, ""));
    }

    /// <summary>A size in bytes: a number, or a number with a unit (<c>16k</c>, <c>10m</c>).</summary>
    public long Size(string key, long min, long max = long.MaxValue)
    {
        var text = Scalar(key);
        var value = SettingsSyntax.Size(text)
            ?? throw Refuse(key, $"{Show(text)} is not a size: a number of bytes, or with a unit such as 16k, 10m or 1g");
        return value >= min && value <= max ? value : throw Refuse(key, OutOfRange(text, value, min, max, " bytes"));
    }

    /// <summary>A size that must fit an int (a buffer, a line).</summary>
    public int SmallSize(string key, int min) => (int)Size(key, min, int.MaxValue);

    /// <summary>A duration of zero or more (what zero means is the key's to say).</summary>
    public TimeSpan Duration(string key) => Duration(key, TimeSpan.Zero);

    /// <summary>A duration of at least <paramref name="min"/>, and no longer than .NET timers take.</summary>
    public TimeSpan Duration(string key, TimeSpan min)
    {
        var text = Scalar(key);
        var value = SettingsSyntax.Duration(text) ?? throw Refuse(key, SettingsSyntax.IsBareNumber(text)
            ? $"{Show(text)} has no unit: write a duration such as {text.Trim()}s or {text.Trim()}ms"
            : $"{Show(text)} is not a duration: a number and a unit, such as 30s, 500ms or 2m");
        if (value < TimeSpan.Zero)
            throw Refuse(key, $"{Show(text)} is negative");
        if (value < min)
            throw Refuse(key, $"{Show(text)} is less than {Format(min)}");
        return value <= LongestDuration ? value : throw Refuse(key, $"{Show(text)} is longer than 24 days, the most .NET timers take");
    }

    /// <summary>A duration that must be more than zero.</summary>
    public TimeSpan PositiveDuration(string key) =>
        Duration(key) is var value && value > TimeSpan.Zero ? value : throw Refuse(key, "is zero: it must be more than 0s");

    /// <summary>A string, checked by <paramref name="problem"/> (null when the value is fine).</summary>
    public string Text(string key, Func<string, string?>? problem = null)
    {
        var text = Scalar(key);
        return problem?.Invoke(text) is { } wrong ? throw Refuse(key, $"{Show(text)} {wrong}") : text;
    }

    /// <summary>A list of strings, each checked by <paramref name="problem"/> (null when the item is fine).</summary>
    public IReadOnlyList<string> List(string key, Func<string, string?>? problem = null)
    {
        var value = Find(key);
        // Akka's IsArray() is false for an empty list, which holds one empty HoconArray.
        var empty = value.Values is [HoconArray { Count: 0 }];
        if (!empty && !value.IsArray())
            throw Refuse(key, $"{Describe(value)} is not a list: write [\"a\", \"b\"] (or [] for none)");
        var items = new List<string>();
        foreach (var item in empty ? [] : value.GetArray())
        {
            var text = item.IsString() ? item.GetString() : null;
            if (text is null)
                throw Refuse(key, "holds an item that is not a single value");
            if (problem?.Invoke(text) is { } wrong)
                throw Refuse(key, $"{Show(text)} {wrong}");
            items.Add(text);
        }
        return items;
    }

    /// <summary>
    /// An IP address written in full (not <c>8080</c>, which <see cref="IPAddress.Parse(string)"/> reads
    /// as 0.0.31.144), or a host name (resolved at start, by <see cref="ListenAddress"/>).
    /// </summary>
    public string Host(string key) => Text(key, HostProblem);

    /// <summary>What is wrong with <paramref name="text"/> as a host (see <see cref="Host"/>); null when it is one.</summary>
    public static string? HostProblem(string text) =>
        IPAddress.TryParse(text, out var address) && (address.AddressFamily == AddressFamily.InterNetworkV6 || IPv4().IsMatch(text))
        || HostName().IsMatch(text) && !NumericLastLabel().IsMatch(text)
            ? null
            : "is not an IP address or a host name, such as 0.0.0.0, 127.0.0.1, :: or localhost";

    /// <summary>
    /// A whole number of at least <paramref name="min"/>, or <c>auto</c> (null), for a key whose
    /// default the server works out at start.
    /// </summary>
    public int? IntOrAuto(string key, int min) =>
        Scalar(key).Trim() == "auto" ? null : Int(key, min);

    /// <summary>The first key under this section that nothing read, named with the closest key that is known.</summary>
    public void RefuseUnknownKeys()
    {
        foreach (var key in Leaves(_section, Path))
        {
            if (!_read.Contains(key))
                throw new SettingsException(key, $"not a known key (the closest known one is {KeySuggestion.Closest(key, _read)})");
        }
    }

    /// <summary>A <see cref="SettingsException"/> for <paramref name="key"/> of this section.</summary>
    public SettingsException Refuse(string key, string problem) => new(Join(Path, key), problem);

    private HoconValue Find(string key)
    {
        _read.Add(Join(Path, key));
        return Items.TryGetValue(key, out var value)
            ? value
            : throw Refuse(key, "is missing (HOCON/resume.conf, built into the executable, should hold every key)");
    }

    private string Scalar(string key)
    {
        var value = Find(key);
        if (value.IsObject())
            throw Refuse(key, "is a section, where a single value belongs");
        if (value.IsArray())
            throw Refuse(key, "is a list, where a single value belongs");
        return value.IsString() && value.GetString() is { } text ? text : throw Refuse(key, "has no value");
    }

    /// <summary>Every value's path under <paramref name="section"/>; an empty section counts as a value.</summary>
    private static IEnumerable<string> Leaves(HoconValue section, string path)
    {
        foreach (var (key, value) in section.GetObject().Items)
        {
            var keyPath = Join(path, key);
            if (value.IsObject() && value.GetObject().Items.Count > 0)
            {
                foreach (var leaf in Leaves(value, keyPath))
                    yield return leaf;
            }
            else
            {
                yield return keyPath;
            }
        }
    }

    private static string Join(string path, string key)
    {
        var quoted = PlainKey().IsMatch(key) ? key : $"\"{key}\"";
        return path.Length == 0 ? quoted : $"{path}.{quoted}";
    }

    private static string Describe(HoconValue value) =>
        value.IsArray() ? "a list" : value.IsString() && value.GetString() is { } text ? Show(text) : "a value";

    private static string Show(string text) => $"\"{text}\"";

    private static string OutOfRange(string text, long value, long min, long max, string unit) =>
        value < min
            ? string.Create(CultureInfo.InvariantCulture, $"{Show(text)} is too small: at least {min}{unit}")
            : string.Create(CultureInfo.InvariantCulture, $"{Show(text)} is too large: at most {max}{unit}");

    private static string Format(TimeSpan duration) =>
        duration.Ticks % TimeSpan.TicksPerSecond == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds}s")
            : string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMilliseconds}ms");

    [GeneratedRegex(@"^[A-Za-z0-9_-]+$")]
    private static partial Regex PlainKey();

    [GeneratedRegex(@"^[0-9]{1,3}(\.[0-9]{1,3}){3}$")]
    private static partial Regex IPv4();

    // RFC 1123 labels of letters, digits and inner hyphens, 253 characters in all.
    [GeneratedRegex(@"^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$")]
    private static partial Regex HostName();

    // A name whose last label is a number is a mistyped address (8080, 10.0.0), not a host.
    [GeneratedRegex(@"(^|\.)[0-9]+\.?$")]
    private static partial Regex NumericLastLabel();
}
