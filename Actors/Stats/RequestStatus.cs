using Akka.Actor;

namespace Resume.Actors.Stats;

/// <summary>
/// What one request in flight is doing, as the status endpoint shows it. Written only by its request
/// actor; read by anyone (a snapshot may be a moment old).
/// </summary>
public sealed class RequestStatus(string id, string app, string method, string path, IActorRef request)
{
    private volatile string _state = "starting";
    private volatile string? _waitingOn;
    // Environment.TickCount64 when the state was entered: cheaper than reading the wall clock at every
    // state change; turned into a wall-clock time only when the status is read.
    private long _since = Environment.TickCount64;
    private long _bytesIn;
    private long _bytesOut;

    public string Id { get; } = id;

    /// <summary>The request's actor.</summary>
    public IActorRef Request { get; } = request;

    public string App { get; } = app;

    public string Method { get; } = method;

    public string Path { get; } = path;

    /// <summary>running, suspended (on <see cref="WaitingOn"/>), backpressured (the client is slow), backing-off (empty chunks), pre-buffering.</summary>
    public string State => _state;

    public string? WaitingOn => _waitingOn;

    public DateTimeOffset Since => DateTimeOffset.UtcNow.AddMilliseconds(Interlocked.Read(ref _since) - Environment.TickCount64);

    public long BytesIn => Interlocked.Read(ref _bytesIn);

    public long BytesOut => Interlocked.Read(ref _bytesOut);

    public void Enter(string state, string? waitingOn = null)
    {
        if (_state == state && _waitingOn == waitingOn)
            return;
        _state = state;
        _waitingOn = waitingOn;
        Interlocked.Exchange(ref _since, Environment.TickCount64);
    }

    public void SetBytesIn(long bytes) => Interlocked.Exchange(ref _bytesIn, bytes);

    public void AddBytesOut(long bytes) => Interlocked.Add(ref _bytesOut, bytes);
}
