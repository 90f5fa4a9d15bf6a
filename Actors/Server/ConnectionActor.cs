using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Event;
using Resume.Actors.Apps;
using Resume.Actors.Dispatch;
using Resume.Actors.Hosting;
using Resume.Actors.Logging;
using Resume.Actors.Metrics;
using Resume.Actors.Requests;
using Resume.Actors.Stats;
using Resume.Apps;
using Resume.Apps.Cluster;
using Resume.Transport.Connection;
using Resume.Transport.Sockets;
using Resume.Transport.Timeouts;

namespace Resume.Actors.Server;

/// <summary>
/// One TCP connection: has its stream (socket read → parse → <see cref="ConnectionStage"/> →
/// render → socket write) run in a <see cref="ConnectionHost"/> — for HTTPS, once its TLS handshake
/// is done, within the handshake timeout — and runs a <see cref="RequestActor"/>
/// child per request in flight (a request that finds one of them idle goes to it from the stage
/// directly: <see cref="RequestHandoff"/>). When the stream's requests are over (<see cref="ConnectionEnded"/>)
/// every request still running stops (their iterators are disposed and their Aborted tokens fire if
/// the client went away); the actor itself stops once the socket's last bytes are out too
/// (<see cref="SocketClosed"/>), so a server draining waits for responses still being sent.
/// </summary>
public sealed class ConnectionActor : ActorBase
{
    public static readonly Props Props = NewActorProducer<ConnectionActor>.SmallMailboxProps();

    // Only blocking requests are tracked: their Aborted must be cancelled from here, since their
    // own thread may be blocked. Every other request learns of a disconnect when this actor stops.
    private Dictionary<IActorRef, CancellationTokenSource>? _blocking;
    private Start _start = null!;
    private ConnectionEndpoints _endpoints = ConnectionEndpoints.Unknown;
    // What this connection's requests share: made with the first, once the endpoints are known.
    private ConnectionContext? _requestContext;
    // Gives the stage's requests to idle request actors past this actor (null until the stream runs).
    private RequestHandoff? _handoff;
    private IActorRef? _stage;
    private bool _draining;
    private bool _retiring;
    private bool _streamEnded;
    private bool _socketClosed;
    private long _requests;
    // While a connection's PROXY header is read or its TLS handshake is under way: its timeout on the host's table.
    private TimeoutTable.Deadline? _setupDeadline;

    /// <summary>
    /// Serve <paramref name="Socket"/>, over TLS by <paramref name="Https"/> when it came to the HTTPS
    /// listener (null: plain HTTP); sent once, right after the actor is created. <paramref name="Logs"/>: the server's.
    /// </summary>
    public sealed record Start(
        Socket Socket, AppBinding Apps, ServerSettings Settings, ConnectionHost Host, long ConnectionId, ServerStats Stats, Executor Executor, IClusterBackend Cluster, CancellationToken Stopping,
        ResumeLogs Logs, HttpsSettings? Https = null);

    /// <summary>The TLS handshake of an HTTPS connection ended: <paramref name="Tls"/> when it succeeded, else why not.</summary>
    internal sealed record HandshakeDone(TlsConnection? Tls, Exception? Error);

    internal sealed record ProxyHeaderRead(ProxyHeader? Header, Exception? Error);

    /// <summary>The handshake timeout passed (from the host's timeout table).</summary>
    internal sealed class SetupTimedOut
    {
        public static readonly SetupTimedOut Instance = new();

        private SetupTimedOut()
        {
        }
    }

    /// <summary>The server is stopping: answer the requests in flight, read no more, then close.</summary>
    public sealed class Drain
    {
        public static readonly Drain Instance = new();

        private Drain()
        {
        }
    }

    /// <summary>
    /// The server's drain deadline passed: end the requests in flight now (503 with <c>Connection: close</c>,
    /// or cut short if their headers went out) and close once those responses are out.
    /// </summary>
    public sealed class DrainDeadlinePassed
    {
        public static readonly DrainDeadlinePassed Instance = new();

        private DrainDeadlinePassed()
        {
        }
    }

    /// <summary>To the parent when this connection has closed.</summary>
    public sealed record Closed(IActorRef Connection) : IDeadLetterSuppression;

    /// <summary>For tests: ask for this connection's stage actor; answered with it, or <see cref="ActorRefs.Nobody"/> before it started.</summary>
    internal sealed class GetStage
    {
        public static readonly GetStage Instance = new();

        private GetStage()
        {
        }
    }

