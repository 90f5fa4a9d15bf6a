using System.Globalization;
using System.Text;

namespace Resume.Actors.Hosting;

/// <summary>The command line: <c>--app NAME --host H --port P --config FILE --status-path PATH</c>.</summary>
public sealed record CommandLine(string? App, string? Host, int? Port, string? ConfigFile, string? StatusPath = null)
{
    public const string Usage = """
        Usage: Resume [--app NAME] [--host ADDRESS] [--port PORT] [--config FILE] [--status-path PATH]
          --app NAME      the app to serve: demo (default), hello, echo, stream, sleep, reference,
                          upload, proxy, blocking, lineclient, fail, hang
          --host ADDRESS  the address to listen on (default 0.0.0.0)
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

    /// <summary>The options as HOCON overrides of <c>resume.server</c>.</summary>
    public string ToHocon()
    {
        var hocon = new StringBuilder();
        if (App is not null)
            hocon.AppendLine(CultureInfo.InvariantCulture, $"resume.server.app = \"{App}\"");
        if (Host is not null)
            hocon.AppendLine(CultureInfo.InvariantCulture, $"resume.server.host = \"{Host}\"");
        if (StatusPath is not null)
            hocon.AppendLine(CultureInfo.InvariantCulture, $"resume.server.status-path = \"{StatusPath}\"");
        if (Port is not null)
            hocon.AppendLine(CultureInfo.InvariantCulture, $"resume.server.port = {Port}");
        return hocon.ToString();
    }
}
