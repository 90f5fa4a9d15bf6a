using Resume.Transport.Connection;
using Resume.Transport.Timeouts;

namespace Resume.Actors.Tests;

/// <summary>The connection hosts' deadline table and the timeout tick alone (the timeouts it drives are tested through sockets in ProtocolEdgesSpec).</summary>
public sealed class ConnectionDeadlinesSpec
{
    [Fact]
    public void A_passed_deadline_is_called_back_once_and_unset_ones_and_removed_ones_never()
    {
        var deadlines = new ConnectionDeadlines(TimeSpan.FromMilliseconds(100));
        var calls = new List<string>();
        var early = deadlines.Add(() => calls.Add("early"));
        var late = deadlines.Add(() => calls.Add("late"));
        deadlines.Add(() => calls.Add("unset"));
        var removed = deadlines.Add(() => calls.Add("removed"));
        early.Set(1_000);
        late.Set(5_000);
        removed.Set(1_000);
        deadlines.Remove(removed);

        deadlines.Check(2_000);
        deadlines.Check(3_000);
        Assert.Equal(["early"], calls);
        Assert.False(early.IsSet);
        Assert.True(late.IsSet);

        deadlines.Remove(early);
        deadlines.Check(6_000);
        Assert.Equal(["early", "late"], calls);
    }

    [Fact]
    public void A_deadline_started_once_is_not_moved_and_when_called_back_waits_the_rest_or_has_passed()
    {
        var deadline = new ConnectionDeadlines(TimeSpan.FromMilliseconds(100)).Add(() => { });
        var now = Environment.TickCount64;
        deadline.StartIfUnset(now, TimeSpan.FromMinutes(1));
        deadline.StartIfUnset(now + 30_000, TimeSpan.FromMinutes(1));
        Assert.True(deadline.IsSet);

        Assert.False(deadline.HasPassed(now, TimeSpan.FromMinutes(1)));
        Assert.True(deadline.IsSet);
        Assert.True(deadline.HasPassed(now - 61_000, TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public void Timeouts_are_looked_for_at_a_quarter_of_the_shortest_between_10_ms_and_1_s()
    {
        Assert.Null(TimeoutTick.For([TimeSpan.Zero]));
        Assert.Equal(TimeSpan.FromMilliseconds(75), TimeoutTick.For([TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(300), TimeSpan.Zero]));
        Assert.Equal(TimeSpan.FromMilliseconds(125), TimeoutTick.For([TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500)]));
        Assert.Equal(TimeSpan.FromSeconds(1), TimeoutTick.For([TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(75)]));
        Assert.Equal(TimeSpan.FromMilliseconds(10), TimeoutTick.For([TimeSpan.FromMilliseconds(5)]));
    }
}
