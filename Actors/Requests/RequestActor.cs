using System.Net;
using System.Runtime.ExceptionServices;
using System.Text;
using Akka.Actor;
using Akka.Event;
using Resume.Apps;
using Resume.Transport.Connection;
using Resume.Transport.Http;

namespace Resume.Actors.Requests;

/// <summary>
/// One in-flight request: steps the app's iterator once per message it receives and never two steps
/// at once. Chunks are batched and sent to the connection stage; the next step waits until the stage
/// accepted them. A yielded future suspends the request (no thread held) until it completes. The
/// iterator is disposed exactly once, whatever ends the request.
/// </summary>
public sealed class RequestActor : ActorBase, IWithTimers
{
    public static readonly Props Props = Props.Create<RequestActor>();

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly CancellationTokenSource _aborted = new();
    private Start _start = null!;
    private StreamedRequestInput _input = null!;
    private IEnumerator<Step>? _steps;
    private Write _write = null!;
    private ResponseHead? _head;
    private bool _headersSent;
    private List<ReadOnlyMemory<byte>> _batch = [];
    private int _batchBytes;
    private bool _awaitingAck;
    private Task? _waitingOn;
    private int _generation;
    private bool _pausedUntilContinue;
    private int _emptyRun;
    private bool _stepping;
    private bool _wrote;
    private bool _finished;
    private bool _disposed;
    private bool _completedNormally;

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Starts the request; sent once, right after the actor is created.</summary>
    public sealed record Start(
        App App,
        RequestHead Head,
        long Seq,
        IActorRef Stage,
        string RequestId,
        IPEndPoint? Local,
        IPEndPoint? Remote,
        RequestSettings Settings);

    /// <summary>The client went away: fire Aborted, drop any pending future, dispose, stop.</summary>
    public sealed class ClientDisconnected : IDeadLetterSuppression
    {
        public static readonly ClientDisconnected Instance = new();

        private ClientDisconnected()
        {
        }
    }

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

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case Resumed resumed when resumed.Generation == _generation && _waitingOn is not null:
                _waitingOn = null;
                Run();
                return true;
            case Resumed:
                return true;
            case ResponseAccepted:
                _awaitingAck = false;
                Run();
                return true;
            case BodyRead read:
                _input.Deliver(read.Part);
                ResumeIfInputReady();
                return true;
            case BodyFailed failed:
                _input.Fail(failed.Status, failed.Reason);
                ResumeIfInputReady();
                return true;
            case Continue:
                _pausedUntilContinue = false;
                Run();
                return true;
            case Start start:
                Begin(start);
                return true;
            case ClientDisconnected:
                Context.Stop(Self);
                return true;
            default:
                return false;
        }
    }

    protected override void PostStop()
    {
        if (!_completedNormally)
        {
            try
            {
                _aborted.Cancel();
            }
            catch (AggregateException e)
            {
                _log.Warning(e, "[{0}] An Aborted callback of the app threw.", _start?.RequestId);
            }
        }
        _input?.Abort();
        DisposeSteps();
    }

    private void Begin(Start start)
    {
        _start = start;
        _input = new StreamedRequestInput(start.Seq, start.Stage, Self, start.Head.HasBody);
        _write = Write;
        var environ = EnvironFactory.Create(
            start.Head, _input, new ErrorLogWriter(_log, start.RequestId), _aborted.Token, start.RequestId, start.Local, start.Remote);
        try
        {
            _stepping = true;
            _steps = start.App(environ, StartResponse).GetEnumerator();
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
        Run();
    }

    /// <summary>Steps the app until it must wait: for the stage to take a batch, for a future, or for its turn.</summary>
    private void Run()
    {
        if (_finished || _awaitingAck || _waitingOn is not null || _pausedUntilContinue)
            return;
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
                        Suspend(future);
                    return;
                }
                if (future.IsCompleted)
                    continue;
                FlushIfAny();
                Suspend(future);
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
                return;
            }
        }
    }

    private Write StartResponse(string status, IReadOnlyList<KeyValuePair<string, string>> headers, Exception? error = null)
    {
        if (error is null && _head is not null)
            throw new InvalidOperationException("startResponse was already called; a second call must pass the error that made the app replace its response.");
        if (error is not null && _headersSent)
            ExceptionDispatchInfo.Capture(error).Throw();
        var head = ResponseHead.Create(status, headers);
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
        if (_aborted.IsCancellationRequested)
            throw new IOException("The client disconnected; the response cannot be written.");
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

    private void Suspend(Task future)
    {
        _waitingOn = future;
        var generation = ++_generation;
        if (_input.Owns(future))
            return; // the body piece that completes it arrives here as a message
        future.PipeTo(Self, success: () => new Resumed(generation), failure: _ => new Resumed(generation));
    }

    private void ResumeIfInputReady()
    {
        if (_waitingOn is { IsCompleted: true })
        {
            _waitingOn = null;
            Run();
        }
    }

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
        var ticks = settings.EmptyBackoffInitial.Ticks << Math.Min(delayed - 1, 20);
        Pause(TimeSpan.FromTicks(Math.Min(ticks, settings.EmptyBackoffMax.Ticks)));
    }

    private void Pause(TimeSpan delay)
    {
        _pausedUntilContinue = true;
        if (delay == TimeSpan.Zero)
            Self.Tell(Continue.Instance);
        else
            Timers.StartSingleTimer("continue", Continue.Instance, delay);
    }

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
        _completedNormally = true;
        Flush(final: true);
        Context.Stop(Self);
    }

    private void Fail(Exception error)
    {
        _finished = true;
        DisposeSteps();
        var rejected = FindBodyRejection(error);
        if (rejected is not null)
            _log.Info("[{0}] {1} {2}: request body refused ({3}): {4}", _start.RequestId, _start.Head.Method, _start.Head.Target, rejected.Status, rejected.Message);
        else
            _log.Error(error, "[{0}] {1} {2}: the app failed", _start.RequestId, _start.Head.Method, _start.Head.Target);

        if (_headersSent)
        {
            // Too late for an error status: cut the response short so the client sees it is incomplete.
            _start.Stage.Tell(new ResponseOut { Seq = _start.Seq, Context = ResponseContext.For(_start.Head), Chunks = _batch, IsAbort = true }, Self);
        }
        else
        {
            var status = rejected?.Status ?? 500;
            var text = rejected is not null
                ? $"{status} {ResponseHead.ReasonPhrase(status)}: {rejected.Message}\n"
                : $"500 Internal Server Error (request {_start.RequestId})\n";
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
        _completedNormally = true;
        Context.Stop(Self);
    }

    private static RequestBodyRejectedException? FindBodyRejection(Exception error) => error switch
    {
        RequestBodyRejectedException rejected => rejected,
        AggregateException aggregate => aggregate.InnerExceptions.Select(FindBodyRejection).FirstOrDefault(r => r is not null),
        _ when error.InnerException is not null => FindBodyRejection(error.InnerException),
        _ => null,
    };

    private void DisposeSteps()
    {
        if (_disposed)
            return;
        _disposed = true;
        try
        {
            _steps?.Dispose();
        }
        catch (Exception e)
        {
            _log.Error(e, "[{0}] Disposing the app's iterator threw.", _start?.RequestId);
        }
    }
}
