namespace Resume.Transport.Http;

/// <summary>
/// What a request may be, in bytes and time. Defaults follow gunicorn/Apache for field sizes and
/// Kestrel for totals; every value is set from HOCON (<c>resume.limits</c>).
/// </summary>
public sealed record HttpLimits
{
    /// <summary>Longest request line, without its CRLF (414 past it).</summary>
    public int MaxRequestLine { get; init; } = 4096;

    /// <summary>Longest header field line, with its CRLF (431 past it).</summary>
    public int MaxHeaderField { get; init; } = 8190;

    /// <summary>Largest header section, field lines together (431 past it).</summary>
    public int MaxHeadersSize { get; init; } = 32 * 1024;

    /// <summary>Most header fields, and most trailer fields (431 past it).</summary>
    public int MaxHeaderCount { get; init; } = 100;

    /// <summary>Largest request body (413 past it).</summary>
    public long MaxBodySize { get; init; } = 100L * 1024 * 1024;

    /// <summary>Longest chunk-size line with its extensions.</summary>
    public int MaxChunkLine { get; init; } = 4096;

    /// <summary>How long a started request head may take to arrive whole (408 past it).</summary>
    public TimeSpan HeaderTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public static HttpLimits Default { get; } = new();
}
