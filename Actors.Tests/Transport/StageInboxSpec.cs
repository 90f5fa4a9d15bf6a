using Resume.Transport.Connection;
using Xunit.Abstractions;

namespace Resume.Actors.Tests.Transport;

/// <summary>
/// The connection stage's inbox on its own, its wake-up driven by hand as the stage's async callback
/// would: a burst of messages wakes the stage once, they come out in the order told with their
/// senders, a message after the stage found the inbox empty wakes it again (so senders on many
/// threads lose none), and nothing is kept once the stage stopped.
/// </summary>
public sealed class StageInboxSpec(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(output: output)
{
    [Fact]
    public void A_burst_wakes_the_stage_once_and_comes_out_in_order_with_its_senders()
    {
        var wakes = 0;
        var inbox = new StageInbox(Sys, () => wakes++);
        var senders = Enumerable.Range(0, 3).Select(_ => CreateTestProbe().Ref).ToList();

        // More than the ring's first size, so that it grows part way round.
        for (var i = 0; i < 11; i++)
            inbox.Tell(i, senders[i % 3]);
        Assert.Equal(1, wakes);

        for (var i = 0; i < 11; i++)
        {
            Assert.True(inbox.TryTake(out var sender, out var message));
            Assert.Equal(i, message);
            Assert.Same(senders[i % 3], sender);
        }
        Assert.False(inbox.TryTake(out _, out _));
    }

    [Fact]
    public void A_message_after_the_stage_found_the_inbox_empty_wakes_it_again_and_none_before()
    {
        var wakes = 0;
        var inbox = new StageInbox(Sys, () => wakes++);
        inbox.Tell("first", TestActor);
        Assert.True(inbox.TryTake(out _, out var first));
        Assert.Equal("first", first);

        // Taken, but the stage has not yet looked again: it will, so no second wake-up.
        inbox.Tell("second", TestActor);
        Assert.Equal(1, wakes);
        Assert.True(inbox.TryTake(out _, out var second));
        Assert.Equal("second", second);
        Assert.False(inbox.TryTake(out _, out _));

        inbox.Tell("third", TestActor);
        Assert.Equal(2, wakes);
        Assert.True(inbox.TryTake(out _, out var third));
        Assert.Equal("third", third);
    }

    [Fact]
    public void Messages_wrap_round_the_ring_in_order_while_the_stage_keeps_up()
    {
        var inbox = new StageInbox(Sys, () => { });
        var next = 0;
        for (var told = 0; told < 40; told += 3)
        {
            for (var i = told; i < told + 3; i++)
                inbox.Tell(i, TestActor);
            for (var i = 0; i < 3; i++)
            {
                Assert.True(inbox.TryTake(out _, out var message));
                Assert.Equal(next++, message);
            }
        }
        Assert.False(inbox.TryTake(out _, out _));
    }

    [Fact]
    public async Task Senders_on_many_threads_lose_no_message_and_no_wake_up_and_each_keeps_its_order()
    {
        const int Senders = 4, PerSender = 20_000;
        using var woken = new SemaphoreSlim(0);
        var inbox = new StageInbox(Sys, () => woken.Release());
        var probes = Enumerable.Range(0, Senders).Select(_ => CreateTestProbe().Ref).ToArray();
        var seen = new int[Senders];
        // The stage's side: after each wake-up, take until the inbox is empty, as ConnectionStage does.
        var stage = Task.Run(async () =>
        {
            var taken = 0;
            while (taken < Senders * PerSender)
            {
                Assert.True(await woken.WaitAsync(TimeSpan.FromSeconds(10)), $"no wake-up with {taken} messages taken");
                while (inbox.TryTake(out var sender, out var message))
                {
                    var from = Array.IndexOf(probes, sender);
                    Assert.Equal(seen[from]++, (int)message);
                    taken++;
                }
            }
        });
        var senders = Enumerable.Range(0, Senders).Select(s => Task.Run(() =>
        {
            for (var i = 0; i < PerSender; i++)
            {
                inbox.Tell(i, probes[s]);
                // Now and then a pause, so that the stage empties the inbox and must be woken again.
                if (i % 500 == 0)
                    Thread.Sleep(1);
            }
        }));
        await Task.WhenAll(senders);
        await stage.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.All(seen, count => Assert.Equal(PerSender, count));
    }

    [Fact]
    public void After_the_stage_stopped_messages_are_dropped_and_wake_nothing()
    {
        var wakes = 0;
        var inbox = new StageInbox(Sys, () => wakes++);
        inbox.Tell("held", TestActor);
        inbox.Close();
        inbox.Tell("late", TestActor);

        Assert.Equal(1, wakes);
        Assert.False(inbox.TryTake(out _, out _));
        // Its path exists when asked for (dead-letter logs, equality), under the system's temporary actors.
        Assert.Equal("temp", inbox.Path.Parent.Name);
    }
}
