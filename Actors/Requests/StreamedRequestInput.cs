using Akka.Actor;
using Resume.Apps;
using Resume.Transport.Connection;
using Resume.Transport.Http;

namespace Resume.Actors.Requests;

/// <summary>
/// The request body read on demand: a read with nothing buffered asks the connection stage for one
/// more piece and returns a future that the piece, arriving at the request actor, completes.
/// </summary>
internal sealed class StreamedRequestInput(long seq, IActorRef stage, IActorRef requestActor, bool hasBody) : RequestInput
{
    private readonly object _gate = new();
    private ReadOnlyMemory<byte> _buffered;
    private bool _ended = !hasBody;
    private Exception? _failure;
    private TaskCompletionSource<ReadOnlyMemory<byte>>? _pending;
    private int _pendingMax;

    /// <summary>The bytes handed to the app so far.</summary>
    public long BytesRead { get; private set; }

    /// <summary>Whether <paramref name="future"/> is a read this input will complete when a piece arrives.</summary>
    public bool Owns(Task future)
    {
        lock (_gate)
            return _pending is not null && ReferenceEquals(_pending.Task, future);
    }

    protected override Task<ReadOnlyMemory<byte>> ReadChunkAsync(int maxBytes)
    {
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
            _pending = new TaskCompletionSource<ReadOnlyMemory<byte>>(TaskCreationOptions.RunContinuationsAsynchronously);
            _pendingMax = maxBytes;
            stage.Tell(new ReadBody(seq), requestActor);
            return _pending.Task;
        }
    }

    /// <summary>A piece of the body arrived (on the request actor).</summary>
    public void Deliver(RequestBody part)
    {
        TaskCompletionSource<ReadOnlyMemory<byte>>? pending;
        ReadOnlyMemory<byte> result = default;
        lock (_gate)
        {
            _buffered = part.Data;
            _ended |= part.IsLast;
            pending = _pending;
            if (pending is null)
                return;
            if (_buffered.IsEmpty && !_ended)
            {
                stage.Tell(new ReadBody(seq), requestActor);
                return;
            }
            _pending = null;
            result = Take(_pendingMax);
        }
        pending.SetResult(result);
    }

    /// <summary>The body broke HTTP/1.1 or a limit: reads fail with the status to answer.</summary>
    public void Fail(int status, string reason) => FailWith(new RequestBodyRejectedException(status, reason));

    /// <summary>The request is over: a read still waiting fails rather than waiting forever.</summary>
    public void Abort() => FailWith(new OperationCanceledException("The request ended before its body was read."));

    private void FailWith(Exception failure)
    {
        TaskCompletionSource<ReadOnlyMemory<byte>>? pending;
        lock (_gate)
        {
            _failure ??= failure;
            pending = _pending;
            _pending = null;
        }
        pending?.TrySetException(failure);
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
