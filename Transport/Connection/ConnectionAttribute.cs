using Akka.Actor;
using Akka.Streams;

namespace Resume.Transport.Connection;

/// <summary>
/// The connection actor that one materialization of the connection graph talks to, and the way past
/// it for a request that a free request actor can take (<see cref="IRequestHandoff"/>, optional).
/// Passed as an attribute (with the socket's and the deadlines') so that one pre-fused graph serves
/// every connection.
/// </summary>
public sealed class ConnectionAttribute(IActorRef connection, IRequestHandoff? handoff = null) : Attributes.IAttribute
{
    public IActorRef Connection { get; } = connection;

    public IRequestHandoff? Handoff { get; } = handoff;

    public static ConnectionAttribute From(Attributes attributes) =>
        attributes.GetAttribute<ConnectionAttribute>()
        ?? throw new InvalidOperationException("Run the connection graph with a ConnectionAttribute (see ConnectionGraph).");
}
