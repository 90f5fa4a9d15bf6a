using Akka.Actor;

namespace RemoteAsk;

/// <summary>
/// Answers every <see cref="Request"/> with a <see cref="Reply"/>, as an entity answers an ask: a
/// counter that adds the request's amount and says which node it lives on.
/// </summary>
public sealed class Echo : ReceiveActor
{
    public const string Name = "echo";

    private long _value;

    public Echo()
    {
        var node = ((ExtendedActorSystem)Context.System).Provider.DefaultAddress.ToString();
        Receive<Request>(request =>
        {
            if (request.Message is Add add)
                _value += add.By;
            Sender.Tell(new Reply(_value, node));
        });
    }

    /// <summary>An ask as the cluster facade sends one: an id and the app's message.</summary>
    public sealed record Request(Guid Id, object Message);

    /// <summary>The app's message inside a <see cref="Request"/>.</summary>
    public sealed record Add(long By);

    /// <summary>The answer: the counter's value and the node that holds it.</summary>
    public sealed record Reply(long Value, string Node);
}
