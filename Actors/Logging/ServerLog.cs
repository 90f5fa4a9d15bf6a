using System.Net;
using Microsoft.Extensions.Logging;

namespace Resume.Actors.Logging;

/// <summary>The lines of category <c>Resume.Server</c> (source-generated: a level that is off costs a check, no allocation).</summary>
internal static partial class ServerLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Listening on http://{Endpoint} (at most {MaxConnections} connections at once)")]
    public static partial void Listening(ILogger log, IPEndPoint endpoint, int maxConnections);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Listening on https://{Endpoint}")]
    public static partial void ListeningHttps(ILogger log, EndPoint? endpoint);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Unbound; no new connections are accepted.")]
    public static partial void Unbound(ILogger log);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Draining {Connections} connections (deadline {Deadline}).")]
    public static partial void Draining(ILogger log, int connections, TimeSpan deadline);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning,
        Message = "Drain deadline passed with {Connections} connections open; their requests end with 503 (or cut short) and they close.")]
    public static partial void DrainDeadlinePassed(ILogger log, int connections);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "{Connections} connections still open {Linger} after the drain deadline; closing them.")]
    public static partial void ClosingAfterDrain(ILogger log, int connections, TimeSpan linger);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "Stopping: readiness answers 503; serving {Delay} more before unbinding.")]
    public static partial void UnbindDelay(ILogger log, TimeSpan delay);

    [LoggerMessage(EventId = 8, Level = LogLevel.Error, Message = "The server actor failed to start or was killed; the server stops.")]
    public static partial void ServerStopped(ILogger log, Exception error);

    [LoggerMessage(EventId = 9, Level = LogLevel.Warning,
        Message = "The server actor failed handling a message; it goes on with its listener, connections and drain as they were.")]
    public static partial void ServerResumed(ILogger log, Exception error);

    // 10 and 11 are the accept source's (Transport/Sockets/SocketAcceptSource.cs).

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning,
        Message = "The access log fell behind: {Dropped} lines dropped (resume.access-log.queue-size is {QueueSize}).")]
    public static partial void AccessLogDropped(ILogger log, long dropped, int queueSize);

    [LoggerMessage(EventId = 13, Level = LogLevel.Error, Message = "The access log could not be written to {To}; its lines are dropped from now on.")]
    public static partial void AccessLogFailed(ILogger log, string to, Exception error);

    [LoggerMessage(EventId = 14, Level = LogLevel.Warning,
        Message = "resume.logging lets {Category} log at {Level}, below akka.loglevel ({AkkaLevel}): this server logs through Akka's event stream (no ILoggerFactory was given), which drops those lines; pass an ILoggerFactory, or lower akka.loglevel.")]
    public static partial void BelowAkkaLevel(ILogger log, string category, LogLevel level, string akkaLevel);
}
