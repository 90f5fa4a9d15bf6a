using Resume.Transport.Timeouts;

namespace Resume.Actors.Tests.Transport;

/// <summary>A phase's time limit on the deadline table alone (driven by hand, as the host's tick would).</summary>
public sealed class PhaseTimeoutSpec
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [Fact]
    public void A_phase_running_past_its_limit_has_expired()
    {
        var table = new TimeoutTable(TimeSpan.FromSeconds(1));
        var calls = 0;
        var timeout = new PhaseTimeout(table, TimeoutReason.KeepAlive, Limit, () => calls++);
        var longAgo = Environment.TickCount64 - (long)Limit.TotalMilliseconds - 1;
        timeout.Start(longAgo);

        table.Check(longAgo + (long)Limit.TotalMilliseconds - 1);
        Assert.Equal(0, calls);
        table.Check(Environment.TickCount64);
        Assert.Equal(1, calls);
        Assert.True(timeout.HasExpired());
    }

    [Fact]
    public void A_phase_that_stopped_is_not_over_and_one_begun_again_waits_its_own_limit()
    {
        var table = new TimeoutTable(TimeSpan.FromSeconds(1));
        var calls = 0;
        var timeout = new PhaseTimeout(table, TimeoutReason.KeepAlive, Limit, () => calls++);
        var now = Environment.TickCount64;
        var longAgo = now - (long)Limit.TotalMilliseconds - 1;
        timeout.Start(longAgo);
        timeout.Stop();
        table.Check(now);
        Assert.Equal(1, calls);
        Assert.False(timeout.IsRunning);
        Assert.False(timeout.HasExpired());

        // Begun again just now: the deadline set for the earlier phase passes, and moves to this one's end.
        timeout.Start(longAgo);
        timeout.Start(now);
        table.Check(now);
        Assert.Equal(2, calls);
        Assert.False(timeout.HasExpired());
        table.Check(now + (long)Limit.TotalMilliseconds - 1);
        Assert.Equal(2, calls);
        table.Check(now + (long)Limit.TotalMilliseconds);
        Assert.Equal(3, calls);
    }

    [Fact]
    public void A_removed_timeout_is_never_called_back()
    {
        var table = new TimeoutTable(TimeSpan.FromSeconds(1));
        var calls = 0;
        var timeout = new PhaseTimeout(table, TimeoutReason.KeepAlive, Limit, () => calls++);
        timeout.Start(0);
        timeout.Remove();
        table.Check(long.MaxValue - 1);
        Assert.Equal(0, calls);
    }
}
