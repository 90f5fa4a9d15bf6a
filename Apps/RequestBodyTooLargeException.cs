namespace Resume.Apps;

/// <summary>
/// The body is longer than a limit the app (<see cref="RequestInput.ReadToEndAsync"/>) or the server
/// (pre-buffering) set: 413 Content Too Large when the app lets it escape.
/// </summary>
public sealed class RequestBodyTooLargeException(long limit)
    : RequestBodyException(413, $"The request body is larger than {limit} bytes.")
{
    /// <summary>The limit that was passed, in bytes.</summary>
    public long Limit { get; } = limit;
}
