namespace Resume.Transport.Http;

/// <summary>What rendering a response needs to know of its request.</summary>
public readonly record struct ResponseContext(bool IsHead, int MinorVersion, bool KeepAlive)
{
    /// <summary>For a response to input that did not parse: HTTP/1.1 framing, then close.</summary>
    public static ResponseContext Unparsed => new(false, 1, false);

    public static ResponseContext For(RequestHead head) => new(head.IsHead, head.MinorVersion, head.KeepAlive);
}
