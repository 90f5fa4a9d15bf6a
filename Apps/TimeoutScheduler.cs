namespace Resume.Apps;

/// <summary>
/// Arms the timeouts of <see cref="AsyncFacade"/> operations. Without a server they are the runtime's
/// timers (<see cref="Timers"/>); Resume passes its own, which keeps them on the same tick table as
/// every other timeout of the server.
/// </summary>
public abstract class TimeoutScheduler
{
    /// <summary>The runtime's timers: <see cref="CancellationTokenSource.CancelAfter(TimeSpan)"/>.</summary>
    public static TimeoutScheduler Timers { get; } = new RuntimeTimers();

    /// <summary>Cancels <paramref name="target"/> once <paramref name="timeout"/> has passed, unless the handle returned is disposed first.</summary>
    public abstract IDisposable CancelAfter(CancellationTokenSource target, TimeSpan timeout);

    private sealed class RuntimeTimers : TimeoutScheduler, IDisposable
    {
        public override IDisposable CancelAfter(CancellationTokenSource target, TimeSpan timeout)
        {
            target.CancelAfter(timeout);
            return this;
        }

        // The timer goes with its CancellationTokenSource.
        public void Dispose()
        {
        }
    }
}
