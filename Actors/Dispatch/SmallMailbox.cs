using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace Resume.Actors.Dispatch;

/// <summary>
/// The mailbox of connection and request actors: a <see cref="SmallMessageQueue"/>, which costs one
/// small node per message instead of Akka's default queue's 32-slot segment (~1 KiB) per actor up
/// front. A request actor gets a handful of messages in its life, and 10,000 idle connections are
/// 10,000 mailboxes, so the up-front cost is what counts. Configured as <c>resume.small-mailbox</c>.
/// </summary>
public sealed class SmallMailbox(Settings settings, Config config) : MailboxType(settings, config), IProducesMessageQueue<SmallMessageQueue>
{
    public const string Id = "resume.small-mailbox";

    public override IMessageQueue Create(IActorRef owner, ActorSystem system) => new SmallMessageQueue();
}
