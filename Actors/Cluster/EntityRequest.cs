namespace Resume.Actors.Cluster;

/// <summary>
/// An ask of an entity, with an id the asker keeps when it sends it again: sharding delivers at most
/// once (a shard region drops what it buffered for a shard during a hand-off), so an ask without an
/// answer is resent, and the entity answers a request it has already handled with the reply it gave.
/// </summary>
public sealed record EntityRequest(Guid Id, object Message);
