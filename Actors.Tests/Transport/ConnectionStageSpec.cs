using System.Text;
using Akka.Actor;
using Akka.TestKit;
using Resume.Actors.Tests.Support;
using Resume.Transport.Connection;
using Resume.Transport.Http;
using Xunit.Abstractions;
using static Resume.Actors.Tests.Transport.StageProbes;

namespace Resume.Actors.Tests.Transport;

/// <summary>
/// The connection stage alone, between stream probes, with a test probe as its connection actor and
/// as the requests: the concerns it routes between, seen from outside.
/// </summary>
public sealed class ConnectionStageSpec(ITestOutputHelper testOutput) : Akka.TestKit.Xunit2.TestKit(output: testOutput)
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(200);

    [Fact]
    public void Pipelined_responses_leave_in_request_order_and_no_more_than_the_limit_are_read()
    {
        var (connection, stage, input, output) = Start(TestServers.Settings.Connection with { MaxPipelined = 2 });
        output.Request(10);
        input.SendNext(Head("GET /1 HTTP/1.1\r\nHost: x\r\n\r\n"));
        input.SendNext(Head("GET /2 HTTP/1.1\r\nHost: x\r\n\r\n"));
        input.SendNext(Head("GET /3 HTTP/1.1\r\nHost: x\r\n\r\n"));
        var first = connection.ExpectMsg<RequestArrived>();
        var second = connection.ExpectMsg<RequestArrived>();
        connection.ExpectNoMsg(Quiet);

        stage.Tell(Answer(second, "two"));
        stage.Tell(Answer(first, "one"));
        var one = output.ExpectNext();
        Assert.Equal(first.Seq, one.Seq);
        Assert.True(one.MoreFollow);
        Assert.Equal(second.Seq, output.ExpectNext().Seq);
        Assert.Equal("/3", connection.ExpectMsg<RequestArrived>().Head.Path);
    }

    [Fact]
    public void A_response_piece_is_acknowledged_only_once_downstream_took_it()
    {
        var (connection, stage, input, output) = Start(TestServers.Settings.Connection);
        input.SendNext(Head("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
        var arrived = connection.ExpectMsg<RequestArrived>();
        var request = CreateTestProbe();

        stage.Tell(new ResponseOut { Seq = arrived.Seq, Context = ResponseContext.For(arrived.Head), Chunks = [Encoding.ASCII.GetBytes("a")] }, request.Ref);
        request.ExpectNoMsg(Quiet);
        output.Request(1);
        Assert.False(output.ExpectNext().IsLast);
        Assert.Equal(arrived.Seq, request.ExpectMsg<ResponseAccepted>().Seq);
    }

    [Fact]
    public void A_body_is_read_only_when_its_request_asks_and_the_first_ask_answers_expect_continue()
    {
        var (connection, stage, input, output) = Start(TestServers.Settings.Connection);
        output.Request(10);
        input.SendNext(Head("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n"));
        var arrived = connection.ExpectMsg<RequestArrived>();
        input.SendNext(new RequestBody(Encoding.ASCII.GetBytes("abc"), isLast: true));
        var reader = new RecordingBodyReceiver();
        output.ExpectNoMsg(Quiet);

        stage.Tell(new ReadBody(arrived.Seq, reader));
        Assert.True(output.ExpectNext().IsContinue);
        AwaitAssert(() => Assert.Equal(new[] { "abc" }, reader.Pieces.ToArray()), TimeSpan.FromSeconds(5));
        Assert.True(reader.SawEnd);
    }

    [Fact]
    public void Input_that_did_not_parse_is_answered_after_the_responses_before_it_and_then_the_connection_ends()
    {
        var (connection, stage, input, output) = Start(TestServers.Settings.Connection);
        output.Request(10);
        input.SendNext(Head("GET /1 HTTP/1.1\r\nHost: x\r\n\r\n"));
        var first = connection.ExpectMsg<RequestArrived>();
        input.SendError(new RequestRejectedException(RequestRejectionReason.MalformedRequestLine));
        Assert.Equal(400, connection.ExpectMsg<RequestRejected>().Status);
        output.ExpectNoMsg(Quiet);

        stage.Tell(Answer(first, "one"));
        Assert.Equal(first.Seq, output.ExpectNext().Seq);
        var rejection = output.ExpectNext();
        Assert.Equal(400, rejection.Head!.Status);
        Assert.False(rejection.Context.KeepAlive);
        output.ExpectComplete();
        Assert.False(connection.ExpectMsg<ConnectionEnded>().ClientGone);
    }

    [Fact]
    public void A_client_that_half_closes_gets_the_responses_to_its_requests_and_then_the_connection_ends()
    {
        var (connection, stage, input, output) = Start(TestServers.Settings.Connection);
        output.Request(10);
        input.SendNext(Head("GET /1 HTTP/1.1\r\nHost: x\r\n\r\n"));
        input.SendNext(Head("GET /2 HTTP/1.1\r\nHost: x\r\n\r\n"));
        var first = connection.ExpectMsg<RequestArrived>();
        var second = connection.ExpectMsg<RequestArrived>();

        // The FIN comes before either response is ready: the stage goes on.
        input.SendComplete();
        connection.ExpectNoMsg(Quiet);
        stage.Tell(Answer(first, "one"));
        Assert.Equal(first.Seq, output.ExpectNext().Seq);
        stage.Tell(Answer(second, "two"));
        Assert.Equal(second.Seq, output.ExpectNext().Seq);

        output.ExpectComplete();
        var ended = connection.ExpectMsg<ConnectionEnded>();
        Assert.False(ended.ClientGone);
        Assert.Equal("client half-closed", ended.Reason);
    }

    [Fact]
    public void With_AbortOnClientFin_a_FIN_with_a_request_in_flight_ends_the_connection_as_gone()
    {
        var (connection, _, input, output) = Start(TestServers.Settings.Connection with { AbortOnClientFin = true });
        output.Request(10);
        input.SendNext(Head("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
        connection.ExpectMsg<RequestArrived>();

        input.SendComplete();

        output.ExpectComplete();
        Assert.True(connection.ExpectMsg<ConnectionEnded>().ClientGone);
    }

    [Fact]
    public void A_FIN_between_requests_ends_the_connection_either_way()
    {
        foreach (var abortOnFin in new[] { false, true })
        {
            var (connection, stage, input, output) = Start(TestServers.Settings.Connection with { AbortOnClientFin = abortOnFin });
            output.Request(10);
            input.SendNext(Head("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
            var arrived = connection.ExpectMsg<RequestArrived>();
            stage.Tell(Answer(arrived, "one"));
            output.ExpectNext();

            input.SendComplete();

            output.ExpectComplete();
            Assert.False(connection.ExpectMsg<ConnectionEnded>().ClientGone);
        }
    }

    private (TestProbe Connection, IActorRef Stage, Akka.Streams.TestKit.TestPublisher.Probe<RequestPart> In, Akka.Streams.TestKit.TestSubscriber.Probe<ResponseOut> Out) Start(
        ConnectionSettings settings)
    {
        var connection = CreateTestProbe();
        var (input, output) = Run(this, new ConnectionStage(settings), new ConnectionAttribute(connection.Ref));
        connection.ExpectMsg<StageStarted>();
        return (connection, connection.LastSender, input, output);
    }

    private static RequestHead Head(string head) => HeadParser.Parse(Encoding.ASCII.GetBytes(head), TestServers.Settings.Limits);

    private static ResponseOut Answer(RequestArrived request, string text) =>
        ErrorResponse.For(200, text).ToResponseOut(request.Seq, ResponseContext.For(request.Head));
}
