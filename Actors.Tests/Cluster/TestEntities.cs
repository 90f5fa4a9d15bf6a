using Resume.Apps.Cluster;

namespace Resume.Actors.Tests.Cluster;

/// <summary>An entity that never answers (its handler's task never completes): for timeouts and cancellation.</summary>
public sealed class SilentEntity(string id) : Entity(id)
{
    public override object? Handle(object message) => new TaskCompletionSource<object?>().Task;
}

/// <summary>An entity that answers which node it lives on and how many messages it took.</summary>
public sealed class WhereEntity(string id) : Entity(id)
{
    private int _messages;

    public override object? Handle(object message) => $"{Id}:{++_messages}:{message}";
}
