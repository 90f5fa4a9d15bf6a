using Microsoft.Extensions.Logging;
using Resume.Actors.Hosting;

namespace Resume.Actors.Logging;

/// <summary>
/// <c>resume.logging</c>: the least level logged, for every category and by category. They become
/// Microsoft.Extensions.Logging filter rules placed under the host's own (<see cref="LogLevelRules"/>), so
/// <c>Logging:LogLevel:CATEGORY</c> from appsettings.json or the environment wins for the same category.
/// </summary>
public sealed record LoggingSettings
{
    /// <summary>For every category that <see cref="Levels"/> does not name.</summary>
    public required LogLevel Level { get; init; }

    /// <summary>By category prefix (<c>Resume.Request</c>, <c>Akka</c>), as MEL matches a rule's category.</summary>
    public required IReadOnlyDictionary<string, LogLevel> Levels { get; init; }

    /// <summary>Reads <c>resume.logging</c>; <c>levels</c> is a section of names, as <c>resume.apps</c> is.</summary>
    public static LoggingSettings Read(SettingsReader section)
    {
        var levels = section.Section("levels");
        return new LoggingSettings
        {
            Level = ReadLevel(section, "level"),
            Levels = levels.Keys.ToDictionary(category => category, category => ReadLevel(levels, category), StringComparer.Ordinal),
        };
    }

    private static LogLevel ReadLevel(SettingsReader section, string key) =>
        Parse(section.Text(key, text => Parse(text) is null ? "is not a level: trace, debug, info, warning, error, critical or none" : null))!.Value;

    /// <summary>A level as HOCON writes it (and MEL's own names), or null.</summary>
    public static LogLevel? Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "trace" => LogLevel.Trace,
        "debug" => LogLevel.Debug,
        "info" or "information" => LogLevel.Information,
        "warning" or "warn" => LogLevel.Warning,
        "error" => LogLevel.Error,
        "critical" => LogLevel.Critical,
        "none" or "off" => LogLevel.None,
        _ => null,
    };
}
