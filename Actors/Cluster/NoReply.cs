namespace Resume.Actors.Cluster;

/// <summary>What an entity or a job answers when its handler returned null (a message cannot be null).</summary>
public sealed record NoReply
{
    public static readonly NoReply Instance = new();

    public static object Wrap(object? reply) => reply ?? Instance;

    public static object? Unwrap(object reply) => reply is NoReply ? null : reply;
}