    /// <summary>
    /// For tests: throws <paramref name="Error"/> here, as a bug in a handler would, to show what a
    /// fault in this actor does. Internal, so only the test assembly (InternalsVisibleTo) can send it.
    /// </summary>
    internal sealed record Crash(Exception Error);

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case StageStarted:
                _stage = Sender;
                if (_retiring)
                    _stage.Tell(Transport.Connection.Retire.Instance);
                if (_draining)
                    _stage.Tell(StopReading.Instance);
                return true;
            case Transport.Connection.Retire:
                _retiring = true;
                _stage?.Tell(Transport.Connection.Retire.Instance);
                return true;
            case RequestArrived arrived:
                OnRequest(arrived);
                return true;
            case RequestActor.BlockingRequestEnded ended:
                _blocking?.Remove(ended.Request);
                return true;
            case ConnectionEnded ended:
                _streamEnded = true;
                if (ended.ClientGone && _blocking is not null)
                {
                    foreach (var aborted in _blocking.Values)
                        CancelQuietly(aborted);
                }
                StopWhenClosed();
                return true;
            case SocketClosed:
                _socketClosed = true;
                StopWhenClosed();
                return true;
            case RequestRejected rejected:
                ConnectionLog.Refused(_start.Logs.Connection, _start.ConnectionId, _endpoints.RemoteAddr, rejected.Status, rejected.Reason);
                _start.Stats.Metrics.Rejected(RejectionReasons.Of(rejected.Cause), rejected.Status);
                return true;
            case Drain:
                _draining = true;
                _stage?.Tell(StopReading.Instance);
                return true;
            case DrainDeadlinePassed:
                EndRequests();
                return true;
            case Start start:
                Begin(start);
                return true;
            case HandshakeDone done:
                OnHandshakeDone(done);
                return true;
            case ProxyHeaderRead read:
                OnProxyHeader(read);
                return true;
            case SetupTimedOut:
                if (_setupDeadline is not null)
                    _start.Socket.Dispose(); // the handshake fails with it, and says so in HandshakeDone
                return true;
            case GetStage:
                Sender.Tell(_stage ?? ActorRefs.Nobody);
                return true;
            case Crash crash:
                throw crash.Error;
            default:
                return false;
        }
    }

    // A request actor that crashed is stopped (its PostStop disposes the iterator), never restarted mid-response.
    private static readonly SupervisorStrategy StopCrashed = new OneForOneStrategy(_ => Directive.Stop);

    protected override SupervisorStrategy SupervisorStrategy() => StopCrashed;

    protected override void PostStop()
    {
        RemoveSetupDeadline();
        // Stopped from outside (drain deadline, shutdown) with the stream still running: closing the
        // socket ends the stream too.
        if (!_socketClosed)
            _start?.Socket.Dispose();
        _start?.Stats.ConnectionClosed();
        Context.Parent.Tell(new Closed(Self));
    }

    private void Begin(Start start)
    {
        _start = start;
        start.Stats.ConnectionOpened();
        var socket = start.Socket;
        _endpoints = ConnectionEndpoints.From(socket.LocalEndPoint as IPEndPoint, socket.RemoteEndPoint as IPEndPoint);
        if (start.Https?.ProxyProtocol ?? start.Settings.ProxyProtocol)
        {
            ReadProxyHeader();
            return;
        }
        Serve();
    }

    /// <summary>The PROXY header first: it says whose connection this is, before TLS or HTTP.</summary>
    private void ReadProxyHeader()
    {
        var trusted = _start.Settings.TrustedProxies;
        if (!trusted.IsEmpty && !trusted.Contains(_endpoints.RemoteAddr))
        {
            ConnectionLog.ProxyHeaderRefused(_start.Logs.Connection, _start.ConnectionId, _endpoints.RemoteAddr, "not a trusted proxy");
            CloseUnserved();
            return;
        }
        var self = Self;
        _setupDeadline = _start.Host.Timeouts.Add(TimeoutReason.ProxyHeader, () => self.Tell(SetupTimedOut.Instance));
        _setupDeadline.SetAfter(_start.Settings.Limits.HeaderTimeout);
        ProxyHeaderReader.ReadAsync(_start.Socket).ContinueWith(
            static (read, state) => ((IActorRef)state!).Tell(read.IsCompletedSuccessfully
                ? new ProxyHeaderRead(read.Result, null)
                : new ProxyHeaderRead(null, read.Exception?.InnerException ?? read.Exception)),
            self, TaskScheduler.Default);
    }

    private void OnProxyHeader(ProxyHeaderRead read)
    {
        var timedOut = _setupDeadline is { IsSet: false };
        RemoveSetupDeadline();
        if (read.Header is not { } header || _draining)
        {
            ConnectionLog.ProxyHeaderRefused(_start.Logs.Connection, _start.ConnectionId, _endpoints.RemoteAddr,
                timedOut ? $"none within {_start.Settings.Limits.HeaderTimeout}" : read.Error?.Message ?? "draining");
            CloseUnserved();
            return;
        }
        if (header.Source is { } client)
            _endpoints = _endpoints.WithRemote(client);
        Serve();
    }

    /// <summary>TLS if the listener has it, then the HTTP stream; the peer (or the client a PROXY header named) trusted or not.</summary>
    private void Serve()
    {
        var trusted = _start.Settings.TrustedProxies;
        if (!trusted.IsEmpty && trusted.Contains(_endpoints.RemoteAddr))
            _endpoints = _endpoints with { TrustedPeer = trusted };
        var socket = _start.Socket;
        _handoff = new RequestHandoff(_start.Apps, _start.ConnectionId);
        if (_start.Https is not { } https)
        {
            _start.Host.Run(socket, Self, handoff: _handoff);
            return;
        }
        _endpoints = _endpoints with { UrlScheme = "https" };
        var self = Self;
        _setupDeadline = _start.Host.Timeouts.Add(TimeoutReason.TlsHandshake, () => self.Tell(SetupTimedOut.Instance));
        _setupDeadline.SetAfter(https.HandshakeTimeout);
        TlsHandshake.AuthenticateAsync(socket, https.Authentication).ContinueWith(
            static (handshake, state) => ((IActorRef)state!).Tell(handshake.IsCompletedSuccessfully
                ? new HandshakeDone(handshake.Result, null)
                : new HandshakeDone(null, handshake.Exception?.InnerException ?? handshake.Exception)),
            self, TaskScheduler.Default);
    }

    private void OnHandshakeDone(HandshakeDone done)
    {
        var timedOut = _setupDeadline is { IsSet: false };
        RemoveSetupDeadline();
        if (done.Tls is { } tls && !_draining)
        {
            _start.Host.Run(_start.Socket, Self, tls, _handoff);
            return;
        }
        // Garbage, plain HTTP, a TLS version or cipher not served, a client that left or was too slow:
        // nothing to answer, nobody to tell but the debug log. The connection and its descriptor end here.
        done.Tls?.Dispose();
        if (done.Tls is null)
        {
            ConnectionLog.TlsHandshakeFailed(_start.Logs.Connection, _start.ConnectionId, _endpoints.RemoteAddr,
                timedOut ? $" (not done within {_start.Https!.HandshakeTimeout})" : "", done.Error?.Message);
        }
        CloseUnserved();
    }

    /// <summary>A connection that never reached HTTP: nothing to answer; it and its descriptor end here.</summary>
    private void CloseUnserved()
    {
        SocketCloser.Reset(_start.Socket);
        _streamEnded = true;
        _socketClosed = true;
        StopWhenClosed();
    }

    private void RemoveSetupDeadline()
    {
        if (_setupDeadline is null)
            return;
        _start.Host.Timeouts.Remove(_setupDeadline);
        _setupDeadline = null;
    }

    private void OnRequest(RequestArrived arrived)
    {
        if (++_requests == 2)
        {
            // Akka keeps an actor's watch state compact until it needs more, but then builds (and
            // drops) the full state each time a child stops: once per request on a keep-alive
            // connection. Growing it once, here, ends that.
            Context.BecomeStacked(Receive);
        }
        if (_requestContext is null || !ReferenceEquals(_requestContext.Stage, Sender))
        {
            _requestContext = new ConnectionContext(
                Sender, _endpoints, _start.Settings.Request, _start.Stats, _start.Executor, _start.Host.Timeouts, _start.Cluster, _start.Stopping, _start.Logs);
            if (_handoff is not null)
                _handoff.Context = _requestContext;
        }
        var route = _start.Apps.Resolve(arrived.Head);
        var request = route.Options.Blocking ? Context.ActorOf(RequestActor.BlockingProps)
            : _requestContext.IdleRequests.TryTake(out var idle) ? idle
            : Context.ActorOf(RequestActor.Props);
        var aborted = new CancellationTokenSource();
        request.Tell(new RequestActor.Start(route, arrived.Head, arrived.Seq, RequestHandoff.RequestId(_start.ConnectionId, arrived.Seq), aborted, _requestContext));
        if (route.Options.Blocking)
            (_blocking ??= [])[request] = aborted;
    }

    /// <summary>Requests end with the stream; the connection, once its socket is closed as well.</summary>
    private void StopWhenClosed()
    {
        if (_socketClosed && _streamEnded)
        {
            Context.Stop(Self);
            return;
        }
        if (_streamEnded)
        {
            foreach (var request in Context.GetChildren())
                Context.Stop(request);
        }
    }

    private void EndRequests()
    {
        _draining = true;
        _stage?.Tell(StopReading.Instance);
        // A blocking request may be blocked on its future and read no message: its Aborted frees it.
        if (_blocking is not null)
        {
            foreach (var aborted in _blocking.Values)
                CancelQuietly(aborted);
        }
        foreach (var request in Context.GetChildren())
            request.Tell(RequestActor.DrainDeadlinePassed.Instance);
    }

    private void CancelQuietly(CancellationTokenSource aborted)
    {
        try
        {
            aborted.Cancel();
        }
        catch (AggregateException e)
        {
            ConnectionLog.AbortedCallbackThrew(_start.Logs.Connection, _start.ConnectionId, e);
        }
    }
}
