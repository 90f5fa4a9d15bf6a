using System.Text;
using System.Text.RegularExpressions;
using Resume.Transport.Http;
using Resume.Transport.Sockets;
using Xunit.Abstractions;
using static Resume.Actors.Tests.Transport.StageProbes;

namespace Resume.Actors.Tests.Transport;

/// <summary>The response renderer stage alone, between stream probes: response pieces in, the bytes of each write out.</summary>
public sealed partial class HttpResponseRendererSpec(ITestOutputHelper testOutput) : Akka.TestKit.Xunit2.TestKit(output: testOutput)
{
    private static readonly ResponseContext KeepAlive11 = new(IsHead: false, MinorVersion: 1, KeepAlive: true);

    [Fact]
    public void A_sized_response_leaves_as_one_write_with_its_head_and_the_connection_stays_open()
    {
        var (input, output) = Run(this, new HttpResponseRenderer("test"));
        output.Request(1);
        input.SendNext(new ResponseOut
        {
            Seq = 0,
            Context = KeepAlive11,
            Head = Head(200, "200 OK", contentLength: 5),
            Chunks = [Encoding.ASCII.GetBytes("hello")],
            IsFinal = true,
        });

        var (text, write) = Text(output.ExpectNext());
        Assert.Equal("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nDATE\r\nServer: test\r\n\r\nhello", text);
        Assert.False(write.CloseAfter);
    }

    [Fact]
    public void A_response_without_a_length_is_chunked_on_http_1_1_and_each_piece_waits_for_demand()
    {
        var (input, output) = Run(this, new HttpResponseRenderer("test"));
        output.Request(1);
        input.SendNext(new ResponseOut { Seq = 0, Context = KeepAlive11, Head = Head(200, "200 OK"), Chunks = [Encoding.ASCII.GetBytes("ab")] });
        Assert.EndsWith("Transfer-Encoding: chunked\r\n\r\n2\r\nab\r\n", Text(output.ExpectNext()).Text);

        input.SendNext(new ResponseOut { Seq = 0, Context = KeepAlive11, Chunks = [Encoding.ASCII.GetBytes("cde")], IsFinal = true });
        output.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        output.Request(1);
        var (last, write) = Text(output.ExpectNext());
        Assert.Equal("3\r\ncde\r\n0\r\n\r\n", last);
        Assert.False(write.CloseAfter);
    }

    [Fact]
    public void An_http_1_0_response_without_a_length_is_delimited_by_closing_and_the_stage_completes()
    {
        var (input, output) = Run(this, new HttpResponseRenderer("test"));
        output.Request(2);
        input.SendNext(new ResponseOut
        {
            Seq = 0,
            Context = new ResponseContext(IsHead: false, MinorVersion: 0, KeepAlive: true),
            Head = Head(200, "200 OK"),
            Chunks = [Encoding.ASCII.GetBytes("all of it")],
            IsFinal = true,
        });

        var (text, write) = Text(output.ExpectNext());
        Assert.Equal("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nDATE\r\nServer: test\r\nConnection: close\r\n\r\nall of it", text);
        Assert.True(write.CloseAfter);
        output.ExpectComplete();
    }

    [Fact]
    public void A_response_to_head_has_no_body_bytes()
    {
        var (input, output) = Run(this, new HttpResponseRenderer("test"));
        output.Request(1);
        input.SendNext(new ResponseOut
        {
            Seq = 0,
            Context = KeepAlive11 with { IsHead = true },
            Head = Head(200, "200 OK", contentLength: 5),
            Chunks = [Encoding.ASCII.GetBytes("hello")],
            IsFinal = true,
        });
        Assert.EndsWith("Content-Length: 5\r\nDATE\r\nServer: test\r\n\r\n", Text(output.ExpectNext()).Text);
    }

    [Fact]
    public void A_continue_is_an_interim_line_alone()
    {
        var (input, output) = Run(this, new HttpResponseRenderer("test"));
        output.Request(1);
        input.SendNext(new ResponseOut { Seq = 0, Context = ResponseContext.Unparsed, IsContinue = true });
        Assert.Equal("HTTP/1.1 100 Continue\r\n\r\n", Text(output.ExpectNext()).Text);
    }

