namespace Resume.Actors.Cluster;

/// <summary>What a node tells the status endpoint of any node: its requests in flight and its entities by type.</summary>
public sealed record NodeReport(int InFlight, Dictionary<string, int> Entities);
