using Resume.Http;

namespace Resume.Transport.Http;

/// <summary>
/// Parses and validates a complete request head (request line, field lines, blank line), refusing
/// everything RFC 9112 lets a server refuse that could smuggle or confuse: one precise error each.
/// </summary>
public static class HeadParser
{
    // The codings the server can decode: a body in any other (gzip, ...) is answered 501, rather than
    // handed to an app that would take it for the content. "identity" changes nothing (RFC 2616 had it).
    private static readonly string[] DecodedCodings = ["chunked", "identity"];

    /// <param name="head">The head up to and including the CRLF of its blank line.</param>
    /// <param name="limits">What the head may hold.</param>
    /// <param name="previous">The connection's previous head, whose strings are reused where this one has the same bytes (see <see cref="HeadStrings"/>).</param>
    public static RequestHead Parse(ReadOnlySpan<byte> head, HttpLimits limits, RequestHead? previous = null)
    {
        var previousHeaders = previous?.Headers as KeyValuePair<string, string>[];
        var lineEnd = head.IndexOf("\r\n"u8);
        if (lineEnd > limits.MaxRequestLine)
            throw new RequestRejectedException(RequestRejectionReason.RequestLineTooLong, limits.MaxRequestLine);
        var (method, target, minor) = ParseRequestLine(head[..lineEnd], previous);

        // Sized to the field lines (the request line and the blank line end in CRLF too): no list to grow.
        var headers = new KeyValuePair<string, string>[Math.Max(0, head.Count("\r\n"u8) - 2)];
        var kept = 0;
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
                throw new RequestRejectedException(RequestRejectionReason.HeaderFieldTooLong, limits.MaxHeaderField);
            if (headersSize > limits.MaxHeadersSize)
                throw new RequestRejectedException(RequestRejectionReason.HeadersTooLarge, limits.MaxHeadersSize);
            if (++fields.Count > limits.MaxHeaderCount)
                throw new RequestRejectedException(RequestRejectionReason.TooManyHeaders, limits.MaxHeaderCount);
            var (name, value) = ParseField(line, kept, previousHeaders);
            fields.Note(name, value);
            // Names with '_' would collide with '-' in HTTP_* environ keys: drop them, as WSGI servers do.
            if (!name.Contains('_'))
                headers[kept++] = new(name, value);
        }
        if (kept < headers.Length)
            Array.Resize(ref headers, kept);

