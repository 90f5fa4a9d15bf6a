using System.Collections.Concurrent;
using Resume.Apps;

namespace Resume.Actors.Apps;

/// <summary>
/// <c>environ.Executor</c>: a fixed set of threads of its own, so blocking or CPU-heavy work
/// neither runs on nor starves the threads that run actors and streams.
/// </summary>
public sealed class DedicatedExecutor : Executor, IDisposable
{
    private readonly BlockingCollection<Action> _queue = new();
    private readonly Thread[] _threads;

    public DedicatedExecutor(int threads, string name = "resume-executor")
    {
        _threads = Enumerable.Range(0, threads)
            .Select(i => new Thread(Work) { IsBackground = true, Name = $"{name}-{i}" })
            .ToArray();
        foreach (var thread in _threads)
            thread.Start();
    }

    public override Task<T> Submit<T>(Func<T> work, CancellationToken cancellation = default)
    {
        // Its AsyncState names it for the status endpoint and metrics (what a request waits on).
        var result = new TaskCompletionSource<T>(FutureKind.Executor, TaskCreationOptions.RunContinuationsAsynchronously);
        var registration = cancellation.Register(() => result.TrySetCanceled(cancellation));
        _queue.Add(() =>
        {
            registration.Dispose();
            if (result.Task.IsCompleted)
                return;
            try
            {
                result.TrySetResult(work());
            }
            catch (Exception e)
            {
                result.TrySetException(e);
            }
        });
        return result.Task;
    }

    public void Dispose() => _queue.CompleteAdding();

    private void Work()
    {
        foreach (var item in _queue.GetConsumingEnumerable())
            item();
    }
}
