using Akka.Actor;
using Resume.Actors.Apps;
using Resume.Actors.Dispatch;
using Resume.Actors.Logging;
using Resume.Actors.Metrics;
using Resume.Actors.Stats;
using Resume.Apps;
using Resume.Apps.Serving;
using Resume.Transport.Connection;
using Resume.Transport.Http;
using Resume.Transport.Timeouts;

namespace Resume.Actors.Requests;

/// <summary>
/// One in-flight request: steps the app (an <see cref="AppExecution"/>, which keeps the contract's
/// rules) once per message it receives and never two steps at once. Its life is a
/// <see cref="RequestPhase"/>: running; suspended on a future (no thread held — or, for an app
/// registered as blocking, the future is waited on right there on the blocking dispatcher); yielding
/// its turn or backing off after empty chunks; backpressured until the stage accepts what was sent;
/// ended. Chunks yielded in a row leave together (<see cref="ResponseSender"/>). The iterator is
/// disposed exactly once, whatever ends the request.
/// (A little over 400 lines: every phase change and every way a request ends — completion, app
/// failure, timeout, drain deadline, disconnect, a fault of its own — stay in this one file, so each
/// transition can be read in one place; the parts it drives are the types beside it.)
/// </summary>
public sealed partial class RequestActor : ActorBase
{
    public const string BlockingDispatcher = "resume.blocking-dispatcher";

    public static readonly Props Props = NewActorProducer<RequestActor>.SmallMailboxProps();

    public static readonly Props BlockingProps = Props.WithDispatcher(BlockingDispatcher);

    private RequestPhase _phase = RequestPhase.Starting;
    // Made at the start only when the access log is on; handed to it at the end.
    private AccessLogRecord? _access;
    private Start _start = null!;
    private AppOptions _options = null!;
    private RequestStatus _status = null!;
    // Null for a request without a body: its wsgi.input is a NoRequestBody.
    private StreamedRequestInput? _body;
    private Environ? _environ;
    private AppExecution _app = null!;
    private ResponseSender _sender = null!;
    private Suspension _suspension = null!;
    private EmptyChunkBackOff _backOff;
    private Task? _prebuffered;
    private RequestOutcome? _outcome;
    // On the connection host's timeout table, added only when needed: most requests never wait.
    private TimeoutTable.Deadline? _suspendTimeout;
    private TimeoutTable.Deadline? _deadline;
    private ICancelable? _continueTimer;

    private bool MayBlock => _options.Blocking;

    protected override bool Receive(object message)
    {
        try
        {
            return Handle(message);
        }
        catch (Exception e) when (_sender is not null && _phase != RequestPhase.Ended)
        {
            // A fault of the server's own, not the app's (those are the app's failures): the response
            // still ends, so the connection's later responses are not held behind this one forever.
            OnOwnFault(e);
            return true;
        }
    }

    private bool Handle(object message)
    {
        switch (message)
        {
            case Resumed resumed:
                if (_phase == RequestPhase.Suspended && _suspension.TryEnd(resumed.Generation))
                {
                    _access?.SuspendEnded();
                    _suspendTimeout?.Clear();
                    Proceed();
                }
                return true;
            case ResponseAccepted accepted:
                // Checked against this request: the actor may have served an earlier one.
                if (_sender is not null && accepted.Seq == _start.Seq)
                {
                    _sender.Accepted();
                    if (_phase == RequestPhase.Backpressured)
                        Run();
                }
                return true;
            case Continue:
                _continueTimer = null;
                if (_phase == RequestPhase.Yielding)
                    Proceed();
                return true;
            case DeadlinePassed passed:
                if (_start is not null && passed.Seq == _start.Seq)
                    TimeOut("deadline", _options.Deadline);
                return true;
            case SuspendTimeoutPassed:
                CheckSuspendTimeout();
                return true;
            case DrainDeadlinePassed:
                EndAtDrainDeadline();
                return true;
            case Start start when _phase == RequestPhase.Starting:
                Begin(start);
                return true;
            case Crash crash:
                throw crash.Error;
            default:
                return false;
        }
    }

