namespace Resume.Transport.Http;

/// <summary>A parsed, validated request line and header section. Strings are the bytes decoded as Latin-1.</summary>
public sealed class RequestHead : RequestPart
{
    public required string Method { get; init; }

    /// <summary>The request-target exactly as received.</summary>
    public required string Target { get; init; }

    /// <summary>The target's path, not percent-decoded.</summary>
    public required string Path { get; init; }

    public required string Query { get; init; }

    /// <summary>1 for HTTP/1.1, 0 for HTTP/1.0.</summary>
    public required int MinorVersion { get; init; }

    /// <summary>Header fields in received order, names as sent, values trimmed; names with '_' are dropped.</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; }

    public required BodyFraming Framing { get; init; }

    /// <summary>The declared length when <see cref="Framing"/> is <see cref="BodyFraming.ContentLength"/>.</summary>
    public long ContentLength { get; init; }

    /// <summary>Whether the client allows the connection to stay open after this exchange.</summary>
    public required bool KeepAlive { get; init; }

    /// <summary>An HTTP/1.1 request asked for <c>100 Continue</c> before sending its body (HTTP/1.0 ones are ignored).</summary>
    public bool ExpectContinue { get; init; }

    /// <summary>The authority the request names: the absolute-form target's, else Host's; may be empty.</summary>
    public required string Authority { get; init; }

    public bool HasBody => Framing == BodyFraming.Chunked || (Framing == BodyFraming.ContentLength && ContentLength > 0);

    public bool IsHead => Method == "HEAD";

    public string Protocol => MinorVersion == 1 ? "HTTP/1.1" : "HTTP/1.0";
}
