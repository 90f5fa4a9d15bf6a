using Resume.Actors.Hosting;

namespace Resume.Actors.Logging;

/// <summary><c>resume.access-log</c>: a line per request, written off the request path (<see cref="AccessLog"/>).</summary>
public sealed record AccessLogSettings
{
    public required bool Enabled { get; init; }

    public required AccessLogFormat Format { get; init; }

    /// <summary><c>stdout</c>, or the path of a file lines are appended to.</summary>
    public required string To { get; init; }

    /// <summary>Lines that may wait for the writer; past it, new lines are dropped and counted.</summary>
    public required int QueueSize { get; init; }

    public bool ToStdout => To == "stdout";

    public static AccessLogSettings Read(SettingsReader section) => new()
    {
        Enabled = section.Bool("enabled"),
        Format = section.Text("format", text => text is "common" or "combined" or "json" ? null : "is not a format: common, combined or json") switch
        {
            "combined" => AccessLogFormat.Combined,
            "json" => AccessLogFormat.Json,
            _ => AccessLogFormat.Common,
        },
        To = section.Text("to", text => text.Trim().Length > 0 ? null : "is empty: stdout, or a file's path"),
        QueueSize = section.Int("queue-size", 1),
    };
}
