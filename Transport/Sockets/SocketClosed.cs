using Akka.Event;

namespace Resume.Transport.Sockets;

/// <summary>
/// Write sink → the socket's owner: the sink has stopped; every byte it was given is with the kernel
/// (its send side shut down) or the connection was broken off. A socket still lingering for its
/// client's close no longer needs its owner.
/// </summary>
public sealed class SocketClosed : IDeadLetterSuppression
{
    public static readonly SocketClosed Instance = new();

    private SocketClosed()
    {
    }
}