        return Assemble(method, target, minor, headers, ref fields, limits, previous);
    }

    /// <summary>Parses one header or trailer field line: <c>name ":" OWS value OWS</c>.</summary>
    public static (string Name, string Value) ParseField(ReadOnlySpan<byte> line) => ParseField(line, 0, null);

    /// <summary>Parses the field line that would be header <paramref name="index"/>, its strings reused from <paramref name="previous"/> where they can be.</summary>
    private static (string Name, string Value) ParseField(ReadOnlySpan<byte> line, int index, KeyValuePair<string, string>[]? previous)
    {
        if (line.Length > 0 && HttpSyntax.IsWhitespace(line[0]))
            throw new RequestRejectedException(RequestRejectionReason.ObsoleteLineFolding);
        var colon = line.IndexOf((byte)':');
        if (colon <= 0)
            throw new RequestRejectedException(RequestRejectionReason.MalformedHeaderLine);
        var name = line[..colon];
        foreach (var b in name)
        {
            if (!HttpSyntax.IsToken(b))
                throw new RequestRejectedException(RequestRejectionReason.InvalidHeaderName);
        }
        var value = line[(colon + 1)..];
        while (value.Length > 0 && HttpSyntax.IsWhitespace(value[0]))
            value = value[1..];
        while (value.Length > 0 && HttpSyntax.IsWhitespace(value[^1]))
            value = value[..^1];
        foreach (var b in value)
        {
            if (!HttpSyntax.IsFieldValue(b))
                throw new RequestRejectedException(RequestRejectionReason.InvalidHeaderValue);
        }
        return (HeadStrings.Name(index, name, previous), HeadStrings.Value(index, value, previous));
    }

    private static (string Method, string Target, int Minor) ParseRequestLine(ReadOnlySpan<byte> line, RequestHead? previous)
    {
        var firstSpace = line.IndexOf((byte)' ');
        if (firstSpace <= 0)
            throw new RequestRejectedException(RequestRejectionReason.MalformedRequestLine);
        var method = line[..firstSpace];
        foreach (var b in method)
        {
            // Methods are case-sensitive tokens; lower case and '#' are refused as gunicorn does.
            if (!HttpSyntax.IsToken(b) || b is >= (byte)'a' and <= (byte)'z' || b == '#')
                throw new RequestRejectedException(RequestRejectionReason.InvalidMethod);
        }
        var rest = line[(firstSpace + 1)..];
        var secondSpace = rest.IndexOf((byte)' ');
        if (secondSpace <= 0)
            throw new RequestRejectedException(RequestRejectionReason.MalformedRequestLine);
        var target = rest[..secondSpace];
        foreach (var b in target)
        {
            if (!HttpSyntax.IsTarget(b))
                throw new RequestRejectedException(RequestRejectionReason.InvalidTargetCharacter);
        }
        var version = rest[(secondSpace + 1)..];
        if (version.Length != 8 || !version.StartsWith("HTTP/"u8) || version[6] != '.'
            || !char.IsAsciiDigit((char)version[5]) || !char.IsAsciiDigit((char)version[7]))
            throw new RequestRejectedException(RequestRejectionReason.MalformedVersion);
        if (version[5] != '1')
            throw new RequestRejectedException(RequestRejectionReason.UnsupportedVersion);

        var methodText = HeadStrings.Method(method);
        var targetText = HeadStrings.Target(target, previous);
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
                throw new RequestRejectedException(RequestRejectionReason.AsteriskFormNotOptions);
            return;
        }
        if (method == "CONNECT")
        {
            if (!HttpSyntax.IsAuthority(target) || target.Length == 0)
                throw new RequestRejectedException(RequestRejectionReason.InvalidConnectTarget);
            return;
        }
        if (AbsoluteAuthority(target) is null)
            throw new RequestRejectedException(RequestRejectionReason.InvalidTargetForm);
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
        return authority.Length > 0 && HttpSyntax.IsAuthority(authority) ? authority : null;
    }

    private static RequestHead Assemble(
        string method, string target, int minor, KeyValuePair<string, string>[] headers, ref FieldFacts fields, HttpLimits limits, RequestHead? previous)
    {
        if (fields.HostCount > 1)
            throw new RequestRejectedException(RequestRejectionReason.DuplicateHost);
        if (minor == 1 && fields.HostCount == 0)
            throw new RequestRejectedException(RequestRejectionReason.MissingHost);
        if (fields.Host is not null && !HttpSyntax.IsAuthority(fields.Host))
            throw new RequestRejectedException(RequestRejectionReason.InvalidHost);
        if (fields.ContentTypeCount > 1)
            throw new RequestRejectedException(RequestRejectionReason.DuplicateContentType);

        var framing = BodyFraming.None;
        long contentLength = 0;
        if (fields.TransferCodings is { } codings)
        {
            if (fields.ContentLengthCount > 0)
                throw new RequestRejectedException(RequestRejectionReason.ContentLengthWithTransferEncoding);
            if (minor == 0)
                throw new RequestRejectedException(RequestRejectionReason.TransferEncodingInHttp10);
            // Framing first (RFC 9112 §6.3: chunked not last is a 400 whatever the codings), then support (§6.1: 501).
            if (codings.Count == 0 || codings[^1] != "chunked" || codings.IndexOf("chunked") != codings.Count - 1)
                throw new RequestRejectedException(RequestRejectionReason.ChunkedNotLast);
            foreach (var coding in codings)
            {
                if (Array.IndexOf(DecodedCodings, coding) < 0)
                    throw new RequestRejectedException(RequestRejectionReason.UnsupportedTransferCoding, coding);
            }
            framing = BodyFraming.Chunked;
        }
        else if (fields.ContentLengthCount > 1)
        {
            throw new RequestRejectedException(RequestRejectionReason.DuplicateContentLength);
        }
        else if (fields.ContentLength is { } lengthText)
        {
            contentLength = ParseContentLength(lengthText);
            if (contentLength > limits.MaxBodySize)
                throw new RequestRejectedException(RequestRejectionReason.BodyTooLarge, limits.MaxBodySize);
            framing = BodyFraming.ContentLength;
        }

        var (path, query) = HeadStrings.Split(target, previous);
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
            // RFC 9110 §10.1.1: a 100-continue expectation in an HTTP/1.0 request is ignored.
            ExpectContinue = fields.ExpectContinue && minor == 1,
            Authority = AbsoluteAuthority(target) ?? fields.Host ?? "",
        };
    }

    private static long ParseContentLength(string text)
    {
        if (text.Length == 0 || text.Length > 18)
            throw new RequestRejectedException(text.Length == 0 ? RequestRejectionReason.EmptyContentLength : RequestRejectionReason.ContentLengthTooLong);
        long value = 0;
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
                throw new RequestRejectedException(RequestRejectionReason.InvalidContentLength);
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /// <summary>What the header fields say about framing, routing and the connection.</summary>
    private struct FieldFacts
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
                    if (coding.Length == 0 || coding.Any(c => c > 127 || !HttpSyntax.IsToken((byte)c)))
                        throw new RequestRejectedException(RequestRejectionReason.MalformedTransferCoding);
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
