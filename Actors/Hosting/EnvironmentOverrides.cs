using System.Collections;
using System.Globalization;
using Akka.Configuration;

namespace Resume.Actors.Hosting;

/// <summary>
/// The environment variables that differ per deployment (a container's port, a StatefulSet pod's
/// DNS name, the seed list): over the configuration files, under the command line. Empty ones are
/// ignored; any of them turns clustering on, as the matching command-line option does.
/// </summary>
public static class EnvironmentOverrides
{
    /// <summary><c>resume.cluster.port</c>; 0 to 65535.</summary>
    public const string ClusterPort = "RESUME_CLUSTER_PORT";

    /// <summary><c>resume.cluster.seed-nodes</c>: seed addresses separated by commas.</summary>
    public const string Seeds = "RESUME_SEEDS";

    /// <summary><c>resume.cluster.public-host</c>.</summary>
    public const string PublicHost = "RESUME_PUBLIC_HOST";

    /// <summary>This process's environment.</summary>
    public static IReadOnlyDictionary<string, string> Current() =>
        Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "", StringComparer.Ordinal);

    /// <summary>The overrides <paramref name="environment"/> holds; a port that is not one throws a <see cref="SettingsException"/> naming the variable.</summary>
    public static Config ToConfig(IReadOnlyDictionary<string, string> environment)
    {
        var port = Read(environment, ClusterPort);
        var seeds = Read(environment, Seeds)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var publicHost = Read(environment, PublicHost);
        if (port is null && seeds is null && publicHost is null)
            return Config.Empty;
        if (port is not null && !(int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p <= 65535))
            throw new SettingsException(ClusterPort, $"\"{port}\" is not a port: a number from 0 to 65535");
        return new ConfigOverrides()
            .Set("resume.cluster.enabled", "on")
            .Set("resume.cluster.port", port)
            .SetList("resume.cluster.seed-nodes", seeds)
            .Set("resume.cluster.public-host", publicHost)
            .ToConfig();
    }

    private static string? Read(IReadOnlyDictionary<string, string> environment, string name) =>
        environment.TryGetValue(name, out var value) && value.Trim().Length > 0 ? value.Trim() : null;
}
