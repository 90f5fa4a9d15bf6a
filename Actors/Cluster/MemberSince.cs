using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Cluster;

namespace Resume.Actors.Cluster;

/// <summary>
/// When this node saw each member reach its current status (Akka keeps no such time): the status
/// endpoint's "since". Members seen before this node joined count from when it learnt of them.
/// </summary>
public sealed class MemberSince : ReceiveActor
{
    public MemberSince(ConcurrentDictionary<string, DateTimeOffset> since)
    {
        // Removed first: it is a member event too, and the first handler that matches takes it.
        Receive<ClusterEvent.MemberRemoved>(e => since.TryRemove(e.Member.Address.ToString(), out _));
        Receive<ClusterEvent.IMemberEvent>(e => since[e.Member.Address.ToString()] = DateTimeOffset.UtcNow);
    }

    public static Props Props(ConcurrentDictionary<string, DateTimeOffset> since) => Akka.Actor.Props.Create(() => new MemberSince(since));

    protected override void PreStart() =>
        Akka.Cluster.Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.IMemberEvent));

    protected override void PostStop() => Akka.Cluster.Cluster.Get(Context.System).Unsubscribe(Self);
}
