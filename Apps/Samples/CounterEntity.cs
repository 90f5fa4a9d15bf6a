using Resume.Apps.Cluster;

namespace Resume.Apps.Samples;

/// <summary>A sharded counter (<c>resume.cluster.entities.counter</c>): its value survives moves between nodes.</summary>
public sealed class CounterEntity(string id) : Entity<CounterEntity.Count>(id, new Count(0))
{
    public override object? Handle(object message)
    {
        switch (message)
        {
            case Increment increment:
                State = new Count(State.Value + increment.By);
                return new Counted(State.Value, NodeName);
            case Read:
                return new Counted(State.Value, NodeName);
            default:
                throw new ArgumentException($"A counter does not take {message.GetType().Name}.");
        }
    }

    public sealed record Count(long Value);

    /// <summary>A counter's value, and the node the counter lives on.</summary>
    public sealed record Counted(long Value, string Node);

    /// <summary>Adds <paramref name="By"/>; the reply is the new value.</summary>
    public sealed record Increment(long By);

    /// <summary>The reply is the value.</summary>
    public sealed record Read;
}
