using Akka.Actor;
using Resume.Apps.Serving;
using Resume.Transport.Http;

namespace Resume.Actors.Requests;

/// <summary>
/// Hands one request's response to its connection stage: the head once, with the first part; the
/// pending body bytes; the end — normal, cut short, or the server's own error response. A part sent
/// before the end waits for the stage's acceptance (<see cref="AwaitingAcceptance"/>) before the app
/// steps again: that is the backpressure that pauses an app for a slow client.
/// </summary>
internal sealed class ResponseSender(long seq, IActorRef stage, ResponseContext context, IActorRef request)
{
    private bool _headSent;

    /// <summary>A part was sent and the stage has not accepted it yet.</summary>
    public bool AwaitingAcceptance { get; private set; }

    /// <summary>The stage took the last part.</summary>
    public void Accepted() => AwaitingAcceptance = false;

    /// <summary>Sends what is pending (with the head, the first time); <paramref name="final"/> ends the response.</summary>
    public void Send(ResponseState response, bool final)
    {
        Tell(new ResponseOut
        {
            Seq = seq,
            Context = context,
            Head = TakeHead(response),
            Chunks = response.TakePending(),
            IsFinal = final,
        });
        AwaitingAcceptance = !final;
    }

    /// <summary>
    /// Ends a response that failed or timed out as <paramref name="ending"/> says: cut short after what
    /// was committed, or an error response of its own naming <paramref name="requestId"/> (never the
    /// exception's text, except a request-body error's message, which is about the client's request);
    /// <paramref name="close"/> closes the connection after that error response. Returns the body bytes
    /// it sent (for the access log).
    /// </summary>
    public int End(ResponseEnding ending, ResponseState response, string requestId, bool close = false)
    {
        if (ending.Truncated)
        {
            var pending = response.PendingBytes;
            Tell(new ResponseOut { Seq = seq, Context = context, Head = TakeHead(response), Chunks = response.TakePending(), IsAbort = true });
            return pending;
        }
        var error = ending.BodyError is { } bodyError
            ? ErrorResponse.Refused(ending.Status, bodyError.Message)
            : ErrorResponse.Failed(ending.Status, requestId, ending.RetryAfter);
        _headSent = true;
        Tell(error.ToResponseOut(seq, close ? context with { KeepAlive = false } : context));
        return error.Body.Length;
    }

    private ResponseHead? TakeHead(ResponseState response)
    {
        if (_headSent)
            return null;
        _headSent = true;
        return ResponseHead.Checked(response.StatusCode, response.Status!, response.Headers, response.ContentLength, response.CloseRequested);
    }

    private void Tell(ResponseOut part) => stage.Tell(part, request);
}
