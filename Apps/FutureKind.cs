using System.Runtime.CompilerServices;

namespace Resume.Apps;

/// <summary>
/// What a future an app yields waits on, as the server's status endpoint and metrics name it: the
/// futures of <see cref="Environ.Async"/>, <see cref="Environ.Cluster"/>, <see cref="Environ.Executor"/>
/// and <see cref="Step.Readable"/> / <see cref="Step.Writable"/> / <see cref="Step.Ready"/> carry
/// their kind. A future of the app's own shows its <see cref="Task.AsyncState"/> when that is a string
/// (<c>new TaskCompletionSource(state: "payment service")</c>) on the status endpoint, and is a plain
/// "future" otherwise.
/// </summary>
public static class FutureKind
{
    /// <summary>The request's body, read with <see cref="Environ.Input"/> (the server knows its own reads; this labels those made of several).</summary>
    public const string RequestBody = "request body";

    /// <summary>Outgoing I/O of <see cref="Environ.Async"/>: resolve, connect, read, write.</summary>
    public const string Io = "io";

    /// <summary>An entity's answer or a cluster job's result (<see cref="Environ.Cluster"/>).</summary>
    public const string Cluster = "cluster";

    /// <summary>A topic subscription's next message, or the subscription itself.</summary>
    public const string Topic = "topic";

    /// <summary>A socket becoming readable or writable.</summary>
    public const string Readiness = "readiness";

    /// <summary>Work on <see cref="Environ.Executor"/> (or <c>Async.SubmitAsync</c>).</summary>
    public const string Executor = "executor";

    // For futures made by async methods, whose AsyncState cannot be set: looked up without a lock,
    // and gone with the task.
    private static readonly ConditionalWeakTable<Task, string> Labels = new();

    /// <summary>Marks <paramref name="future"/> as waiting on <paramref name="kind"/>; returns it.</summary>
    public static T Label<T>(T future, string kind) where T : Task
    {
        if (!future.IsCompleted)
            Labels.AddOrUpdate(future, kind);
        return future;
    }

    /// <summary>The kind <paramref name="future"/> was labelled with, or its <see cref="Task.AsyncState"/> if a string; else null.</summary>
    public static string? Of(Task future) =>
        future.AsyncState as string ?? (Labels.TryGetValue(future, out var kind) ? kind : null);
}
