using Akka.Actor;
using Resume.Transport.Http;

namespace Resume.Transport.Connection;

/// <summary>
/// Pipelining: numbers requests as they arrive, bounds how many are in flight, and lets their
/// responses leave in arrival order. A response part waits here until its request is at the front;
/// a request has at most one part waiting at a time, since it makes the next only once the last was
/// accepted. The dictionary for later requests' parts is made only if pipelining needs it.
/// </summary>
internal sealed class ResponseOrder(int maxInFlight)
{
    private (ResponseOut Part, IActorRef Sender)? _frontPart;
    private Dictionary<long, (ResponseOut Part, IActorRef Sender)>? _later;

    /// <summary>The number the next request gets.</summary>
    public long Next { get; private set; }

    /// <summary>The request whose response leaves now (equal to <see cref="Next"/> when none is in flight).</summary>
    public long Front { get; private set; }

    /// <summary>Whether a part of the front request's response has left.</summary>
    public bool FrontStarted { get; private set; }

    public int InFlight => (int)(Next - Front);

    /// <summary>Whether another request may be read: fewer than the limit are in flight.</summary>
    public bool HasRoom => InFlight < maxInFlight;

    /// <summary>Numbers a request that arrived.</summary>
    public long Admit() => Next++;

    /// <summary>Whether <paramref name="seq"/> is a request whose response has not ended.</summary>
    public bool IsInFlight(long seq) => seq >= Front && seq < Next;

    /// <summary>Keeps a part of request <paramref name="part"/>.Seq's response until it may leave.</summary>
    public void Hold(ResponseOut part, IActorRef sender)
    {
        if (part.Seq == Front)
        {
            // A later part of the same request (an abort after a data part) replaces one held before its turn.
            _later?.Remove(part.Seq);
            _frontPart = (part, sender);
        }
        else
        {
            (_later ??= [])[part.Seq] = (part, sender);
        }
    }

    /// <summary>Takes the front request's part if it is here; the caller sends it on and calls <see cref="Sent"/>.</summary>
    public bool TryTakeFront(out ResponseOut part, out IActorRef sender)
    {
        (ResponseOut Part, IActorRef Sender) entry;
        if (_frontPart is { } front)
        {
            entry = front;
            _frontPart = null;
        }
        else if (_later is null || !_later.Remove(Front, out entry))
        {
            (part, sender) = (null!, null!);
            return false;
        }
        (part, sender) = entry;
        return true;
    }

    /// <summary>A part of the front response left; if it was the last, the next request's response is at the front.</summary>
    public void Sent(ResponseOut part)
    {
        if (!part.IsLast)
        {
            FrontStarted = true;
            return;
        }
        Front++;
        FrontStarted = false;
    }
}
