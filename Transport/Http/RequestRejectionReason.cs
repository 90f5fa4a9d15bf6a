namespace Resume.Transport.Http;

/// <summary>
/// Why a request was refused, one reason per rule it broke (as Kestrel's <c>RequestRejectionReason</c>).
/// <see cref="RequestRejections"/> gives each its status and message, in one place.
/// </summary>
public enum RequestRejectionReason
{
    // The request line.
    TooManyEmptyLinesBeforeRequest,
    MalformedRequestLine,
    InvalidMethod,
    InvalidTargetCharacter,
    MalformedVersion,
    UnsupportedVersion,
    AsteriskFormNotOptions,
    InvalidConnectTarget,
    InvalidTargetForm,
    RequestLineTooLong,

    // The header section.
    BareLineFeedInHead,
    ObsoleteLineFolding,
    MalformedHeaderLine,
    InvalidHeaderName,
    InvalidHeaderValue,
    HeaderFieldTooLong,
    HeadersTooLarge,
    TooManyHeaders,
    DuplicateHost,
    MissingHost,
    InvalidHost,
    DuplicateContentType,

    // The body's framing.
    ContentLengthWithTransferEncoding,
    TransferEncodingInHttp10,
    MalformedTransferCoding,
    UnsupportedTransferCoding,
    ChunkedNotLast,
    DuplicateContentLength,
    EmptyContentLength,
    ContentLengthTooLong,
    InvalidContentLength,
    BodyTooLarge,

    // The chunked body.
    MalformedChunkSize,
    ChunkSizeTooLarge,
    InvalidChunkExtension,
    ChunkDataNotFollowedByCrlf,
    BareLineFeedInChunkOrTrailer,
    ChunkLineTooLong,
    TrailerLineTooLong,
    TooManyTrailers,
    ForbiddenTrailer,

    // The connection.
    ClosedInHead,
    ClosedInBody,
    HeadTimeout,
    BodyTooSlow,
}
