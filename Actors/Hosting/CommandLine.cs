using System.Globalization;
using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace Resume.Actors.Hosting;

/// <summary>The command line: <c>--app NAME --host H --port P --config FILE --status-path PATH</c>.</summary>
public sealed record CommandLine(string? App, string? Host, int? Port, string? ConfigFile, string? StatusPath = null)
{
    public const string Usage = """
        Usage: Resume [--app NAME] [--host HOST] [--port PORT] [--config FILE] [--status-path PATH]
          --app NAME      the app to serve: demo (default), hello, echo, stream, sleep, reference,
                          upload, proxy, blocking, lineclient, fail, hang
          --host HOST     the address or host name to listen on (default 0.0.0.0)
          --port PORT     the port to listen on (default 8080; 0 picks a free one)
          --config FILE   a HOCON file layered over the defaults (HOCON/resume.conf)
          --status-path PATH  turn the status endpoint on at PATH (e.g. /_status)
        """;

    /// <summary>Parses the arguments; throws <see cref="ArgumentException"/> with what is wrong.</summary>
    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        string? app = null, host = null, config = null, statusPath = null;
        int? port = null;
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
                    port = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p <= 65535
                        ? p
                        : throw new ArgumentException($"The port '{value}' is not a number from 0 to 65535.");
                    break;
                case "--config":
                    config = value;
                    break;
                case "--status-path":
                    statusPath = value.StartsWith('/') ? value : throw new ArgumentException($"The status path '{value}' must start with '/'.");
                    break;
                default:
                    throw new ArgumentException($"Unknown option '{name}'.");
            }
        }
        return new CommandLine(app, host, port, config, statusPath);
    }

    /// <summary>
    /// The options as overrides of <c>resume.server</c>, set through the configuration API: a value is
    /// never pasted into HOCON text, so quotes, braces or newlines in it stay part of the value (and
    /// are then checked as any configured value is).
    /// </summary>
    public Config ToConfig()
    {
        var server = new HoconObject();
        Set(server, "app", App);
        Set(server, "host", Host);
        Set(server, "status-path", StatusPath);
        Set(server, "port", Port?.ToString(CultureInfo.InvariantCulture));
        if (server.Items.Count == 0)
            return Config.Empty;
        var resume = new HoconObject();
        resume.Items["server"] = Value(server);
        var root = new HoconObject();
        root.Items["resume"] = Value(resume);
        return new Config(new HoconRoot(Value(root)));
    }

    private static void Set(HoconObject section, string key, string? value)
    {
        if (value is not null)
            section.Items[key] = Value(new HoconLiteral { Value = value });
    }

    private static HoconValue Value(IHoconElement element)
    {
        var value = new HoconValue();
        value.AppendValue(element);
        return value;
    }
}
