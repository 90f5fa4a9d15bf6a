using Akka.Configuration;
using Resume.Actors.Hosting;

namespace Resume.Actors.Tests.Deploy;

/// <summary>
/// How long a node may take from SIGTERM to exit, as ../shared/CLUSTER-NOTES.md adds it up: the unbind
/// delay, the drain deadline, then the phases that hand the shards off and leave the cluster, each at
/// most its CoordinatedShutdown timeout. Every grace period in deploy/ must cover it.
/// </summary>
public sealed record DrainBudget(TimeSpan UnbindDelay, TimeSpan DrainDeadline, TimeSpan ShardHandOff, TimeSpan ClusterExiting)
{
    /// <summary>What a grace period must leave beyond the phases: the process starting its stop, and exiting after them.</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromSeconds(5);

    public TimeSpan Total => UnbindDelay + DrainDeadline + ShardHandOff + ClusterExiting;

    /// <summary>The budget of the configuration deploy/ runs with: the overlay over the embedded defaults, as the server loads it, over Akka's own.</summary>
    public static DrainBudget OfDeployment() => Of(DeployedConfig.Load());

    public static DrainBudget Of(Config config)
    {
        var settings = ServerSettings.FromConfig(config);
        var akka = config.WithFallback(ConfigurationFactory.Default());
        return new DrainBudget(
            settings.UnbindDelay,
            settings.DrainDeadline,
            akka.GetTimeSpan(ShutdownPhases.TimeoutKey("cluster-sharding-shutdown-region")),
            akka.GetTimeSpan(ShutdownPhases.TimeoutKey("cluster-exiting")));
    }

    public override string ToString() =>
        $"unbind delay {UnbindDelay.TotalSeconds} s + drain {DrainDeadline.TotalSeconds} s + hand-off {ShardHandOff.TotalSeconds} s + exiting {ClusterExiting.TotalSeconds} s = {Total.TotalSeconds} s";
}
