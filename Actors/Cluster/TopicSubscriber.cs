using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Resume.Apps.Cluster;

namespace Resume.Actors.Cluster;

/// <summary>
/// One request's <see cref="TopicSubscription"/> as a subscriber of the topic mediator (Distributed
/// Pub/Sub, or <see cref="LocalTopics"/> on a node alone): it hands each message over and stops, and
/// so unsubscribes, when the subscription is disposed.
/// </summary>
public sealed class TopicSubscriber : ReceiveActor
{
    private readonly IActorRef _mediator;
    private readonly TopicSubscription _subscription;

    public TopicSubscriber(IActorRef mediator, TopicSubscription subscription)
    {
        _mediator = mediator;
        _subscription = subscription;
        Receive<SubscribeAck>(_ => _subscription.MarkSubscribed());
        Receive<UnsubscribeAck>(_ => { });
        ReceiveAny(_subscription.Deliver);
    }

    public static Props Props(IActorRef mediator, TopicSubscription subscription) =>
        Akka.Actor.Props.Create(() => new TopicSubscriber(mediator, subscription));

    protected override void PreStart()
    {
        var self = Self;
        _subscription.OnDispose(() => self.Tell(PoisonPill.Instance));
        _mediator.Tell(new Subscribe(_subscription.Topic, Self));
    }

    protected override void PostStop() => _mediator.Tell(new Unsubscribe(_subscription.Topic, Self));
}
