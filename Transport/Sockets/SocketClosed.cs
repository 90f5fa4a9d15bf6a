using Akka.Event;

namespace Resume.Transport.Sockets;

/// <summary>
/// Write sink → the socket's owner: the socket is closed — every byte the sink was given went to the
/// kernel and the client closed (or the linger ran out), or the connection was broken off. Until then
/// the connection holds a descriptor, so it counts against max-connections.
/// </summary>
public sealed class SocketClosed : IDeadLetterSuppression
{
    public static readonly SocketClosed Instance = new();

    private SocketClosed()
    {
    }
}
