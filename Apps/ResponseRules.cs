using System.Globalization;
using Resume.Http;

namespace Resume.Apps;

/// <summary>
/// What <see cref="StartResponse"/> accepts: a status of three digits, a space and a reason; header
/// names that are tokens; values without CR, LF or other control characters; none of the hop-by-hop
/// fields the server sets itself. The server and the test kit (<see cref="Testing.AppRun"/>) both
/// check with this, so an app that passes its tests passes the server. What would break the framing
/// or let an app inject bytes is refused with an <see cref="ArgumentException"/> saying why.
/// </summary>
public static class ResponseRules
{
    private static readonly string[] ServerOwned = ["Transfer-Encoding", "Keep-Alive", "Upgrade", "TE", "Trailer", "Proxy-Connection"];

    /// <summary>Checks a status and headers; returns the status code, the app's Content-Length if any, and whether it asked for Connection: close.</summary>
    public static (int Status, long? ContentLength, bool Close) Check(string status, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(headers);
        if (status.Length < 4 || status[3] != ' ' || !int.TryParse(status.AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var code) || code < 100)
            throw new ArgumentException($"The status '{status}' is not a three-digit code, a space and a reason, like \"200 OK\".", nameof(status));
        if (!HttpSyntax.IsFieldValue(status))
            throw new ArgumentException("The status holds CR, LF or another control character.", nameof(status));
        long? contentLength = null;
        var close = false;
        // Loops rather than LINQ: this runs for every response.
        for (var i = 0; i < headers.Count; i++)
        {
            var (name, value) = headers[i];
            if (!HttpSyntax.IsToken(name))
                throw new ArgumentException($"The header name '{name}' is not a valid token.", nameof(headers));
            if (value is null || !HttpSyntax.IsFieldValue(value))
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
        return (code, contentLength, close);
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
}
