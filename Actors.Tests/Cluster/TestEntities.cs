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

/// <summary>A job that sleeps: it keeps a node's job load up for as long as the test needs.</summary>
public sealed class NapJob : Job
{
    public override object? Run(object? data, JobContext context)
    {
        Thread.Sleep(((Nap)data!).Milliseconds);
        return context.NodeName;
    }

    public sealed record Nap(int Milliseconds);
}
