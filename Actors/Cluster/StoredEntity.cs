namespace Resume.Actors.Cluster;

/// <summary>What an entity with durable state keeps between its lives: the state, and the replies to its last requests that changed it.</summary>
public sealed record StoredEntity(object State, IReadOnlyList<RememberedReply> Recent);
