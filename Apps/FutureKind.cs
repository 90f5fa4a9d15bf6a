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

    // For futures made by async methods, whose AsyncState cannot be set: the last few labelled on
    // each thread. The server asks a future's kind on the thread that ran the app's step which made
    // and yielded it, so these are found there. (A ConditionalWeakTable did this for any thread, at a
    // GC dependent handle per labelled future: 0.4% of a cluster ask's CPU on the asking node.)
    private const int Remembered = 8;

    [ThreadStatic]
    private static (Task? Future, string Kind)[]? _recent;

    [ThreadStatic]
    private static int _next;

    /// <summary>
    /// Marks <paramref name="future"/> as waiting on <paramref name="kind"/>; returns it. Label a future
    /// in the step that yields it: the server reads the label on the thread that ran that step, among
    /// the last few labelled there (a future labelled elsewhere or long before shows as "future").
    /// </summary>
    public static T Label<T>(T future, string kind) where T : Task
    {
        if (!future.IsCompleted)
        {
            var recent = _recent ??= new (Task?, string)[Remembered];
            recent[_next] = (future, kind);
            _next = (_next + 1) % Remembered;
        }
        return future;
    }

    /// <summary>
    /// The kind <paramref name="future"/> was labelled with on this thread, among the last few, or its
    /// <see cref="Task.AsyncState"/> if a string; else null.
    /// </summary>
    public static string? Of(Task future)
    {
        if (future.AsyncState is string state)
            return state;
        if (_recent is { } recent)
        {
            foreach (var (labelled, kind) in recent)
            {
                if (ReferenceEquals(labelled, future))
                    return kind;
            }
        }
        return null;
    }
}
