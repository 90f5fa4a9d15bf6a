using Resume.Transport.Connection;

namespace Resume.Actors.Tests.Transport;

/// <summary>Expect: 100-continue alone.</summary>
public sealed class ExpectContinueGateSpec
{
    [Fact]
    public void The_first_read_makes_a_continue_owed_which_goes_once_while_the_response_has_not_begun()
    {
        var gate = new ExpectContinueGate();
        gate.Expect(seq: 2);
        Assert.False(gate.OnRead(seq: 1));
        Assert.False(gate.TryTakeOwed(requestAtFrontNotStarted: true));

        Assert.True(gate.OnRead(seq: 2));
        Assert.False(gate.OnRead(seq: 2));
        Assert.False(gate.TryTakeOwed(requestAtFrontNotStarted: false));
        Assert.True(gate.TryTakeOwed(requestAtFrontNotStarted: true));
        Assert.False(gate.TryTakeOwed(requestAtFrontNotStarted: true));
    }

    [Fact]
    public void A_continue_not_sent_when_the_response_ends_is_dropped()
    {
        var gate = new ExpectContinueGate();
        gate.Expect(seq: 0);
        gate.OnRead(seq: 0);
        gate.ResponseEnded();
        Assert.False(gate.TryTakeOwed(requestAtFrontNotStarted: true));
    }

    [Fact]
    public void A_response_to_a_body_never_asked_for_is_answered_unread_once()
    {
        var gate = new ExpectContinueGate();
        gate.Expect(seq: 5);
        Assert.False(gate.AnsweredUnread(seq: 4));
        Assert.True(gate.AnsweredUnread(seq: 5));
        Assert.False(gate.AnsweredUnread(seq: 5));
        Assert.False(gate.OnRead(seq: 5));

        gate.Expect(seq: 6);
        gate.OnRead(seq: 6);
        Assert.False(gate.AnsweredUnread(seq: 6));
    }
}
