namespace Resume.Transport.Http;

/// <summary>A piece of a request body, decoded from its framing; the app owns <see cref="Data"/>.</summary>
public sealed class RequestBody(ReadOnlyMemory<byte> data, bool isLast) : RequestPart
{
    public static readonly RequestBody End = new(ReadOnlyMemory<byte>.Empty, true);

    public ReadOnlyMemory<byte> Data { get; } = data;

    /// <summary>True on the body's final piece (which may be empty).</summary>
    public bool IsLast { get; } = isLast;
}
