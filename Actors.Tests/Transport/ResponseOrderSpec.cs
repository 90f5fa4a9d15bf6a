using Akka.Actor;
using Resume.Transport.Connection;
using Resume.Transport.Http;

namespace Resume.Actors.Tests.Transport;

/// <summary>Pipelining order and limit alone.</summary>
public sealed class ResponseOrderSpec
{
    [Fact]
    public void Responses_leave_in_the_order_their_requests_came_whatever_order_they_are_ready_in()
    {
        var order = new ResponseOrder(maxInFlight: 16);
        var (first, second, third) = (order.Admit(), order.Admit(), order.Admit());
        order.Hold(Final(third), ActorRefs.Nobody);
        order.Hold(Final(second), ActorRefs.Nobody);
        Assert.False(order.TryTakeFront(out _, out _));

        order.Hold(Final(first), ActorRefs.Nobody);
        var left = new List<long>();
        while (order.TryTakeFront(out var part, out _))
        {
            left.Add(part.Seq);
            order.Sent(part);
        }
        Assert.Equal(new[] { first, second, third }, left);
        Assert.Equal(0, order.InFlight);
    }

    [Fact]
    public void A_response_in_several_pieces_keeps_the_front_until_its_last_piece()
    {
        var order = new ResponseOrder(maxInFlight: 16);
        var first = order.Admit();
        var second = order.Admit();
        order.Hold(Final(second), ActorRefs.Nobody);
        order.Hold(new ResponseOut { Seq = first, Context = ResponseContext.Unparsed }, ActorRefs.Nobody);

        Assert.True(order.TryTakeFront(out var piece, out _));
        order.Sent(piece);
        Assert.True(order.FrontStarted);
        Assert.False(order.TryTakeFront(out _, out _));

        order.Hold(Final(first), ActorRefs.Nobody);
        Assert.True(order.TryTakeFront(out var last, out _));
        order.Sent(last);
        Assert.False(order.FrontStarted);
        Assert.True(order.TryTakeFront(out var next, out _));
        Assert.Equal(second, next.Seq);
    }

    [Fact]
    public void An_abort_replaces_a_piece_of_the_same_response_still_waiting()
    {
        var order = new ResponseOrder(maxInFlight: 16);
        var seq = order.Admit();
        order.Hold(new ResponseOut { Seq = seq, Context = ResponseContext.Unparsed }, ActorRefs.Nobody);
        order.Hold(new ResponseOut { Seq = seq, Context = ResponseContext.Unparsed, IsAbort = true }, ActorRefs.Nobody);

        Assert.True(order.TryTakeFront(out var part, out _));
        Assert.True(part.IsAbort);
    }

    [Fact]
    public void No_more_requests_are_read_once_the_limit_is_in_flight_and_ended_ones_are_no_longer_in_flight()
    {
        var order = new ResponseOrder(maxInFlight: 2);
        var first = order.Admit();
        Assert.True(order.HasRoom);
        order.Admit();
        Assert.False(order.HasRoom);

        order.Hold(Final(first), ActorRefs.Nobody);
        Assert.True(order.TryTakeFront(out var part, out _));
        order.Sent(part);
        Assert.True(order.HasRoom);
        Assert.False(order.IsInFlight(first));
        Assert.True(order.IsInFlight(first + 1));
        Assert.False(order.IsInFlight(first + 2));
    }

    private static ResponseOut Final(long seq) => new() { Seq = seq, Context = ResponseContext.Unparsed, IsFinal = true };
}
