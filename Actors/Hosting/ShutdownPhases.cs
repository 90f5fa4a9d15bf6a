using System.Globalization;
using Akka.Configuration;

namespace Resume.Actors.Hosting;

/// <summary>
/// CoordinatedShutdown cuts a phase's tasks at its timeout, so the phases that wait on Resume's
/// own durations (the unbind delay, the drain deadline) are raised at start to cover them: an
/// operator who lengthens a duration need not find the phase that bounds it.
/// </summary>
public static class ShutdownPhases
{
    public const string BeforeServiceUnbind = "before-service-unbind";
    public const string ServiceRequestsDone = "service-requests-done";

    /// <summary>What a phase gets beyond the duration it waits: its task's own work, and the ask's slack.</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromSeconds(5);

    /// <summary>The phase timeouts of <paramref name="config"/> that must be longer for <paramref name="settings"/>, raised; empty when all suffice.</summary>
    public static Config Covering(Config config, ServerSettings settings) =>
        new ConfigOverrides()
            .Set(TimeoutKey(BeforeServiceUnbind), Raised(config, BeforeServiceUnbind, settings.UnbindDelay + Margin))
            .Set(TimeoutKey(ServiceRequestsDone), Raised(config, ServiceRequestsDone, settings.DrainDeadline + Margin))
            .ToConfig();

    public static string TimeoutKey(string phase) => $"akka.coordinated-shutdown.phases.{phase}.timeout";

    private static string? Raised(Config config, string phase, TimeSpan needed)
    {
        var key = TimeoutKey(phase);
        var configured = config.HasPath(key) ? config.GetTimeSpan(key) : config.GetTimeSpan("akka.coordinated-shutdown.default-phase-timeout", TimeSpan.FromSeconds(5));
        return configured >= needed ? null : string.Create(CultureInfo.InvariantCulture, $"{(long)needed.TotalMilliseconds}ms");
    }
}
