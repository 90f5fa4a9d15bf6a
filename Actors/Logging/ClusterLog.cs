using Microsoft.Extensions.Logging;

namespace Resume.Actors.Logging;

/// <summary>The lines of category <c>Resume.Cluster</c>: this node's membership as an operator follows it.</summary>
internal static partial class ClusterLog
{
    [LoggerMessage(EventId = 401, Level = LogLevel.Information, Message = "Cluster node {Address}: joining through the seeds {Seeds}")]
    public static partial void Joining(ILogger log, string address, string seeds);

    [LoggerMessage(EventId = 402, Level = LogLevel.Information, Message = "Cluster node {Address} is Up")]
    public static partial void Up(ILogger log, string address);

    [LoggerMessage(EventId = 403, Level = LogLevel.Information, Message = "Cluster node {Address} was removed from the cluster")]
    public static partial void Removed(ILogger log, string address);
}
