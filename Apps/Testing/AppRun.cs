using System.Globalization;
using System.Text;

namespace Resume.Apps.Testing;

/// <summary>
/// Runs an app on a request without a server, one step at a time, so a test sees every chunk and
/// future it yields, decides when futures complete (the app's fakes hand out TaskCompletionSources
/// the test completes or fails), and asserts on status, headers, body and disposal.
/// <code>
/// using var run = AppRun.Start(MyApp.Run, TestRequest.Get("/items?id=7"));
/// run.RunUntilSuspended();                 // up to the first future not yet complete
/// Assert.Same(fakeDb.Pending, run.PendingFuture);
/// fakeDb.Complete("row");                  // by hand
/// await run.RunToEndAsync();
/// Assert.Equal(200, run.StatusCode);
/// Assert.True(run.Disposed);
/// </code>
/// Semantics follow the server: headers count as sent with the first non-empty chunk; a second
/// startResponse needs an error; the iterator is disposed exactly once.
/// </summary>
public sealed class AppRun : IDisposable
{
    private readonly CancellationTokenSource _aborted = new();
    private readonly List<ReadOnlyMemory<byte>> _chunks = [];
    private readonly List<Task> _futures = [];
    private readonly IEnumerator<Step> _steps;
    private bool _headersSent;
    private int _disposals;

    private AppRun(App app, TestRequest request)
    {
        var input = new MemoryInput(request.Body);
        Environ = new Environ(request.Headers, input, TextWriter.Null, _aborted.Token, "test")
        {
            Executor = new ThreadPoolExecutor(),
            Async = new AsyncFacade(_aborted.Token, TimeSpan.FromSeconds(30), new ThreadPoolExecutor()),
            [Environ.CgiKeys.RequestMethod] = request.Method,
            [Environ.CgiKeys.PathInfo] = request.Path,
            [Environ.CgiKeys.RawPath] = request.Path,
            [Environ.CgiKeys.QueryString] = request.Query,
            [Environ.CgiKeys.RawUri] = request.Query.Length > 0 ? $"{request.Path}?{request.Query}" : request.Path,
            [Environ.CgiKeys.ServerProtocol] = "HTTP/1.1",
            [Environ.CgiKeys.ServerName] = "test",
            [Environ.CgiKeys.ServerPort] = "80",
            [Environ.CgiKeys.RemoteAddr] = "127.0.0.1",
        };
        if (request.Body.Length > 0)
            Environ[Environ.CgiKeys.ContentLength] = request.Body.Length.ToString(CultureInfo.InvariantCulture);
        _steps = new CountingEnumerator(app(Environ, StartResponse).GetEnumerator(), () => _disposals++);
    }

    public Environ Environ { get; }

    /// <summary>The status line the app set, e.g. "200 OK"; null before startResponse.</summary>
    public string? Status { get; private set; }

