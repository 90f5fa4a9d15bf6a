using System.Net;
using System.Net.Sockets;
using Akka;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using Resume.Actors.Apps;
using Resume.Actors.Hosting;
using Resume.Actors.Logging;
using Resume.Actors.Stats;
using Resume.Apps;
using Resume.Apps.Cluster;
using Resume.Transport.Connection;
using Resume.Transport.Sockets;
using Resume.Transport.Timeouts;

namespace Resume.Actors.Server;

/// <summary>
/// Owns the listening sockets, plain and HTTPS: accepts connections through an accept stream per
/// listener (one accept per ack, paused while the connections of both reach max-connections) and runs
/// a <see cref="ConnectionActor"/> for each. On shutdown it
/// unbinds, then drains: connections answer what is in flight and close, up to a deadline, where what
/// still runs ends with 503 (or is cut short) and, a linger-timeout later, what is still open is closed. It runs
/// under a <see cref="ServerSupervisor"/>, which resumes it after a fault, so the listener and the
/// executor it owns are disposed only when it stops (<see cref="PostStop"/>); a connection that
/// fails is stopped alone.
/// </summary>
public sealed class ServerActor : ReceiveActor
{
    private readonly ResumeLogs _logs;
    private readonly ServerSettings _settings;
    private readonly AppBinding _apps;
    private readonly ServerStats _stats;
    private readonly Executor _executor;
    private readonly IClusterBackend _cluster;
    // environ.Stopping of every request: fired when draining starts, so long polls and streams end early.
    private readonly CancellationTokenSource _stopping = new();
    private readonly HashSet<IActorRef> _connections = [];
    private readonly List<IActorRef> _drainWaiters = [];
    private readonly Socket _listener;
    private readonly Socket? _httpsListener;
    // Read once, while the socket is open: after Unbind its LocalEndPoint throws.
    private readonly IPEndPoint _endpoint;
    // Accept streams waiting for an ack until a connection closes (max-connections reached), oldest first.
    private readonly Queue<IActorRef> _acksOwed = new(2);
    // Clients accepted by one listener as the other took the last slot: served as connections close.
    private readonly Queue<HeldClient> _held = new(2);
    private bool _draining;
    private bool _retiring;
    private long _connectionIds;
    private IMaterializer _materializer = null!;
    private ConnectionHost[] _hosts = [];
    private int _nextHost;

    public ServerActor(ServerSettings settings, AppBinding apps, ServerStats stats, Executor executor, IClusterBackend cluster, Socket listener, Socket? httpsListener, ResumeLogs logs)
    {
        _logs = logs;
        _settings = settings;
        _apps = apps;
        _stats = stats;
        _executor = executor;
        _cluster = cluster;
        _listener = listener;
        _httpsListener = httpsListener;
        _endpoint = (IPEndPoint)listener.LocalEndPoint!;

        Receive<AcceptStreamStarted>(_ => Sender.Tell(AcceptAck.Instance));
        Receive<Socket>(socket => OnAccepted(socket, null));
        Receive<HttpsAccepted>(accepted => OnAccepted(accepted.Socket, _settings.Https));
        Receive<ConnectionActor.Closed>(closed => OnClosed(closed.Connection));
        Receive<AcceptStreamEnded>(_ => { });
        Receive<GetBinding>(_ => Sender.Tell(new Bound(_endpoint)));
        Receive<GetConnectionCount>(_ => Sender.Tell(_connections.Count));
        Receive<Unbind>(_ =>
        {
            _stats.Listening = false;
            _listener.Dispose();
            _httpsListener?.Dispose();
            ServerLog.Unbound(_logs.Server);
            Sender.Tell(Done.Instance);
        });
        Receive<Retire>(_ => OnRetire());
        Receive<Drain>(_ => OnDrain());
        Receive<DrainDeadline>(_ => OnDrainDeadline());
        Receive<DrainCutOff>(_ => OnDrainCutOff());
        Receive<GetConnections>(_ => Sender.Tell(_connections.ToArray()));
        Receive<Crash>(crash => throw crash.Error);
    }

    /// <param name="listener">A socket already bound and listening (see <see cref="ResumeServer"/>), so bind errors surface at start.</param>
    /// <param name="httpsListener">The same for HTTPS (<see cref="ServerSettings.Https"/>), or null when it is off.</param>
    /// <param name="logs">Where the server, its connections and requests log (see <see cref="ResumeLogs"/>).</param>
    public static Props Props(
        ServerSettings settings, AppBinding apps, ServerStats stats, Executor executor, IClusterBackend cluster, Socket listener, Socket? httpsListener, ResumeLogs logs) =>
        Akka.Actor.Props.Create(() => new ServerActor(settings, apps, stats, executor, cluster, listener, httpsListener, logs));

    /// <summary>Ask for the bound address; answered with <see cref="Bound"/>.</summary>
    public sealed class GetBinding
    {
        public static readonly GetBinding Instance = new();

        private GetBinding()
        {
        }
    }

    public sealed record Bound(IPEndPoint Endpoint);

