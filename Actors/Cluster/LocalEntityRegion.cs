using Akka.Actor;
using Akka.Cluster.Sharding;

namespace Resume.Actors.Cluster;

/// <summary>
/// With clustering off, what a shard region is with it on: the parent of one entity type's entities on
/// this node, one child per id, made on its first message (a <see cref="ShardingEnvelope"/>, as a
/// region takes) and stopped when idle.
/// </summary>
public sealed class LocalEntityRegion : ReceiveActor
{
    public LocalEntityRegion(Func<string, Props> entityProps)
    {
        Receive<ShardingEnvelope>(envelope =>
        {
            var name = Uri.EscapeDataString(envelope.EntityId);
            var child = Context.Child(name);
            if (child.IsNobody())
                child = Context.ActorOf(entityProps(envelope.EntityId), name);
            child.Forward(envelope.Message);
        });
        Receive<CountEntities>(_ => Sender.Tell(Context.GetChildren().Count()));
    }

    public static Props Props(Func<string, Props> entityProps) =>
        Akka.Actor.Props.Create(() => new LocalEntityRegion(entityProps));

    /// <summary>The reply is how many entities are running (an int).</summary>
    public sealed record CountEntities;
}
