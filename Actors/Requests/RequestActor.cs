using System.Runtime.ExceptionServices;
using System.Text;
using Akka.Actor;
using Akka.Event;
using Resume.Actors.Apps;
using Resume.Actors.Dispatch;
using Resume.Actors.Stats;
using Resume.Apps;
using Resume.Transport.Connection;
using Resume.Transport.Http;

namespace Resume.Actors.Requests;

/// <summary>
/// One in-flight request: steps the app's iterator once per message it receives and never two steps
/// at once. Chunks are batched and sent to the connection stage; the next step waits until the stage
/// accepted them. A yielded future suspends the request (no thread held) until it completes — or, for
/// an app registered as blocking, is waited on right there on the blocking dispatcher. The iterator
/// is disposed exactly once, whatever ends the request.
/// </summary>
public sealed class RequestActor : ActorBase
{
    public const string BlockingDispatcher = "resume.blocking-dispatcher";

    public static readonly Props Props = NewActorProducer<RequestActor>.SmallMailboxProps();

    public static readonly Props BlockingProps = Props.WithDispatcher(BlockingDispatcher);

    private ILoggingAdapter? _log;
    private Start _start = null!;
    private AppOptions _options = null!;
    private RequestStatus _status = null!;
    private StreamedRequestInput _input = null!;
    private Environ _environ = null!;
    private IEnumerator<Step>? _steps;
    private Task? _prebuffered;
    private Write _write = null!;
    private ResponseHead? _head;
    private bool _headersSent;
    private List<ReadOnlyMemory<byte>> _batch = [];
    private int _batchBytes;
    private bool _awaitingAck;
    private Task? _waitingOn;
    private long _waitingSince;
    private int _generation;
    private ResumeSignal? _resumeSignal;
    private bool _pausedUntilContinue;
    private int _emptyRun;
    private bool _stepping;
    private bool _wrote;
    private bool _finished;
    private bool _disposed;
    private RequestOutcome? _outcome;
    // Scheduled only when needed (no timer scheduler per actor: most requests never wait).
    private ICancelable? _deadlineTimer;
    private ICancelable? _continueTimer;

    /// <summary>Starts the request; sent once, right after the actor is created.</summary>
    /// <param name="Aborted">Cancelled when the client goes away or the request times out; the connection may cancel it first.</param>
    public sealed record Start(
        AppRoute Route,
        RequestHead Head,
        long Seq,
        IActorRef Stage,
        string RequestId,
        ConnectionEndpoints Endpoints,
        RequestSettings Settings,
        CancellationTokenSource Aborted,
        ServerStats Stats,
        Executor Executor);

    /// <summary>To the connection when a blocking request has stopped (only those are tracked there).</summary>
    public sealed record BlockingRequestEnded(IActorRef Request) : IDeadLetterSuppression;

    /// <summary>The future the request waited on (of generation <see cref="Generation"/>) completed.</summary>
    private sealed record Resumed(int Generation) : IDeadLetterSuppression;

    /// <summary>Step again: after yielding the thread to other actors, or after an empty-chunk back-off.</summary>
    private sealed class Continue : IDeadLetterSuppression
    {
        public static readonly Continue Instance = new();

        private Continue()
        {
        }
    }

    /// <summary>
    /// From <see cref="SuspendTimeoutWatch"/>: the current suspension passed its suspend timeout (checked
    /// again here, since the request may have resumed meanwhile).
    /// </summary>
    public sealed class SuspendTimeoutPassed : IDeadLetterSuppression
    {
        public static readonly SuspendTimeoutPassed Instance = new();

        private SuspendTimeoutPassed()
        {
        }
    }

    /// <summary>The request's deadline passed.</summary>
    private sealed class DeadlinePassed : IDeadLetterSuppression
    {
        public static readonly DeadlinePassed Instance = new();

        private DeadlinePassed()
        {
        }
    }

    private bool MayBlock => _options.Blocking;

