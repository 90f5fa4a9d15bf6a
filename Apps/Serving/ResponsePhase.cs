namespace Resume.Apps.Serving;

/// <summary>Where a response stands; it only ever moves forward.</summary>
public enum ResponsePhase
{
    /// <summary>The app has not called startResponse: a chunk now is an error.</summary>
    NothingChosen,

    /// <summary>Status and headers are chosen and may still be replaced (startResponse with an error).</summary>
    HeadersChosen,

    /// <summary>
    /// The first non-empty chunk was yielded or written: the headers are committed (they go out with it)
    /// and can no longer be replaced; a failure from now on cuts the response short.
    /// </summary>
    Streaming,

    /// <summary>The response is over: completed, failed, timed out or aborted. write is refused.</summary>
    Ended,
}
