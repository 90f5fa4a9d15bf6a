using System.Globalization;

namespace Resume.Transport.Http;

/// <summary>
/// A validated response status and header list from an app. Validation refuses what would break the
/// framing or let an app inject bytes: CR or LF anywhere, bad names, hop-by-hop fields the server owns.
/// </summary>
public sealed class ResponseHead
{
    private static readonly string[] ServerOwned = ["Transfer-Encoding", "Keep-Alive", "Upgrade", "TE", "Trailer", "Proxy-Connection"];

    private ResponseHead(int status, string statusLine, IReadOnlyList<KeyValuePair<string, string>> headers, long? contentLength, bool close)
    {
        Status = status;
        StatusLine = statusLine;
        Headers = headers;
        ContentLength = contentLength;
        Close = close;
    }

    public int Status { get; }

    /// <summary>The status as the app gave it, e.g. <c>"200 OK"</c>.</summary>
    public string StatusLine { get; }

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>The app's Content-Length, if it set one.</summary>
    public long? ContentLength { get; }

    /// <summary>The app asked for <c>Connection: close</c>.</summary>
    public bool Close { get; }

    /// <summary>Validates an app's status and headers; throws <see cref="ArgumentException"/> with the reason.</summary>
    public static ResponseHead Create(string status, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(headers);
        if (status.Length < 4 || status[3] != ' ' || !int.TryParse(status.AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var code) || code < 100)
            throw new ArgumentException($"The status '{status}' is not a three-digit code, a space and a reason, like \"200 OK\".", nameof(status));
        if (!IsText(status))
            throw new ArgumentException("The status holds CR, LF or another control character.", nameof(status));
        long? contentLength = null;
        var close = false;
        // Loops rather than LINQ: this runs for every response.
        for (var i = 0; i < headers.Count; i++)
        {
            var (name, value) = headers[i];
            if (!IsToken(name))
                throw new ArgumentException($"The header name '{name}' is not a valid token.", nameof(headers));
            if (value is null || !IsText(value))
                throw new ArgumentException($"The value of header '{name}' holds CR, LF or another control character.", nameof(headers));
            if (IsServerOwned(name))
                throw new ArgumentException($"The header '{name}' is hop-by-hop: the server sets it.", nameof(headers));
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var length))
                    throw new ArgumentException($"Content-Length '{value}' is not a whole number.", nameof(headers));
                contentLength = length;
            }
            if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
                close |= value.Contains("close", StringComparison.OrdinalIgnoreCase);
        }
        return new ResponseHead(code, status, headers, contentLength, close);
    }

    /// <summary>A plain-text response of the server's own, e.g. a 400 for bad input.</summary>
    public static ResponseHead Plain(int status, int bodyLength) =>
        Create(
            $"{status} {ReasonPhrase(status)}",
            [new("Content-Type", "text/plain; charset=utf-8"), new("Content-Length", bodyLength.ToString(CultureInfo.InvariantCulture))]);

    public static string ReasonPhrase(int status) => status switch
    {
        100 => "Continue",
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        408 => "Request Timeout",
        413 => "Content Too Large",
        414 => "URI Too Long",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        _ => "Status",
    };

    private static bool IsToken(string? name)
    {
        if (string.IsNullOrEmpty(name))
            return false;
        foreach (var c in name)
        {
            if (c > 127 || !HttpChars.IsToken((byte)c))
                return false;
        }
        return true;
    }

    private static bool IsServerOwned(string name)
    {
        foreach (var owned in ServerOwned)
        {
            if (owned.Equals(name, StringComparison.OrdinalIgnoreCase))
                return true;
        }
        return false;
    }

    private static bool IsText(string text)
    {
        foreach (var c in text)
        {
            if (c > 255 || !HttpChars.IsFieldValue((byte)c))
                return false;
        }
        return true;
    }
}
