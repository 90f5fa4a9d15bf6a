using System.Text;
using Resume.Actors.Tests.Support;
using Resume.Transport.Http;
using Xunit.Abstractions;
using static Resume.Actors.Tests.Transport.StageProbes;

namespace Resume.Actors.Tests.Transport;

/// <summary>The request parser stage alone, between stream probes: bytes in, heads and body pieces out, on demand.</summary>
public sealed class HttpRequestParserSpec(ITestOutputHelper testOutput) : Akka.TestKit.Xunit2.TestKit(output: testOutput)
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(200);

    [Fact]
    public void A_head_sent_a_byte_at_a_time_comes_out_whole()
    {
        var (input, output) = Run(this, new HttpRequestParser(TestServers.Settings.Limits));
        output.Request(1);
        foreach (var piece in InPieces("GET /a?b=c HTTP/1.1\r\nHost: example\r\nX-One: 1\r\n\r\n", maxPiece: 1))
            input.SendNext(piece);

        var head = Assert.IsType<RequestHead>(output.ExpectNext());
        Assert.Equal("GET", head.Method);
        Assert.Equal("/a", head.Path);
        Assert.Equal("b=c", head.Query);
        Assert.Equal("example", head.Authority);
        Assert.Equal(new KeyValuePair<string, string>[] { new("Host", "example"), new("X-One", "1") }, head.Headers);
        Assert.False(head.HasBody);
    }

    [Fact]
    public void Nothing_is_pushed_without_demand_and_the_body_follows_only_when_asked_for()
    {
        var (input, output) = Run(this, new HttpRequestParser(TestServers.Settings.Limits));
        output.EnsureSubscription();
        input.SendNext(Latin1("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"));
        output.ExpectNoMsg(Quiet);

        output.Request(1);
        Assert.Equal(5, Assert.IsType<RequestHead>(output.ExpectNext()).ContentLength);
        output.ExpectNoMsg(Quiet);

        output.Request(1);
        var body = Assert.IsType<RequestBody>(output.ExpectNext());
        Assert.Equal("hello", Encoding.Latin1.GetString(body.Data.Span));
        Assert.True(body.IsLast);
    }

    [Fact]
    public void A_body_that_arrives_in_pieces_comes_out_one_piece_per_pull()
    {
        var (input, output) = Run(this, new HttpRequestParser(TestServers.Settings.Limits));
        output.Request(1);
        input.SendNext(Latin1("PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\n\r\n"));
        Assert.IsType<RequestHead>(output.ExpectNext());

        var pieces = new List<RequestBody>();
        foreach (var piece in new[] { "abc", "def", "ghi" })
        {
            output.Request(1);
            input.SendNext(Latin1(piece));
            pieces.Add(Assert.IsType<RequestBody>(output.ExpectNext()));
        }
        Assert.Equal(new[] { "abc", "def", "ghi" }, pieces.Select(p => Encoding.Latin1.GetString(p.Data.Span)));
        Assert.Equal(new[] { false, false, true }, pieces.Select(p => p.IsLast));
    }

    [Fact]
    public void A_chunked_body_with_trailers_in_random_pieces_comes_out_whole_and_then_the_next_request()
    {
        const string Requests =
            "POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
            "5;name=value\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: ok\r\n\r\n" +
            "GET /next HTTP/1.1\r\nHost: x\r\n\r\n";
        var (parts, error) = ToEnd(RunFrom(this, InPieces(Requests, maxPiece: 3), new HttpRequestParser(TestServers.Settings.Limits)));

        Assert.Null(error);
        Assert.Equal("/up", Assert.IsType<RequestHead>(parts[0]).Path);
        var body = parts.Skip(1).TakeWhile(p => p is RequestBody).Cast<RequestBody>().ToList();
        Assert.Equal("hello, world", string.Concat(body.Select(b => Encoding.Latin1.GetString(b.Data.Span))));
        Assert.Equal(body.Count - 1, body.FindIndex(b => b.IsLast));
        Assert.Equal("/next", Assert.IsType<RequestHead>(parts[1 + body.Count]).Path);
        Assert.Equal(2 + body.Count, parts.Count);
    }

    [Fact]
    public void Pipelined_requests_in_one_read_come_out_one_per_pull()
    {
        var (input, output) = Run(this, new HttpRequestParser(TestServers.Settings.Limits));
        output.Request(1);
        input.SendNext(Latin1("GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\n"));
        Assert.Equal("/1", Assert.IsType<RequestHead>(output.ExpectNext()).Path);
        output.ExpectNoMsg(Quiet);
        output.Request(1);
        Assert.Equal("/2", Assert.IsType<RequestHead>(output.ExpectNext()).Path);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\nHost: x\r\n\r\n", RequestRejectionReason.BareLineFeedInHead, 400)]
    [InlineData("GET / HTTP/1.1\r\n\r\n", RequestRejectionReason.MissingHost, 400)]
    [InlineData("get / HTTP/1.1\r\nHost: x\r\n\r\n", RequestRejectionReason.InvalidMethod, 400)]
    [InlineData("GET / HTTP/2.0\r\nHost: x\r\n\r\n", RequestRejectionReason.UnsupportedVersion, 505)]
    [InlineData("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", RequestRejectionReason.ContentLengthWithTransferEncoding, 400)]
    [InlineData("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: zstd, chunked\r\n\r\n", RequestRejectionReason.UnsupportedTransferCoding, 501)]
    [InlineData("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 200\r\n\r\n", RequestRejectionReason.BodyTooLarge, 413)]
    [InlineData("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", RequestRejectionReason.MalformedChunkSize, 400)]
    [InlineData("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nHost: y\r\n\r\n", RequestRejectionReason.ForbiddenTrailer, 400)]
    [InlineData("GET /aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", RequestRejectionReason.RequestLineTooLong, 414)]
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\n X-Folded: yes\r\n\r\n", RequestRejectionReason.ObsoleteLineFolding, 400)]
    public void Bad_input_in_small_pieces_fails_the_stage_with_its_reason_and_status(string request, RequestRejectionReason reason, int status)
    {
        var limits = TestServers.Settings.Limits with { MaxRequestLine = 40, MaxBodySize = 100 };
        var (parts, error) = ToEnd(RunFrom(this, InPieces(request, maxPiece: 4), new HttpRequestParser(limits)));

        var rejection = Assert.IsType<RequestRejectedException>(error);
        Assert.Equal(reason, rejection.Reason);
        Assert.Equal(status, rejection.Status);
        // A head whose body then breaks a rule comes out before the error; nothing else does.
        Assert.True(parts.Count <= 1);
    }

    [Fact]
    public void A_connection_that_closes_inside_a_head_or_a_body_is_refused_and_one_that_closes_between_requests_completes()
    {
        var (input, output) = Run(this, new HttpRequestParser(TestServers.Settings.Limits));
        output.Request(1);
        input.SendNext(Latin1("GET / HTTP/1.1\r\nHo"));
        input.SendComplete();
        Assert.Equal(RequestRejectionReason.ClosedInHead, Assert.IsType<RequestRejectedException>(output.ExpectError()).Reason);

        (input, output) = Run(this, new HttpRequestParser(TestServers.Settings.Limits));
        output.Request(2);
        input.SendNext(Latin1("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nab"));
        Assert.IsType<RequestHead>(output.ExpectNext());
        Assert.IsType<RequestBody>(output.ExpectNext());
        input.SendComplete();
        // The body's end is looked for when the next piece is asked for.
        output.Request(1);
        Assert.Equal(RequestRejectionReason.ClosedInBody, Assert.IsType<RequestRejectedException>(output.ExpectError()).Reason);

        (input, output) = Run(this, new HttpRequestParser(TestServers.Settings.Limits));
        output.Request(2);
        input.SendNext(Latin1("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
        Assert.IsType<RequestHead>(output.ExpectNext());
        input.SendComplete();
        output.ExpectComplete();
    }
}
