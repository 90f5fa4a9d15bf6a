using Akka.Actor;
using Akka.Event;
using Resume.Actors.Apps;
using Resume.Actors.Logging;
using Resume.Actors.Stats;
using Resume.Apps;
using Resume.Apps.Cluster;
using Resume.Transport.Http;
using Resume.Transport.Timeouts;

namespace Resume.Actors.Requests;

/// <summary>The messages a <see cref="RequestActor"/> handles or sends.</summary>
public sealed partial class RequestActor
{
    /// <summary>Starts a request: sent right after the actor is created, or when it is idle again (see <see cref="IdleRequestActors"/>).</summary>
    /// <param name="Aborted">Cancelled when the client goes away or the request times out; the connection may cancel it first.</param>
    /// <param name="Connection">What the connection's requests share.</param>
    public sealed record Start(
        AppRoute Route,
        RequestHead Head,
        long Seq,
        string RequestId,
        CancellationTokenSource Aborted,
        ConnectionContext Connection)
    {
        public IActorRef Stage => Connection.Stage;

        public ConnectionEndpoints Endpoints => Connection.Endpoints;

        public RequestSettings Settings => Connection.Settings;

        public ServerStats Stats => Connection.Stats;

        public Executor Executor => Connection.Executor;

        public TimeoutTable Timeouts => Connection.Timeouts;

        public IClusterBackend Cluster => Connection.Cluster;

        public CancellationToken Stopping => Connection.Stopping;

        public ResumeLogs Logs => Connection.Logs;
    }

    /// <summary>To the connection when a blocking request has stopped (only those are tracked there).</summary>
    public sealed record BlockingRequestEnded(IActorRef Request) : IDeadLetterSuppression;

    /// <summary>
    /// From the timeout table: the current suspension passed its suspend timeout (checked again here,
    /// since the request may have resumed meanwhile).
    /// </summary>
    public sealed class SuspendTimeoutPassed : IDeadLetterSuppression
    {
        public static readonly SuspendTimeoutPassed Instance = new();

        private SuspendTimeoutPassed()
        {
        }
    }

    /// <summary>
    /// From the connection: the server's drain deadline passed and the request ends now, with 503 and
    /// <c>Connection: close</c> if no header was sent, else cut short.
    /// </summary>
    public sealed class DrainDeadlinePassed : IDeadLetterSuppression
    {
        public static readonly DrainDeadlinePassed Instance = new();

        private DrainDeadlinePassed()
        {
        }
    }

    /// <summary>Test hook: throws <see cref="Error"/> inside the actor, as a bug of the server's own would.</summary>
    internal sealed record Crash(Exception Error);

    /// <summary>The future of suspension <see cref="Generation"/> completed (see <see cref="ResumeSignal"/>).</summary>
    internal sealed record Resumed(int Generation) : IDeadLetterSuppression;

    /// <summary>Step again: after yielding the thread to other actors, or after an empty-chunk back-off.</summary>
    private sealed class Continue : IDeadLetterSuppression
    {
        public static readonly Continue Instance = new();

        private Continue()
        {
        }
    }

    /// <summary>The deadline of the request numbered <paramref name="Seq"/> on its connection passed.</summary>
    private sealed record DeadlinePassed(long Seq) : IDeadLetterSuppression;
}
