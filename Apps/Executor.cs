namespace Resume.Apps;

/// <summary>
/// Runs blocking or CPU-heavy work off the actor threads (<c>environ.Executor</c>) and returns its
/// future, to yield: <c>var hash = environ.Executor.Submit(() =&gt; Hash(data)); yield return hash;</c>
/// </summary>
public abstract class Executor
{
    /// <summary>Queues <paramref name="work"/>; work not started when <paramref name="cancellation"/> fires is cancelled.</summary>
    public abstract Task<T> Submit<T>(Func<T> work, CancellationToken cancellation = default);

    public Task Submit(Action work, CancellationToken cancellation = default) =>
        Submit<bool>(
            () =>
            {
                work();
                return true;
            },
            cancellation);
}
