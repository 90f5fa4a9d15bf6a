using System.Globalization;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Cluster.Hosting.SBR;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Microsoft.Extensions.Logging;
using Resume.Actors.Hosting;
using Resume.Actors.Logging;
using AkkaCluster = Akka.Cluster.Cluster;

namespace Resume.Actors.Cluster;

/// <summary>
/// Makes the actor system a cluster node (Akka.Cluster.Hosting): remoting on the configured host and
/// port, static seed nodes, roles, the keep-majority split-brain resolver, and a bounded join.
/// Called after the HOCON is added, so these options win over it; the resolver's timings stay in
/// HOCON (<c>akka.cluster.split-brain-resolver</c>), which no option here sets.
/// </summary>
public static class ClusterNode
{
    public static void Configure(AkkaConfigurationBuilder akka, ClusterSettings settings)
    {
        akka.WithRemoting(new RemoteOptions
        {
            HostName = settings.Host,
            Port = settings.Port,
            PublicHostName = settings.AdvertisedHost,
        });
        akka.WithClustering(new ClusterOptions
        {
            SeedNodes = [.. settings.SeedNodes],
            Roles = [.. settings.Roles],
            SplitBrainResolver = new KeepMajorityOption(),
        });
        // Past it Akka runs CoordinatedShutdown with ClusterJoinUnsuccessfulReason; Main exits 3.
        akka.AddHocon(
            new ConfigOverrides()
                .Set("akka.cluster.shutdown-after-unsuccessful-join-seed-nodes",
                    string.Create(CultureInfo.InvariantCulture, $"{(long)settings.JoinTimeout.TotalMilliseconds}ms"))
                .ToConfig(),
            HoconAddMode.Prepend);
    }

    /// <summary>For readiness: why this node's membership keeps it from taking requests (null once it is Up).</summary>
    public static Func<string?> Membership(ActorSystem system)
    {
        var cluster = AkkaCluster.Get(system);
        // SelfMember is the cluster's read view, kept current by its own actor: a field read, no ask.
        // Until the node joins, the view shows it Removed.
        return () => cluster.SelfMember.Status switch
        {
            MemberStatus.Up => null,
            MemberStatus.Removed => "not a cluster member (yet)",
            var status => $"cluster member {status}",
        };
    }

    /// <summary>Logs (category Resume.Cluster) this node joining, coming Up and being removed: what an operator follows.</summary>
    public static void LogMembership(ActorSystem system, ClusterSettings settings, ILogger log)
    {
        var cluster = AkkaCluster.Get(system);
        var address = cluster.SelfAddress.ToString();
        ClusterLog.Joining(log, address, string.Join(", ", settings.SeedNodes));
        cluster.RegisterOnMemberUp(() => ClusterLog.Up(log, address));
        cluster.RegisterOnMemberRemoved(() => ClusterLog.Removed(log, address));
    }
}
