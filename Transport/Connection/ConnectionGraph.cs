using System.Net.Sockets;
using Akka;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using Microsoft.Extensions.Logging;
using Resume.Transport.Http;
using Resume.Transport.Sockets;
using Resume.Transport.Timeouts;

namespace Resume.Transport.Connection;

/// <summary>
/// The whole transport of one connection, composed in one place:
/// socket read → parse → <see cref="ConnectionStage"/> (the actors) → render → socket write.
/// The folders import in one direction: Timeouts uses no other, Sockets uses Timeouts, Http those two, and
/// Connection, which composes them, uses all (a test holds this). It is fused once, when the server
/// starts; each connection only materializes it, with its socket, actor and timeout table as
/// attributes. (Fusing it per connection was the largest single cost of a new connection.)
/// </summary>
public sealed class ConnectionGraph
{
    private readonly Akka.Streams.Fusing.FusedGraph<ClosedShape, NotUsed> _fused;

    public ConnectionGraph(HttpLimits limits, ConnectionSettings connection, int readBufferSize, long writeHighWaterMark, TimeSpan linger, string serverName, ILogger? log = null)
    {
        var graph = Source.FromGraph(new SocketReadSource(readBufferSize))
            .Via(new HttpRequestParser(limits))
            .Via(new ConnectionStage(connection))
            .Via(new HttpResponseRenderer(serverName, log))
            .To(new SocketWriteSink(writeHighWaterMark, linger, connection.MinResponseRate));
        _fused = Fusing.Aggressive(graph);
    }

    /// <summary>
    /// Serves <paramref name="socket"/>, talking to <paramref name="connection"/> (told <see cref="ConnectionEnded"/>
    /// when the stream's requests are over and <see cref="SocketClosed"/> when its last bytes are out),
    /// with its timeouts kept in <paramref name="timeouts"/>; through <paramref name="tls"/> for HTTPS;
    /// requests a free request actor can take go to it by <paramref name="handoff"/>, if given.
    /// </summary>
    public void Run(Socket socket, TlsConnection? tls, IActorRef connection, TimeoutTable timeouts, IMaterializer materializer, IRequestHandoff? handoff = null) =>
        materializer.Materialize(_fused.WithAttributes(
            new Attributes(new SocketAttribute(socket, connection, tls), new TimeoutsAttribute(timeouts), new ConnectionAttribute(connection, handoff))));
}
