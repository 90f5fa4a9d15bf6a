using Akka.Actor;
using Akka.Streams;

namespace Resume.Transport.Connection;

/// <summary>
/// The connection actor that one materialization of the connection graph talks to. Passed as an
/// attribute (with the socket's and the deadlines') so that one pre-fused graph serves every connection.
/// </summary>
public sealed class ConnectionAttribute(IActorRef connection) : Attributes.IAttribute
{
    public IActorRef Connection { get; } = connection;

    public static IActorRef From(Attributes attributes) =>
        attributes.GetAttribute<ConnectionAttribute>()?.Connection
        ?? throw new InvalidOperationException("Run the connection graph with a ConnectionAttribute (see ConnectionGraph).");
}
