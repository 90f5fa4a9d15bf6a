using Akka.Event;
using Resume.Transport.Http;

namespace Resume.Transport.Connection;

// The messages between a ConnectionStage and the actors of its connection. Those that may reach a
// stage or actor that has already stopped are IDeadLetterSuppression: that is normal, not news.

/// <summary>Stage → connection actor: the stage runs; the sender is the stage, where requests send their responses.</summary>
public sealed class StageStarted
{
    public static readonly StageStarted Instance = new();

    private StageStarted()
    {
    }
}

/// <summary>Stage → connection actor: a request head was parsed; its body follows on demand. Sender: the stage.</summary>
public sealed record RequestArrived(RequestHead Head, long Seq);

/// <summary>Stage → connection actor: input that did not parse was answered with <paramref name="Status"/>; <paramref name="Cause"/> is the rule it broke.</summary>
public sealed record RequestRejected(int Status, string Reason, RequestRejectionReason Cause);

/// <summary>Stage → connection actor: the stage stopped; <paramref name="ClientGone"/> when the client left mid-request.</summary>
public sealed record ConnectionEnded(bool ClientGone, string Reason) : IDeadLetterSuppression;

/// <summary>
/// Request → stage: hand the next piece of request <paramref name="Seq"/>'s body to <paramref name="Receiver"/>.
/// The first ask of a request that sent <c>Expect: 100-continue</c> is what answers it.
/// </summary>
public sealed record ReadBody(long Seq, IBodyReceiver Receiver) : IDeadLetterSuppression;

/// <summary>Stage → request: a piece of its response went downstream; it may produce the next.</summary>
public sealed record ResponseAccepted(long Seq) : IDeadLetterSuppression;

/// <summary>
/// Connection actor → stage: the server is leaving (its readiness answers 503) but still serves. The
/// next response this connection sends, to a request in flight or to the next one to come, says
/// <c>Connection: close</c>, and the connection closes after it: a keep-alive client (a proxy's
/// pool) then learns in-band to connect afresh, rather than find the connection closed under a
/// request it is sending when the drain closes idle connections — a request a proxy may not resend.
/// </summary>
public sealed class Retire : IDeadLetterSuppression
{
    public static readonly Retire Instance = new();

    private Retire()
    {
    }
}

/// <summary>Connection actor → stage: read no more requests; close once those in flight are answered.</summary>
public sealed class StopReading : IDeadLetterSuppression
{
    public static readonly StopReading Instance = new();

    private StopReading()
    {
    }
}
