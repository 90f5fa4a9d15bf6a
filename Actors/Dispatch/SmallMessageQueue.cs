using Akka.Actor;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace Resume.Actors.Dispatch;

/// <summary>
/// An unbounded many-producer, one-consumer linked queue (Vyukov's): a producer swaps its node in
/// at the head and then links it; the actor, the only consumer, takes from the tail. A message whose
/// producer has swapped but not yet linked is not seen yet; that producer then schedules the mailbox
/// itself, so nothing is left behind.
/// </summary>
public sealed class SmallMessageQueue : IMessageQueue, IUnboundedMessageQueueSemantics
{
    private Node _head;
    private Node _tail;

    public SmallMessageQueue() => _head = _tail = new Node();

    public bool HasMessages => Volatile.Read(ref _tail.Next) is not null;

    public int Count
    {
        get
        {
            var count = 0;
            for (var node = Volatile.Read(ref _tail.Next); node is not null; node = Volatile.Read(ref node.Next))
                count++;
            return count;
        }
    }

    public void Enqueue(IActorRef receiver, Envelope envelope)
    {
        var node = new Node { Envelope = envelope };
        var previous = Interlocked.Exchange(ref _head, node);
        Volatile.Write(ref previous.Next, node);
    }

    public bool TryDequeue(out Envelope envelope)
    {
        var next = Volatile.Read(ref _tail.Next);
        if (next is null)
        {
            envelope = default;
            return false;
        }
        envelope = next.Envelope;
        next.Envelope = default;
        _tail = next;
        return true;
    }

    public void CleanUp(IActorRef owner, IMessageQueue deadletters)
    {
        while (TryDequeue(out var envelope))
            deadletters.Enqueue(owner, envelope);
    }

    private sealed class Node
    {
        public Envelope Envelope;
        public Node? Next;
    }
}
