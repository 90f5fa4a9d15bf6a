using Resume.Apps;
using Resume.Transport.Timeouts;

namespace Resume.Actors.Requests;

/// <summary>
/// Keeps <c>environ.Async</c> timeouts on the connection host's <see cref="TimeoutTable"/>
/// (<see cref="TimeoutReason.AsyncOperation"/>), like every other timeout of the server.
/// </summary>
internal sealed class TableTimeoutScheduler(TimeoutTable table) : TimeoutScheduler
{
    public override IDisposable CancelAfter(CancellationTokenSource target, TimeSpan timeout)
    {
        var deadline = table.Add(TimeoutReason.AsyncOperation, () => Cancel(target));
        deadline.SetAfter(timeout);
        return new Armed(table, deadline);
    }

    private static void Cancel(CancellationTokenSource target)
    {
        try
        {
            // Not Cancel: the operation's continuations must not run on the table's ticking thread.
            _ = target.CancelAsync();
        }
        catch (ObjectDisposedException)
        {
            // The operation ended while its timeout was being taken.
        }
    }

    private sealed class Armed(TimeoutTable table, TimeoutTable.Deadline deadline) : IDisposable
    {
        public void Dispose() => table.Remove(deadline);
    }
}
