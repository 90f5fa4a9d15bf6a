using System.Text;
using Microsoft.Extensions.Logging;
using Resume.Actors.Logging;

namespace Resume.Actors.Requests;

/// <summary>
/// <c>wsgi.errors</c>: each line an app writes becomes a warning of category <c>Resume.App</c>
/// (<paramref name="log"/>), in the scope of the request's id and tagged with it. The line buffer is
/// made on first use (most requests never write here), from whatever thread the app writes on.
/// </summary>
internal sealed class ErrorLogWriter(ILogger log, string requestId) : TextWriter
{
    private StringBuilder? _line;
    private object? _gate;

    public override Encoding Encoding => Encoding.UTF8;

    // A lock of its own, made on first write (apps see this writer, so it is not locked on itself).
    private object Gate => Volatile.Read(ref _gate) ?? Interlocked.CompareExchange(ref _gate, new object(), null) ?? _gate!;

    public override void Write(char value)
    {
        lock (Gate)
        {
            _line ??= new StringBuilder();
            if (value == '\n')
            {
                AppLog.ErrorsLine(log, requestId, _line.ToString().TrimEnd('\r'));
                _line.Clear();
            }
            else
            {
                _line.Append(value);
            }
        }
    }

    public override void Flush()
    {
        lock (Gate)
        {
            if (_line is null || _line.Length == 0)
                return;
            AppLog.ErrorsLine(log, requestId, _line.ToString());
            _line.Clear();
        }
    }
}
