using System.Collections.Concurrent;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using Resume.Transport.Sockets;
using Resume.Transport.Timeouts;

namespace Resume.Transport.Connection;

/// <summary>
/// Runs many connections' graphs inside one stream interpreter (one actor), instead of an
/// interpreter actor per connection: a new connection is a graph materialized into a running
/// interpreter, which is cheaper to start and keeps no actor and mailbox per connection. The
/// server starts one host per core and spreads connections over them. A connection that fails
/// ends alone; the others in the same host go on. A host lives as long as its materializer (the
/// server's, a child of the server actor); connections handed to it after that are refused.
/// </summary>
public sealed class ConnectionHost
{
    private readonly ConnectionGraph _graph;
    // Connections handed to the host and not yet materialized. Every one is taken either by the
    // host (when it runs) or refused (once it has stopped): Run checks the state after queueing,
    // and the host's stop drains the queue after saying so.
    private readonly ConcurrentQueue<(Socket Socket, TlsConnection? Tls, IActorRef Connection, IRequestHandoff? Handoff)> _waiting = new();
    private volatile bool _stopped;
    private Action? _drain;

    private ConnectionHost(ConnectionGraph graph, TimeoutTable timeouts)
    {
        _graph = graph;
        Timeouts = timeouts;
    }

    /// <summary>
    /// The timeouts of this host's connections and of their requests (request head, keep-alive,
    /// suspend, deadline, async operations), checked on the host's tick.
    /// </summary>
    public TimeoutTable Timeouts { get; }

    /// <summary>Starts a host for <paramref name="graph"/> whose timeouts are kept in <paramref name="timeouts"/>.</summary>
    public static ConnectionHost Start(ConnectionGraph graph, IMaterializer materializer, TimeoutTable timeouts)
    {
        var host = new ConnectionHost(graph, timeouts);
        Source.FromGraph(new ConnectionHostStage(host)).RunWith(Sink.Ignore<Akka.NotUsed>(), materializer);
        return host;
    }

    /// <summary>
    /// Serves <paramref name="socket"/> in this host, talking to <paramref name="connection"/>, through
    /// <paramref name="tls"/> if given (HTTPS, its handshake done), its requests given to free request
    /// actors by <paramref name="handoff"/> if given. If the host has stopped, the socket is closed and
    /// <paramref name="connection"/> told the connection ended and its socket closed.
    /// </summary>
    public void Run(Socket socket, IActorRef connection, TlsConnection? tls = null, IRequestHandoff? handoff = null)
    {
        _waiting.Enqueue((socket, tls, connection, handoff));
        if (_stopped)
        {
            RefuseWaiting();
            return;
        }
        // While the interpreter starts there is no callback yet: it drains what waits once it runs.
        Volatile.Read(ref _drain)?.Invoke();
    }

    /// <summary>Materializes the connections waiting; runs inside the host's interpreter.</summary>
    internal void MaterializeWaiting(IMaterializer subFusing)
    {
        while (_waiting.TryDequeue(out var waiting))
        {
            try
            {
                _graph.Run(waiting.Socket, waiting.Tls, waiting.Connection, Timeouts, subFusing, waiting.Handoff);
            }
            catch (Exception e)
            {
                Refuse(waiting.Socket, waiting.Tls, waiting.Connection, e.Message);
            }
        }
    }

    internal void Started(Action drain)
    {
        Interlocked.Exchange(ref _drain, drain);
        drain();
    }

    internal void Stopped()
    {
        _stopped = true;
        RefuseWaiting();
    }

    private void RefuseWaiting()
    {
        while (_waiting.TryDequeue(out var waiting))
            Refuse(waiting.Socket, waiting.Tls, waiting.Connection, "server stopping");
    }

    private static void Refuse(Socket socket, TlsConnection? tls, IActorRef connection, string reason)
    {
        socket.Dispose();
        tls?.Dispose();
        connection.Tell(new ConnectionEnded(false, reason));
        connection.Tell(SocketClosed.Instance);
    }
}
