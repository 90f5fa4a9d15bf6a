using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;

namespace Resume.Actors.Cluster;

/// <summary>
/// Tells every node this node's job load twice a second (a Distributed Pub/Sub topic), and keeps what
/// the others tell in <see cref="LoadTable"/>. Akka.Cluster.Metrics, whose adaptive router would do
/// this from CPU and memory, is not served here; jobs in flight measure what placement needs.
/// </summary>
public sealed class LoadGossip : ReceiveActor, IWithTimers
{
    public const string Topic = "resume.node-load";
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    public LoadGossip(IActorRef mediator, string self, NodeLoad load, LoadTable table)
    {
        Receive<SubscribeAck>(_ => { });
        Receive<Tick>(_ =>
        {
            table.Report(self, load.Running);
            mediator.Tell(new Publish(Topic, new LoadReport(self, load.Running)));
        });
        Receive<LoadReport>(report => table.Report(report.Node, report.Running));
        mediator.Tell(new Subscribe(Topic, Self));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef mediator, string self, NodeLoad load, LoadTable table) =>
        Akka.Actor.Props.Create(() => new LoadGossip(mediator, self, load, table));

    protected override void PreStart() => Timers.StartPeriodicTimer("tick", Tick.Instance, Interval);

    /// <summary>Node <paramref name="Node"/> (its address) runs <paramref name="Running"/> jobs.</summary>
    public sealed record LoadReport(string Node, int Running);

    private sealed class Tick
    {
        public static readonly Tick Instance = new();
    }
}
