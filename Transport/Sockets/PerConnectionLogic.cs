using Akka.Streams.Stage;

namespace Resume.Transport.Sockets;

/// <summary>
/// The base of the stage logics materialized for every connection. It hands Akka the port counts
/// rather than the shape: <c>GraphStageLogic(Shape)</c> builds a log source from the shape's
/// <c>ToString</c> (a string join of its ports) and counts them with LINQ, for every logic of every
/// connection (1% of a one-request connection's CPU, and a log source held by each logic). The log
/// source is the logic's type name, asked for only if a logic logs.
/// </summary>
internal abstract class PerConnectionLogic(int inCount, int outCount) : GraphStageLogic(inCount, outCount)
{
    protected override object LogSource => GetType().FullName ?? nameof(PerConnectionLogic);
}
