using Akka.Actor;
using Akka.Event;
using Microsoft.Extensions.Logging;
using AkkaLogLevel = Akka.Event.LogLevel;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace Resume.Actors.Logging;

/// <summary>
/// For a server started without a host (<c>ResumeServer.Start(system, ...)</c> with no
/// <see cref="ILoggerFactory"/>, as tests do): Resume's lines become Akka log events on the system's
/// event stream, their source the category, so whatever logs the system's events (a TestKit's
/// output, an EventFilter, Akka.Hosting's bridge) shows them. Akka's own level
/// (<c>akka.loglevel</c>) applies to them too here; <see cref="ResumeLoggerFactories"/> warns when
/// <c>resume.logging</c> asks for less. Scopes are not carried (the request id is in each line's text).
/// </summary>
internal sealed class AkkaEventStreamLoggerProvider(ActorSystem system) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(system.EventStream, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(EventStream events, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && events.LogLevel <= ToAkka(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
                return;
            var message = formatter(state, exception);
            LogEvent logged = ToAkka(logLevel) switch
            {
                AkkaLogLevel.DebugLevel => new Debug(exception, category, typeof(ResumeLogs), message),
                AkkaLogLevel.InfoLevel => new Info(exception, category, typeof(ResumeLogs), message),
                AkkaLogLevel.WarningLevel => new Warning(exception, category, typeof(ResumeLogs), message),
                _ => new Error(exception, category, typeof(ResumeLogs), message),
            };
            events.Publish(logged);
        }
    }

    public static AkkaLogLevel ToAkka(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => AkkaLogLevel.DebugLevel,
        LogLevel.Information => AkkaLogLevel.InfoLevel,
        LogLevel.Warning => AkkaLogLevel.WarningLevel,
        _ => AkkaLogLevel.ErrorLevel,
    };
}
