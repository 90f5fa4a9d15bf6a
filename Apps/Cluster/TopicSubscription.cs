namespace Resume.Apps.Cluster;

/// <summary>
/// A request's subscription to a topic: messages published after <see cref="Subscribed"/> completed
/// arrive here in order, and <see cref="NextAsync"/> gives the next as a future to yield. It ends when
/// disposed or when its request ends, whatever ends it. A request that reads slower than the topic
/// is published to keeps at most <see cref="Capacity"/> messages; older ones are dropped and counted.
/// </summary>
public sealed class TopicSubscription : IDisposable
{
    public const int Capacity = 256;

    private readonly object _gate = new();
    private readonly Queue<object> _messages = new();
    private readonly TaskCompletionSource _subscribed = new(FutureKind.Topic, TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource<object>? _waiting;
    private CancellationTokenRegistration _waitingCancellation;
    private Action? _unsubscribe;
    private bool _disposed;

    public TopicSubscription(string topic) => Topic = topic;

    public string Topic { get; }

    /// <summary>
    /// Completes once messages published on this node reach this subscription. Other nodes learn of it
    /// by gossip, within about a second (Distributed Pub/Sub): what is published there meanwhile is
    /// missed, so read the state that matters from its entity after subscribing, as the chat sample does.
    /// </summary>
    public Task Subscribed => _subscribed.Task;

    /// <summary>Messages dropped because the request did not take them in time.</summary>
    public long Dropped { get; private set; }

    /// <summary>
    /// The next message, as a future; it fails with <see cref="OperationCanceledException"/> when
    /// <paramref name="cancellation"/> fires or the subscription ends. One at a time.
    /// </summary>
    public Task<object> NextAsync(CancellationToken cancellation = default)
    {
        lock (_gate)
        {
            if (_messages.Count > 0)
                return Task.FromResult(_messages.Dequeue());
            if (_disposed)
                return Task.FromCanceled<object>(new CancellationToken(true));
            if (_waiting is not null)
                throw new InvalidOperationException("A NextAsync of this subscription is already waiting; take one message at a time.");
            var waiting = _waiting = new TaskCompletionSource<object>(FutureKind.Topic, TaskCreationOptions.RunContinuationsAsynchronously);
            if (cancellation.CanBeCanceled)
                _waitingCancellation = cancellation.Register(static state => ((TopicSubscription)state!).CancelWaiting(), this);
            return waiting.Task;
        }
    }

    public void Dispose()
    {
        Action? unsubscribe;
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;
            _messages.Clear();
            (unsubscribe, _unsubscribe) = (_unsubscribe, null);
        }
        unsubscribe?.Invoke();
        CancelWaiting();
        _subscribed.TrySetCanceled();
    }

    /// <summary>For the backend: how to stop deliveries when this is disposed (at once if it already is).</summary>
    public void OnDispose(Action unsubscribe)
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                _unsubscribe = unsubscribe;
                return;
            }
        }
        unsubscribe();
    }

    /// <summary>For the backend: deliveries have begun.</summary>
    public void MarkSubscribed() => _subscribed.TrySetResult();

    /// <summary>For the backend: a message published to the topic.</summary>
    public void Deliver(object message)
    {
        TaskCompletionSource<object>? waiting;
        CancellationTokenRegistration registration;
        lock (_gate)
        {
            if (_disposed)
                return;
            if (_waiting is null)
            {
                if (_messages.Count == Capacity)
                {
                    _messages.Dequeue();
                    Dropped++;
                }
                _messages.Enqueue(message);
                return;
            }
            (waiting, _waiting) = (_waiting, null);
            (registration, _waitingCancellation) = (_waitingCancellation, default);
        }
        registration.Dispose();
        waiting.TrySetResult(message);
    }

    private void CancelWaiting()
    {
        TaskCompletionSource<object>? waiting;
        lock (_gate)
            (waiting, _waiting) = (_waiting, null);
        waiting?.TrySetCanceled();
    }
}
