namespace Resume.Actors.Requests;

/// <summary>
/// Where a <see cref="RequestActor"/> is in its life, and so which message moves it on. Whether a sent
/// part still waits for the stage's acceptance is the <see cref="ResponseSender"/>'s, not a phase:
/// a request may wait for a future and for that acceptance at once.
/// </summary>
internal enum RequestPhase
{
    /// <summary>Created; waits for <see cref="RequestActor.Start"/>.</summary>
    Starting,

    /// <summary>Stepping the app (only ever inside one message).</summary>
    Running,

    /// <summary>Waits for a future (the app's, or the pre-buffered body): resumed by <see cref="RequestActor.Resumed"/>.</summary>
    Suspended,

    /// <summary>Gave its thread to other actors, or backs off after empty chunks: resumed by its own continue message.</summary>
    Yielding,

    /// <summary>Waits only for the stage to accept what was sent (a slow client): resumed by <c>ResponseAccepted</c>.</summary>
    Backpressured,

    /// <summary>The response is over; the actor is stopping.</summary>
    Ended,
}
