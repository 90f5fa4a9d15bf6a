using System.Globalization;
using System.Text;

namespace Resume.Actors.Logging;

/// <summary>
/// Writes an <see cref="AccessLogRecord"/> as one line of its format, on the access log's writer task.
/// <list type="bullet">
/// <item>common: <c>127.0.0.1 - - [01/Dec/2026:21:03:00 +0000] "GET /hello HTTP/1.1" 200 13 7-1 0.412 0.000</c>
/// (NCSA's fields, then the request id, the duration and the time suspended in milliseconds);</item>
/// <item>combined: the same with <c>"REFERER" "USER-AGENT"</c> after the bytes, as Apache and nginx have it;</item>
/// <item>json: <c>{"time":"2026-12-01T21:03:00.123Z","remote_addr":"127.0.0.1",...}</c>.</item>
/// </list>
/// The request's strings are its bytes as Latin-1: in common and combined, quotes, backslashes and
/// bytes outside printable ASCII become <c>\xHH</c> (as nginx writes them), so a client cannot forge a line.
/// </summary>
internal static class AccessLogLine
{
    public static void Append(StringBuilder line, AccessLogRecord record, AccessLogFormat format)
    {
        if (format == AccessLogFormat.Json)
            AppendJson(line, record);
        else
            AppendText(line, record, format == AccessLogFormat.Combined);
        line.Append('\n');
    }

    private static void AppendText(StringBuilder line, AccessLogRecord record, bool combined)
    {
        var head = record.Head;
        AppendEscaped(line, record.RemoteAddr);
        line.Append(" - - [");
        line.Append(record.Time.UtcDateTime.ToString("dd/MMM/yyyy:HH:mm:ss", CultureInfo.InvariantCulture)).Append(" +0000] \"");
        AppendEscaped(line, head.Method);
        line.Append(' ');
        AppendEscaped(line, head.Target);
        line.Append(' ').Append(head.Protocol).Append("\" ");
        line.Append(record.Status.ToString(CultureInfo.InvariantCulture)).Append(' ');
        line.Append(record.Bytes.ToString(CultureInfo.InvariantCulture));
        if (combined)
        {
            line.Append(" \"");
            AppendEscaped(line, Header(head, "Referer") ?? "-");
            line.Append("\" \"");
            AppendEscaped(line, Header(head, "User-Agent") ?? "-");
            line.Append('"');
        }
        line.Append(' ');
        AppendEscaped(line, record.RequestId);
        line.Append(' ').Append(Milliseconds(record.Duration)).Append(' ').Append(Milliseconds(record.Suspended));
    }

    private static void AppendJson(StringBuilder line, AccessLogRecord record)
    {
        var head = record.Head;
        line.Append("{\"time\":\"").Append(record.Time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)).Append('"');
        JsonString(line, "remote_addr", record.RemoteAddr);
        JsonString(line, "method", head.Method);
        JsonString(line, "target", head.Target);
        JsonString(line, "protocol", head.Protocol);
        line.Append(",\"status\":").Append(record.Status.ToString(CultureInfo.InvariantCulture));
        line.Append(",\"bytes\":").Append(record.Bytes.ToString(CultureInfo.InvariantCulture));
        line.Append(",\"duration_ms\":").Append(Milliseconds(record.Duration));
        line.Append(",\"suspended_ms\":").Append(Milliseconds(record.Suspended));
        JsonString(line, "request_id", record.RequestId);
        JsonString(line, "referer", Header(head, "Referer"));
        JsonString(line, "user_agent", Header(head, "User-Agent"));
        line.Append('}');
    }

    private static string Milliseconds(TimeSpan time) => time.TotalMilliseconds.ToString("F3", CultureInfo.InvariantCulture);

    private static string? Header(Transport.Http.RequestHead head, string name)
    {
        foreach (var (key, value) in head.Headers)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
                return value;
        }
        return null;
    }

    private static void AppendEscaped(StringBuilder line, string text)
    {
        foreach (var c in text)
        {
            if (c is < ' ' or > '~' or '"' or '\\')
                line.Append("\\x").Append(((int)c & 0xFF).ToString("X2", CultureInfo.InvariantCulture));
            else
                line.Append(c);
        }
    }

    private static void JsonString(StringBuilder line, string name, string? value)
    {
        line.Append(",\"").Append(name).Append("\":");
        if (value is null)
        {
            line.Append("null");
            return;
        }
        line.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    line.Append("\\\"");
                    break;
                case '\\':
                    line.Append("\\\\");
                    break;
                case < ' ' or > '~':
                    line.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    line.Append(c);
                    break;
            }
        }
        line.Append('"');
    }
}
