using System.Globalization;

namespace Resume.Transport.Http;

/// <summary>
/// A response's status and headers on their way to the renderer, which writes them as they are.
/// Heads from apps are checked against the contract (<c>Resume.Apps.ResponseRules</c>) before they
/// are made; the server's own come from <see cref="ErrorResponse"/> (through <see cref="Plain"/>).
/// </summary>
public sealed class ResponseHead
{
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

    /// <summary>A head already checked (its status parsed as <paramref name="status"/>): nothing is checked again here.</summary>
    public static ResponseHead Checked(int status, string statusLine, IReadOnlyList<KeyValuePair<string, string>> headers, long? contentLength, bool close) =>
        new(status, statusLine, headers, contentLength, close);

    /// <summary>A plain-text response of the server's own, e.g. a 400 for bad input.</summary>
    public static ResponseHead Plain(int status, int bodyLength) =>
        new(
            status,
            $"{status} {ReasonPhrase(status)}",
            [new("Content-Type", "text/plain; charset=utf-8"), new("Content-Length", bodyLength.ToString(CultureInfo.InvariantCulture))],
            bodyLength,
            false);

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
}