    /// <summary>Ask how many connections are open; answered with an int.</summary>
    public sealed class GetConnectionCount
    {
        public static readonly GetConnectionCount Instance = new();

        private GetConnectionCount()
        {
        }
    }

    /// <summary>Close the listening socket; answered with <see cref="Done"/>.</summary>
    public sealed class Unbind
    {
        public static readonly Unbind Instance = new();

        private Unbind()
        {
        }
    }

    /// <summary>
    /// The node is leaving but still serves (the unbind delay): every connection, and each one accepted
    /// from now on, closes after its next response, which says <c>Connection: close</c>
    /// (<see cref="Transport.Connection.Retire"/>). Not answered.
    /// </summary>
    public sealed class Retire
    {
        public static readonly Retire Instance = new();

        private Retire()
        {
        }
    }

    /// <summary>Finish in-flight requests and close every connection; answered with <see cref="Done"/> when all closed or the deadline passed.</summary>
    public sealed class Drain
    {
        public static readonly Drain Instance = new();

        private Drain()
        {
        }
    }

    /// <summary>For tests: ask for the connections' actors; answered with an <see cref="IActorRef"/> array.</summary>
    internal sealed class GetConnections
    {
        public static readonly GetConnections Instance = new();

        private GetConnections()
        {
        }
    }

    /// <summary>
    /// For tests: throws <paramref name="Error"/> here, as a bug in a handler would, to show what a
    /// fault in this actor does. Internal, so only the test assembly (InternalsVisibleTo) can send it.
    /// </summary>
    internal sealed record Crash(Exception Error);

    private sealed class AcceptStreamStarted
    {
        public static readonly AcceptStreamStarted Instance = new();
    }

    private sealed class AcceptAck
    {
        public static readonly AcceptAck Instance = new();
    }

    private sealed class AcceptStreamEnded
    {
        public static readonly AcceptStreamEnded Instance = new();
    }

    /// <summary>The HTTPS listener's accept stream → here: a client to serve over TLS.</summary>
    private sealed record HttpsAccepted(Socket Socket);

    private sealed record HeldClient(Socket Socket, HttpsSettings? Https, IActorRef AcceptStream);

    private sealed class DrainDeadline
    {
        public static readonly DrainDeadline Instance = new();
    }

    private sealed class DrainCutOff
    {
        public static readonly DrainCutOff Instance = new();
    }

    protected override void PreStart()
    {
        // Made from this actor's context, so its stream supervisor is a child created at once: a
        // supervisor made from the system starts asynchronously, and materializing before it has
        // started blocks this thread on an Ask, which with one actor thread (one core) deadlocks.
        _materializer = Context.Materializer(namePrefix: "resume");
        var graph = new ConnectionGraph(
            _settings.Limits, _settings.Connection, _settings.ReadBufferSize, _settings.WriteHighWaterMark, _settings.LingerTimeout, _settings.ServerHeader, _logs.Connection);
        var hosts = _settings.ConnectionHosts > 0 ? _settings.ConnectionHosts : Environment.ProcessorCount;
        // Every timeout of the server is on a host's table, checked on one tick per host.
        var tick = TimeoutTick.For(
            [_settings.Limits.HeaderTimeout, .. _settings.Https is { } https ? [https.HandshakeTimeout] : Array.Empty<TimeSpan>(), _settings.Connection.KeepAliveTimeout, _settings.DrainDeadline,
             _settings.Connection.MinRequestBodyRate.Grace, _settings.Connection.MinResponseRate.Grace,
             .. _apps.Routes.SelectMany(r => new[] { r.Options.SuspendTimeout, r.Options.Deadline })]);
        _hosts = Enumerable.Range(0, hosts).Select(_ => ConnectionHost.Start(graph, _materializer, new TimeoutTable(tick))).ToArray();
        _stats.TimeoutTables = [.. _hosts.Select(h => h.Timeouts)];
        // The scheduler starts its timer thread on first use and blocks its caller until then; were the
        // first use a burst of new connections, their threads would wait on a starved thread pool.
        Context.System.Scheduler.Advanced.ScheduleOnce(TimeSpan.FromMilliseconds(1), () => { });
        ServerLog.Listening(_logs.Server, _endpoint, _settings.MaxConnections);
        _stats.Listening = true;

        Source.FromGraph(new SocketAcceptSource(_listener, _settings.AcceptBackoffInitial, _settings.AcceptBackoffMax, _logs.Server))
            .RunWith(
                Sink.ActorRefWithAck<Socket>(Self, AcceptStreamStarted.Instance, AcceptAck.Instance, AcceptStreamEnded.Instance, _ => AcceptStreamEnded.Instance),
                _materializer);
        if (_httpsListener is not null)
        {
            ServerLog.ListeningHttps(_logs.Server, _httpsListener.LocalEndPoint);
            Source.FromGraph(new SocketAcceptSource(_httpsListener, _settings.AcceptBackoffInitial, _settings.AcceptBackoffMax, _logs.Server))
                .Select(socket => new HttpsAccepted(socket))
                .RunWith(
                    Sink.ActorRefWithAck<HttpsAccepted>(Self, AcceptStreamStarted.Instance, AcceptAck.Instance, AcceptStreamEnded.Instance, _ => AcceptStreamEnded.Instance),
                    _materializer);
        }
    }

