using Akka.Actor;
using Resume.Actors.Server;
using Resume.Actors.Tests.Support;
using Resume.Transport.Connection;
using Resume.Transport.Sockets;
using Xunit.Abstractions;

namespace Resume.Actors.Tests;

/// <summary>The connection actor's own life, told its stream's signals by hand.</summary>
public sealed class ConnectionActorSpec(ITestOutputHelper output) : ServerSpec(output)
{
    [Fact]
    public void A_connection_stops_once_its_requests_are_over_and_its_socket_is_closed_whichever_comes_first()
    {
        foreach (var socketFirst in new[] { false, true })
        {
            var connection = Sys.ActorOf(ConnectionActor.Props);
            Watch(connection);
            var ended = new ConnectionEnded(false, "test");
            object first = socketFirst ? SocketClosed.Instance : ended;
            object second = socketFirst ? ended : SocketClosed.Instance;

            connection.Tell(first);
            // Answered after the first signal, in order: the connection is still there, for a server draining to wait on.
            connection.Tell(ConnectionActor.GetStage.Instance);
            Assert.Equal(ActorRefs.Nobody, ExpectMsg<IActorRef>());

            connection.Tell(second);
            ExpectTerminated(connection);
        }
    }
}
