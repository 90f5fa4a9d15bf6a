using Akka.Actor;
using Resume.Actors.Stats;

namespace Resume.Actors.Requests;

/// <summary>
/// Ends suspensions that outlive their app's suspend-timeout: every <c>interval</c> it looks over the
/// requests in flight and tells those past their deadline (<see cref="RequestActor.SuspendTimeoutPassed"/>).
/// One periodic look for the whole server, as Kestrel checks its timeouts on a heartbeat, instead of
/// a scheduled and cancelled timer per suspension: those cost a timer registration and a
/// cancellation source each, held for as long as the request waits.
/// </summary>
public sealed class SuspendTimeoutWatch : ActorBase, IWithTimers
{
    private readonly ServerStats _stats;
    private readonly TimeSpan _interval;

    public SuspendTimeoutWatch(ServerStats stats, TimeSpan interval)
    {
        _stats = stats;
        _interval = interval;
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(ServerStats stats, TimeSpan interval) => Akka.Actor.Props.Create(() => new SuspendTimeoutWatch(stats, interval));

    /// <summary>
    /// How often to look for <paramref name="timeouts"/>: a quarter of the shortest, so a suspension
    /// ends at most 25% late, between 10 ms and 1 s. Null when no timeout is set.
    /// </summary>
    public static TimeSpan? IntervalFor(IEnumerable<TimeSpan> timeouts)
    {
        var shortest = timeouts.Where(t => t > TimeSpan.Zero).DefaultIfEmpty(TimeSpan.Zero).Min();
        if (shortest == TimeSpan.Zero)
            return null;
        return TimeSpan.FromTicks(Math.Clamp(shortest.Ticks / 4, TimeSpan.FromMilliseconds(10).Ticks, TimeSpan.FromSeconds(1).Ticks));
    }

    protected override void PreStart() => Timers.StartPeriodicTimer("look", Look.Instance, _interval);

    protected override bool Receive(object message)
    {
        if (message is not Look)
            return false;
        var now = Environment.TickCount64;
        // Enumerating the dictionary itself takes no lock and copies nothing (its Values would).
        foreach (var (_, request) in _stats.InFlight)
        {
            if (request.Request is { } actor && request.TakeExpiredSuspension(now))
                actor.Tell(RequestActor.SuspendTimeoutPassed.Instance);
        }
        return true;
    }

    private sealed class Look
    {
        public static readonly Look Instance = new();
    }
}