    // A connection that crashed is closed, not restarted: its socket and stream are gone with it, and
    // its requests stop (their iterators disposed). The others, and the listener, go on. Logged once,
    // under Resume.Connection (Akka's own logging of it is off).
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(
        e =>
        {
            ConnectionLog.Failed(_logs.Connection, e);
            return Directive.Stop;
        },
        loggingEnabled: false);

    protected override void PostStop()
    {
        // The server truly stops: the connections and the streams' supervisor (children) have stopped
        // by now. Never on a fault: the supervisor resumes this actor rather than restart it.
        _stats.Listening = false;
        _listener.Dispose();
        _httpsListener?.Dispose();
        while (_held.TryDequeue(out var held))
            held.Socket.Dispose();
        (_executor as IDisposable)?.Dispose();
        _stopping.Cancel();
        _stopping.Dispose();
        // Every request has ended: the access log writes what it still holds, and closes its file.
        _ = _logs.Access?.CompleteAsync();
        _stats.Metrics.Dispose();
    }

    private void OnAccepted(Socket socket, HttpsSettings? https)
    {
        if (!_draining && _connections.Count >= _settings.MaxConnections)
        {
            // The other listener took the last slot while this one was accepting: the client waits
            // here, unserved, as it would have in the backlog, and this listener accepts no more.
            _held.Enqueue(new HeldClient(socket, https, Sender));
            return;
        }
        Serve(socket, https);
        AckOrOwe(Sender);
    }

    private void Serve(Socket socket, HttpsSettings? https)
    {
        if (_draining)
        {
            socket.Dispose();
            return;
        }
        var connection = Context.ActorOf(ConnectionActor.Props);
        var host = _hosts[_nextHost];
        _nextHost = (_nextHost + 1) % _hosts.Length;
        connection.Tell(new ConnectionActor.Start(socket, _apps, _settings, host, ++_connectionIds, _stats, _executor, _cluster, _stopping.Token, _logs, https));
        if (_retiring)
            connection.Tell(Transport.Connection.Retire.Instance);
        _connections.Add(connection);
    }

    /// <summary>Lets <paramref name="acceptStream"/> accept one more if there is room; else once a connection closes.</summary>
    private void AckOrOwe(IActorRef acceptStream)
    {
        if (_connections.Count < _settings.MaxConnections)
            acceptStream.Tell(AcceptAck.Instance);
        else
        {
            _acksOwed.Enqueue(acceptStream);
            _stats.Metrics.AcceptPaused();
        }
    }

    private void OnClosed(IActorRef connection)
    {
        _connections.Remove(connection);
        while (_connections.Count < _settings.MaxConnections && _held.TryDequeue(out var held))
        {
            Serve(held.Socket, held.Https);
            AckOrOwe(held.AcceptStream);
        }
        while (_connections.Count < _settings.MaxConnections && _acksOwed.TryDequeue(out var acceptStream))
            acceptStream.Tell(AcceptAck.Instance);
        if (_draining && _connections.Count == 0)
            FinishDrain();
    }

    private void OnRetire()
    {
        _retiring = true;
        foreach (var connection in _connections)
            connection.Tell(Transport.Connection.Retire.Instance);
    }

    private void OnDrain()
    {
        _drainWaiters.Add(Sender);
        if (_draining)
            return;
        _draining = true;
        while (_held.TryDequeue(out var held))
            held.Socket.Dispose();
        ServerLog.Draining(_logs.Server, _connections.Count, _settings.DrainDeadline);
        _stopping.Cancel();
        if (_connections.Count == 0)
        {
            FinishDrain();
            return;
        }
        foreach (var connection in _connections)
            connection.Tell(ConnectionActor.Drain.Instance);
        var self = Self;
        _hosts[0].Timeouts.Add(TimeoutReason.Drain, () => self.Tell(DrainDeadline.Instance)).SetAfter(_settings.DrainDeadline);
    }

    private void OnDrainDeadline()
    {
        if (_connections.Count == 0)
            return;
        ServerLog.DrainDeadlinePassed(_logs.Server, _connections.Count);
        foreach (var connection in _connections)
            connection.Tell(ConnectionActor.DrainDeadlinePassed.Instance);
        // Those last responses get as long as a closing connection waits for its client; then it is over.
        var self = Self;
        _hosts[0].Timeouts.Add(TimeoutReason.Drain, () => self.Tell(DrainCutOff.Instance)).SetAfter(_settings.LingerTimeout);
    }

    private void OnDrainCutOff()
    {
        if (_connections.Count == 0)
            return;
        ServerLog.ClosingAfterDrain(_logs.Server, _connections.Count, _settings.LingerTimeout);
        foreach (var connection in _connections)
            Context.Stop(connection);
    }

    private void FinishDrain()
    {
        foreach (var waiter in _drainWaiters)
            waiter.Tell(Done.Instance);
        _drainWaiters.Clear();
    }
}
