using Akka.Event;

namespace Resume.Transport.Http;

/// <summary>
/// A piece of a response on its way to the socket: the head (on the first piece), body chunks, and
/// whether it ends the response normally (<see cref="IsFinal"/>) or cuts it short (<see cref="IsAbort"/>).
/// </summary>
public sealed record ResponseOut : IDeadLetterSuppression
{
    public required long Seq { get; init; }

    public required ResponseContext Context { get; init; }

    public ResponseHead? Head { get; init; }

    public IReadOnlyList<ReadOnlyMemory<byte>> Chunks { get; init; } = [];

    public bool IsFinal { get; init; }

    /// <summary>
    /// Ends the response short: no final chunk, the connection closes (with a reset if the response is
    /// close-delimited, where a normal close would look like its end), the client sees truncation.
    /// </summary>
    public bool IsAbort { get; init; }

    /// <summary>An interim <c>100 Continue</c>, sent when the app first reads a body the client holds back.</summary>
    public bool IsContinue { get; init; }

    public bool IsLast => IsFinal || IsAbort;

    /// <summary>
    /// Responses to later pipelined requests are on their way: the socket sink may hold these bytes
    /// for a moment to send them together with the next ones (one send instead of one per response).
    /// Set by the connection stage, whose the part is once it arrived (a copy per response would cost more).
    /// </summary>
    public bool MoreFollow { get; set; }

    /// <summary>
    /// The client will send nothing more (its request asked to close, or it half-closed) and its input
    /// was read whole: if this closes the connection, closing need not linger (see <c>SocketCloser</c>).
    /// Set by the connection stage, as <see cref="MoreFollow"/> is.
    /// </summary>
    public bool ClientFinished { get; set; }
}
