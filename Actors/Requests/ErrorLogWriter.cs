using System.Text;
using Akka.Event;

namespace Resume.Actors.Requests;

/// <summary><c>wsgi.errors</c>: each line an app writes becomes a warning in the server log, tagged with the request id.</summary>
internal sealed class ErrorLogWriter(ILoggingAdapter log, string requestId) : TextWriter
{
    private readonly StringBuilder _line = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_line)
        {
            if (value == '\n')
            {
                log.Warning("[{0}] {1}", requestId, _line.ToString().TrimEnd('\r'));
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
        lock (_line)
        {
            if (_line.Length == 0)
                return;
            log.Warning("[{0}] {1}", requestId, _line.ToString());
            _line.Clear();
        }
    }
}
