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
                return State.Value;
            case Read:
                return State.Value;
            default:
                throw new ArgumentException($"A counter does not take {message.GetType().Name}.");
        }
    }

    public sealed record Count(long Value);

    /// <summary>Adds <paramref name="By"/>; the reply is the new value.</summary>
    public sealed record Increment(long By);

    /// <summary>The reply is the value.</summary>
    public sealed record Read;
}
