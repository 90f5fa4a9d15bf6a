using System.Net;
using Resume.Actors.Hosting;

namespace Resume.Actors.Cluster;

/// <summary><c>resume.cluster</c>: whether this node joins a cluster, where it listens for other nodes, and whom it joins.</summary>
public sealed record ClusterSettings
{
    /// <summary>The actor system's name, part of every node's address: nodes of one cluster share it.</summary>
    public const string SystemName = "resume";

    public required bool Enabled { get; init; }

    /// <summary>The address the cluster (remoting) port binds to.</summary>
    public required string Host { get; init; }

    /// <summary>The cluster port; 0 picks a free one (only for a node no other lists as a seed).</summary>
    public required int Port { get; init; }

    /// <summary>The host name other nodes reach this one by; null for <see cref="Host"/>, or this machine's name when that is a wildcard.</summary>
    public required string? PublicHost { get; init; }

    /// <summary>The seed nodes in Akka's form (<c>akka.tcp://resume@host:port</c>).</summary>
    public required IReadOnlyList<string> SeedNodes { get; init; }

    public required IReadOnlyList<string> Roles { get; init; }

    /// <summary>A node that has not joined by then shuts down and exits non-zero (<see cref="ClusterExit"/>).</summary>
    public required TimeSpan JoinTimeout { get; init; }

    /// <summary>How long <c>environ.Cluster</c>'s asks and jobs may take when the app does not say.</summary>
    public required TimeSpan AskTimeout { get; init; }

    /// <summary>An ask of an entity with no answer after this is sent again (sharding may drop a message during a hand-off).</summary>
    public required TimeSpan AskResendAfter { get; init; }

    /// <summary>Shards per entity type (sharding's unit of placement): about ten times the most nodes.</summary>
    public required int NumberOfShards { get; init; }

    /// <summary>An entity idle this long is stopped (its durable state kept); zero: never.</summary>
    public required TimeSpan PassivateIdleAfter { get; init; }

    /// <summary>Entity types by the name apps use: a type name each (<see cref="ClusterTypes"/>).</summary>
    public required IReadOnlyDictionary<string, string> Entities { get; init; }

    /// <summary>Job types by the name apps use: a type name each.</summary>
    public required IReadOnlyDictionary<string, string> Jobs { get; init; }

    /// <summary>The host this node advertises: <see cref="PublicHost"/>, else <see cref="Host"/> unless that is a wildcard address.</summary>
    public string AdvertisedHost =>
        PublicHost ?? (IPAddress.TryParse(Host, out var address) && (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
            ? Dns.GetHostName()
            : Host);

    private static Dictionary<string, string> TypeNames(SettingsReader section) =>
        section.Keys.ToDictionary(name => name, name => section.Text(name, text => text.Contains(',', StringComparison.Ordinal) ? null : "is not \"Namespace.Type, Assembly\""), StringComparer.Ordinal);

    public static ClusterSettings Read(SettingsReader cluster)
    {
        var settings = new ClusterSettings
        {
            Enabled = cluster.Bool("enabled"),
            Host = cluster.Host("host"),
            Port = cluster.Int("port", 0, 65535),
            PublicHost = cluster.Text("public-host", text => text is "" ? null : SettingsReader.HostProblem(text)) is { Length: > 0 } publicHost
                ? publicHost
                : null,
            SeedNodes = [.. cluster.List("seed-nodes", SeedNode.Problem).Select(SeedNode.ToAddress)],
            Roles = cluster.List("roles", role => role.Trim().Length > 0 && !role.Contains(',', StringComparison.Ordinal) ? null : "is not a role name"),
            JoinTimeout = cluster.PositiveDuration("join-timeout"),
            AskTimeout = cluster.PositiveDuration("ask-timeout"),
            AskResendAfter = cluster.PositiveDuration("ask-resend-after"),
            NumberOfShards = cluster.Int("number-of-shards", 1),
            PassivateIdleAfter = cluster.Duration("passivate-idle-after"),
            Entities = TypeNames(cluster.Section("entities")),
            Jobs = TypeNames(cluster.Section("jobs")),
        };
        if (settings.Enabled && settings.SeedNodes.Count == 0)
            throw cluster.Refuse("seed-nodes", "is empty: with clustering on, list at least one seed node (this node's own host:port starts a new cluster)");
        return settings;
    }
}
