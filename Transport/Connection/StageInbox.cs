using Akka.Actor;

namespace Resume.Transport.Connection;

/// <summary>
/// The connection stage's address for actors: what they tell it waits in a queue, and the stage is
/// woken once for all that arrived while it was not looking, through one async callback. Akka's
/// <c>GetStageActor</c> wakes the stream's actor once per message (a closure, a tuple and an actor
/// message each), and registers a function ref, with its path, under the stream's supervisor for
/// every connection; the responses of a pipelined batch, made by a dozen request actors in one run
/// of the actor thread, arrive here as one wake-up. Messages keep the order they were told in.
/// Nothing watches a connection stage, so this ref takes no system messages.
/// </summary>
internal sealed class StageInbox : MinimalActorRef
{
    private readonly ActorSystem _system;
    private readonly Action _wake;
    private readonly object _gate = new();
    // A ring, made at the first message and grown when a batch outgrows it.
    private (IActorRef Sender, object Message)[]? _ring;
    private int _head;
    private int _count;
    private bool _wakeSent;
    private bool _closed;
    private ActorPath? _path;

    /// <summary><paramref name="wake"/> is an async callback of the stage that calls <see cref="TryTake"/> until it is false.</summary>
    public StageInbox(ActorSystem system, Action wake)
    {
        _system = system;
        _wake = wake;
    }

    // Made only when something asks (a log line, an equality test): most connections never need it.
    public override ActorPath Path => _path ??= Provider.TempPath();

    public override IActorRefProvider Provider => ((ExtendedActorSystem)_system).Provider;

    /// <summary>The next message, in the order told; false once none is left, and the next message wakes the stage again.</summary>
    public bool TryTake(out IActorRef sender, out object message)
    {
        lock (_gate)
        {
            if (_count == 0)
            {
                _wakeSent = false;
                sender = ActorRefs.Nobody;
                message = null!;
                return false;
            }
            (sender, message) = _ring![_head];
            _ring[_head] = default;
            _head = (_head + 1) % _ring.Length;
            _count--;
            return true;
        }
    }

    /// <summary>The stage stopped: later messages are dropped, as they would be to a stopped actor.</summary>
    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
            _ring = null;
            _count = 0;
        }
    }

    protected override void TellInternal(object message, IActorRef sender)
    {
        lock (_gate)
        {
            if (_closed)
                return;
            Append(sender, message);
            if (_wakeSent)
                return;
            _wakeSent = true;
        }
        _wake();
    }

    private void Append(IActorRef sender, object message)
    {
        if (_ring is null)
        {
            _ring = new (IActorRef, object)[4];
        }
        else if (_count == _ring.Length)
        {
            var grown = new (IActorRef, object)[_ring.Length * 2];
            for (var i = 0; i < _count; i++)
                grown[i] = _ring[(_head + i) % _ring.Length];
            _ring = grown;
            _head = 0;
        }
        _ring[(_head + _count) % _ring.Length] = (sender, message);
        _count++;
    }
}
