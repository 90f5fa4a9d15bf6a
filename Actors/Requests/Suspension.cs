using Akka.Actor;

namespace Resume.Actors.Requests;

/// <summary>
/// The future a request waits on, since when, and how it is resumed: a body read is completed on the
/// stream's thread, which resumes the request itself; any other future through a <see cref="ResumeSignal"/>.
/// Each suspension has a generation, so a late signal of an earlier one is told apart.
/// </summary>
internal sealed class Suspension(IActorRef request)
{
    // Made at the first suspension: most requests never wait.
    private ResumeSignal? _signal;
    private int _generation;

    public Task? Future { get; private set; }

    /// <summary>When the current suspension began (<see cref="Environment.TickCount64"/>).</summary>
    public long Since { get; private set; }

    public void Begin(Task future, StreamedRequestInput? body)
    {
        Future = future;
        Since = Environment.TickCount64;
        var signal = _signal ??= new ResumeSignal(request);
        signal.Arm(++_generation, future);
        if (body?.NotifyWhenDone(future, signal.Fire) == true)
            return;
        future.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(signal.Fire);
    }

    /// <summary>Ends the suspension if <paramref name="generation"/> is the current one's; false for a stale signal.</summary>
    public bool TryEnd(int generation)
    {
        if (generation != _generation || Future is null)
            return false;
        // The app reads a fault from the future; reading it here also marks it observed.
        _ = Future.Exception;
        Future = null;
        return true;
    }

    /// <summary>How long the current suspension has lasted.</summary>
    public TimeSpan Elapsed => TimeSpan.FromMilliseconds(Environment.TickCount64 - Since);
}
