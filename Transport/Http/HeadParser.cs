using System.Text;

namespace Resume.Transport.Http;

/// <summary>
/// Parses and validates a complete request head (request line, field lines, blank line), refusing
/// everything RFC 9112 lets a server refuse that could smuggle or confuse: one precise error each.
/// </summary>
public static class HeadParser
{
    private static readonly string[] KnownCodings = ["chunked", "gzip", "x-gzip", "deflate", "compress", "x-compress", "identity"];

    /// <param name="head">The head up to and including the CRLF of its blank line.</param>
    public static RequestHead Parse(ReadOnlySpan<byte> head, HttpLimits limits)
    {
        var lineEnd = head.IndexOf("\r\n"u8);
        if (lineEnd > limits.MaxRequestLine)
            throw new RequestRejectedException(414, $"The request line is longer than {limits.MaxRequestLine} bytes.");
        var (method, target, minor) = ParseRequestLine(head[..lineEnd]);

        var headers = new List<KeyValuePair<string, string>>(8);
        var fields = new FieldFacts();
        var position = lineEnd + 2;
        var headersSize = 0;
        while (true)
        {
            var end = head[position..].IndexOf("\r\n"u8);
            if (end == 0)
                break;
            var line = head.Slice(position, end);
            position += end + 2;
            headersSize += end + 2;
            if (end + 2 > limits.MaxHeaderField)
                throw new RequestRejectedException(431, $"A header field is longer than {limits.MaxHeaderField} bytes.");
            if (headersSize > limits.MaxHeadersSize)
                throw new RequestRejectedException(431, $"The header section is larger than {limits.MaxHeadersSize} bytes.");
            if (++fields.Count > limits.MaxHeaderCount)
                throw new RequestRejectedException(431, $"The request has more than {limits.MaxHeaderCount} header fields.");
            var (name, value) = ParseField(line);
            fields.Note(name, value);
            // Names with '_' would collide with '-' in HTTP_* environ keys: drop them, as WSGI servers do.
            if (!name.Contains('_'))
                headers.Add(new(name, value));
        }

        return Assemble(method, target, minor, headers, fields, limits);
    }

    /// <summary>Parses one header or trailer field line: <c>name ":" OWS value OWS</c>.</summary>
    public static (string Name, string Value) ParseField(ReadOnlySpan<byte> line)
    {
        if (line.Length > 0 && HttpChars.IsWhitespace(line[0]))
            throw RequestRejectedException.BadRequest("Obsolete line folding (a field line starting with whitespace) is not accepted.");
        var colon = line.IndexOf((byte)':');
        if (colon <= 0)
            throw RequestRejectedException.BadRequest("A header field line has no name or no colon.");
        var name = line[..colon];
        foreach (var b in name)
        {
            if (!HttpChars.IsToken(b))
                throw RequestRejectedException.BadRequest("A header field name holds a character that is not allowed.");
        }
        var value = line[(colon + 1)..];
        while (value.Length > 0 && HttpChars.IsWhitespace(value[0]))
            value = value[1..];
        while (value.Length > 0 && HttpChars.IsWhitespace(value[^1]))
            value = value[..^1];
        foreach (var b in value)
        {
            if (!HttpChars.IsFieldValue(b))
                throw RequestRejectedException.BadRequest("A header field value holds a control character.");
        }
        return (Encoding.ASCII.GetString(name), Encoding.Latin1.GetString(value));
    }

    private static (string Method, string Target, int Minor) ParseRequestLine(ReadOnlySpan<byte> line)
    {
        var firstSpace = line.IndexOf((byte)' ');
        if (firstSpace <= 0)
            throw RequestRejectedException.BadRequest("The request line is malformed.");
        var method = line[..firstSpace];
        foreach (var b in method)
        {
            // Methods are case-sensitive tokens; lower case and '#' are refused as gunicorn does.
            if (!HttpChars.IsToken(b) || b is >= (byte)'a' and <= (byte)'z' || b == '#')
                throw RequestRejectedException.BadRequest("The request method is not a valid upper-case token.");
        }
        var rest = line[(firstSpace + 1)..];
        var secondSpace = rest.IndexOf((byte)' ');
        if (secondSpace <= 0)
            throw RequestRejectedException.BadRequest("The request line is malformed.");
        var target = rest[..secondSpace];
        foreach (var b in target)
        {
            if (!HttpChars.IsTarget(b))
                throw RequestRejectedException.BadRequest("The request-target holds a space or a control character.");
        }
        var version = rest[(secondSpace + 1)..];
        if (version.Length != 8 || !version.StartsWith("HTTP/"u8) || version[6] != '.'
            || !char.IsAsciiDigit((char)version[5]) || !char.IsAsciiDigit((char)version[7]))
            throw RequestRejectedException.BadRequest("The HTTP version is malformed.");
        if (version[5] != '1')
            throw new RequestRejectedException(505, "Only HTTP/1.0 and HTTP/1.1 are supported.");

        var methodText = Encoding.ASCII.GetString(method);
        var targetText = Encoding.Latin1.GetString(target);
        CheckTargetForm(methodText, targetText);
        return (methodText, targetText, version[7] == '0' ? 0 : 1);
    }

    private static void CheckTargetForm(string method, string target)
    {
        if (target[0] == '/')
            return;
        if (target == "*")
        {
            if (method != "OPTIONS")
                throw RequestRejectedException.BadRequest("The asterisk-form target is only for OPTIONS.");
            return;
        }
        if (method == "CONNECT")
        {
            if (!HttpChars.IsAuthority(target) || target.Length == 0)
                throw RequestRejectedException.BadRequest("The CONNECT target is not a valid authority.");
            return;
        }
        if (AbsoluteAuthority(target) is null)
            throw RequestRejectedException.BadRequest("The request-target is neither an absolute path nor an absolute http(s) URI.");
    }

