using System.Text;
using Resume.Actors.Tests.Support;
using Resume.Transport.Http;

namespace Resume.Actors.Tests.Transport;

/// <summary>A connection's repeated target and header fields are parsed into the strings of its last head, never into wrong ones.</summary>
public sealed class HeadStringsSpec
{
    private static RequestHead Parse(string head, RequestHead? previous) =>
        HeadParser.Parse(Encoding.Latin1.GetBytes(head), TestServers.Settings.Limits, previous);

    [Fact]
    public void A_head_like_the_last_one_reuses_its_target_path_and_field_strings()
    {
        const string Head = "GET /items?page=2 HTTP/1.1\r\nHost: example.com:8080\r\nUser-Agent: probe/1.0\r\n\r\n";
        var first = Parse(Head, null);
        var second = Parse(Head, first);

        Assert.Same(first.Method, second.Method);
        Assert.Same(first.Target, second.Target);
        Assert.Same(first.Path, second.Path);
        Assert.Same(first.Query, second.Query);
        Assert.Same(first.Authority, second.Authority);
        for (var i = 0; i < first.Headers.Count; i++)
        {
            Assert.Same(first.Headers[i].Key, second.Headers[i].Key);
            Assert.Same(first.Headers[i].Value, second.Headers[i].Value);
        }
        Assert.NotSame(first.Headers, second.Headers);
    }

    [Fact]
    public void What_differs_from_the_last_head_is_parsed_anew_and_equals_a_parse_without_reuse()
    {
        var previous = Parse("GET /a HTTP/1.1\r\nHost: one\r\nAccept: text/plain\r\nX-Long: " + new string('x', 40) + "\r\n\r\n", null);
        // Same length, other bytes; a field gone, another moved; a Latin-1 value; a new method and target.
        const string Next = "PROPFIND /b?q=%C3%A9 HTTP/1.1\r\nHost: two\r\nX-Name: caf\u00e9\r\n\r\n";
        var reused = Parse(Next, previous);
        var fresh = HeadParser.Parse(Encoding.Latin1.GetBytes(Next), TestServers.Settings.Limits);

        Assert.Equal(fresh.Method, reused.Method);
        Assert.Equal("PROPFIND", reused.Method);
        Assert.Equal(fresh.Target, reused.Target);
        Assert.Equal(("/b", "q=%C3%A9"), (reused.Path, reused.Query));
        Assert.Equal(fresh.Headers, reused.Headers);
        Assert.Equal([new("Host", "two"), new("X-Name", "caf\u00e9")], reused.Headers);
        Assert.Equal("two", reused.Authority);
    }

    [Fact]
    public void A_field_with_an_underscore_is_dropped_and_the_rest_keep_their_order()
    {
        var head = Parse("GET / HTTP/1.1\r\nHost: h\r\nX_Forwarded: 1\r\nAccept: */*\r\n\r\n", null);

        Assert.Equal([new("Host", "h"), new("Accept", "*/*")], head.Headers);
    }
}
