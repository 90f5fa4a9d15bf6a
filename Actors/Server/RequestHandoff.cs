using Akka.Actor;
using Resume.Actors.Apps;
using Resume.Actors.Requests;
using Resume.Transport.Connection;
using Resume.Transport.Http;

namespace Resume.Actors.Server;

/// <summary>
/// A connection's requests given by its stage straight to one of its idle request actors, so that
/// the connection actor sees only the requests that need it: the first (it makes the
/// <see cref="ConnectionContext"/>), one that finds every actor busy (it makes another), and a
/// blocking one (it tracks those). The actors are its children either way; it stops them as before.
/// </summary>
internal sealed class RequestHandoff(AppBinding apps, long connectionId) : IRequestHandoff
{
    // Set by the connection actor, read on the stage's thread.
    private volatile ConnectionContext? _context;

    /// <summary>What the connection's requests share, once the connection actor has made it.</summary>
    public ConnectionContext? Context
    {
        set => _context = value;
    }

    /// <summary>A request's id in the logs: the connection's and its number there.</summary>
    public static string RequestId(long connectionId, long seq) => $"{connectionId}-{seq}";

    public bool TryHandOff(RequestHead head, long seq, IActorRef stage)
    {
        var context = _context;
        if (context is null || !ReferenceEquals(context.Stage, stage) || !context.IdleRequests.TryTake(out var request))
            return false;
        var route = apps.Resolve(head);
        if (route.Options.Blocking)
        {
            context.IdleRequests.Add(request);
            return false;
        }
        request.Tell(new RequestActor.Start(route, head, seq, RequestId(connectionId, seq), new CancellationTokenSource(), context));
        return true;
    }
}
