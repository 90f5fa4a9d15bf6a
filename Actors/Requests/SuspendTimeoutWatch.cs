using Akka.Actor;
using Resume.Actors.Stats;

namespace Resume.Actors.Requests;

/// <summary>
/// Ends suspensions that outlive their app's suspend-timeout: every <c>interval</c> (see
/// <see cref="Transport.Connection.TimeoutTick"/>) it looks over the
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

    protected override void PreStart() => Timers.StartPeriodicTimer("look", Look.Instance, _interval);

    protected override bool Receive(object message)
    {
        if (message is not Look)
            return false;
        var now = Environment.TickCount64;
        // Enumerating the dictionary itself takes no lock and copies nothing (its Values would).
        foreach (var (_, request) in _stats.InFlight)
        {
            if (request.TakeExpiredSuspension(now))
                request.Request.Tell(RequestActor.SuspendTimeoutPassed.Instance);
        }
        return true;
    }

    private sealed class Look
    {
        public static readonly Look Instance = new();
    }
}
