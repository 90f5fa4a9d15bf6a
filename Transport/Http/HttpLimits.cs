namespace Resume.Transport.Http;

/// <summary>
/// What a request may be, in bytes and time. Every value is set from HOCON (<c>resume.limits</c>),
/// where the defaults are: gunicorn/Apache for field sizes, Kestrel for totals.
/// </summary>
public sealed record HttpLimits
{
    /// <summary>Longest request line, without its CRLF (414 past it).</summary>
    public required int MaxRequestLine { get; init; }

    /// <summary>Longest header field line, with its CRLF (431 past it).</summary>
    public required int MaxHeaderField { get; init; }

    /// <summary>Largest header section, field lines together (431 past it).</summary>
    public required int MaxHeadersSize { get; init; }

    /// <summary>Most header fields, and most trailer fields (431 past it).</summary>
    public required int MaxHeaderCount { get; init; }

    /// <summary>Largest request body (413 past it).</summary>
    public required long MaxBodySize { get; init; }

    /// <summary>Longest chunk-size line with its extensions (400 past it).</summary>
    public required int MaxChunkLine { get; init; }

    /// <summary>How long a started request head may take to arrive whole (408 past it).</summary>
    public required TimeSpan HeaderTimeout { get; init; }
}
