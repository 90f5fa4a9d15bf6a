using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Event;
using Resume.Actors.Apps;
using Resume.Actors.Dispatch;
using Resume.Actors.Hosting;
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
/// child per request in flight. When the stream's requests are over (<see cref="ConnectionEnded"/>)
/// every request still running stops (their iterators are disposed and their Aborted tokens fire if
/// the client went away); the actor itself stops once the socket's last bytes are out too
/// (<see cref="SocketClosed"/>), so a server draining waits for responses still being sent.
/// </summary>
public sealed class ConnectionActor : ActorBase
{
    public static readonly Props Props = NewActorProducer<ConnectionActor>.SmallMailboxProps();

    private ILoggingAdapter? _log;
    // Only blocking requests are tracked: their Aborted must be cancelled from here, since their
    // own thread may be blocked. Every other request learns of a disconnect when this actor stops.
    private Dictionary<IActorRef, CancellationTokenSource>? _blocking;
    private Start _start = null!;
    private ConnectionEndpoints _endpoints = ConnectionEndpoints.Unknown;
    private IActorRef? _stage;
    private bool _draining;
    private bool _streamEnded;
    private bool _socketClosed;
    private long _requests;
    // While an HTTPS connection's handshake is under way: its timeout on the host's table.
    private TimeoutTable.Deadline? _handshakeDeadline;

    /// <summary>
    /// Serve <paramref name="Socket"/>, over TLS by <paramref name="Https"/> when it came to the HTTPS
    /// listener (null: plain HTTP); sent once, right after the actor is created.
    /// </summary>
    public sealed record Start(
        Socket Socket, AppBinding Apps, ServerSettings Settings, ConnectionHost Host, long ConnectionId, ServerStats Stats, Executor Executor, IClusterBackend Cluster, CancellationToken Stopping,
        HttpsSettings? Https = null);

    /// <summary>The TLS handshake of an HTTPS connection ended: <paramref name="Tls"/> when it succeeded, else why not.</summary>
    internal sealed record HandshakeDone(TlsConnection? Tls, Exception? Error);

    /// <summary>The handshake timeout passed (from the host's timeout table).</summary>
    internal sealed class HandshakeTimedOut
    {
        public static readonly HandshakeTimedOut Instance = new();

        private HandshakeTimedOut()
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

    // Made on first use: a logger per connection costs its source's name, and most never log.
    private ILoggingAdapter Log => _log ??= Context.GetLogger();

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case StageStarted:
                _stage = Sender;
                if (_draining)
                    _stage.Tell(StopReading.Instance);
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
                Log.Info("Connection {0} from {1}: refused with {2}: {3}", _start.ConnectionId, _endpoints.RemoteAddr, rejected.Status, rejected.Reason);
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
            case HandshakeTimedOut:
                if (_handshakeDeadline is not null)
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
        RemoveHandshakeDeadline();
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
        if (start.Https is not { } https)
        {
            start.Host.Run(socket, Self);
            return;
        }
        _endpoints = _endpoints with { UrlScheme = "https" };
        var self = Self;
        _handshakeDeadline = start.Host.Timeouts.Add(TimeoutReason.TlsHandshake, () => self.Tell(HandshakeTimedOut.Instance));
        _handshakeDeadline.SetAfter(https.HandshakeTimeout);
        TlsHandshake.AuthenticateAsync(socket, https.Authentication).ContinueWith(
            static (handshake, state) => ((IActorRef)state!).Tell(handshake.IsCompletedSuccessfully
                ? new HandshakeDone(handshake.Result, null)
                : new HandshakeDone(null, handshake.Exception?.InnerException ?? handshake.Exception)),
            self, TaskScheduler.Default);
    }

    private void OnHandshakeDone(HandshakeDone done)
    {
        var timedOut = _handshakeDeadline is { IsSet: false };
        RemoveHandshakeDeadline();
        if (done.Tls is { } tls && !_draining)
        {
            _start.Host.Run(_start.Socket, Self, tls);
            return;
        }
        // Garbage, plain HTTP, a TLS version or cipher not served, a client that left or was too slow:
        // nothing to answer, nobody to tell but the debug log. The connection and its descriptor end here.
        done.Tls?.Dispose();
        if (done.Tls is null)
        {
            Log.Debug("Connection {0} from {1}: TLS handshake failed{2}: {3}", _start.ConnectionId, _endpoints.RemoteAddr,
                timedOut ? $" (not done within {_start.Https!.HandshakeTimeout})" : "", done.Error?.Message);
        }
        SocketCloser.Reset(_start.Socket);
        _streamEnded = true;
        _socketClosed = true;
        StopWhenClosed();
    }

    private void RemoveHandshakeDeadline()
    {
        if (_handshakeDeadline is null)
            return;
        _start.Host.Timeouts.Remove(_handshakeDeadline);
        _handshakeDeadline = null;
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
        var route = _start.Apps.Resolve(arrived.Head);
        var request = Context.ActorOf(route.Options.Blocking ? RequestActor.BlockingProps : RequestActor.Props);
        var aborted = new CancellationTokenSource();
        request.Tell(new RequestActor.Start(
            route,
            arrived.Head,
            arrived.Seq,
            Sender,
            $"{_start.ConnectionId}-{arrived.Seq}",
            _endpoints,
            _start.Settings.Request,
            aborted,
            _start.Stats,
            _start.Executor,
            _start.Host.Timeouts,
            _start.Cluster,
            _start.Stopping));
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
            Log.Warning(e, "An Aborted callback of an app threw.");
        }
    }
}