    protected override void PostStop()
    {
        _continueTimer?.Cancel();
        // Null before the first request and between requests (see Finish).
        if (_start is not null)
            EndRequest();
    }

    /// <summary>What ends a request, however it ended: its timeouts, its iterator, its counts, metrics and access log.</summary>
    private void EndRequest()
    {
        if (_suspendTimeout is not null)
            _start.Timeouts.Remove(_suspendTimeout);
        if (_deadline is not null)
            _start.Timeouts.Remove(_deadline);
        if (_outcome is null or RequestOutcome.Aborted)
        {
            // The client went away or the server stopped this request.
            _outcome ??= RequestOutcome.Aborted;
            CancelAborted();
        }
        _phase = RequestPhase.Ended;
        // Null only if Begin itself failed part way.
        _body?.Abort();
        _app?.Abort();
        // Its topic subscriptions end with it, whatever ended it.
        _environ?.EndCluster();
        if (_app?.IteratorDisposed == true)
            _start.Stats.IteratorDisposed();
        if (_app?.DisposeFailure is { } disposeFailure)
            AppLog.DisposeThrew(_start.Logs.App, _start.RequestId, disposeFailure);
        if (_access is not null)
            EndAccessLog(_access);
        _start.Stats.Ended(_outcome.Value);
        _start.Stats.Metrics.RequestEnded(_status, _start.Head.MinorVersion, RequestEnd.Of(_outcome.Value, _app, _body?.BytesRead ?? 0, _status.BytesOut));
        _start.Stats.InFlight.TryRemove(_start.RequestId, out _);
        _start.Stats.RequestActorStopped();
        if (_options.Blocking)
            Context.Parent.Tell(new BlockingRequestEnded(Self));
    }

    /// <summary>
    /// A request answered in full on a connection that stays open: this actor ends it and goes back to
    /// its connection to serve a later request there (<see cref="IdleRequestActors"/>), rather than stopping.
    /// Creating, stopping and reaping a child cost Akka about a third of a pipelined request's CPU;
    /// every request in flight still has an actor of its own. Messages of the request that ended are
    /// told apart by its sequence number, or by the phase they expect.
    /// </summary>
    private void Finish()
    {
        EndRequest();
        var idle = _start.Connection.IdleRequests;
        _start = null!;
        _options = null!;
        _status = null!;
        _body = null;
        _environ = null;
        _app = null!;
        _sender = null!;
        _access = null;
        _prebuffered = null;
        _outcome = null;
        _suspendTimeout = null;
        _deadline = null;
        _continueTimer = null;
        _backOff = default;
        _phase = RequestPhase.Starting;
        idle.Add(Self);
    }

