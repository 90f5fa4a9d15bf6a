namespace Resume.Apps.Serving;

/// <summary>
/// One run of an app on one request, one step at a time: calls the app in its first step, steps its
/// iterator, keeps the <see cref="Response"/> by the contract's rules, turns an exception into a
/// failure, and disposes the iterator exactly once on every path. What to do with each
/// <see cref="StepResult"/> — when to send, suspend, back off or time out — is the caller's: the
/// server's request actor, or the test kit's <see cref="Testing.AppRun"/>.
/// </summary>
public sealed class AppExecution
{
    private readonly App _app;
    private readonly Environ _environ;
    private IEnumerator<Step>? _steps;
    private bool _disposed;

    public AppExecution(App app, Environ environ)
    {
        _app = app;
        _environ = environ;
        Response = new ResponseState(environ.Aborted);
    }

    public ResponseState Response { get; }

    /// <summary>The future of the last <see cref="StepResult.Wait"/>.</summary>
    public Task? Future { get; private set; }

    /// <summary>What the app raised (or broke) when a step returned <see cref="StepResult.Failed"/>.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>How the response ends after a failure, a timeout or another error end.</summary>
    public ResponseEnding Ending { get; private set; }

    /// <summary>An exception the iterator's Dispose raised (the caller logs it); the request goes on ending regardless.</summary>
    public Exception? DisposeFailure { get; private set; }

    public bool Ended => Response.Phase == ResponsePhase.Ended;

    /// <summary>Whether the app was called, so there is an iterator to dispose.</summary>
    public bool Started => _steps is not null;

    /// <summary>Whether the iterator has been disposed (it is, exactly once, on every path).</summary>
    public bool IteratorDisposed { get; private set; }

    /// <summary>Steps taken so far (the app's call included), for the metrics.</summary>
    public long Steps { get; private set; }

    /// <summary>Runs the app's next step (its call, the first time).</summary>
    public StepResult Step()
    {
        if (Ended)
            throw new InvalidOperationException("The app's run has ended.");
        Steps++;
        Future = null;
        Step step;
        Response.Stepping = true;
        try
        {
            _steps ??= _app(_environ, Response.StartResponse).GetEnumerator();
            if (!_steps.MoveNext())
                return Finish();
            step = _steps.Current;
        }
        catch (Exception e)
        {
            return Fail(e);
        }
        finally
        {
            Response.Stepping = false;
        }
        if (step.Kind == StepKind.Wait)
        {
            Future = step.Future;
            return StepResult.Wait;
        }
        if (step.Chunk.IsEmpty)
            return StepResult.Empty;
        if (Response.Phase == ResponsePhase.NothingChosen)
            return Fail(new InvalidOperationException("The app yielded a body chunk before calling startResponse."));
        Response.AddChunk(step.Chunk);
        return StepResult.Chunk;
    }

    /// <summary>
    /// Ends the run with an error status (e.g. 504 at a timeout) that the server decided: the iterator is
    /// disposed and <see cref="Ending"/> says whether the client gets <paramref name="status"/> or a cut response.
    /// </summary>
    public ResponseEnding EndWith(int status)
    {
        Ending = Response.End(status, null);
        Dispose();
        return Ending;
    }

    /// <summary>
    /// Ends the run because of <paramref name="failure"/> raised outside a step (a failed body pre-read):
    /// as an app exception would, 500 or the body error's status, or a cut response.
    /// </summary>
    public ResponseEnding FailWith(Exception failure)
    {
        Fail(failure);
        return Ending;
    }

    /// <summary>The client went away: nothing more is sent; the iterator is disposed.</summary>
    public void Abort()
    {
        if (!Ended)
            Response.End(500, null);
        Dispose();
    }

    /// <summary>Disposes the iterator if it was started and not yet disposed; true if this call did it.</summary>
    public bool Dispose()
    {
        if (_disposed)
            return false;
        _disposed = true;
        if (_steps is null)
            return false;
        IteratorDisposed = true;
        try
        {
            _steps.Dispose();
        }
        catch (Exception e)
        {
            DisposeFailure = e;
        }
        return true;
    }

    private StepResult Finish()
    {
        if (Response.Phase == ResponsePhase.NothingChosen)
            return Fail(new InvalidOperationException("The app finished without calling startResponse."));
        Response.Complete();
        Dispose();
        return StepResult.Completed;
    }

    private StepResult Fail(Exception failure)
    {
        Failure = failure;
        Ending = Response.End(500, failure);
        Dispose();
        return StepResult.Failed;
    }
}
