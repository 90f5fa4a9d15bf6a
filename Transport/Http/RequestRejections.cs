using System.Globalization;

namespace Resume.Transport.Http;

/// <summary>
/// The one place that says, for each <see cref="RequestRejectionReason"/>, the status the client
/// is answered and the message (which the answer's body carries, after the status).
/// </summary>
public static class RequestRejections
{
    public static int Status(RequestRejectionReason reason) => Describe(reason).Status;

    /// <param name="detail">What the message names, where it has a <c>{0}</c>: the limit passed, the coding or field refused.</param>
    public static string Message(RequestRejectionReason reason, object? detail = null) =>
        string.Format(CultureInfo.InvariantCulture, Describe(reason).Message, detail);

    private static (int Status, string Message) Describe(RequestRejectionReason reason) => reason switch
    {
        RequestRejectionReason.TooManyEmptyLinesBeforeRequest => (400, "More than {0} empty lines came before the request line."),
        RequestRejectionReason.MalformedRequestLine => (400, "The request line is malformed."),
        RequestRejectionReason.InvalidMethod => (400, "The request method is not a valid upper-case token."),
        RequestRejectionReason.InvalidTargetCharacter => (400, "The request-target holds a space or a control character."),
        RequestRejectionReason.MalformedVersion => (400, "The HTTP version is malformed."),
        RequestRejectionReason.UnsupportedVersion => (505, "Only HTTP/1.0 and HTTP/1.1 are supported."),
        RequestRejectionReason.AsteriskFormNotOptions => (400, "The asterisk-form target is only for OPTIONS."),
        RequestRejectionReason.InvalidConnectTarget => (400, "The CONNECT target is not a valid authority."),
        RequestRejectionReason.InvalidTargetForm => (400, "The request-target is neither an absolute path nor an absolute http(s) URI."),
        RequestRejectionReason.RequestLineTooLong => (414, "The request line is longer than {0} bytes."),

        RequestRejectionReason.BareLineFeedInHead => (400, "A line of the request head ends in a bare LF."),
        RequestRejectionReason.ObsoleteLineFolding => (400, "Obsolete line folding (a field line starting with whitespace) is not accepted."),
        RequestRejectionReason.MalformedHeaderLine => (400, "A header field line has no name or no colon."),
        RequestRejectionReason.InvalidHeaderName => (400, "A header field name holds a character that is not allowed."),
        RequestRejectionReason.InvalidHeaderValue => (400, "A header field value holds a control character."),
        RequestRejectionReason.HeaderFieldTooLong => (431, "A header field is longer than {0} bytes."),
        RequestRejectionReason.HeadersTooLarge => (431, "The header section is larger than {0} bytes."),
        RequestRejectionReason.TooManyHeaders => (431, "The request has more than {0} header fields."),
        RequestRejectionReason.DuplicateHost => (400, "The request has more than one Host header."),
        RequestRejectionReason.MissingHost => (400, "An HTTP/1.1 request must have a Host header."),
        RequestRejectionReason.InvalidHost => (400, "The Host header is not a valid authority."),
        RequestRejectionReason.DuplicateContentType => (400, "The request has more than one Content-Type header."),

        RequestRejectionReason.ContentLengthWithTransferEncoding => (400, "The request has both Content-Length and Transfer-Encoding."),
        RequestRejectionReason.TransferEncodingInHttp10 => (400, "Transfer-Encoding is not allowed in an HTTP/1.0 request."),
        RequestRejectionReason.MalformedTransferCoding => (400, "Transfer-Encoding holds an empty or malformed coding."),
        RequestRejectionReason.UnsupportedTransferCoding => (501, "The transfer coding '{0}' is not supported."),
        RequestRejectionReason.ChunkedNotLast => (400, "Transfer-Encoding must end with chunked, applied once."),
        RequestRejectionReason.DuplicateContentLength => (400, "The request has more than one Content-Length header."),
        RequestRejectionReason.EmptyContentLength => (400, "Content-Length is empty."),
        RequestRejectionReason.ContentLengthTooLong => (400, "Content-Length is too large."),
        RequestRejectionReason.InvalidContentLength => (400, "Content-Length must be digits only."),
        RequestRejectionReason.BodyTooLarge => (413, "The request body is larger than {0} bytes."),

        RequestRejectionReason.MalformedChunkSize => (400, "The chunk size line is malformed."),
        RequestRejectionReason.ChunkSizeTooLarge => (413, "The chunk size is too large."),
        RequestRejectionReason.InvalidChunkExtension => (400, "A chunk extension is not ;name or ;name=value of tokens or a quoted string."),
        RequestRejectionReason.ChunkDataNotFollowedByCrlf => (400, "Chunk data is not followed by CRLF."),
        RequestRejectionReason.BareLineFeedInChunkOrTrailer => (400, "A chunk or trailer line ends in a bare LF."),
        RequestRejectionReason.ChunkLineTooLong => (400, "A chunk size line is longer than {0} bytes."),
        RequestRejectionReason.TrailerLineTooLong => (431, "A trailer field line is longer than {0} bytes."),
        RequestRejectionReason.TooManyTrailers => (431, "The request has more than {0} trailer fields."),
        RequestRejectionReason.ForbiddenTrailer => (400, "The trailer field '{0}' would frame or route the request, which a trailer may not."),

        RequestRejectionReason.ClosedInHead => (400, "The connection closed before the request head ended."),
        RequestRejectionReason.ClosedInBody => (400, "The connection closed before the request body ended."),
        RequestRejectionReason.HeadTimeout => (408, "The request head did not arrive within {0:0.#} s."),
        RequestRejectionReason.BodyTooSlow => (408, "The request body arrived slower than {0} bytes/s."),
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "A rejection reason with no status and message."),
    };
}
