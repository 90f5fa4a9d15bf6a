using System.Net.Sockets;
using Akka.Actor;
using Akka.Streams;

using Resume.Transport.Timeouts;

namespace Resume.Transport.Connection;

/// <summary>
/// What one materialization of the connection graph serves: its socket and its connection actor,
/// and where its timeouts are kept. Passed as an attribute so that one pre-fused graph serves every
/// connection.
/// </summary>
public sealed class ConnectionAttribute(Socket socket, IActorRef connection, TimeoutTable timeouts) : Attributes.IAttribute
{
    public Socket Socket { get; } = socket;

    public IActorRef Connection { get; } = connection;

    public TimeoutTable Timeouts { get; } = timeouts;

    public static ConnectionAttribute From(Attributes attributes) =>
        attributes.GetAttribute<ConnectionAttribute>()
        ?? throw new InvalidOperationException("Run the connection graph with a ConnectionAttribute (see ConnectionGraph).");
}
