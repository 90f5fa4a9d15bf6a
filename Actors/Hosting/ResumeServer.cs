using System.Net;
using System.Net.Sockets;
using Akka;
using Akka.Actor;
using Resume.Actors.Server;
using Resume.Apps;

namespace Resume.Actors.Hosting;

/// <summary>A running server inside an actor system: its actor and the address it listens on.</summary>
public sealed class ResumeServer
{
    private ResumeServer(IActorRef actor, IPEndPoint endpoint)
    {
        Actor = actor;
        Endpoint = endpoint;
    }

    public IActorRef Actor { get; }

    public IPEndPoint Endpoint { get; }

    /// <summary>Binds <see cref="ServerSettings.Host"/>:<see cref="ServerSettings.Port"/> (a bind error throws here) and starts serving <paramref name="app"/>.</summary>
    public static ResumeServer Start(IActorRefFactory system, ServerSettings settings, App app, string name = "resume-server")
    {
        var address = IPAddress.Parse(settings.Host);
        var listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(new IPEndPoint(address, settings.Port));
            listener.Listen(settings.Backlog);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        var endpoint = (IPEndPoint)listener.LocalEndPoint!;
        return new ResumeServer(system.ActorOf(ServerActor.Props(settings, app, listener), name), endpoint);
    }

    /// <summary>Stops accepting, lets requests in flight finish (up to the drain deadline) and closes every connection.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        await Actor.Ask<Done>(ServerActor.Unbind.Instance, timeout).ConfigureAwait(false);
        await Actor.Ask<Done>(ServerActor.Drain.Instance, timeout).ConfigureAwait(false);
    }
}
