using Akka.Actor;

namespace Resume.Actors.Requests;

/// <summary>
/// Sends <see cref="RequestActor.Resumed"/> when a suspension's future completes. One per request,
/// re-armed at each suspension: a suspension ends only by its continuation or by the request ending,
/// so the generation it holds when it fires is the one it was armed with. It holds the actor's ref,
/// not the actor, so a long-lived future the app yielded does not keep an ended request's state alive.
/// (Not PipeTo: an awaiter continuation with one delegate per request allocates nothing per suspension.)
/// </summary>
internal sealed class ResumeSignal
{
    private readonly IActorRef _request;
    private int _generation;
    private Task? _future;

    public ResumeSignal(IActorRef request)
    {
        _request = request;
        Fire = Send;
    }

    public Action Fire { get; }

    public void Arm(int generation, Task future)
    {
        Volatile.Write(ref _generation, generation);
        Volatile.Write(ref _future, future);
    }

    private void Send()
    {
        // Read a fault here too, so a future the request stopped waiting for is not reported unobserved.
        if (Volatile.Read(ref _future) is { IsFaulted: true } faulted)
            _ = faulted.Exception;
        _request.Tell(new RequestActor.Resumed(Volatile.Read(ref _generation)));
    }
}
