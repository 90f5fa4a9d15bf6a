using System.Collections;
using System.Globalization;
using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace Resume.Actors.Hosting;

/// <summary>
/// Configuration from environment variables, as containers need it: over the configuration files,
/// under the command line. Every key of the embedded <c>resume.conf</c> has one, named by a rule:
/// its path in capitals with dots and dashes as underscores (<c>resume.server.port</c> →
/// <c>RESUME_SERVER_PORT</c>, <c>resume.limits.max-body-size</c> → <c>RESUME_LIMITS_MAX_BODY_SIZE</c>,
/// <c>akka.loglevel</c> → <c>AKKA_LOGLEVEL</c>); a list's items are separated by commas.
/// <c>RESUME_CONFIG</c> names the file (as <c>--config</c>), <c>RESUME_HOCON</c> holds HOCON text
/// for what no single key covers (a map's entries: <c>resume.apps.NAME</c>, entity types). Empty
/// variables are ignored. A <c>RESUME_</c> variable close to a known name but not one (a typo) stops
/// the server, as an unknown key does; others are left alone (they may be an app's own). The port,
/// seed nodes or public host of the cluster turn clustering on, as their command-line options do.
/// </summary>
public static class EnvironmentOverrides
{
    /// <summary><c>resume.cluster.port</c>; 0 to 65535.</summary>
    public const string ClusterPort = "RESUME_CLUSTER_PORT";

    /// <summary><c>resume.cluster.seed-nodes</c> (also <c>RESUME_CLUSTER_SEED_NODES</c>): seed addresses separated by commas.</summary>
    public const string Seeds = "RESUME_SEEDS";

    /// <summary><c>resume.cluster.public-host</c> (also <c>RESUME_CLUSTER_PUBLIC_HOST</c>).</summary>
    public const string PublicHost = "RESUME_PUBLIC_HOST";

    /// <summary>A HOCON file over the defaults, as <c>--config</c> (which wins when both are given).</summary>
    public const string ConfigFile = "RESUME_CONFIG";

    /// <summary>HOCON text at this layer, for what no single variable covers.</summary>
    public const string Hocon = "RESUME_HOCON";

    private const string Prefix = "RESUME_";

    private static readonly string[] ClusterKeys = ["resume.cluster.port", "resume.cluster.seed-nodes", "resume.cluster.public-host"];

    /// <summary>Every key of the embedded resume.conf by the name of its variable.</summary>
    public static IReadOnlyDictionary<string, string> Keys { get; } = KeysOf(ResumeConfig.Defaults);

    /// <summary>Every variable read: one per key, the short cluster names, <see cref="ConfigFile"/> and <see cref="Hocon"/>.</summary>
    public static IReadOnlySet<string> Names { get; } = new HashSet<string>(Keys.Keys.Concat([Seeds, PublicHost, ConfigFile, Hocon]), StringComparer.Ordinal);

    /// <summary>The variable of <paramref name="path"/> by the naming rule.</summary>
    public static string NameOf(string path) =>
        path.ToUpperInvariant().Replace('.', '_').Replace('-', '_');

