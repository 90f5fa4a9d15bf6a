using Akka.Configuration;

namespace Resume.Actors.Hosting;

/// <summary>The HOCON the server runs on: command-line overrides, over a --config file, over the embedded defaults.</summary>
public static class ResumeConfig
{
    /// <summary>HOCON/resume.conf, embedded in the executable.</summary>
    public static Config Defaults { get; } = LoadDefaults();

    public static Config Load(string? file = null, string? overrides = null)
    {
        var config = Defaults;
        if (file is not null)
        {
            if (!File.Exists(file))
                throw new FileNotFoundException($"The configuration file '{file}' does not exist.", file);
            config = ConfigurationFactory.ParseString(File.ReadAllText(file)).WithFallback(config);
        }
        if (!string.IsNullOrWhiteSpace(overrides))
            config = ConfigurationFactory.ParseString(overrides).WithFallback(config);
        return config;
    }

    private static Config LoadDefaults()
    {
        using var stream = typeof(ResumeConfig).Assembly.GetManifestResourceStream("resume.conf")
            ?? throw new InvalidOperationException("The embedded resume.conf is missing from the build.");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    }
}
