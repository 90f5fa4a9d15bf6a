using Akka.Actor;
using Resume.Actors.Cluster;
using Resume.Actors.Logging;
using Resume.Actors.Requests;
using Resume.Actors.Stats;
using Resume.Transport.Timeouts;

namespace Resume.Actors.Tests.Support;

/// <summary>What a connection gives its request actors, for specs that drive request actors without a server.</summary>
public static class TestConnections
{
    /// <summary>A connection whose stage is <paramref name="stage"/> (a probe, usually), with the test defaults and a local cluster facade.</summary>
    public static ConnectionContext Context(ActorSystem system, IActorRef stage, ServerStats? stats = null, TimeoutTable? timeouts = null) =>
        new(stage, ConnectionEndpoints.Unknown, TestServers.Settings.Request, stats ?? new ServerStats(), TestServers.Executor,
            timeouts ?? new TimeoutTable(TimeSpan.FromMilliseconds(10)),
            ClusterServices.StartLocal(system, TestServers.Settings.Cluster, ClusterTypes.Resolve(TestServers.Settings.Cluster), TestServers.Executor, () => 0),
            CancellationToken.None,
            ResumeLogs.Create(ResumeLoggerFactories.For(system, TestServers.Settings.Logging)));
}
