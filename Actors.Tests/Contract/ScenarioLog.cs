using System.Collections.Concurrent;
using Resume.Apps;

namespace Resume.Actors.Tests.Contract;

/// <summary>What a scenario's app saw from the inside, filled by the app itself: the same on either runner.</summary>
public sealed class ScenarioLog
{
    private readonly ConcurrentQueue<string> _seen = new();
    private readonly TaskCompletionSource _disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposals;

    /// <summary>Completes when the app reaches the point its scenario holds it at (a future only an abort ends).</summary>
    public TaskCompletionSource Suspended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The <see cref="Write"/> the app kept, for scenarios that call it from outside later.</summary>
    public Write? KeptWrite { get; set; }

    public int Disposals => Volatile.Read(ref _disposals);

    public Task Disposed => _disposed.Task;

    /// <summary>The things seen, in order: exception type names and events such as "aborted".</summary>
    public string Seen => string.Join(",", _seen);

    public void See(string what) => _seen.Enqueue(what);

    public void See(Exception error) => _seen.Enqueue(error.GetType().Name);

    /// <summary>Called from the app's <c>finally</c>: WSGI's close().</summary>
    public void Dispose()
    {
        Interlocked.Increment(ref _disposals);
        _disposed.TrySetResult();
    }

    /// <summary>Calls the kept write, as an app would from a callback after the fact, and logs what it threw.</summary>
    public void WriteFromOutside()
    {
        try
        {
            KeptWrite!("late"u8.ToArray());
            See("accepted");
        }
        catch (Exception e)
        {
            See(e);
        }
    }
}
