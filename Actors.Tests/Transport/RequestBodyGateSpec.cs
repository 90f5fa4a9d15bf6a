using System.Text;
using Resume.Transport.Connection;
using Resume.Transport.Http;

namespace Resume.Actors.Tests.Transport;

/// <summary>The request-body gate alone: pieces on demand, failures, and draining a body left unread.</summary>
public sealed class RequestBodyGateSpec
{
    [Fact]
    public void Each_ask_of_the_request_reading_its_body_takes_one_piece()
    {
        var gate = new RequestBodyGate(drainLimit: 100);
        var reader = new RecordingBodyReceiver();
        gate.Open(seq: 3);
        Assert.False(gate.WantsInput);

        Assert.Equal(RequestBodyGate.AskResult.Wanted, gate.Ask(3, reader));
        Assert.True(gate.WantsInput);
        Assert.Equal(RequestBodyGate.Progress.More, gate.Accept(Piece("ab", last: false)));
        Assert.False(gate.WantsInput);

        gate.Ask(3, reader);
        Assert.Equal(RequestBodyGate.Progress.Ended, gate.Accept(Piece("c", last: true)));
        Assert.Equal(new[] { "ab", "c" }, reader.Pieces);
        Assert.True(reader.SawEnd);
        Assert.False(gate.IsOpen);
    }

    [Fact]
    public void An_ask_for_another_request_or_a_body_being_dropped_is_not_this_body()
    {
        var gate = new RequestBodyGate(drainLimit: 100);
        var reader = new RecordingBodyReceiver();
        gate.Open(seq: 1);
        Assert.Equal(RequestBodyGate.AskResult.NotThisBody, gate.Ask(0, reader));

        Assert.True(gate.StartDraining(1));
        Assert.Equal(RequestBodyGate.AskResult.NotThisBody, gate.Ask(1, reader));
        Assert.Empty(reader.Pieces);
    }

    [Fact]
    public void A_body_that_breaks_a_rule_fails_the_waiting_read_or_the_next_one()
    {
        var rejection = new RequestRejectedException(RequestRejectionReason.BodyTooLarge, 10);
        var waiting = new RecordingBodyReceiver();
        var gate = new RequestBodyGate(drainLimit: 100);
        gate.Open(seq: 0);
        gate.Ask(0, waiting);
        Assert.True(gate.Fail(rejection));
        Assert.Same(rejection, waiting.Failure);

        var later = new RecordingBodyReceiver();
        gate = new RequestBodyGate(drainLimit: 100);
        gate.Open(seq: 0);
        Assert.True(gate.Fail(rejection));
        Assert.Null(later.Failure);
        Assert.Equal(RequestBodyGate.AskResult.Failed, gate.Ask(0, later));
        Assert.Same(rejection, later.Failure);
    }

    [Fact]
    public void A_failure_with_no_body_being_read_for_a_request_is_not_the_gates()
    {
        var gate = new RequestBodyGate(drainLimit: 100);
        Assert.False(gate.Fail(new RequestRejectedException(RequestRejectionReason.ClosedInBody)));
        gate.Open(seq: 0);
        gate.StartDraining(0);
        Assert.False(gate.Fail(new RequestRejectedException(RequestRejectionReason.ClosedInBody)));
    }

    [Fact]
    public void A_body_left_unread_is_dropped_up_to_the_limit()
    {
        var reader = new RecordingBodyReceiver();
        var gate = new RequestBodyGate(drainLimit: 4);
        gate.Open(seq: 0);
        gate.Ask(0, reader);
        Assert.False(gate.StartDraining(seq: 1));
        Assert.True(gate.StartDraining(seq: 0));
        Assert.True(gate.WantsInput);

        Assert.Equal(RequestBodyGate.Progress.More, gate.Accept(Piece("abcd", last: false)));
        Assert.Equal(RequestBodyGate.Progress.OverDrainLimit, gate.Accept(Piece("e", last: false)));
        Assert.Empty(reader.Pieces);

        gate.Open(seq: 1);
        gate.StartDraining(1);
        Assert.Equal(RequestBodyGate.Progress.Ended, gate.Accept(Piece("abc", last: true)));
        Assert.False(gate.IsOpen);
    }

    private static RequestBody Piece(string text, bool last) => new(Encoding.Latin1.GetBytes(text), last);
}
