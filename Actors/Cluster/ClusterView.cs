namespace Resume.Actors.Cluster;

/// <summary>The cluster as the status endpoint shows it: this node, and each member with its report or why there is none.</summary>
public sealed record ClusterView(string Self, IReadOnlyList<MemberView> Members);

/// <summary>A member as this node sees it; <paramref name="Report"/> null with <paramref name="Problem"/> saying why.</summary>
public sealed record MemberView(
    string Address, string Status, IReadOnlyList<string> Roles, DateTimeOffset? Since, bool Reachable, NodeReport? Report, string? Problem);