    private void Begin(Start start)
    {
        _start = start;
        _options = start.Route.Options;
        _status = new RequestStatus(start.RequestId, start.Route.Name, start.Head.Method, start.Head.Path, Self);
        start.Stats.RequestActorStarted();
        start.Stats.InFlight[start.RequestId] = _status;
        _access = start.Logs.Access?.Begin(start.Head, start.RequestId);
        start.Stats.Metrics.RequestStarted(_status, start.Endpoints.UrlScheme);
        var allowsSyncReads = _options.Blocking || _options.Prebuffer;
        _body = start.Head.HasBody ? new StreamedRequestInput(start.Seq, start.Stage, start.Aborted.Token, allowsSyncReads) : null;
        var asyncTimeout = _options.SuspendTimeout > TimeSpan.Zero ? _options.SuspendTimeout : TimeSpan.FromMinutes(5);
        var environ = EnvironFactory.Create(
            start.Head,
            _body ?? (RequestInput)new NoRequestBody(start.Aborted.Token, allowsSyncReads),
            new ErrorLogWriter(start.Logs.App, start.RequestId),
            start.Aborted.Token,
            start.RequestId,
            start.Endpoints,
            start.Executor,
            new AsyncFacade(start.Aborted.Token, asyncTimeout, start.Executor, start.Connection.AsyncTimeouts),
            start.Cluster,
            start.Stopping);
        _environ = environ;
        _app = new AppExecution(start.Route.App, environ);
        _sender = new ResponseSender(start.Seq, start.Stage, ResponseContext.For(start.Head), Self);
        // Kept from request to request: its generations go on, so a late signal stays stale.
        _suspension ??= new Suspension(Self);
        _backOff = new EmptyChunkBackOff(start.Settings);
        if (_options.Deadline > TimeSpan.Zero)
        {
            var self = Self;
            var seq = start.Seq;
            _deadline = start.Timeouts.Add(TimeoutReason.Deadline, () => self.Tell(new DeadlinePassed(seq)));
            _deadline.SetAfter(_options.Deadline);
        }

        if (_options.Prebuffer && start.Head.HasBody)
        {
            if (start.Head.Framing == BodyFraming.ContentLength && start.Head.ContentLength > _options.PrebufferLimit)
            {
                _app.FailWith(new RequestBodyTooLargeException(_options.PrebufferLimit));
                Fail();
                return;
            }
            _status.Enter("pre-buffering", "request body");
            _prebuffered = _body!.PrebufferAsync(_options.PrebufferLimit);
            if (!_prebuffered.IsCompleted)
            {
                Suspend(_prebuffered);
                return;
            }
        }
        Run();
    }

    /// <summary>After a suspension or a pause: step again, unless what was sent before it still waits for the stage.</summary>
    private void Proceed()
    {
        if (_sender.AwaitingAcceptance)
            _phase = RequestPhase.Backpressured;
        else
            Run();
    }

    /// <summary>Steps the app until it must wait: for the stage to take what was sent, for a future, or for its turn.</summary>
    private void Run()
    {
        _phase = RequestPhase.Running;
        if (!_app.Started && _prebuffered?.Exception?.InnerException is { } prebufferFailure)
        {
            _app.FailWith(prebufferFailure);
            Fail();
            return;
        }
        _status.Enter("running");
        var settings = _start.Settings;
        var response = _app.Response;
        for (var steps = 0; ; steps++)
        {
            if (steps == settings.MaxStepsPerTurn)
            {
                // Let other actors run; the request goes on after the messages queued before it.
                SendPending();
                Pause(TimeSpan.Zero);
                return;
            }
            switch (_app.Step())
            {
                case StepResult.Completed:
                    Complete();
                    return;
                case StepResult.Failed:
                    Fail();
                    return;
                case StepResult.Wait:
                    _backOff.Reset();
                    var future = _app.Future!;
                    if (response.Written)
                    {
                        // Data written in this step goes first; the acceptance resumes us if the future is done by then.
                        Send(final: false);
                        if (future.IsCompleted)
                            _phase = RequestPhase.Backpressured;
                        else
                            Suspend(future);
                        return;
                    }
                    if (future.IsCompleted)
                        continue;
                    if (MayBlock)
                    {
                        if (!WaitHere(future))
                            return;
                        continue;
                    }
                    SendPending();
                    Suspend(future);
                    return;
                case StepResult.Empty when !response.Written:
                    BackOff();
                    return;
                default:
                    _backOff.Reset();
                    if (response.PendingBytes >= settings.ResponseBatchBytes || response.Written)
                    {
                        // Wait until the stage took this batch: a slow client pauses the app here.
                        Send(final: false);
                        _phase = RequestPhase.Backpressured;
                        _status.Enter("backpressured", "client");
                        return;
                    }
                    continue;
            }
        }
    }

