using Akka.Actor;
using Resume.Apps;
using Resume.Transport.Connection;
using Resume.Transport.Http;

namespace Resume.Actors.Requests;

/// <summary>
/// The body of a request that has one (a request without gets a <see cref="NoRequestBody"/>), read on
/// demand: a read with nothing buffered asks the connection stage for one more piece and returns a
/// future that the piece completes. Pieces arrive on the stream's thread
/// (see <see cref="IBodyReceiver"/>), so a blocking app may wait on a read synchronously. A read
/// cancelled by the app's own token ends at once; the piece asked for it is kept for the next read.
/// </summary>
internal sealed class StreamedRequestInput : RequestInput, IBodyReceiver
{
    private readonly object _gate = new();
    private readonly long _seq;
    private readonly IActorRef _stage;
    private ReadOnlyMemory<byte> _buffered;
    private bool _ended;
    private bool _askInFlight;
    private Exception? _failure;
    private TaskCompletionSource<ReadOnlyMemory<byte>>? _pending;
    private CancellationTokenRegistration _pendingCancellation;
    private int _pendingMax;
    private Action? _onPendingDone;

    public StreamedRequestInput(long seq, IActorRef stage, CancellationToken aborted, bool allowsSyncReads)
        : base(aborted, allowsSyncReads)
    {
        _seq = seq;
        _stage = stage;
    }

    /// <summary>The body bytes handed to the app so far.</summary>
    public long BytesRead { get; private set; }

    /// <summary>A read waits for the client to send more of the body (the app's read, or pre-buffering).</summary>
    public bool AwaitsClient
    {
        get
        {
            lock (_gate)
                return _pending is not null;
        }
    }

    public bool IsPendingRead(Task future)
    {
        lock (_gate)
            return _pending is not null && ReferenceEquals(_pending.Task, future);
    }

    /// <summary>
    /// If <paramref name="future"/> is the read in flight, arranges for <paramref name="onDone"/> to run
    /// when it completes (on the stream's thread) and returns true.
    /// </summary>
    public bool NotifyWhenDone(Task future, Action onDone)
    {
        lock (_gate)
        {
            if (_pending is null || !ReferenceEquals(_pending.Task, future))
                return false;
            _onPendingDone = onDone;
            return true;
        }
    }

    /// <summary>Reads the whole body into memory before the app starts; fails past <paramref name="limit"/> bytes.</summary>
    public async Task PrebufferAsync(long limit)
    {
        var body = await ReadToEndAsync(limit).ConfigureAwait(false);
        lock (_gate)
        {
            _buffered = body;
            _ended = true;
            BytesRead = 0;
        }
    }

    protected override Task<ReadOnlyMemory<byte>> ReadChunkAsync(int maxBytes, CancellationToken cancellation)
    {
        TaskCompletionSource<ReadOnlyMemory<byte>> pending;
        bool ask;
        lock (_gate)
        {
            if (_failure is not null)
                return Task.FromException<ReadOnlyMemory<byte>>(_failure);
            if (!_buffered.IsEmpty)
                return Task.FromResult(Take(maxBytes));
            if (_ended)
                return Task.FromResult(ReadOnlyMemory<byte>.Empty);
            if (_pending is not null)
                throw new InvalidOperationException("A read of the request body is already in flight; read one at a time.");
            // Kept in a local: once the stage has the ask, it may complete and clear _pending at any moment.
            pending = _pending = new TaskCompletionSource<ReadOnlyMemory<byte>>(TaskCreationOptions.RunContinuationsAsynchronously);
            _pendingMax = maxBytes;
            // A read cancelled earlier may have left its ask with the stage: its piece serves this read.
            ask = !_askInFlight;
            _askInFlight = true;
            // The request's own Aborted needs no registration: when it fires the request ends, and Abort fails the read.
            if (cancellation.CanBeCanceled && cancellation != RequestAborted)
                _pendingCancellation = cancellation.Register(static state => ((StreamedRequestInput)state!).CancelPending(), this);
        }
        if (ask)
            _stage.Tell(new ReadBody(_seq, this));
        return pending.Task;
    }

    public void OnBody(RequestBody part)
    {
        TaskCompletionSource<ReadOnlyMemory<byte>>? pending;
        Action? onDone;
        ReadOnlyMemory<byte> result;
        CancellationTokenRegistration cancellation;
        lock (_gate)
        {
            _buffered = part.Data;
            _ended |= part.IsLast;
            _askInFlight = false;
            pending = _pending;
            if (pending is null)
                return;
            if (_buffered.IsEmpty && !_ended)
            {
                _askInFlight = true;
                _stage.Tell(new ReadBody(_seq, this));
                return;
            }
            result = Take(_pendingMax);
            (_pending, onDone, _onPendingDone) = (null, _onPendingDone, null);
            (cancellation, _pendingCancellation) = (_pendingCancellation, default);
        }
        cancellation.Unregister();
        pending.SetResult(result);
        onDone?.Invoke();
    }

    public void OnBodyFailed(RequestRejectedException rejection) => FailWith(rejection.Reason == RequestRejectionReason.ClosedInBody
        ? new ClientClosedMidBodyException(rejection)
        : new RequestBodyException(rejection.Status, rejection.Message));

    /// <summary>The request is over: a read still waiting, or any later, fails rather than waiting forever.</summary>
    public void Abort()
    {
        lock (_gate)
        {
            // Nothing left to fail (the usual end of a request): no exception to make.
            if (_failure is not null || (_ended && _buffered.IsEmpty && _pending is null))
                return;
        }
        FailWith(new OperationCanceledException("The request ended before its body was read."));
    }

    /// <summary>The app's token cancelled the read in flight: it fails now; a piece that comes for it is kept.</summary>
    private void CancelPending()
    {
        TaskCompletionSource<ReadOnlyMemory<byte>>? pending;
        Action? onDone;
        lock (_gate)
        {
            (pending, _pending) = (_pending, null);
            (onDone, _onPendingDone) = (_onPendingDone, null);
            _pendingCancellation = default;
        }
        if (pending is null)
            return;
        pending.TrySetCanceled();
        onDone?.Invoke();
    }

    private void FailWith(Exception failure)
    {
        TaskCompletionSource<ReadOnlyMemory<byte>>? pending;
        Action? onDone;
        CancellationTokenRegistration cancellation;
        lock (_gate)
        {
            _failure ??= failure;
            (pending, _pending) = (_pending, null);
            (onDone, _onPendingDone) = (_onPendingDone, null);
            (cancellation, _pendingCancellation) = (_pendingCancellation, default);
        }
        cancellation.Unregister();
        pending?.TrySetException(failure);
        onDone?.Invoke();
    }

    private ReadOnlyMemory<byte> Take(int maxBytes)
    {
        var count = Math.Min(maxBytes, _buffered.Length);
        var taken = _buffered[..count];
        _buffered = _buffered[count..];
        BytesRead += count;
        return taken;
    }
}
