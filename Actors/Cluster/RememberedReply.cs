namespace Resume.Actors.Cluster;

/// <summary>The reply an entity gave a request that changed its state, kept with the state, for the request's resends.</summary>
/// <param name="ReplyType">The reply's type (assembly-qualified), or null for no reply.</param>
/// <param name="ReplyJson">The reply as JSON, or null for no reply.</param>
public sealed record RememberedReply(Guid Id, string? ReplyType, string? ReplyJson);
