using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Resume.Actors.Hosting;
using Resume.Apps.Samples;

namespace Resume.Tool;

/// <summary>
/// The stock executable's host: Resume through the same <c>AddResume</c> an app author calls, with
/// the samples (and the demo) as the apps <c>--app</c> may name and the samples' HOCON under the
/// operator's file.
/// </summary>
public static class StockHost
{
    /// <summary>
    /// The host for <paramref name="options"/>, its configuration read and checked and its port bound
    /// first: a bad value, an unknown key or app, a host that does not resolve or a port in use throws
    /// a <see cref="SettingsException"/> before anything starts.
    /// </summary>
    public static IHost Build(CommandLine options) => Build(options, EnvironmentOverrides.Current());

    /// <summary>The host for <paramref name="options"/> over the variables of <paramref name="environment"/> (<see cref="EnvironmentOverrides"/>).</summary>
    public static IHost Build(CommandLine options, IReadOnlyDictionary<string, string> environment)
    {
        // No watching of appsettings files for changes (Resume has none: HOCON configures it). The
        // watcher's thread is the first casualty when descriptors run out: reloading a file it saw
        // change fails with EMFILE, and the runtime aborts the process (PAL_SEHException, exit 134).
        var hostConfiguration = new ConfigurationManager();
        hostConfiguration.AddInMemoryCollection([new("hostBuilder:reloadConfigOnChange", "false")]);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Configuration = hostConfiguration });
        builder.Services.AddResume(resume =>
        {
            resume.CommandLine = options;
            resume.Environment = environment;
            resume.AppDefaultsHocon = AppCatalog.Hocon;
            foreach (var (name, app) in AppCatalog.Named)
                resume.NamedApps[name] = app;
        });
        builder.Services.AddSystemdNotification();
        return builder.Build();
    }
}
