using System.Globalization;
using Akka.Configuration;

namespace Resume.Actors.Hosting;

/// <summary>
/// The command line: <c>--app NAME --host H --port P --https-port P --config FILE --status-path PATH</c> and the
/// cluster options <c>--cluster-port P --seed ADDRESS (repeatable) --public-host H</c>.
/// </summary>
public sealed record CommandLine(
    string? App,
    string? Host,
    int? Port,
    string? ConfigFile,
    string? StatusPath = null,
    int? ClusterPort = null,
    IReadOnlyList<string>? Seeds = null,
    string? PublicHost = null,
    int? HttpsPort = null)
{
    public const string Usage = """
        Usage: resume [--app NAME] [--host HOST] [--port PORT] [--https-port PORT] [--config FILE] [--status-path PATH]
                      [--cluster-port PORT] [--seed HOST:PORT]... [--public-host HOST]
               resume --help | --version
          --app NAME      the app to serve: demo (default), hello, echo, stream, sleep, reference,
                          upload, proxy, blocking, lineclient, fail, hang, counter, chat, work;
                          or your own: path/to/MyApps.dll:My.Namespace.Type.Method
          --host HOST     the address or host name to listen on (default 0.0.0.0)
          --port PORT     the port to listen on (default 8080; 0 picks a free one)
          --https-port PORT  also listen for HTTPS on PORT, with the certificate of
                          resume.server.https.certificate (a --config file)
          --config FILE   a HOCON file layered over the defaults (HOCON/resume.conf)
          --status-path PATH  turn the status endpoint on at PATH (e.g. /_status)
          --cluster-port PORT  the cluster (remoting) port; turns clustering on
          --seed HOST:PORT     a seed node (repeat for each); turns clustering on
          --public-host HOST   the host name other nodes reach this one by; turns clustering on
          --help, -h      this text;  --version  the version
        Environment, between the configuration files and the command line: every key of resume.conf
        as its path in capitals with dots and dashes as underscores (resume.server.port is
        RESUME_SERVER_PORT, resume.limits.max-body-size RESUME_LIMITS_MAX_BODY_SIZE; lists comma-
        separated); RESUME_CONFIG a file as --config; RESUME_HOCON HOCON text; RESUME_SEEDS and
        RESUME_PUBLIC_HOST as short names of RESUME_CLUSTER_SEED_NODES and RESUME_CLUSTER_PUBLIC_HOST.
        Exit codes: 0 stopped, 2 a configuration error, 3 no cluster joined, 4 downed by the cluster.
        """;

    /// <summary>Whether <paramref name="args"/> ask for the usage (<c>--help</c>, <c>-h</c>) rather than a server.</summary>
    public static bool AsksForHelp(IReadOnlyList<string> args) => args.Any(arg => arg is "--help" or "-h");

    /// <summary>Whether <paramref name="args"/> ask for the version (<c>--version</c>) rather than a server.</summary>
    public static bool AsksForVersion(IReadOnlyList<string> args) => args.Any(arg => arg is "--version");

    /// <summary>Parses the arguments; throws <see cref="ArgumentException"/> with what is wrong.</summary>
    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        string? app = null, host = null, config = null, statusPath = null, publicHost = null;
        int? port = null, clusterPort = null, httpsPort = null;
        List<string>? seeds = null;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name is "--help" or "-h")
                throw new ArgumentException("Help requested.");
            if (i + 1 >= args.Count)
                throw new ArgumentException($"The option '{name}' needs a value.");
            var value = args[++i];
            switch (name)
            {
                case "--app":
                    app = value;
                    break;
                case "--host":
                    host = value;
                    break;
                case "--port":
                    port = ParsePort(value);
                    break;
                case "--https-port":
                    httpsPort = ParsePort(value);
                    break;
                case "--config":
                    config = value;
                    break;
                case "--status-path":
                    statusPath = value.StartsWith('/') ? value : throw new ArgumentException($"The status path '{value}' must start with '/'.");
                    break;
                case "--cluster-port":
                    clusterPort = ParsePort(value);
                    break;
                case "--seed":
                    (seeds ??= []).Add(value);
                    break;
                case "--public-host":
                    publicHost = value;
                    break;
                default:
                    throw new ArgumentException($"Unknown option '{name}'.");
            }
        }
        return new CommandLine(app, host, port, config, statusPath, clusterPort, seeds, publicHost, httpsPort);
    }

    /// <summary>
    /// The options as overrides of <c>resume.server</c> and <c>resume.cluster</c>, set through the
    /// configuration API (<see cref="ConfigOverrides"/>). A cluster option turns clustering on.
    /// </summary>
    public Config ToConfig()
    {
        var overrides = new ConfigOverrides()
            .Set("resume.server.app", App)
            .Set("resume.server.host", Host)
            .Set("resume.server.status-path", StatusPath)
            .Set("resume.server.port", Port?.ToString(CultureInfo.InvariantCulture))
            .Set("resume.server.https.port", HttpsPort?.ToString(CultureInfo.InvariantCulture));
        if (ClusterPort is not null || Seeds is not null || PublicHost is not null)
        {
            overrides.Set("resume.cluster.enabled", "on")
                .Set("resume.cluster.port", ClusterPort?.ToString(CultureInfo.InvariantCulture))
                .SetList("resume.cluster.seed-nodes", Seeds)
                .Set("resume.cluster.public-host", PublicHost);
        }
        return overrides.ToConfig();
    }

    private static int ParsePort(string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p <= 65535
            ? p
            : throw new ArgumentException($"The port '{value}' is not a number from 0 to 65535.");
}
