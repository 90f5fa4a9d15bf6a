using Resume.Transport.Http;

namespace Resume.Transport.Connection;

/// <summary>
/// The request body being read, handed out on demand: one piece per ask of the request it belongs
/// to, so the socket is read only as fast as the app reads. A body the response left unread is read
/// and dropped up to a limit, to reach the next request. The parser gives one request's body before
/// the next head, so there is at most one body here at a time.
/// </summary>
internal sealed class RequestBodyGate(long drainLimit)
{
    private const long None = -1;

    private IBodyReceiver? _reader;
    private bool _wanted;
    private RequestRejectedException? _failure;
    private long _drained;

    /// <summary>What became of a piece that reached the gate.</summary>
    public enum Progress
    {
        More,
        Ended,
        OverDrainLimit,
    }

    /// <summary>What became of an ask for the body.</summary>
    public enum AskResult
    {
        /// <summary>Not the body being read (it ended, or never was): the caller answers the end.</summary>
        NotThisBody,
        Wanted,
        Failed,
    }

    /// <summary>The request whose body is being read, or -1.</summary>
    public long Seq { get; private set; } = None;

    public bool IsOpen => Seq != None;

    /// <summary>Its response ended without reading all of it: the rest is being read and dropped.</summary>
    public bool Draining { get; private set; }

    /// <summary>Whether the stream should read: the reader asked for a piece, or the rest is being dropped; never once the body failed.</summary>
    public bool WantsInput => _failure is null && (_wanted || Draining);

    /// <summary>Request <paramref name="seq"/> has a body; it follows on demand.</summary>
    public void Open(long seq)
    {
        Seq = seq;
        _failure = null;
        _reader = null;
        _wanted = false;
        Draining = false;
    }

    /// <summary>Request <paramref name="seq"/> asks for the next piece, for <paramref name="receiver"/>.</summary>
    public AskResult Ask(long seq, IBodyReceiver receiver)
    {
        if (seq != Seq || Draining)
            return AskResult.NotThisBody;
        _reader = receiver;
        if (_failure is not null)
        {
            receiver.OnBodyFailed(_failure);
            return AskResult.Failed;
        }
        _wanted = true;
        return AskResult.Wanted;
    }

    /// <summary>A piece from the parser: to the reader that asked for it, or dropped while draining.</summary>
    public Progress Accept(RequestBody piece)
    {
        // A piece read before the body failed (it was too slow): the connection closes, nothing more is read.
        if (_failure is not null)
            return Progress.More;
        if (Draining)
        {
            _drained += piece.Data.Length;
            if (piece.IsLast)
            {
                Close();
                return Progress.Ended;
            }
            return _drained > drainLimit ? Progress.OverDrainLimit : Progress.More;
        }
        _wanted = false;
        _reader!.OnBody(piece);
        if (!piece.IsLast)
            return Progress.More;
        Close();
        return Progress.Ended;
    }

    /// <summary>The body broke a rule: its reader is told now or at its next ask. False if no body is being read for a request.</summary>
    public bool Fail(RequestRejectedException rejection)
    {
        if (!IsOpen || Draining)
            return false;
        _failure = rejection;
        if (_wanted)
            _reader!.OnBodyFailed(rejection);
        return true;
    }

    /// <summary>Request <paramref name="seq"/>'s response ended: if this is its body, drop the rest.</summary>
    public bool StartDraining(long seq)
    {
        if (seq != Seq)
            return false;
        Draining = true;
        _drained = 0;
        return true;
    }

    private void Close()
    {
        Seq = None;
        Draining = false;
        _reader = null;
    }
}
