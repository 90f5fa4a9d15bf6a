using Microsoft.Extensions.Logging;

namespace Resume.Actors.Logging;

/// <summary>The lines of category <c>Resume.Connection</c>, each in the scope of its connection's id.</summary>
internal static partial class ConnectionLog
{
    public static void Refused(ILogger log, long connectionId, string remoteAddr, int status, string reason)
    {
        if (!log.IsEnabled(LogLevel.Information))
            return;
        using var scope = log.BeginScope(new ConnectionScope(connectionId));
        RefusedLine(log, connectionId, remoteAddr, status, reason);
    }

    public static void TlsHandshakeFailed(ILogger log, long connectionId, string remoteAddr, string timedOut, string? error)
    {
        if (!log.IsEnabled(LogLevel.Debug))
            return;
        using var scope = log.BeginScope(new ConnectionScope(connectionId));
        TlsHandshakeFailedLine(log, connectionId, remoteAddr, timedOut, error);
    }

    public static void ProxyHeaderRefused(ILogger log, long connectionId, string remoteAddr, string why)
    {
        if (!log.IsEnabled(LogLevel.Debug))
            return;
        using var scope = log.BeginScope(new ConnectionScope(connectionId));
        ProxyHeaderRefusedLine(log, connectionId, remoteAddr, why);
    }

    public static void AbortedCallbackThrew(ILogger log, long connectionId, Exception error)
    {
        if (!log.IsEnabled(LogLevel.Warning))
            return;
        using var scope = log.BeginScope(new ConnectionScope(connectionId));
        AbortedCallbackThrewLine(log, error);
    }

    /// <summary>A connection actor failed (a bug of the server's): its supervisor stops it, and this is the one line about it.</summary>
    [LoggerMessage(EventId = 104, Level = LogLevel.Error, Message = "A connection actor failed; that connection is closed, the others go on.")]
    public static partial void Failed(ILogger log, Exception error);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Connection {ConnectionId} from {RemoteAddr}: refused with {Status}: {Reason}")]
    private static partial void RefusedLine(ILogger log, long connectionId, string remoteAddr, int status, string reason);

    [LoggerMessage(EventId = 102, Level = LogLevel.Debug, Message = "Connection {ConnectionId} from {RemoteAddr}: TLS handshake failed{TimedOut}: {Error}")]
    private static partial void TlsHandshakeFailedLine(ILogger log, long connectionId, string remoteAddr, string timedOut, string? error);

    [LoggerMessage(EventId = 105, Level = LogLevel.Debug, Message = "Connection {ConnectionId} from {RemoteAddr}: no PROXY header taken ({Why}); closed")]
    private static partial void ProxyHeaderRefusedLine(ILogger log, long connectionId, string remoteAddr, string why);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "An Aborted callback of an app threw.")]
    private static partial void AbortedCallbackThrewLine(ILogger log, Exception error);
}
