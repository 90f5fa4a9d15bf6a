using System.Diagnostics;
using Akka.Actor;
using Resume.Actors.Metrics;
using Resume.Apps;

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
    // Set while the metrics watch this request (RequestStarted to RequestEnded): its suspensions are counted.
    private ServerMetrics? _metrics;
    private string? _countedWait;

    public string Id { get; } = id;

    /// <summary>The request's actor.</summary>
    public IActorRef Request { get; } = request;

    public string App { get; } = app;

    public string Method { get; } = method;

    public string Path { get; } = path;

    /// <summary>When the request started (<see cref="Stopwatch.GetTimestamp"/>), for its duration.</summary>
    public long StartedTimestamp { get; } = Stopwatch.GetTimestamp();

    /// <summary>The method as OpenTelemetry's <c>http.request.method</c> has it: a known method, or <c>_OTHER</c> (so a client cannot make series at will).</summary>
    public string MetricMethod => Method switch
    {
        "GET" or "HEAD" or "POST" or "PUT" or "DELETE" or "CONNECT" or "OPTIONS" or "TRACE" or "PATCH" => Method,
        _ => "_OTHER",
    };

    /// <summary>The request's url.scheme while the metrics watch it; null before.</summary>
    public string? Scheme { get; private set; }

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
        if (_metrics is not null)
            CountSuspension(state, waitingOn);
    }

    /// <summary>From now on each suspension of this request is counted in <paramref name="metrics"/>.</summary>
    internal void Watch(ServerMetrics metrics, string scheme)
    {
        _metrics = metrics;
        Scheme = scheme;
        CountSuspension(_state, _waitingOn);
    }

    /// <summary>The request ended: a suspension it ended in no longer counts.</summary>
    internal void Unwatch()
    {
        if (_metrics is null)
            return;
        CountSuspension("ended", null);
        _metrics = null;
    }

    // Suspended, blocked on a future (a blocking app) or pre-buffering count as waiting: on the body,
    // on a kind of future the server's facades label (FutureKind), or on any other future. An app's
    // own AsyncState names it on the status endpoint but not here: a metric attribute must have few values.
    private void CountSuspension(string state, string? waitingOn)
    {
        var wait = state is "suspended" or "blocked" or "pre-buffering"
            ? waitingOn switch
            {
                FutureKind.RequestBody => "request_body",
                FutureKind.Io or FutureKind.Cluster or FutureKind.Topic or FutureKind.Readiness or FutureKind.Executor => waitingOn,
                _ => "future",
            }
            : null;
        if (wait == _countedWait)
            return;
        if (_countedWait is not null)
            _metrics!.Suspended(_countedWait, -1);
        if (wait is not null)
            _metrics!.Suspended(wait, 1);
        _countedWait = wait;
    }

    public void SetBytesIn(long bytes) => Interlocked.Exchange(ref _bytesIn, bytes);

    public void AddBytesOut(long bytes) => Interlocked.Add(ref _bytesOut, bytes);
}
