using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;

namespace Resume.Actors.Cluster;

/// <summary>With clustering off, the topic mediator: the same Subscribe, Unsubscribe and Publish as Distributed Pub/Sub, on this node.</summary>
public sealed class LocalTopics : ReceiveActor
{
    private readonly Dictionary<string, HashSet<IActorRef>> _topics = new(StringComparer.Ordinal);

    public LocalTopics()
    {
        Receive<Subscribe>(subscribe =>
        {
            if (!_topics.TryGetValue(subscribe.Topic, out var subscribers))
                _topics[subscribe.Topic] = subscribers = [];
            if (subscribers.Add(subscribe.Ref))
                Context.Watch(subscribe.Ref);
            subscribe.Ref.Tell(new SubscribeAck(subscribe));
        });
        Receive<Unsubscribe>(unsubscribe => Remove(unsubscribe.Topic, unsubscribe.Ref));
        Receive<Publish>(publish =>
        {
            if (!_topics.TryGetValue(publish.Topic, out var subscribers))
                return;
            foreach (var subscriber in subscribers)
                subscriber.Tell(publish.Message);
        });
        Receive<Terminated>(terminated =>
        {
            foreach (var topic in _topics.Keys.ToList())
                Remove(topic, terminated.ActorRef);
        });
    }

    private void Remove(string topic, IActorRef subscriber)
    {
        if (!_topics.TryGetValue(topic, out var subscribers) || !subscribers.Remove(subscriber))
            return;
        if (subscribers.Count == 0)
            _topics.Remove(topic);
    }
}
