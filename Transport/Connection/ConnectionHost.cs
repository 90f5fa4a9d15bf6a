using System.Net.Sockets;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace Resume.Transport.Connection;

/// <summary>
/// Runs many connections' graphs inside one stream interpreter (one actor), instead of an
/// interpreter actor per connection: a new connection is a graph materialized into a running
/// interpreter, which is cheaper to start and keeps no actor and mailbox per connection. The
/// server starts one host per core and spreads connections over them. A connection that fails
/// ends alone; the others in the same host go on.
/// </summary>
public sealed class ConnectionHost
{
    private readonly object _gate = new();
    private readonly ConnectionGraph _graph;
    private readonly ConnectionDeadlines _deadlines;
    private List<(Socket Socket, IActorRef Connection)>? _early = [];
    private Action<(Socket Socket, IActorRef Connection)>? _run;
    private Action? _stop;
    private bool _stopped;

    private ConnectionHost(ConnectionGraph graph)
    {
        _graph = graph;
        _deadlines = new ConnectionDeadlines(graph.DeadlineTick);
    }

    /// <summary>The timeouts of this host's connections, checked on its tick (only from inside the host).</summary>
    internal ConnectionDeadlines Deadlines => _deadlines;

    /// <summary>Starts a host for <paramref name="graph"/>.</summary>
    public static ConnectionHost Start(ConnectionGraph graph, IMaterializer materializer)
    {
        var host = new ConnectionHost(graph);
        Source.FromGraph(new ConnectionHostStage(host)).RunWith(Sink.Ignore<Akka.NotUsed>(), materializer);
        return host;
    }

    /// <summary>
    /// Serves <paramref name="socket"/> in this host, talking to <paramref name="connection"/>. If the
    /// host has stopped, the socket is closed and <paramref name="connection"/> told the connection ended.
    /// </summary>
    public void Run(Socket socket, IActorRef connection)
    {
        Action<(Socket, IActorRef)>? run;
        lock (_gate)
        {
            if (!_stopped && _run is null)
            {
                // The interpreter starts asynchronously: connections that come first wait for it.
                _early!.Add((socket, connection));
                return;
            }
            run = _stopped ? null : _run;
        }
        if (run is null)
            Refuse(socket, connection);
        else
            run((socket, connection));
    }

    /// <summary>Stops taking connections; those running go on until they end.</summary>
    public void Stop()
    {
        Action? stop;
        lock (_gate)
        {
            _stopped = true;
            stop = _stop;
        }
        stop?.Invoke();
    }

    internal void Materialize(Socket socket, IActorRef connection, IMaterializer subFusing)
    {
        try
        {
            _graph.Run(socket, connection, _deadlines, subFusing);
        }
        catch (Exception e)
        {
            Refuse(socket, connection, e.Message);
        }
    }

    internal void Started(Action<(Socket, IActorRef)> run, Action stop)
    {
        List<(Socket Socket, IActorRef Connection)> early;
        bool stopped;
        lock (_gate)
        {
            _run = run;
            _stop = stop;
            early = _early!;
            _early = null;
            stopped = _stopped;
        }
        foreach (var waiting in early)
            run(waiting);
        if (stopped)
            stop();
    }

    internal void Stopped()
    {
        List<(Socket Socket, IActorRef Connection)>? early;
        lock (_gate)
        {
            _stopped = true;
            early = _early;
            _early = null;
        }
        foreach (var (socket, connection) in early ?? [])
            Refuse(socket, connection);
    }

    private static void Refuse(Socket socket, IActorRef connection, string reason = "server stopping")
    {
        socket.Dispose();
        connection.Tell(new ConnectionEnded(false, reason));
    }
}
