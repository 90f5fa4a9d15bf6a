using Akka.Actor;

namespace Resume.Actors.Cluster;

/// <summary>
/// The process's exit code after its actor system stopped, from CoordinatedShutdown's reason: an
/// orchestrator restarts a node that exits non-zero, so a node that could not join or was downed
/// must not exit 0 as a node that was asked to stop does. (2 is a configuration error, Program.Main.)
/// </summary>
public static class ClusterExit
{
    /// <summary>No cluster joined within <c>resume.cluster.join-timeout</c>.</summary>
    public const int JoinFailed = 3;

    /// <summary>Removed from the cluster by a downing decision (the split-brain resolver, or an operator).</summary>
    public const int Downed = 4;

    public static int CodeFor(CoordinatedShutdown.Reason? reason) => reason switch
    {
        CoordinatedShutdown.ClusterJoinUnsuccessfulReason => JoinFailed,
        CoordinatedShutdown.ClusterDowningReason => Downed,
        _ => 0,
    };

    /// <summary>One line for stderr when the exit is not a normal stop; null otherwise.</summary>
    public static string? MessageFor(CoordinatedShutdown.Reason? reason, ClusterSettings settings) => reason switch
    {
        CoordinatedShutdown.ClusterJoinUnsuccessfulReason =>
            $"Cluster error: could not join a cluster through the seed nodes {string.Join(", ", settings.SeedNodes)} within {settings.JoinTimeout.TotalSeconds:0.###}s (resume.cluster.join-timeout); exit code {JoinFailed}",
        CoordinatedShutdown.ClusterDowningReason =>
            $"Cluster error: this node was downed (removed from the cluster); exit code {Downed}",
        _ => null,
    };
}