    /// <summary>The host[:port] of an absolute-form http(s) target, or null when the target is not one.</summary>
    private static string? AbsoluteAuthority(string target)
    {
        var schemeEnd = target.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0)
            return null;
        var scheme = target[..schemeEnd];
        if (!scheme.Equals("http", StringComparison.OrdinalIgnoreCase) && !scheme.Equals("https", StringComparison.OrdinalIgnoreCase))
            return null;
        var rest = target[(schemeEnd + 3)..];
        var end = rest.IndexOfAny(['/', '?', '#']);
        var authority = end < 0 ? rest : rest[..end];
        var at = authority.LastIndexOf('@');
        if (at >= 0)
            authority = authority[(at + 1)..];
        return authority.Length > 0 && HttpChars.IsAuthority(authority) ? authority : null;
    }

    private static RequestHead Assemble(
        string method, string target, int minor, List<KeyValuePair<string, string>> headers, FieldFacts fields, HttpLimits limits)
    {
        if (fields.HostCount > 1)
            throw RequestRejectedException.BadRequest("The request has more than one Host header.");
        if (minor == 1 && fields.HostCount == 0)
            throw RequestRejectedException.BadRequest("An HTTP/1.1 request must have a Host header.");
        if (fields.Host is not null && !HttpChars.IsAuthority(fields.Host))
            throw RequestRejectedException.BadRequest("The Host header is not a valid authority.");
        if (fields.ContentTypeCount > 1)
            throw RequestRejectedException.BadRequest("The request has more than one Content-Type header.");

        var framing = BodyFraming.None;
        long contentLength = 0;
        if (fields.TransferCodings is { } codings)
        {
            if (fields.ContentLengthCount > 0)
                throw RequestRejectedException.BadRequest("The request has both Content-Length and Transfer-Encoding.");
            if (minor == 0)
                throw RequestRejectedException.BadRequest("Transfer-Encoding is not allowed in an HTTP/1.0 request.");
            foreach (var coding in codings)
            {
                if (Array.IndexOf(KnownCodings, coding) < 0)
                    throw new RequestRejectedException(501, $"The transfer coding '{coding}' is not supported.");
            }
            if (codings.Count == 0 || codings[^1] != "chunked" || codings.IndexOf("chunked") != codings.Count - 1)
                throw RequestRejectedException.BadRequest("Transfer-Encoding must end with chunked, applied once.");
            framing = BodyFraming.Chunked;
        }
        else if (fields.ContentLengthCount > 1)
        {
            throw RequestRejectedException.BadRequest("The request has more than one Content-Length header.");
        }
        else if (fields.ContentLength is { } lengthText)
        {
            contentLength = ParseContentLength(lengthText);
            if (contentLength > limits.MaxBodySize)
                throw new RequestRejectedException(413, $"The request body is larger than {limits.MaxBodySize} bytes.");
            framing = BodyFraming.ContentLength;
        }

        var (path, query) = RequestTarget.Split(target);
        var keepAlive = minor == 1 ? !fields.ConnectionClose : fields.ConnectionKeepAlive && !fields.ConnectionClose;
        return new RequestHead
        {
            Method = method,
            Target = target,
            Path = path,
            Query = query,
            MinorVersion = minor,
            Headers = headers,
            Framing = framing,
            ContentLength = contentLength,
            KeepAlive = keepAlive,
            ExpectContinue = fields.ExpectContinue,
            Authority = AbsoluteAuthority(target) ?? fields.Host ?? "",
        };
    }

    private static long ParseContentLength(string text)
    {
        if (text.Length == 0 || text.Length > 18)
            throw RequestRejectedException.BadRequest(text.Length == 0 ? "Content-Length is empty." : "Content-Length is too large.");
        long value = 0;
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
                throw RequestRejectedException.BadRequest("Content-Length must be digits only.");
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /// <summary>What the header fields say about framing, routing and the connection.</summary>
    private sealed class FieldFacts
    {
        public int Count;
        public int HostCount;
        public string? Host;
        public int ContentLengthCount;
        public string? ContentLength;
        public int ContentTypeCount;
        public List<string>? TransferCodings;
        public bool ConnectionClose;
        public bool ConnectionKeepAlive;
        public bool ExpectContinue;

        public void Note(string name, string value)
        {
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                HostCount++;
                Host = value;
            }
            else if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                ContentLengthCount++;
                ContentLength = value;
            }
            else if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                ContentTypeCount++;
            }
            else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                TransferCodings ??= [];
                foreach (var coding in value.Split(',', StringSplitOptions.TrimEntries))
                {
                    if (coding.Length == 0 || coding.Any(c => c > 127 || !HttpChars.IsToken((byte)c)))
                        throw RequestRejectedException.BadRequest("Transfer-Encoding holds an empty or malformed coding.");
                    TransferCodings.Add(coding.ToLowerInvariant());
                }
            }
            else if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
            {
                foreach (var option in value.Split(',', StringSplitOptions.TrimEntries))
                {
                    ConnectionClose |= option.Equals("close", StringComparison.OrdinalIgnoreCase);
                    ConnectionKeepAlive |= option.Equals("keep-alive", StringComparison.OrdinalIgnoreCase);
                }
            }
            else if (name.Equals("Expect", StringComparison.OrdinalIgnoreCase))
            {
                ExpectContinue = value.Equals("100-continue", StringComparison.OrdinalIgnoreCase);
            }
        }
    }
}