    // Created on first use: most requests log nothing, and a logger costs its source's name.
    private ILoggingAdapter Log => _log ??= Context.GetLogger();

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case Resumed resumed when resumed.Generation == _generation && _waitingOn is not null:
                // The app reads a fault from the future; reading it here also marks it observed.
                _ = _waitingOn.Exception;
                _waitingOn = null;
                _status.NoSuspendDeadline();
                Run();
                return true;
            case Resumed:
                return true;
            case ResponseAccepted:
                _awaitingAck = false;
                Run();
                return true;
            case Continue:
                _continueTimer = null;
                _pausedUntilContinue = false;
                Run();
                return true;
            case DeadlinePassed:
                OnTimedOut("deadline");
                return true;
            case SuspendTimeoutPassed:
                CheckSuspendTimeout();
                return true;
            case Start start:
                Begin(start);
                return true;
            default:
                return false;
        }
    }

    protected override void PostStop()
    {
        _deadlineTimer?.Cancel();
        _continueTimer?.Cancel();
        if (_start is null)
            return;
        if (_outcome is null or RequestOutcome.Aborted)
        {
            // The client went away or the server stopped this request.
            _outcome ??= RequestOutcome.Aborted;
            CancelAborted();
        }
        _input.Abort();
        DisposeSteps();
        _start.Stats.Ended(_outcome.Value);
        _start.Stats.InFlight.TryRemove(_start.RequestId, out _);
        _start.Stats.RequestActorStopped();
        if (_options.Blocking)
            Context.Parent.Tell(new BlockingRequestEnded(Self));
    }

    private void Begin(Start start)
    {
        _start = start;
        _options = start.Route.Options;
        _status = new RequestStatus(start.RequestId, start.Route.Name, start.Head.Method, start.Head.Path, Self);
        start.Stats.RequestActorStarted();
        start.Stats.InFlight[start.RequestId] = _status;
        _input = new StreamedRequestInput(start.Seq, start.Stage, start.Head.HasBody, MayBlock);
        _write = Write;
        var asyncTimeout = _options.SuspendTimeout > TimeSpan.Zero ? _options.SuspendTimeout : TimeSpan.FromMinutes(5);
        _environ = EnvironFactory.Create(
            start.Head,
            _input,
            new ErrorLogWriter(Context.System, Self, start.RequestId),
            start.Aborted.Token,
            start.RequestId,
            start.Endpoints,
            start.Executor,
            new AsyncFacade(start.Aborted.Token, asyncTimeout, start.Executor));
        if (_options.Deadline > TimeSpan.Zero)
            _deadlineTimer = ScheduleOnce(_options.Deadline, DeadlinePassed.Instance);

        if (_options.Prebuffer && start.Head.HasBody)
        {
            if (start.Head.Framing == BodyFraming.ContentLength && start.Head.ContentLength > _options.PrebufferLimit)
            {
                Fail(new RequestBodyRejectedException(413, $"The request body is larger than {_options.PrebufferLimit} bytes."));
                return;
            }
            _status.Enter("pre-buffering", "request body");
            _prebuffered = _input.PrebufferAsync(_options.PrebufferLimit);
            if (!_prebuffered.IsCompleted)
            {
                Suspend(_prebuffered, "request body");
                return;
            }
        }
        Run();
    }

    /// <summary>Starts the app: its call and first step run here, in the actor, like every other step.</summary>
    private bool StartApp()
    {
        if (_steps is null)
        {
            try
            {
                _stepping = true;
                _steps = _start.Route.App(_environ, StartResponse).GetEnumerator();
            }
            catch (Exception e)
            {
                Fail(e);
                return false;
            }
            finally
            {
                _stepping = false;
            }
        }
        return true;
    }

    /// <summary>Steps the app until it must wait: for the stage to take a batch, for a future, or for its turn.</summary>
    private void Run()
    {
        if (_finished || _awaitingAck || _waitingOn is not null || _pausedUntilContinue)
            return;
        if (_steps is null)
        {
            if (FailedPrebuffer())
                return;
            if (!StartApp())
                return;
        }
        _status.Enter("running");
        var settings = _start.Settings;
        for (var steps = 0; ; steps++)
        {
            if (steps == settings.MaxStepsPerTurn)
            {
                // Let other actors run; the request goes on after the messages queued before it.
                FlushIfAny();
                Pause(TimeSpan.Zero);
                return;
            }

            bool more;
            try
            {
                _stepping = true;
                more = _steps!.MoveNext();
            }
            catch (Exception e)
            {
                Fail(e);
                return;
            }
            finally
            {
                _stepping = false;
            }
            if (!more)
            {
                Complete();
                return;
            }

            var step = _steps.Current;
            if (step.Kind == StepKind.Wait)
            {
                _emptyRun = 0;
                var future = step.Future!;
                if (_wrote)
                {
                    // Data written in this step goes first; the ack resumes us if the future is done by then.
                    Flush(final: false);
                    if (!future.IsCompleted)
                        Suspend(future, Describe(future));
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
                FlushIfAny();
                Suspend(future, Describe(future));
                return;
            }
            if (step.Chunk.IsEmpty && !_wrote)
            {
                BackOff();
                return;
            }
            _emptyRun = 0;
            if (!step.Chunk.IsEmpty && !Append(step.Chunk))
                return;
            if (_batchBytes >= settings.ResponseBatchBytes || _wrote)
            {
                // Wait until the stage took this batch: a slow client pauses the app here.
                Flush(final: false);
                _status.Enter("backpressured", "client");
                return;
            }
        }
    }

    private bool FailedPrebuffer()
    {
        if (_prebuffered?.Exception?.InnerException is not { } failure)
            return false;
        Fail(failure is InvalidDataException
            ? new RequestBodyRejectedException(413, $"The request body is larger than {_options.PrebufferLimit} bytes.")
            : failure);
        return true;
    }

    /// <summary>A blocking app's future is waited on here, on the blocking dispatcher; false if the request ended meanwhile.</summary>
    private bool WaitHere(Task future)
    {
        _status.Enter("blocked", Describe(future));
        var timeout = _options.SuspendTimeout > TimeSpan.Zero ? _options.SuspendTimeout : Timeout.InfiniteTimeSpan;
        try
        {
            future.Wait(timeout, _start.Aborted.Token);
        }
        catch (OperationCanceledException) when (_start.Aborted.IsCancellationRequested)
        {
            _outcome ??= RequestOutcome.Aborted;
            Context.Stop(Self);
            return false;
        }
        catch (AggregateException)
        {
            // Faulted or cancelled: the app reads the outcome from the future.
        }
        if (!future.IsCompleted)
        {
            OnTimedOut("suspend timeout");
            return false;
        }
        _status.Enter("running");
        return true;
    }

    private Write StartResponse(string status, IReadOnlyList<KeyValuePair<string, string>> headers, Exception? error = null)
    {
        if (error is null && _head is not null)
            throw new InvalidOperationException("startResponse was already called; a second call must pass the error that made the app replace its response.");
        if (error is not null && _headersSent)
            ExceptionDispatchInfo.Capture(error).Throw();
        var (code, contentLength, close) = ResponseRules.Check(status, headers);
        var head = ResponseHead.Checked(code, status, headers, contentLength, close);
        if (error is not null)
        {
            // The response is replaced: what was queued for the old one goes too.
            _batch.Clear();
            _batchBytes = 0;
        }
        _head = head;
        return _write;
    }

    private void Write(ReadOnlyMemory<byte> data)
    {
        if (_start.Aborted.IsCancellationRequested)
            throw new IOException("The client disconnected (or the request timed out): the response cannot be written.");
        if (_finished)
            throw new InvalidOperationException("The response has already ended.");
        if (!_stepping)
            throw new InvalidOperationException("write may only be called while the app is being stepped.");
        if (data.IsEmpty)
            return;
        if (_head is null)
            throw new InvalidOperationException("write was called before startResponse.");
        _batch.Add(data);
        _batchBytes += data.Length;
        _wrote = true;
    }

    private bool Append(ReadOnlyMemory<byte> chunk)
    {
        if (_head is null)
        {
            Fail(new InvalidOperationException("The app yielded a body chunk before calling startResponse."));
            return false;
        }
        _batch.Add(chunk);
        _batchBytes += chunk.Length;
        return true;
    }

    private void Suspend(Task future, string what)
    {
        _waitingOn = future;
        _waitingSince = Environment.TickCount64;
        ++_generation;
        _status.Enter("suspended", what);
        if (_options.SuspendTimeout > TimeSpan.Zero)
            _status.SuspendUntil(_waitingSince + (long)_options.SuspendTimeout.TotalMilliseconds);
        var signal = _resumeSignal ??= new ResumeSignal(Self);
        signal.Arm(_generation, future);
        // A body read is completed on the stream's thread, which then resumes us with one message.
        if (_input.NotifyWhenDone(future, signal.Fire))
            return;
        // Not PipeTo: an awaiter continuation with one delegate per request allocates nothing per suspension.
        future.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(signal.Fire);
    }

    /// <summary>
    /// Sends <see cref="Resumed"/> when a suspension's future completes. One per request, re-armed at
    /// each suspension: a suspension ends only by its continuation or by the request ending, so the
    /// generation it holds when it fires is the one it was armed with. It holds the actor's ref, not
    /// the actor, so a long-lived future the app yielded does not keep an ended request's state alive.
    /// </summary>
    private sealed class ResumeSignal
    {
        private readonly IActorRef _request;
        private int _generation;
        private Task? _future;

        public ResumeSignal(IActorRef request)
        {
            _request = request;
            Fire = Send;
        }

        public Action Fire { get; }

        public void Arm(int generation, Task future)
        {
            Volatile.Write(ref _generation, generation);
            Volatile.Write(ref _future, future);
        }

        private void Send()
        {
            // Read a fault here too, so a future the request stopped waiting for is not reported unobserved.
            if (Volatile.Read(ref _future) is { IsFaulted: true } faulted)
                _ = faulted.Exception;
            _request.Tell(new Resumed(Volatile.Read(ref _generation)));
        }
    }

    private void CheckSuspendTimeout()
    {
        if (_waitingOn is null || _finished)
            return;
        var left = _options.SuspendTimeout - TimeSpan.FromMilliseconds(Environment.TickCount64 - _waitingSince);
        if (left > TimeSpan.Zero)
            _status.SuspendUntil(_waitingSince + (long)_options.SuspendTimeout.TotalMilliseconds);
        else
            OnTimedOut("suspend timeout");
    }

    private string Describe(Task future) => _input.IsPendingRead(future) ? "request body" : future.AsyncState as string ?? "future";

    /// <summary>Empty chunks: resume after other messages a few times, then after doubling delays.</summary>
    private void BackOff()
    {
        FlushIfAny();
        var settings = _start.Settings;
        _emptyRun++;
        var delayed = _emptyRun - settings.ImmediateEmptyResumes;
        if (delayed <= 0)
        {
            Pause(TimeSpan.Zero);
            return;
        }
        _status.Enter("backing-off");
        var ticks = settings.EmptyBackoffInitial.Ticks << Math.Min(delayed - 1, 20);
        Pause(TimeSpan.FromTicks(Math.Min(ticks, settings.EmptyBackoffMax.Ticks)));
    }

    private void Pause(TimeSpan delay)
    {
        _pausedUntilContinue = true;
        if (delay == TimeSpan.Zero)
            Self.Tell(Continue.Instance);
        else
            _continueTimer = ScheduleOnce(delay, Continue.Instance);
    }

    private ICancelable ScheduleOnce(TimeSpan delay, object message) =>
        Context.System.Scheduler.ScheduleTellOnceCancelable(delay, Self, message, Self);

    private void FlushIfAny()
    {
        if (_batch.Count > 0)
            Flush(final: false);
    }

    private void Flush(bool final)
    {
        _wrote = false;
        var part = new ResponseOut
        {
            Seq = _start.Seq,
            Context = ResponseContext.For(_start.Head),
            Head = _headersSent ? null : _head,
            Chunks = _batch,
            IsFinal = final,
        };
        _status.AddBytesOut(_batchBytes);
        _status.SetBytesIn(_input.BytesRead);
        _headersSent = true;
        _batch = [];
        _batchBytes = 0;
        _awaitingAck = !final;
        _start.Stage.Tell(part, Self);
    }

    private void Complete()
    {
        DisposeSteps();
        if (_head is null)
        {
            Fail(new InvalidOperationException("The app finished without calling startResponse."));
            return;
        }
        _finished = true;
        _outcome = RequestOutcome.Completed;
        Flush(final: true);
        Context.Stop(Self);
    }

    private void OnTimedOut(string what)
    {
        if (_finished)
            return;
        _finished = true;
        _outcome = RequestOutcome.TimedOut;
        Log.Warning("[{0}] {1} {2}: {3} passed ({4}); the request is ended.", _start.RequestId, _start.Head.Method, _start.Head.Target, what,
            what == "deadline" ? _options.Deadline : _options.SuspendTimeout);
        CancelAborted();
        DisposeSteps();
        EndWithError(504, $"504 Gateway Timeout (request {_start.RequestId})\n");
        Context.Stop(Self);
    }

    private void Fail(Exception error)
    {
        _finished = true;
        _outcome = RequestOutcome.Failed;
        DisposeSteps();
        var rejected = FindBodyRejection(error);
        if (rejected is not null)
            Log.Info("[{0}] {1} {2}: request body refused ({3}): {4}", _start.RequestId, _start.Head.Method, _start.Head.Target, rejected.Status, rejected.Message);
        else
            Log.Error(error, "[{0}] {1} {2}: the app failed", _start.RequestId, _start.Head.Method, _start.Head.Target);
        var status = rejected?.Status ?? 500;
        EndWithError(status, rejected is not null
            ? $"{status} {ResponseHead.ReasonPhrase(status)}: {rejected.Message}\n"
            : $"500 Internal Server Error (request {_start.RequestId})\n");
        Context.Stop(Self);
    }

    /// <summary>An error status if nothing was sent yet; otherwise the response is cut short so the client sees it is incomplete.</summary>
    private void EndWithError(int status, string text)
    {
        if (_headersSent)
        {
            _start.Stage.Tell(new ResponseOut { Seq = _start.Seq, Context = ResponseContext.For(_start.Head), Chunks = _batch, IsAbort = true }, Self);
            return;
        }
        var body = Encoding.UTF8.GetBytes(text);
        _start.Stage.Tell(
            new ResponseOut
            {
                Seq = _start.Seq,
                Context = ResponseContext.For(_start.Head),
                Head = ResponseHead.Plain(status, body.Length),
                Chunks = [body],
                IsFinal = true,
            },
            Self);
    }

    private static RequestBodyRejectedException? FindBodyRejection(Exception error) => error switch
    {
        RequestBodyRejectedException rejected => rejected,
        AggregateException aggregate => aggregate.InnerExceptions.Select(FindBodyRejection).FirstOrDefault(r => r is not null),
        _ when error.InnerException is not null => FindBodyRejection(error.InnerException),
        _ => null,
    };

    private void CancelAborted()
    {
        try
        {
            _start.Aborted.Cancel();
        }
        catch (AggregateException e)
        {
            Log.Warning(e, "[{0}] An Aborted callback of the app threw.", _start.RequestId);
        }
    }

    private void DisposeSteps()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (_steps is null)
            return;
        _start.Stats.IteratorDisposed();
        try
        {
            _steps.Dispose();
        }
        catch (Exception e)
        {
            Log.Error(e, "[{0}] Disposing the app's iterator threw.", _start.RequestId);
        }
    }
}
