using System.Net.Sockets;
using Akka.Streams;

namespace Resume.Transport.Sockets;

/// <summary>The connected socket that one materialization of the socket stages reads and writes.</summary>
public sealed class SocketAttribute(Socket socket) : Attributes.IAttribute
{
    public Socket Socket { get; } = socket;

    public static Socket From(Attributes attributes) =>
        attributes.GetAttribute<SocketAttribute>()?.Socket
        ?? throw new InvalidOperationException("Run the socket stages with a SocketAttribute (see ConnectionGraph).");
}
