using Akka.Actor;

namespace Resume.Actors.Cluster;

/// <summary>Answers <see cref="GetReport"/> with this node's <see cref="NodeReport"/>; lives at <see cref="Path"/> on every node.</summary>
public sealed class NodeReporter : ReceiveActor
{
    public const string Name = "resume-node-report";

    public const string Path = "/user/" + Name;

    public NodeReporter(Func<Task<NodeReport>> report) =>
        Receive<GetReport>(_ => report().PipeTo(Sender));

    public static Props Props(Func<Task<NodeReport>> report) => Akka.Actor.Props.Create(() => new NodeReporter(report));

    /// <summary>Asks a node for its report.</summary>
    public sealed record GetReport;
}
