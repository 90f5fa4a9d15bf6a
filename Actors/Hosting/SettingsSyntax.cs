using System.Globalization;
using System.Text.RegularExpressions;

namespace Resume.Actors.Hosting;

/// <summary>
/// How HOCON writes the values Resume reads: durations (<c>30s</c>), sizes (<c>16k</c>), whole
/// numbers and on/off. Stricter than Akka's own getters: a duration needs its unit (Akka reads a
/// bare <c>30</c> as 30 ms), and a negative value parses, so that the range check can say so.
/// Out-of-range magnitudes are clamped, not refused: the caller's range check names the limit.
/// </summary>
public static partial class SettingsSyntax
{
    /// <summary>The duration <paramref name="text"/> means, or null if it is not one.</summary>
    public static TimeSpan? Duration(string text)
    {
        var match = DurationPattern().Match(text.Trim());
        if (!match.Success || !DurationUnits.TryGetValue(match.Groups["unit"].Value, out var ticksPerUnit))
            return null;
        var magnitude = decimal.TryParse(match.Groups["number"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)
            && number <= TimeSpan.MaxValue.Ticks / ticksPerUnit
                ? TimeSpan.FromTicks((long)Math.Min(Math.Round(number * ticksPerUnit), TimeSpan.MaxValue.Ticks))
                : TimeSpan.MaxValue;
        return match.Groups["sign"].Success ? -magnitude : magnitude;
    }

    /// <summary>Whether <paramref name="text"/> is a number with no unit (a duration that forgot its unit).</summary>
    public static bool IsBareNumber(string text) => BareNumberPattern().IsMatch(text.Trim());

    /// <summary>The size in bytes <paramref name="text"/> means (a number, optionally with a unit), or null.</summary>
    public static long? Size(string text)
    {
        var match = SizePattern().Match(text.Trim());
        if (!match.Success)
            return null;
        var factor = 1L;
        if (match.Groups["unit"].Success && !SizeUnits.TryGetValue(match.Groups["unit"].Value, out factor))
            return null;
        var magnitude = decimal.TryParse(match.Groups["number"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            && number <= long.MaxValue / factor
                ? (long)number * factor
                : long.MaxValue;
        return match.Groups["sign"].Success ? -magnitude : magnitude;
    }

    /// <summary>The whole number <paramref name="text"/> is, or null.</summary>
    public static long? Integer(string text)
    {
        var trimmed = text.Trim();
        if (!IntegerPattern().IsMatch(trimmed))
            return null;
        return long.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : trimmed.StartsWith('-') ? long.MinValue : long.MaxValue;
    }

    /// <summary>on/true or off/false, as Akka reads them; null for anything else.</summary>
    public static bool? Boolean(string text) => text.Trim() switch
    {
        "on" or "true" => true,
        "off" or "false" => false,
        _ => null,
    };

    // Akka's units (HoconValue.GetTimeSpan), as ticks.
    private static readonly Dictionary<string, decimal> DurationUnits = Units<decimal>(
        (TimeSpan.TicksPerMillisecond / 1_000_000m, ["ns", "nano", "nanos", "nanosecond", "nanoseconds"]),
        (TimeSpan.TicksPerMillisecond / 1_000m, ["us", "micro", "micros", "microsecond", "microseconds"]),
        (TimeSpan.TicksPerMillisecond, ["ms", "milli", "millis", "millisecond", "milliseconds"]),
        (TimeSpan.TicksPerSecond, ["s", "second", "seconds"]),
        (TimeSpan.TicksPerMinute, ["m", "minute", "minutes"]),
        (TimeSpan.TicksPerHour, ["h", "hour", "hours"]),
        (TimeSpan.TicksPerDay, ["d", "day", "days"]));

    // Akka's units (HoconValue.GetByteSize), case as Akka has them: k is 1024, kB is 1000.
    private static readonly Dictionary<string, long> SizeUnits = Units<long>(
        (1L, ["b", "B", "byte", "bytes"]),
        (1L << 10, ["k", "K", "Ki", "KiB", "kibibyte", "kibibytes"]),
        (1_000L, ["kB", "kilobyte", "kilobytes"]),
        (1L << 20, ["m", "M", "Mi", "MiB", "mebibyte", "mebibytes"]),
        (1_000_000L, ["MB", "megabyte", "megabytes"]),
        (1L << 30, ["g", "G", "Gi", "GiB", "gibibyte", "gibibytes"]),
        (1_000_000_000L, ["GB", "gigabyte", "gigabytes"]),
        (1L << 40, ["t", "T", "Ti", "TiB", "tebibyte", "tebibytes"]),
        (1_000_000_000_000L, ["TB", "terabyte", "terabytes"]));

    private static Dictionary<string, T> Units<T>(params (T Factor, string[] Names)[] units) =>
        units.SelectMany(u => u.Names.Select(name => (name, u.Factor))).ToDictionary(u => u.name, u => u.Factor, StringComparer.Ordinal);

    [GeneratedRegex(@"^(?<sign>-)?(?<number>[0-9]+(\.[0-9]+)?)\s*(?<unit>[A-Za-z]+)$")]
    private static partial Regex DurationPattern();

    [GeneratedRegex(@"^-?[0-9]+(\.[0-9]+)?$")]
    private static partial Regex BareNumberPattern();

    [GeneratedRegex(@"^(?<sign>-)?(?<number>[0-9]+)\s*(?<unit>[A-Za-z]+)?$")]
    private static partial Regex SizePattern();

    [GeneratedRegex(@"^-?[0-9]+$")]
    private static partial Regex IntegerPattern();
}
