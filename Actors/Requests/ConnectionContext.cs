using Akka.Actor;
using Resume.Actors.Logging;
using Resume.Actors.Stats;
using Resume.Apps;
using Resume.Apps.Cluster;
using Resume.Transport.Timeouts;

namespace Resume.Actors.Requests;

/// <summary>
/// What every request of one connection is served with: made once by the connection and shared by
/// its requests' <see cref="RequestActor.Start"/> messages, rather than copied into each.
/// </summary>
/// <param name="Stage">The connection's stage, which takes the responses.</param>
/// <param name="Timeouts">Where the requests' suspend timeouts, deadlines and async operations' timeouts are kept (the connection host's).</param>
/// <param name="Logs">The server's loggers (Resume.Request, Resume.App) and its access log, if on.</param>
public sealed record ConnectionContext(
    IActorRef Stage,
    ConnectionEndpoints Endpoints,
    RequestSettings Settings,
    ServerStats Stats,
    Executor Executor,
    TimeoutTable Timeouts,
    IClusterBackend Cluster,
    CancellationToken Stopping,
    ResumeLogs Logs)
{
    /// <summary><c>environ.Async</c>'s timeouts, on <see cref="Timeouts"/>.</summary>
    internal TimeoutScheduler AsyncTimeouts { get; } = new TableTimeoutScheduler(Timeouts);

    /// <summary>The request actors that wait for this connection's next request.</summary>
    internal IdleRequestActors IdleRequests { get; } = new();
}
