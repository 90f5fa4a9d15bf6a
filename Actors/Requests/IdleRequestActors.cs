using System.Diagnostics.CodeAnalysis;
using Akka.Actor;

namespace Resume.Actors.Requests;

/// <summary>
/// A connection's request actors that answered their request in full and wait for a later one (see
/// <see cref="RequestActor"/>'s Finish). Each puts itself here as its request ends, where it told
/// its connection with a message before: one message fewer per request. The connection's stage
/// (through its <c>RequestHandoff</c>) or the connection actor takes one for the next request. The
/// actors, the stage and the connection run on different threads, hence the lock; it is never
/// contended for long, and never held while anything else runs. At most max-pipelined actors wait
/// here, as no more are ever in flight at once; an actor that stopped (the connection stops its
/// children as it ends) is never taken again, as no request comes after that.
/// </summary>
internal sealed class IdleRequestActors
{
    // Made with the first actor that comes back: a connection closed after one request never needs it.
    private IActorRef[]? _actors;
    private int _count;

    public void Add(IActorRef request)
    {
        lock (this)
        {
            _actors ??= new IActorRef[2];
            if (_count == _actors.Length)
                Array.Resize(ref _actors, _count * 2);
            _actors[_count++] = request;
        }
    }

    public bool TryTake([NotNullWhen(true)] out IActorRef? request)
    {
        lock (this)
        {
            if (_count == 0)
            {
                request = null;
                return false;
            }
            request = _actors![--_count];
            _actors[_count] = null!;
            return true;
        }
    }
}