    [Fact]
    public void An_aborted_response_gets_no_last_chunk_and_closes()
    {
        var (input, output) = Run(this, new HttpResponseRenderer("test"));
        output.Request(3);
        input.SendNext(new ResponseOut { Seq = 0, Context = KeepAlive11, Head = Head(200, "200 OK"), Chunks = [Encoding.ASCII.GetBytes("ab")] });
        output.ExpectNext();
        input.SendNext(new ResponseOut { Seq = 0, Context = KeepAlive11, Chunks = [Encoding.ASCII.GetBytes("c")], IsAbort = true });

        var (text, write) = Text(output.ExpectNext());
        Assert.Equal("1\r\nc\r\n", text);
        Assert.True(write.CloseAfter);
        Assert.False(write.ResetAfter); // the missing last chunk shows the cut
        output.ExpectComplete();
    }

    [Fact]
    public void An_aborted_close_delimited_response_closes_with_a_reset()
    {
        var (input, output) = Run(this, new HttpResponseRenderer("test"));
        output.Request(2);
        var http10 = new ResponseContext(IsHead: false, MinorVersion: 0, KeepAlive: false);
        input.SendNext(new ResponseOut { Seq = 0, Context = http10, Head = Head(200, "200 OK"), Chunks = [Encoding.ASCII.GetBytes("ab")] });
        Assert.False(output.ExpectNext().ResetAfter);
        input.SendNext(new ResponseOut { Seq = 0, Context = http10, Chunks = [Encoding.ASCII.GetBytes("c")], IsAbort = true });

        var (text, write) = Text(output.ExpectNext());
        Assert.Equal("c", text);
        Assert.True(write.CloseAfter);
        Assert.True(write.ResetAfter);
        output.ExpectComplete();
    }

    [Fact]
    public void A_body_longer_than_its_content_length_is_cut_there_and_the_connection_closes()
    {
        var (input, output) = Run(this, new HttpResponseRenderer("test"));
        output.Request(1);
        input.SendNext(new ResponseOut
        {
            Seq = 0,
            Context = KeepAlive11,
            Head = Head(200, "200 OK", contentLength: 3),
            Chunks = [Encoding.ASCII.GetBytes("abcdef")],
            IsFinal = true,
        });

        var (text, write) = Text(output.ExpectNext());
        Assert.EndsWith("\r\n\r\nabc", text);
        Assert.True(write.CloseAfter);
    }

    [Fact]
    public void The_servers_own_error_response_is_plain_text_and_closes_a_connection_whose_input_did_not_parse()
    {
        var (input, output) = Run(this, new HttpResponseRenderer("test"));
        output.Request(1);
        var rejection = new RequestRejectedException(RequestRejectionReason.MalformedRequestLine);
        input.SendNext(ErrorResponse.For(rejection).ToResponseOut(0, ResponseContext.Unparsed));

        var (text, write) = Text(output.ExpectNext());
        const string Body = "400 Bad Request: The request line is malformed.\n";
        Assert.Equal(
            $"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {Body.Length}\r\nDATE\r\nServer: test\r\nConnection: close\r\n\r\n{Body}",
            text);
        Assert.True(write.CloseAfter);
    }

    [Fact]
    public void A_failure_upstream_fails_the_stage_with_it()
    {
        var (input, output) = Run(this, new HttpResponseRenderer("test"));
        output.Request(1);
        var failure = new InvalidOperationException("upstream broke");
        input.SendError(failure);
        Assert.Same(failure, output.ExpectError());
    }

    private static ResponseHead Head(int status, string statusLine, long? contentLength = null)
    {
        List<KeyValuePair<string, string>> headers = [new("Content-Type", "text/plain")];
        if (contentLength is { } length)
            headers.Add(new("Content-Length", length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return ResponseHead.Checked(status, statusLine, headers, contentLength, close: false);
    }

    /// <summary>The bytes of one write as text, with the Date line (it changes each second) as <c>DATE</c>.</summary>
    private static (string Text, OutgoingBytes Write) Text(OutgoingBytes write)
    {
        var segments = new List<ArraySegment<byte>>();
        write.CopySegmentsTo(segments);
        var bytes = segments.SelectMany(s => s.ToArray()).ToArray();
        write.ReturnRented();
        return (DateLine().Replace(Encoding.Latin1.GetString(bytes), "DATE"), write);
    }

    [GeneratedRegex(@"Date: [^\r]+")]
    private static partial Regex DateLine();
}
