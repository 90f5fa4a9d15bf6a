using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Resume.Actors.Tests.Support;

/// <summary>
/// An <see cref="ILoggerProvider"/> that keeps every line logged through it, with its category, level,
/// exception and the scopes it was logged in, for tests to check.
/// </summary>
public sealed class CapturedLogs : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<Entry> _entries = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public sealed record Entry(string Category, LogLevel Level, string Message, Exception? Exception, IReadOnlyDictionary<string, object?> Scope);

    public IReadOnlyList<Entry> Entries => [.. _entries];

    /// <summary>A factory that logs everything (Trace and up) to this provider only.</summary>
    public ILoggerFactory Factory() => LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Trace).AddProvider(this));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => logs._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scope = new Dictionary<string, object?>(StringComparer.Ordinal);
            logs._scopes.ForEachScope(
                (item, values) =>
                {
                    if (item is IEnumerable<KeyValuePair<string, object?>> pairs)
                    {
                        foreach (var (key, value) in pairs)
                            values[key] = value;
                    }
                },
                scope);
            logs._entries.Enqueue(new Entry(category, logLevel, formatter(state, exception), exception, scope));
        }
    }
}
