using Akka.Actor;
using Akka.Configuration;
using Resume.Actors.Hosting;

namespace Resume.Actors.Tests;

/// <summary>CoordinatedShutdown's phase timeouts cover the unbind delay and the drain deadline, whatever they are configured to.</summary>
public sealed class ShutdownPhasesSpec
{
    [Fact]
    public void The_default_phase_timeouts_cover_the_default_delay_and_deadline()
    {
        var config = ResumeConfig.Defaults;
        var settings = ServerSettings.FromConfig(config);
        Assert.True(ShutdownPhases.Covering(config, settings).IsEmpty);
        Assert.True(Timeout(config, ShutdownPhases.BeforeServiceUnbind) >= settings.UnbindDelay + ShutdownPhases.Margin);
        Assert.True(Timeout(config, ShutdownPhases.ServiceRequestsDone) >= settings.DrainDeadline + ShutdownPhases.Margin);
    }

    [Fact]
    public async Task Longer_durations_raise_the_phases_that_wait_on_them_as_the_actor_system_reads_them()
    {
        var config = ConfigurationFactory.ParseString("resume.shutdown.unbind-delay = 20s\nresume.shutdown.drain-deadline = 1m")
            .WithFallback(ResumeConfig.Defaults);
        var settings = ServerSettings.FromConfig(config);
        var system = ActorSystem.Create("phases", ShutdownPhases.Covering(config, settings).WithFallback(config));
        try
        {
            var shutdown = CoordinatedShutdown.Get(system);
            Assert.Equal(TimeSpan.FromSeconds(25), shutdown.Timeout(ShutdownPhases.BeforeServiceUnbind));
            Assert.Equal(TimeSpan.FromSeconds(65), shutdown.Timeout(ShutdownPhases.ServiceRequestsDone));
        }
        finally
        {
            await system.Terminate();
        }
    }

    [Fact]
    public void A_phase_configured_longer_than_needed_is_left_as_it_is()
    {
        var config = ConfigurationFactory.ParseString($"{ShutdownPhases.TimeoutKey(ShutdownPhases.ServiceRequestsDone)} = 2m")
            .WithFallback(ResumeConfig.Defaults);
        Assert.True(ShutdownPhases.Covering(config, ServerSettings.FromConfig(config)).IsEmpty);
    }

    private static TimeSpan Timeout(Config config, string phase) => config.GetTimeSpan(ShutdownPhases.TimeoutKey(phase));
}