    /// <summary>A blocking app's future is waited on here, on the blocking dispatcher; false if the request ended meanwhile.</summary>
    private bool WaitHere(Task future)
    {
        _status.Enter("blocked", Describe(future));
        _access?.SuspendBegan();
        var waited = BlockingWait.Wait(future, _start.Timeouts, _options.SuspendTimeout, _start.Aborted.Token);
        _access?.SuspendEnded();
        switch (waited)
        {
            case BlockingWait.Outcome.Aborted:
                _outcome ??= RequestOutcome.Aborted;
                _phase = RequestPhase.Ended;
                Context.Stop(Self);
                return false;
            case BlockingWait.Outcome.TimedOut:
                TimeOut("suspend timeout", _options.SuspendTimeout);
                return false;
            default:
                _status.Enter("running");
                return true;
        }
    }

    private void Suspend(Task future)
    {
        _phase = RequestPhase.Suspended;
        _suspension.Begin(future, _body);
        _status.Enter("suspended", Describe(future));
        _access?.SuspendBegan();
        if (_options.SuspendTimeout > TimeSpan.Zero)
        {
            if (_suspendTimeout is null)
            {
                var self = Self;
                _suspendTimeout = _start.Timeouts.Add(TimeoutReason.Suspend, () => self.Tell(SuspendTimeoutPassed.Instance));
            }
            _suspendTimeout.Set(_suspension.Since + (long)_options.SuspendTimeout.TotalMilliseconds);
        }
    }

    private void CheckSuspendTimeout()
    {
        if (_phase != RequestPhase.Suspended)
            return;
        if (_suspension.Elapsed < _options.SuspendTimeout)
            _suspendTimeout?.Set(_suspension.Since + (long)_options.SuspendTimeout.TotalMilliseconds);
        else
            TimeOut("suspend timeout", _options.SuspendTimeout);
    }

    private string Describe(Task future) => _body?.IsPendingRead(future) == true ? "request body" : FutureKind.Of(future) ?? "future";

    private void BackOff()
    {
        SendPending();
        var delay = _backOff.Next();
        if (_backOff.IsDelaying)
            _status.Enter("backing-off");
        Pause(delay);
    }

    private void Pause(TimeSpan delay)
    {
        _phase = RequestPhase.Yielding;
        if (delay == TimeSpan.Zero)
            Self.Tell(Continue.Instance);
        else
            _continueTimer = ScheduleOnce(delay, Continue.Instance);
    }

    private ICancelable ScheduleOnce(TimeSpan delay, object message) =>
        Context.System.Scheduler.ScheduleTellOnceCancelable(delay, Self, message, Self);

    private void SendPending()
    {
        if (_app.Response.HasPending)
            Send(final: false);
    }

    private void Send(bool final)
    {
        _status.AddBytesOut(_app.Response.PendingBytes);
        _status.SetBytesIn(_body?.BytesRead ?? 0);
        _sender.Send(_app.Response, final);
    }

    private void Complete()
    {
        _phase = RequestPhase.Ended;
        _outcome = RequestOutcome.Completed;
        Send(final: true);
        // A connection that closes after this response has no later request for this actor: stopping
        // it now, not with the connection, measured 95-104 against 117-120 us of CPU per connection.
        // Blocking requests run on their own dispatcher, and their connection tracks each of them.
        if (_start.Head.KeepAlive && !_app.Response.CloseRequested && !_options.Blocking)
            Finish();
        else
            Context.Stop(Self);
    }

