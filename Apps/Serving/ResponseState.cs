using System.Runtime.ExceptionServices;

namespace Resume.Apps.Serving;

/// <summary>
/// One response under the contract: its <see cref="ResponsePhase"/>, the status and headers the app
/// chose, and the body bytes not yet handed to the client. It owns the rules of
/// <see cref="Apps.StartResponse"/>, <see cref="Apps.Write"/> and yielded chunks, and decides how a
/// response that fails ends (an error status, or cut short). The server's request actor and the test
/// kit's <see cref="Testing.AppRun"/> both run apps through it (see <see cref="AppExecution"/>), so an
/// app that passes its tests behaves the same on the server.
/// </summary>
public sealed class ResponseState
{
    private readonly CancellationToken _aborted;
    // Made with the first chunk after each take: most sends are a single chunk, an array of one.
    private ReadOnlyMemory<byte>[]? _pending;
    private int _pendingCount;

    /// <param name="aborted">The request's <see cref="Environ.Aborted"/>: once it fires, write throws <see cref="IOException"/>.</param>
    public ResponseState(CancellationToken aborted)
    {
        _aborted = aborted;
        StartResponse = Start;
        Write = Append;
    }

    public ResponsePhase Phase { get; private set; }

    /// <summary>The status line the app chose, e.g. "200 OK"; null before startResponse.</summary>
    public string? Status { get; private set; }

    public int StatusCode { get; private set; }

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; private set; } = [];

    /// <summary>The app's Content-Length, if it set one.</summary>
    public long? ContentLength { get; private set; }

    /// <summary>Whether the app asked for <c>Connection: close</c>.</summary>
    public bool CloseRequested { get; private set; }

    /// <summary>The <see cref="Apps.StartResponse"/> handed to the app.</summary>
    public StartResponse StartResponse { get; }

    /// <summary>The <see cref="Apps.Write"/> startResponse returns.</summary>
    public Write Write { get; }

    /// <summary>Whether write was called since the pending bytes were last taken: they must leave before the next step.</summary>
    public bool Written { get; private set; }

    /// <summary>The size of the body bytes not yet taken.</summary>
    public int PendingBytes { get; private set; }

    public bool HasPending => _pendingCount > 0;

    /// <summary>True while the app is being stepped: write is allowed only then.</summary>
    internal bool Stepping { get; set; }

    /// <summary>Hands on the body bytes added since the last call (the list is the caller's now).</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> TakePending()
    {
        IReadOnlyList<ReadOnlyMemory<byte>> taken = _pendingCount == 0 ? []
            : _pendingCount == _pending!.Length ? _pending
            : _pending[.._pendingCount];
        _pending = null;
        _pendingCount = 0;
        PendingBytes = 0;
        Written = false;
        return taken;
    }

    /// <summary>Adds a chunk the app yielded; the caller has checked that the headers are chosen.</summary>
    internal void AddChunk(ReadOnlyMemory<byte> chunk)
    {
        if (_pending is null)
            _pending = new ReadOnlyMemory<byte>[1];
        else if (_pendingCount == _pending.Length)
            Array.Resize(ref _pending, _pendingCount * 2);
        _pending[_pendingCount++] = chunk;
        PendingBytes += chunk.Length;
        Phase = ResponsePhase.Streaming;
    }

    /// <summary>The app ended normally: what is pending is the end of the body.</summary>
    internal void Complete() => Phase = ResponsePhase.Ended;

    /// <summary>
    /// Ends the response with an error: cut short if the headers were committed, otherwise answered
    /// with <paramref name="status"/> (or the status of a request-body error found in <paramref name="cause"/>,
    /// or 503 for a <see cref="Cluster.ClusterUnavailableException"/>).
    /// </summary>
    internal ResponseEnding End(int status, Exception? cause)
    {
        var truncated = Phase == ResponsePhase.Streaming;
        Phase = ResponsePhase.Ended;
        var bodyError = cause is null ? null : RequestBodyException.FindIn(cause);
        if (!truncated)
            TakePending();
        if (bodyError is null && cause is not null && Cluster.ClusterUnavailableException.FindIn(cause) is { } unavailable)
            return new ResponseEnding(truncated, 503, null, unavailable.RetryAfter);
        return new ResponseEnding(truncated, bodyError?.StatusCode ?? status, bodyError);
    }

    private Write Start(string status, IReadOnlyList<KeyValuePair<string, string>> headers, Exception? error = null)
    {
        if (Phase == ResponsePhase.Ended)
            throw new InvalidOperationException("The response has already ended.");
        if (error is null && Phase != ResponsePhase.NothingChosen)
            throw new InvalidOperationException("startResponse was already called; a second call must pass the error that made the app replace its response.");
        if (error is not null && Phase == ResponsePhase.Streaming)
            ExceptionDispatchInfo.Capture(error).Throw();
        var (code, contentLength, close) = ResponseRules.Check(status, headers);
        (Status, StatusCode, Headers, ContentLength, CloseRequested) = (status, code, headers, contentLength, close);
        Phase = ResponsePhase.HeadersChosen;
        return Write;
    }

    private void Append(ReadOnlyMemory<byte> data)
    {
        if (_aborted.IsCancellationRequested)
            throw new IOException("The client disconnected (or the request timed out): the response cannot be written.");
        if (Phase == ResponsePhase.Ended)
            throw new InvalidOperationException("The response has already ended.");
        if (!Stepping)
            throw new InvalidOperationException("write may only be called while the app is being stepped.");
        if (data.IsEmpty)
            return;
        if (Phase == ResponsePhase.NothingChosen)
            throw new InvalidOperationException("write was called before startResponse.");
        AddChunk(data);
        Written = true;
    }
}
