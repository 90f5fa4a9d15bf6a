using Microsoft.Extensions.Logging;

namespace Resume.Actors.Logging;

/// <summary>
/// The lines of category <c>Resume.Request</c>, each in the scope of its request's id
/// (<see cref="RequestScope"/>, made only when the line's level is on), and with the id in its text too.
/// </summary>
internal static partial class RequestLog
{
    public static void ClientLeftMidBody(ILogger log, string requestId, string method, string target)
    {
        if (!log.IsEnabled(LogLevel.Information))
            return;
        using var scope = log.BeginScope(new RequestScope(requestId));
        ClientLeftMidBodyLine(log, requestId, method, target);
    }

    public static void BodyRefused(ILogger log, string requestId, string method, string target, int status, string reason)
    {
        if (!log.IsEnabled(LogLevel.Information))
            return;
        using var scope = log.BeginScope(new RequestScope(requestId));
        BodyRefusedLine(log, requestId, method, target, status, reason);
    }

    public static void TimedOut(ILogger log, string requestId, string method, string target, string what, TimeSpan limit, string waitingFor)
    {
        if (!log.IsEnabled(LogLevel.Warning))
            return;
        using var scope = log.BeginScope(new RequestScope(requestId));
        TimedOutLine(log, requestId, method, target, what, limit, waitingFor);
    }

    public static void OwnFault(ILogger log, string requestId, string method, string target, Exception error)
    {
        if (!log.IsEnabled(LogLevel.Error))
            return;
        using var scope = log.BeginScope(new RequestScope(requestId));
        OwnFaultLine(log, requestId, method, target, error);
    }

    [LoggerMessage(EventId = 201, Level = LogLevel.Information, Message = "[{RequestId}] {Method} {Target}: aborted: the client closed the connection before the body ended")]
    private static partial void ClientLeftMidBodyLine(ILogger log, string requestId, string method, string target);

    [LoggerMessage(EventId = 202, Level = LogLevel.Information, Message = "[{RequestId}] {Method} {Target}: request body refused ({Status}): {Reason}")]
    private static partial void BodyRefusedLine(ILogger log, string requestId, string method, string target, int status, string reason);

    [LoggerMessage(EventId = 203, Level = LogLevel.Warning, Message = "[{RequestId}] {Method} {Target}: {What} passed ({Limit}){WaitingFor}; the request is ended.")]
    private static partial void TimedOutLine(ILogger log, string requestId, string method, string target, string what, TimeSpan limit, string waitingFor);

    [LoggerMessage(EventId = 204, Level = LogLevel.Error, Message = "[{RequestId}] {Method} {Target}: the request failed inside the server; its response is ended")]
    private static partial void OwnFaultLine(ILogger log, string requestId, string method, string target, Exception error);
}
