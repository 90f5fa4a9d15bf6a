using System.Net.Sockets;
using Akka.Actor;
using Akka.Streams;

namespace Resume.Transport.Sockets;

/// <summary>
/// The connected socket that one materialization of the socket stages reads and writes, and who is
/// told <see cref="SocketClosed"/> once the write sink is done with it. With <see cref="Tls"/> the
/// stages read and write through it (an HTTPS connection); without, the socket itself.
/// </summary>
public sealed class SocketAttribute(Socket socket, IActorRef? owner = null, TlsConnection? tls = null) : Attributes.IAttribute
{
    public Socket Socket { get; } = socket;

    /// <summary>Told <see cref="SocketClosed"/> when the write sink stops; none if null.</summary>
    public IActorRef? Owner { get; } = owner;

    /// <summary>The connection's TLS, its handshake done; null for plain HTTP.</summary>
    public TlsConnection? Tls { get; } = tls;

    public static SocketAttribute Get(Attributes attributes) =>
        attributes.GetAttribute<SocketAttribute>()
        ?? throw new InvalidOperationException("Run the socket stages with a SocketAttribute (see ConnectionGraph).");
}
