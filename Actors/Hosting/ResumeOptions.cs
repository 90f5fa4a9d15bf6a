using System.Globalization;
using Akka.Configuration;
using Resume.Apps;
using Resume.Apps.Cluster;

namespace Resume.Actors.Hosting;

/// <summary>
/// What <see cref="ResumeServiceCollectionExtensions.AddResume"/> serves and how: HOCON over the
/// embedded defaults (a file, text, the stock command line), and the apps, each mounted under a path
/// prefix (or one on every path), made from the host's services when they need them. With no app
/// given, <c>resume.server.app</c> names one (<c>path.dll:Type.Method</c>, or one of <see cref="NamedApps"/>).
/// </summary>
public sealed class ResumeOptions
{
    private readonly List<Mounted> _mounts = [];
    private Func<IServiceProvider, App>? _single;
    private bool? _singleBlocking;
    private readonly ConfigOverrides _authored = new();

    /// <summary>A HOCON file layered over the defaults (the stock executable's <c>--config</c>).</summary>
    public string? ConfigFile { get; set; }

    /// <summary>HOCON text over the file, e.g. <c>"resume.server.port = 9000"</c>.</summary>
    public string? Hocon { get; set; }

    /// <summary>HOCON an app ships with, under the file (which may override it), e.g. its entity types.</summary>
    public string? AppDefaultsHocon { get; set; }

    /// <summary>
    /// Apps that <c>resume.server.app</c> (<c>--app</c>) may name when nothing is mounted, e.g. the stock
    /// executable's samples. A <see cref="Resume.Apps.Routing.PathPrefixRouter"/> given here runs each of
    /// its mounts with the options of the mount's name, as the demo does.
    /// </summary>
    public IDictionary<string, App> NamedApps { get; } = new Dictionary<string, App>(StringComparer.Ordinal);

    /// <summary>The stock executable's command line and environment, over everything else.</summary>
    public CommandLine? CommandLine { get; set; }

    /// <summary>The variables configuration also comes from (<see cref="EnvironmentOverrides"/>: every key has one); null: this process's.</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; set; }

    internal IReadOnlyList<Mounted> Mounts => _mounts;

    internal Func<IServiceProvider, App>? Single => _single;

    /// <summary>Serves <paramref name="app"/> under <paramref name="prefix"/> (<c>"/todos"</c>; its options are <c>resume.apps.todos</c>).</summary>
    /// <param name="blocking">Run it on the blocking dispatcher (plain synchronous code); null: as HOCON says.</param>
    public ResumeOptions Mount(string prefix, App app, bool? blocking = null) => Mount(prefix, _ => app, blocking);

    /// <summary>Serves the app <paramref name="factory"/> makes, from the host's services, once the host starts.</summary>
    public ResumeOptions Mount(string prefix, Func<IServiceProvider, App> factory, bool? blocking = null)
    {
        var name = prefix.Trim('/');
        if (name.Length == 0)
            throw new ArgumentException("A mount needs a prefix such as \"/todos\"; for one app on every path, use Serve.", nameof(prefix));
        if (_single is not null || _mounts.Any(m => m.Name == name))
            throw new ArgumentException($"\"{prefix}\" is mounted already, or an app serves every path.", nameof(prefix));
        _mounts.Add(new Mounted(name, factory, blocking));
        return this;
    }

    /// <summary>Serves <paramref name="app"/> on every path (its options are <c>resume.request</c>'s, or <c>resume.apps.app</c>).</summary>
    public ResumeOptions Serve(App app, bool? blocking = null) => Serve(_ => app, blocking);

    public ResumeOptions Serve(Func<IServiceProvider, App> factory, bool? blocking = null)
    {
        if (_single is not null || _mounts.Count > 0)
            throw new ArgumentException("Serve takes the only app; mount apps by prefix instead.");
        _single = factory;
        _singleBlocking = blocking;
        return this;
    }

    /// <summary>
    /// Makes this node a cluster member: its cluster (remoting) port, the seed nodes (<c>host:port</c>, the
    /// same list on every node) and the name others reach it by (<c>""</c>: its host) — what
    /// <c>--cluster-port</c>, <c>--seed</c> and <c>--public-host</c> set, which an operator's command line or
    /// <c>RESUME_*</c> variables override.
    /// </summary>
    public ResumeOptions Cluster(int port, IEnumerable<string> seeds, string? publicHost = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        _authored.Set("resume.cluster.enabled", "on")
            .Set("resume.cluster.port", port.ToString(CultureInfo.InvariantCulture))
            .SetList("resume.cluster.seed-nodes", [.. seeds])
            .Set("resume.cluster.public-host", publicHost);
        return this;
    }

    /// <summary>An entity type that apps reach as <paramref name="name"/> through <c>environ.Cluster</c> (<c>resume.cluster.entities</c>).</summary>
    public ResumeOptions Entity<TEntity>(string name) where TEntity : Entity =>
        NameType("resume.cluster.entities", name, typeof(TEntity));

    /// <summary>A job type that apps submit as <paramref name="name"/> through <c>environ.Cluster.SubmitAsync</c> (<c>resume.cluster.jobs</c>).</summary>
    public ResumeOptions Job<TJob>(string name) where TJob : Job =>
        NameType("resume.cluster.jobs", name, typeof(TJob));

    private ResumeOptions NameType(string section, string name, Type type)
    {
        if (name.Length == 0 || name.Contains('.', StringComparison.Ordinal) || name.Contains('"', StringComparison.Ordinal))
            throw new ArgumentException($"\"{name}\" cannot name a type: a name is one HOCON key, without dots or quotes.", nameof(name));
        _authored.Set($"{section}.{name}", $"{type.FullName}, {type.Assembly.GetName().Name}");
        return this;
    }

    internal const string SingleName = "app";

    /// <summary>
    /// The configuration these options describe: the command line, over the environment (an operator's
    /// say), over the mounts' switches, the cluster and its types, and HOCON text (the author's), over
    /// the file, over what the app ships with, over the defaults.
    /// </summary>
    internal Config Load()
    {
        var inline = Hocon is null ? Config.Empty : ConfigurationFactory.ParseString(Hocon);
        foreach (var (name, blocking) in _mounts.Select(m => (m.Name, m.Blocking)).Append((SingleName, _singleBlocking)))
        {
            if (blocking is { } on)
                _authored.Set($"resume.apps.{name}.blocking", on ? "on" : "off");
        }
        var environment = Environment ?? EnvironmentOverrides.Current();
        var layers = new[]
        {
            CommandLine?.ToConfig(), EnvironmentOverrides.ToConfig(environment), _authored.ToConfig(), inline,
        };
        // Akka refuses a config as its own fallback, and the empty ones are one shared instance.
        var overrides = layers.Where(layer => layer is { IsEmpty: false }).Aggregate(Config.Empty, (above, below) => above.IsEmpty ? below! : above.WithFallback(below));
        var appDefaults = AppDefaultsHocon is null ? null : ConfigurationFactory.ParseString(AppDefaultsHocon);
        var file = CommandLine?.ConfigFile ?? EnvironmentOverrides.ConfigFileIn(environment) ?? ConfigFile;
        return ResumeConfig.Load(file, overrides, appDefaults: appDefaults);
    }

    internal sealed record Mounted(string Name, Func<IServiceProvider, App> Factory, bool? Blocking);
}
