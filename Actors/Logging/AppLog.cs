using Microsoft.Extensions.Logging;

namespace Resume.Actors.Logging;

/// <summary>
/// The lines of category <c>Resume.App</c>: the apps' own output (<c>wsgi.errors</c>) and their
/// exceptions, each logged once, in the scope of the request's id.
/// </summary>
internal static partial class AppLog
{
    /// <summary>The app raised <paramref name="error"/> (answered 500, a body error's status, or cut short): its one line.</summary>
    public static void Failed(ILogger log, string requestId, string method, string target, Exception? error)
    {
        if (!log.IsEnabled(LogLevel.Error))
            return;
        using var scope = log.BeginScope(new RequestScope(requestId));
        FailedLine(log, requestId, method, target, error);
    }

    public static void DisposeThrew(ILogger log, string requestId, Exception error)
    {
        if (!log.IsEnabled(LogLevel.Error))
            return;
        using var scope = log.BeginScope(new RequestScope(requestId));
        DisposeThrewLine(log, requestId, error);
    }

    public static void AbortedCallbackThrew(ILogger log, string requestId, Exception error)
    {
        if (!log.IsEnabled(LogLevel.Warning))
            return;
        using var scope = log.BeginScope(new RequestScope(requestId));
        AbortedCallbackThrewLine(log, requestId, error);
    }

    /// <summary>A line the app wrote to <c>wsgi.errors</c>.</summary>
    public static void ErrorsLine(ILogger log, string requestId, string line)
    {
        if (!log.IsEnabled(LogLevel.Warning))
            return;
        using var scope = log.BeginScope(new RequestScope(requestId));
        ErrorsLineLine(log, requestId, line);
    }

    [LoggerMessage(EventId = 301, Level = LogLevel.Error, Message = "[{RequestId}] {Method} {Target}: the app failed")]
    private static partial void FailedLine(ILogger log, string requestId, string method, string target, Exception? error);

    [LoggerMessage(EventId = 302, Level = LogLevel.Error, Message = "[{RequestId}] Disposing the app's iterator threw.")]
    private static partial void DisposeThrewLine(ILogger log, string requestId, Exception error);

    [LoggerMessage(EventId = 303, Level = LogLevel.Warning, Message = "[{RequestId}] An Aborted callback of the app threw.")]
    private static partial void AbortedCallbackThrewLine(ILogger log, string requestId, Exception error);

    [LoggerMessage(EventId = 304, Level = LogLevel.Warning, Message = "[{RequestId}] {Line}")]
    private static partial void ErrorsLineLine(ILogger log, string requestId, string line);
}