    public int StatusCode => Status is null ? 0 : int.Parse(Status.AsSpan(0, 3), CultureInfo.InvariantCulture);

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; private set; } = [];

    /// <summary>Every non-empty chunk, yielded or written, in order.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Chunks => _chunks;

    public byte[] Body => _chunks.SelectMany(c => c.ToArray()).ToArray();

    public string BodyText => Encoding.UTF8.GetString(Body);

    /// <summary>Every future the app yielded, in order.</summary>
    public IReadOnlyList<Task> Futures => _futures;

    /// <summary>The future the app waits on, if it is not complete yet.</summary>
    public Task? PendingFuture { get; private set; }

    /// <summary>How many empty chunks the app yielded.</summary>
    public int EmptyChunks { get; private set; }

    public bool Completed { get; private set; }

    /// <summary>The exception the app raised, if any.</summary>
    public Exception? Error { get; private set; }

    public bool Disposed => _disposals > 0;

    /// <summary>How many times the iterator was disposed (the server's promise: exactly once).</summary>
    public int Disposals => _disposals;

    public static AppRun Start(App app, TestRequest? request = null) => new(app, request ?? new TestRequest());

    /// <summary>
    /// Steps while the app yields chunks and completed futures; stops at a future that is not complete
    /// (see <see cref="PendingFuture"/>) or at the end. Returns true if the app ended.
    /// </summary>
    public bool RunUntilSuspended()
    {
        if (PendingFuture is { IsCompleted: false })
            return false;
        PendingFuture = null;
        while (!Completed)
        {
            if (!MoveNext(out var step))
                return true;
            if (step.Kind == StepKind.Wait)
            {
                _futures.Add(step.Future!);
                if (!step.Future!.IsCompleted)
                {
                    PendingFuture = step.Future;
                    return false;
                }
            }
            else if (step.Chunk.IsEmpty)
            {
                EmptyChunks++;
            }
            else
            {
                Send(step.Chunk);
            }
        }
        return true;
    }

    /// <summary>Runs to the end, awaiting each future the app yields (as the server would, minus the server).</summary>
    public async Task RunToEndAsync(TimeSpan? timeout = null)
    {
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        while (!RunUntilSuspended())
        {
            try
            {
                await PendingFuture!.WaitAsync(limit.Token).ConfigureAwait(false);
            }
            catch (Exception) when (!limit.IsCancellationRequested)
            {
                // The app reads the outcome from the future.
            }
            limit.Token.ThrowIfCancellationRequested();
        }
    }

    /// <summary>What the server does when the client goes away: Aborted fires and the iterator is disposed.</summary>
    public void Abort()
    {
        _aborted.Cancel();
        Dispose();
    }

    public void Dispose()
    {
        if (!Disposed)
            _steps.Dispose();
    }

    private bool MoveNext(out Step step)
    {
        step = default;
        try
        {
            if (_steps.MoveNext())
            {
                step = _steps.Current;
                return true;
            }
            if (Status is null)
                throw new InvalidOperationException("The app finished without calling startResponse.");
        }
        catch (Exception e)
        {
            Error = e;
        }
        Completed = true;
        Dispose();
        return false;
    }

    private Write StartResponse(string status, IReadOnlyList<KeyValuePair<string, string>> headers, Exception? error = null)
    {
        if (error is null && Status is not null)
            throw new InvalidOperationException("startResponse was already called; a second call must pass the error that made the app replace its response.");
        if (error is not null && _headersSent)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error).Throw();
        ResponseRules.Check(status, headers);
        if (error is not null)
            _chunks.Clear();
        Status = status;
        Headers = headers;
        return data =>
        {
            if (_aborted.IsCancellationRequested)
                throw new IOException("The client disconnected; the response cannot be written.");
            if (!data.IsEmpty)
                Send(data);
        };
    }

    private void Send(ReadOnlyMemory<byte> chunk)
    {
        if (Status is null)
            throw new InvalidOperationException("The app yielded a body chunk before calling startResponse.");
        _headersSent = true;
        _chunks.Add(chunk);
    }

    private sealed class MemoryInput(byte[] body) : RequestInput
    {
        private int _position;

        protected override Task<ReadOnlyMemory<byte>> ReadChunkAsync(int maxBytes)
        {
            var count = Math.Min(maxBytes, body.Length - _position);
            var chunk = body.AsMemory(_position, count);
            _position += count;
            return Task.FromResult((ReadOnlyMemory<byte>)chunk);
        }
    }

    private sealed class ThreadPoolExecutor : Executor
    {
        public override Task<T> Submit<T>(Func<T> work, CancellationToken cancellation = default) => Task.Run(work, cancellation);
    }

    private sealed class CountingEnumerator(IEnumerator<Step> inner, Action onDispose) : IEnumerator<Step>
    {
        public Step Current => inner.Current;

        object System.Collections.IEnumerator.Current => inner.Current;

        public bool MoveNext() => inner.MoveNext();

        public void Reset() => inner.Reset();

        public void Dispose()
        {
            onDispose();
            inner.Dispose();
        }
    }
}
