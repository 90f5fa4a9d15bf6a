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

    [Theory]
    [InlineData("Transfer-Encoding: gzip, chunked\r\n\r\n", RequestRejectionReason.UnsupportedTransferCoding, 501)]
    [InlineData("Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n", RequestRejectionReason.UnsupportedTransferCoding, 501)]
    [InlineData("Transfer-Encoding: chunked, gzip\r\n\r\n", RequestRejectionReason.ChunkedNotLast, 400)]
    [InlineData("Transfer-Encoding: chunked\r\n\r\n5;\r\nhello\r\n0\r\n\r\n", RequestRejectionReason.InvalidChunkExtension, 400)]
    // Whitespace between the size and its first ';' stays refused, as the gunicorn corpus has it for "0 ".
    [InlineData("Transfer-Encoding: chunked\r\n\r\n5 ;a\r\nhello\r\n0\r\n\r\n", RequestRejectionReason.MalformedChunkSize, 400)]
    [InlineData("Transfer-Encoding: chunked\r\n\r\n5;a@b\r\nhello\r\n0\r\n\r\n", RequestRejectionReason.InvalidChunkExtension, 400)]
    [InlineData("Transfer-Encoding: chunked\r\n\r\n5;a b\r\nhello\r\n0\r\n\r\n", RequestRejectionReason.InvalidChunkExtension, 400)]
    [InlineData("Transfer-Encoding: chunked\r\n\r\n5;a=\r\nhello\r\n0\r\n\r\n", RequestRejectionReason.InvalidChunkExtension, 400)]
    [InlineData("Transfer-Encoding: chunked\r\n\r\n5;a=\"open\r\nhello\r\n0\r\n\r\n", RequestRejectionReason.InvalidChunkExtension, 400)]
    [InlineData("Transfer-Encoding: chunked\r\n\r\n5;a=\x01\r\nhello\r\n0\r\n\r\n", RequestRejectionReason.InvalidChunkExtension, 400)]
    [InlineData("Transfer-Encoding: chunked\r\n\r\n5;name=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\nhello\r\n0\r\n\r\n", RequestRejectionReason.ChunkLineTooLong, 400)]
    [InlineData("Transfer-Encoding: chunked\r\n\r\n0\r\nContent-Length: 5\r\n\r\n", RequestRejectionReason.ForbiddenTrailer, 400)]
    [InlineData("Transfer-Encoding: chunked\r\n\r\n0\r\nX-Long: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n", RequestRejectionReason.TrailerLineTooLong, 431)]
    public void A_body_framing_or_chunk_line_that_breaks_a_rule_is_refused_with_its_reason(string afterHost, RequestRejectionReason reason, int status)
    {
        var limits = TestServers.Settings.Limits with { MaxChunkLine = 32, MaxHeaderField = 64 };
        var (_, error) = ToEnd(RunFrom(this, InPieces("POST / HTTP/1.1\r\nHost: x\r\n" + afterHost, maxPiece: 5), new HttpRequestParser(limits)));

        var rejection = Assert.IsType<RequestRejectedException>(error);
        Assert.Equal(reason, rejection.Reason);
        Assert.Equal(status, rejection.Status);
    }

    [Theory]
    [InlineData("5;name=value")]
    [InlineData("5;a;b=c;d")]
    [InlineData("5; a = b ;c")]
    [InlineData("5;q=\"quoted ;= \\\"text\\\" \xE9\"")]
    public void Chunk_extensions_of_the_RFC_grammar_are_accepted_and_ignored(string sizeLine)
    {
        var limits = TestServers.Settings.Limits;
        var request = $"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity, chunked\r\n\r\n{sizeLine}\r\nhello\r\n0;end\r\n\r\n";
        var (parts, error) = ToEnd(RunFrom(this, InPieces(request, maxPiece: 3), new HttpRequestParser(limits)));

        Assert.Null(error);
        Assert.Equal("hello", string.Concat(parts.OfType<RequestBody>().Select(b => Encoding.Latin1.GetString(b.Data.Span))));
    }

    [Fact]
    public void Empty_lines_before_a_request_line_are_ignored_even_a_byte_at_a_time_up_to_a_bound()
    {
        const string Requests = "\r\n\r\nGET /1 HTTP/1.1\r\nHost: x\r\n\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\n";
        var (parts, error) = ToEnd(RunFrom(this, InPieces(Requests, maxPiece: 1), new HttpRequestParser(TestServers.Settings.Limits)));
        Assert.Null(error);
        Assert.Equal(new[] { "/1", "/2" }, parts.Cast<RequestHead>().Select(h => h.Path));

        var tooMany = string.Concat(Enumerable.Repeat("\r\n", 9)) + "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
        (_, error) = ToEnd(RunFrom(this, InPieces(tooMany, maxPiece: 1), new HttpRequestParser(TestServers.Settings.Limits)));
        Assert.Equal(RequestRejectionReason.TooManyEmptyLinesBeforeRequest, Assert.IsType<RequestRejectedException>(error).Reason);

        (_, error) = ToEnd(RunFrom(this, InPieces("\rGET / HTTP/1.1\r\nHost: x\r\n\r\n", maxPiece: 1), new HttpRequestParser(TestServers.Settings.Limits)));
        Assert.Equal(RequestRejectionReason.MalformedRequestLine, Assert.IsType<RequestRejectedException>(error).Reason);
    }

    [Fact]
    public void Trailer_fields_are_dropped_even_those_a_trailer_may_not_carry_unless_they_frame_or_route()
    {
        const string Requests =
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
            "5\r\nhello\r\n0\r\nContent-Type: text/evil\r\nAuthorization: Basic eA==\r\nCache-Control: no-cache\r\nX-Checksum: 1\r\n\r\n" +
            "GET /next HTTP/1.1\r\nHost: x\r\n\r\n";
        var (parts, error) = ToEnd(RunFrom(this, InPieces(Requests, maxPiece: 4), new HttpRequestParser(TestServers.Settings.Limits)));

        Assert.Null(error);
        var heads = parts.OfType<RequestHead>().ToList();
        Assert.Equal(new[] { "/", "/next" }, heads.Select(h => h.Path));
        Assert.DoesNotContain(heads[0].Headers, h => h.Key is "Content-Type" or "Authorization");
        Assert.Equal("hello", string.Concat(parts.OfType<RequestBody>().Select(b => Encoding.Latin1.GetString(b.Data.Span))));
    }

    [Fact]
    public void An_expectation_of_100_continue_is_kept_for_HTTP_1_1_and_ignored_for_HTTP_1_0()
    {
        const string Requests =
            "POST /11 HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\na" +
            "POST /10 HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\nb";
        var (parts, error) = ToEnd(RunFrom(this, InPieces(Requests, maxPiece: 64), new HttpRequestParser(TestServers.Settings.Limits)));

        Assert.Null(error);
        var heads = parts.OfType<RequestHead>().ToList();
        Assert.True(heads[0].ExpectContinue);
        Assert.False(heads[1].ExpectContinue);
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
