using Akka.Configuration;

namespace Resume.Actors.Hosting;

/// <summary>The HOCON the server runs on: the overrides (command line, environment, code), over a --config file, over what the app ships with, over the embedded defaults.</summary>
public static class ResumeConfig
{
    /// <summary>HOCON/resume.conf, embedded in the server's assembly: the one place every default is written.</summary>
    public static Config Defaults { get; } = LoadDefaults();

    /// <summary>
    /// <paramref name="overrides"/> (the command line, the environment, what the code sets) over <paramref name="file"/>
    /// over <paramref name="appDefaults"/> (what an app ships with, e.g. its entity types) over the
    /// defaults. A file that is missing, unreadable or not HOCON throws a
    /// <see cref="SettingsException"/> naming <c>--config</c>.
    /// </summary>
    public static Config Load(string? file = null, Config? overrides = null, Config? appDefaults = null)
    {
        var config = appDefaults is { IsEmpty: false } ? appDefaults.WithFallback(Defaults) : Defaults;
        if (file is not null)
            config = ParseFile(file).WithFallback(config);
        if (overrides is { IsEmpty: false })
            config = overrides.WithFallback(config);
        return config;
    }

    private static Config ParseFile(string file)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SettingsException("--config", Directory.Exists(file) ? $"'{file}' is a directory, not a file"
                : File.Exists(file) ? $"cannot read '{file}': {e.Message}" : $"the file '{file}' does not exist");
        }
        try
        {
            // Akka's parser takes some broken files silently (an unclosed brace, a stray line, binary
            // bytes), so the structure is checked first, strictly, with the line of the first problem.
            return ConfigurationFactory.ParseString(HoconSyntaxCheck.CheckedText(bytes));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Akka's parser throws plain Exception, FormatException or ConfigurationException.
            var reason = string.Join(' ', e.Message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
            throw new SettingsException("--config", $"'{file}' is not valid HOCON: {reason}");
        }
    }

    private static Config LoadDefaults()
    {
        using var stream = typeof(ResumeConfig).Assembly.GetManifestResourceStream("resume.conf")
            ?? throw new InvalidOperationException("The embedded resume.conf is missing from the build.");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    }
}
