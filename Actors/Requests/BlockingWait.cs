using Resume.Transport.Timeouts;

namespace Resume.Actors.Requests;

/// <summary>
/// A blocking app's future, waited on where its step runs (the blocking dispatcher's thread), under
/// the same suspend timeout a suspension has: a <see cref="TimeoutReason.Suspend"/> deadline on the
/// request's timeout table, which here cancels the wait rather than sending a message.
/// </summary>
internal static class BlockingWait
{
    public enum Outcome
    {
        /// <summary>The future completed, in any way: the app reads the outcome from it.</summary>
        Completed,

        /// <summary>The request's Aborted fired first (the client went away).</summary>
        Aborted,

        /// <summary>The suspend timeout passed first.</summary>
        TimedOut,
    }

    public static Outcome Wait(Task future, TimeoutTable timeouts, TimeSpan suspendTimeout, CancellationToken aborted)
    {
        // Not disposed: the table's tick may still be cancelling it as the wait ends.
        var timedOut = new CancellationTokenSource();
        TimeoutTable.Deadline? deadline = null;
        if (suspendTimeout > TimeSpan.Zero)
        {
            deadline = timeouts.Add(TimeoutReason.Suspend, () => _ = timedOut.CancelAsync());
            deadline.SetAfter(suspendTimeout);
        }
        using var either = CancellationTokenSource.CreateLinkedTokenSource(aborted, timedOut.Token);
        try
        {
            future.Wait(either.Token);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            return Outcome.Aborted;
        }
        catch (OperationCanceledException)
        {
            // The suspend timeout passed.
        }
        catch (AggregateException)
        {
            // Faulted or cancelled: the app reads the outcome from the future.
        }
        finally
        {
            if (deadline is not null)
                timeouts.Remove(deadline);
        }
        return future.IsCompleted ? Outcome.Completed : Outcome.TimedOut;
    }
}
