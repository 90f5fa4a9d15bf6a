namespace Resume.Apps.Cluster;

/// <summary>A node of the cluster as this node sees it.</summary>
/// <param name="Address">Its cluster address (akka.tcp://resume@host:port), or "local".</param>
/// <param name="Status">Joining, Up, Leaving, Exiting, Down, Removed; Up for a node alone.</param>
/// <param name="Reachable">False while this node's failure detector cannot reach it.</param>
public sealed record ClusterMember(string Address, string Status, IReadOnlyList<string> Roles, bool Reachable);
