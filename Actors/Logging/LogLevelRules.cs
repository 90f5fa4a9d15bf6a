using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Resume.Actors.Logging;

/// <summary>
/// <c>resume.logging</c> as Microsoft.Extensions.Logging filter rules, put first in the list: MEL
/// takes the most specific rule for a category and, among equally specific ones, the last, so the
/// host's own configuration (<c>Logging:LogLevel:Default</c>, <c>Logging:LogLevel:Resume.Request</c> from
/// appsettings.json or <c>Logging__LogLevel__...</c> variables, or <c>AddFilter</c>) wins for the
/// same category whatever order the host registered things in, and HOCON only fills in the rest.
/// </summary>
internal sealed class LogLevelRules(LoggingSettings settings) : IPostConfigureOptions<LoggerFilterOptions>
{
    public void PostConfigure(string? name, LoggerFilterOptions options)
    {
        var rules = new List<LoggerFilterRule> { new(null, null, settings.Level, null) };
        rules.AddRange(settings.Levels.Select(level => new LoggerFilterRule(null, level.Key, level.Value, null)));
        for (var i = 0; i < rules.Count; i++)
            options.Rules.Insert(i, rules[i]);
    }
}
