using Resume.Transport.Timeouts;

namespace Resume.Actors.Tests;

/// <summary>The timeout table and its tick alone (each reason through a real server: <see cref="TimeoutsSpec"/>).</summary>
public sealed class TimeoutTableSpec
{
    [Fact]
    public void A_passed_deadline_is_called_back_once_and_unset_ones_and_removed_ones_never()
    {
        var table = new TimeoutTable(TimeSpan.FromMilliseconds(100));
        var calls = new List<string>();
        var early = table.Add(TimeoutReason.KeepAlive, () => calls.Add("early"));
        var late = table.Add(TimeoutReason.Suspend, () => calls.Add("late"));
        table.Add(TimeoutReason.Deadline, () => calls.Add("unset"));
        var removed = table.Add(TimeoutReason.RequestHead, () => calls.Add("removed"));
        early.Set(1_000);
        late.Set(5_000);
        removed.Set(1_000);
        table.Remove(removed);

        table.Check(2_000);
        table.Check(3_000);
        Assert.Equal(["early"], calls);
        Assert.False(early.IsSet);
        Assert.True(late.IsSet);
        Assert.Equal(1, table.CountArmed(TimeoutReason.Suspend));
        Assert.Equal(0, table.CountArmed(TimeoutReason.KeepAlive));

        table.Remove(early);
        table.Check(6_000);
        Assert.Equal(["early", "late"], calls);
        Assert.Equal(2, table.Count);
    }

    [Fact]
    public void A_deadline_started_once_is_not_moved_and_when_called_back_waits_the_rest_or_has_passed()
    {
        var deadline = new TimeoutTable(TimeSpan.FromMilliseconds(100)).Add(TimeoutReason.KeepAlive, () => { });
        var now = Environment.TickCount64;
        deadline.StartIfUnset(now, TimeSpan.FromMinutes(1));
        deadline.StartIfUnset(now + 30_000, TimeSpan.FromMinutes(1));
        Assert.True(deadline.IsSet);

        Assert.False(deadline.HasPassed(now, TimeSpan.FromMinutes(1)));
        Assert.True(deadline.IsSet);
        Assert.True(deadline.HasPassed(now - 61_000, TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task Deadlines_set_and_removed_from_many_threads_while_the_table_ticks_are_each_called_back_once()
    {
        var table = new TimeoutTable(TimeSpan.FromMilliseconds(1));
        var calls = 0;
        using var ticking = new CancellationTokenSource();
        var ticker = Task.Run(async () =>
        {
            while (!ticking.IsCancellationRequested)
            {
                table.Check(Environment.TickCount64);
                await Task.Yield();
            }
        });

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 500; i++)
            {
                var deadline = table.Add(TimeoutReason.AsyncOperation, () => Interlocked.Increment(ref calls));
                deadline.Set(0);
                var removed = table.Add(TimeoutReason.AsyncOperation, () => throw new InvalidOperationException("removed before it was due"));
                removed.SetAfter(TimeSpan.FromHours(1));
                table.Remove(removed);
            }
        })));
        var deadlineToSee = DateTime.UtcNow.AddSeconds(10);
        while (Volatile.Read(ref calls) < 2_000 && DateTime.UtcNow < deadlineToSee)
            await Task.Delay(10);
        ticking.Cancel();
        await ticker;

        table.Check(long.MaxValue - 1);
        Assert.Equal(2_000, calls);
        Assert.Equal(0, table.CountArmed(TimeoutReason.AsyncOperation));
    }

    [Fact]
    public void Timeouts_are_looked_for_at_a_quarter_of_the_shortest_between_10_ms_and_100_ms()
    {
        Assert.Equal(TimeoutTick.Longest, TimeoutTick.For([TimeSpan.Zero]));
        Assert.Equal(TimeSpan.FromMilliseconds(75), TimeoutTick.For([TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(300), TimeSpan.Zero]));
        Assert.Equal(TimeSpan.FromMilliseconds(100), TimeoutTick.For([TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500)]));
        Assert.Equal(TimeSpan.FromMilliseconds(100), TimeoutTick.For([TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(75)]));
        Assert.Equal(TimeSpan.FromMilliseconds(10), TimeoutTick.For([TimeSpan.FromMilliseconds(5)]));
    }
}
