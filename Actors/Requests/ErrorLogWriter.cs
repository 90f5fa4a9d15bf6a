using System.Text;
using Akka.Actor;
using Akka.Event;

namespace Resume.Actors.Requests;

/// <summary>
/// <c>wsgi.errors</c>: each line an app writes becomes a warning in the server log, tagged with the
/// request id and logged as <paramref name="source"/>. The logger and the line buffer are made on
/// first use (most requests never write here), from whatever thread the app writes on.
/// </summary>
internal sealed class ErrorLogWriter(ActorSystem system, IActorRef source, string requestId) : TextWriter
{
    private StringBuilder? _line;
    private ILoggingAdapter? _log;
    private object? _gate;

    public override Encoding Encoding => Encoding.UTF8;

    private ILoggingAdapter Log => _log ??= Logging.GetLogger(system, source);

    // A lock of its own, made on first write (apps see this writer, so it is not locked on itself).
    private object Gate => Volatile.Read(ref _gate) ?? Interlocked.CompareExchange(ref _gate, new object(), null) ?? _gate!;

    public override void Write(char value)
    {
        lock (Gate)
        {
            _line ??= new StringBuilder();
            if (value == '\n')
            {
                Log.Warning("[{0}] {1}", requestId, _line.ToString().TrimEnd('\r'));
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
            Log.Warning("[{0}] {1}", requestId, _line.ToString());
            _line.Clear();
        }
    }
}