    /// <summary>This process's environment.</summary>
    public static IReadOnlyDictionary<string, string> Current() =>
        Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "", StringComparer.Ordinal);

    /// <summary>The file <see cref="ConfigFile"/> names, if any.</summary>
    public static string? ConfigFileIn(IReadOnlyDictionary<string, string> environment) => Read(environment, ConfigFile);

    /// <summary>
    /// The overrides <paramref name="environment"/> holds. A cluster port that is not one, HOCON that
    /// does not parse, or a <c>RESUME_</c> name that is a typo of a known one throws a
    /// <see cref="SettingsException"/> naming the variable.
    /// </summary>
    public static Config ToConfig(IReadOnlyDictionary<string, string> environment)
    {
        CheckForTypos(environment);
        var overrides = new ConfigOverrides();
        foreach (var (name, path) in Keys)
        {
            if (Read(environment, name) is not { } value)
                continue;
            if (IsList(path))
                overrides.SetList(path, value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
            else
                overrides.Set(path, value);
        }
        if (Read(environment, Seeds) is { } seeds)
            overrides.SetList("resume.cluster.seed-nodes", seeds.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        overrides.Set("resume.cluster.public-host", Read(environment, PublicHost));
        if (Read(environment, ClusterPort) is { } port && !(int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p <= 65535))
            throw new SettingsException(ClusterPort, $"\"{port}\" is not a port: a number from 0 to 65535");
        var clusterNamed = ClusterKeys.Select(NameOf).Append(Seeds).Append(PublicHost).Any(name => Read(environment, name) is not null);
        if (clusterNamed && Read(environment, NameOf("resume.cluster.enabled")) is null)
            overrides.Set("resume.cluster.enabled", "on");
        var config = overrides.ToConfig();
        return Read(environment, Hocon) is { } hocon ? ParseHocon(hocon).WithFallback(config) : config;
    }

    /// <summary>Whether the key holds a list (an empty one too, which HOCON's IsArray does not say).</summary>
    public static bool IsList(string path) =>
        ResumeConfig.Defaults.GetValue(path) is { } value && (value.IsArray() || value.Values.FirstOrDefault() is HoconArray);

    private static Config ParseHocon(string hocon)
    {
        try
        {
            // Akka's parser takes some broken text silently; the strict check says where it is broken.
            return ConfigurationFactory.ParseString(HoconSyntaxCheck.CheckedText(System.Text.Encoding.UTF8.GetBytes(hocon)));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new SettingsException(Hocon, $"is not valid HOCON: {SettingsException.OneLine(e.Message)}");
        }
    }

    private static void CheckForTypos(IReadOnlyDictionary<string, string> environment)
    {
        foreach (var (name, value) in environment)
        {
            if (!name.StartsWith(Prefix, StringComparison.Ordinal) || Names.Contains(name) || IsServiceLink(name, value))
                continue;
            var closest = KeySuggestion.Closest(name, Names);
            if (KeySuggestion.Distance(name, closest) <= 2)
                throw new SettingsException(name, $"not a variable Resume reads; did you mean {closest}?");
        }
    }

    /// <summary>Kubernetes' variables for a Service (NAME_SERVICE_HOST, NAME_PORT_80_TCP, ...), which a Service named resume-server would make look like ours.</summary>
    private static bool IsServiceLink(string name, string value) =>
        System.Text.RegularExpressions.Regex.IsMatch(name, "_SERVICE_(HOST|PORT)(_[A-Z0-9_]+)?$|_PORT_[0-9]+_(TCP|UDP|SCTP)(_(PROTO|PORT|ADDR))?$")
        || (name.EndsWith("_PORT", StringComparison.Ordinal) && System.Text.RegularExpressions.Regex.IsMatch(value, "^(tcp|udp|sctp)://"));

    private static Dictionary<string, string> KeysOf(Config config)
    {
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in config.Root.GetObject().Items)
            Collect(key, value, keys);
        return keys;
    }

    private static void Collect(string path, HoconValue value, Dictionary<string, string> keys)
    {
        if (value.IsObject())
        {
            foreach (var (key, child) in value.GetObject().Items)
            {
                // A quoted key with dots or other signs has no name by the rule: a file or RESUME_HOCON sets it.
                if (key.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
                    Collect($"{path}.{key}", child, keys);
            }
            return;
        }
        var name = NameOf(path);
        if (!keys.TryAdd(name, path) && keys[name] != path)
            throw new InvalidOperationException($"{path} and {keys[name]} would both be {name}: rename one key.");
    }

    private static string? Read(IReadOnlyDictionary<string, string> environment, string name) =>
        environment.TryGetValue(name, out var value) && value.Trim().Length > 0 ? value.Trim() : null;
}
