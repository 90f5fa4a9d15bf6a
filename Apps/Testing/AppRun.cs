using System.Collections;
using System.Globalization;
using System.Text;
using Resume.Apps.Serving;

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
/// The contract's rules are the server's own (<see cref="AppExecution"/> and <see cref="ResponseState"/>
/// run the app in both), so what an app sees and what the client would get are the same: a failure
/// before the first non-empty chunk gives <see cref="StatusCode"/> 500 (or a body error's status), a
/// failure after it a <see cref="Truncated"/> response.
/// </summary>
public sealed class AppRun : IDisposable
{
    private readonly CancellationTokenSource _aborted = new();
    private readonly List<ReadOnlyMemory<byte>> _chunks = [];
    private readonly List<Task> _futures = [];
    private readonly AppExecution _execution;
    private int _disposals;

    private AppRun(App app, TestRequest request, AppRunOptions options)
    {
        var input = new MemoryInput(request.Body, _aborted.Token, options.Blocking || options.Prebuffer);
        Environ = new Environ(request.Headers, input, TextWriter.Null, _aborted.Token, "test")
        {
            Executor = new ThreadPoolExecutor(),
            Async = new AsyncFacade(_aborted.Token, options.AsyncTimeout, new ThreadPoolExecutor()),
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
        _execution = new AppExecution((environ, startResponse) => new CountingSteps(app(environ, startResponse), () => _disposals++), Environ);
    }

    public Environ Environ { get; }

    /// <summary>The status line the app set, e.g. "200 OK"; null before startResponse.</summary>
    public string? Status => _execution.Response.Status;

    /// <summary>
    /// The status the client gets: the app's, or — if the app failed before its first non-empty chunk —
    /// the server's error status (500, or a request-body error's 400/413). 0 while nothing is chosen.
    /// </summary>
    public int StatusCode => Error is not null && !Truncated ? _execution.Ending.Status : _execution.Response.StatusCode;

    public IReadOnlyList<KeyValuePair<string, string>> Headers => _execution.Response.Headers;

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

    /// <summary>Whether the run is over (completed, failed or aborted).</summary>
    public bool Completed => _execution.Ended;

    /// <summary>The exception the app raised (or the contract rule it broke), if any.</summary>
    public Exception? Error => _execution.Failure;

    /// <summary>The app failed after its headers were committed: the client would see the response cut short.</summary>
    public bool Truncated => Error is not null && _execution.Ending.Truncated;

    public bool Disposed => _disposals > 0;

    /// <summary>How many times the iterator was disposed (the server's promise: exactly once).</summary>
    public int Disposals => _disposals;

    public static AppRun Start(App app, TestRequest? request = null, AppRunOptions? options = null) =>
        new(app, request ?? new TestRequest(), options ?? new AppRunOptions());

    /// <summary>
    /// Steps while the app yields chunks and completed futures; stops at a future that is not complete
    /// (see <see cref="PendingFuture"/>) or at the end. Returns true if the app ended.
    /// </summary>
    public bool RunUntilSuspended()
    {
        if (PendingFuture is { IsCompleted: false })
            return false;
        PendingFuture = null;
        while (!_execution.Ended)
        {
            var result = _execution.Step();
            _chunks.AddRange(_execution.Response.TakePending());
            if (result == StepResult.Empty)
            {
                EmptyChunks++;
            }
            else if (result == StepResult.Wait)
            {
                var future = _execution.Future!;
                _futures.Add(future);
                if (!future.IsCompleted)
                {
                    PendingFuture = future;
                    return false;
                }
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

    /// <summary>What the server does when the client goes away: Aborted fires, write throws and the iterator is disposed.</summary>
    public void Abort()
    {
        _aborted.Cancel();
        _execution.Abort();
    }

    public void Dispose() => _execution.Dispose();

    private sealed class MemoryInput(byte[] body, CancellationToken aborted, bool allowsSyncReads) : RequestInput(aborted, allowsSyncReads)
    {
        private int _position;

        protected override Task<ReadOnlyMemory<byte>> ReadChunkAsync(int maxBytes, CancellationToken cancellation)
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

    /// <summary>The app's steps, counting how often their iterator is disposed.</summary>
    private sealed class CountingSteps(IEnumerable<Step> inner, Action onDispose) : IEnumerable<Step>
    {
        public IEnumerator<Step> GetEnumerator() => new Counting(inner.GetEnumerator(), onDispose);

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        private sealed class Counting(IEnumerator<Step> steps, Action onDispose) : IEnumerator<Step>
        {
            public Step Current => steps.Current;

            object IEnumerator.Current => steps.Current;

            public bool MoveNext() => steps.MoveNext();

            public void Reset() => steps.Reset();

            public void Dispose()
            {
                onDispose();
                steps.Dispose();
            }
        }
    }
}