    /// <summary>The app failed (see <see cref="AppExecution.Failure"/>): 500, a request-body error's status, or a cut response.</summary>
    private void Fail()
    {
        _phase = RequestPhase.Ended;
        if (_start.Aborted.IsCancellationRequested)
        {
            // The client went away and the app failed because of it (a cancelled read or write): nobody to answer.
            _outcome = RequestOutcome.Aborted;
            Context.Stop(Self);
            return;
        }
        var ending = _app.Ending;
        if (ending.BodyError is ClientClosedMidBodyException)
        {
            // The client left mid-upload (its FIN came before the body's end): aborted, not a failure
            // (PostStop fires Aborted). The answer still goes out, for a client that only half-closed.
            _outcome = RequestOutcome.Aborted;
            RequestLog.ClientLeftMidBody(_start.Logs.Request, _start.RequestId, _start.Head.Method, _start.Head.Target);
            EndResponse(ending);
            Context.Stop(Self);
            return;
        }
        _outcome = RequestOutcome.Failed;
        if (ending.BodyError is { } rejected)
            RequestLog.BodyRefused(_start.Logs.Request, _start.RequestId, _start.Head.Method, _start.Head.Target, rejected.StatusCode, rejected.Message);
        else
            AppLog.Failed(_start.Logs.App, _start.RequestId, _start.Head.Method, _start.Head.Target, _app.Failure);
        EndResponse(ending);
        Context.Stop(Self);
    }

    private void TimeOut(string what, TimeSpan limit)
    {
        if (_phase == RequestPhase.Ended)
            return;
        _phase = RequestPhase.Ended;
        _outcome = RequestOutcome.TimedOut;
        // Waiting for the client's body is the client's fault (408, and the rest of it is not read); anything else is ours (504).
        var clientsFault = _body?.AwaitsClient == true;
        RequestLog.TimedOut(_start.Logs.Request, _start.RequestId, _start.Head.Method, _start.Head.Target, what, limit,
            clientsFault ? " waiting for the request body" : "");
        CancelAborted();
        EndResponse(_app.EndWith(clientsFault ? 408 : 504), close: clientsFault);
        Context.Stop(Self);
    }

    /// <summary>The server stops: 503 and a close, so the client knows to retry elsewhere; or the response is cut.</summary>
    private void EndAtDrainDeadline()
    {
        if (_phase == RequestPhase.Ended || _sender is null)
            return;
        _phase = RequestPhase.Ended;
        // Ended by the server, not by the app or a timeout of its own.
        _outcome = RequestOutcome.Aborted;
        CancelAborted();
        EndResponse(_app.EndWith(503), close: true);
        Context.Stop(Self);
    }

    private void OnOwnFault(Exception error)
    {
        _phase = RequestPhase.Ended;
        _outcome = RequestOutcome.Failed;
        RequestLog.OwnFault(_start.Logs.Request, _start.RequestId, _start.Head.Method, _start.Head.Target, error);
        CancelAborted();
        EndResponse(_app.EndWith(500));
        Context.Stop(Self);
    }

    private void CancelAborted()
    {
        try
        {
            _start.Aborted.Cancel();
        }
        catch (AggregateException e)
        {
            AppLog.AbortedCallbackThrew(_start.Logs.App, _start.RequestId, e);
        }
    }

    /// <summary>Ends a response that failed, timed out or was stopped, as <paramref name="ending"/> says (see <see cref="ResponseSender.End"/>).</summary>
    private void EndResponse(ResponseEnding ending, bool close = false)
    {
        var bodyBytes = _sender.End(ending, _app.Response, _start.RequestId, close);
        if (ending.Truncated)
        {
            // The app's own body, cut short: counted as its other chunks are (metrics, status, access log).
            _status.AddBytesOut(bodyBytes);
            _access?.EndedWith(_app.Response.StatusCode, 0);
            return;
        }
        // The server's error body is not the app's: only the access log, which shows what was sent, counts it.
        _access?.EndedWith(ending.Status, bodyBytes);
    }

    /// <summary>The request's access-log line, with the client's address as the app saw it (REMOTE_ADDR).</summary>
    private void EndAccessLog(AccessLogRecord access)
    {
        var remoteAddr = _environ is not null && _environ.TryGetValue(Environ.CgiKeys.RemoteAddr, out var addr) ? addr as string : _start.Endpoints.RemoteAddr;
        access.End(remoteAddr, _app?.Response.StatusCode ?? 0, _status?.BytesOut ?? 0, _outcome == RequestOutcome.Completed);
        _start.Logs.Access!.Add(access);
    }
}
