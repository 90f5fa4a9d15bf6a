using Resume.Transport.Connection;

namespace Resume.Actors.Tests;

/// <summary>The connection hosts' deadline table alone (the timeouts it drives are tested through sockets in ProtocolEdgesSpec).</summary>
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
    public void Deadlines_are_checked_at_a_quarter_of_the_shortest_timeout_between_10_ms_and_1_s()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(125), ConnectionDeadlines.TickFor(TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500)));
        Assert.Equal(TimeSpan.FromSeconds(1), ConnectionDeadlines.TickFor(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(75)));
        Assert.Equal(TimeSpan.FromMilliseconds(10), ConnectionDeadlines.TickFor(TimeSpan.FromMilliseconds(5)));
    }
}
