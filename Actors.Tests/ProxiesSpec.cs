using System.Buffers.Binary;
using System.Net;
using System.Text;
using Akka.Configuration;
using Resume.Actors.Hosting;
using Resume.Actors.Proxies;
using Resume.Actors.Tests.Support;
using Resume.Apps;
using Xunit.Abstractions;

namespace Resume.Actors.Tests;

/// <summary>
/// Behind proxies: trusted proxies' Forwarded / X-Forwarded-* headers set REMOTE_ADDR and
/// wsgi.url_scheme, anyone else's change nothing; the PROXY protocol (v1, v2) names the client on a
/// listener that has it on, and a connection without a header is closed. Over real sockets.
/// </summary>
public sealed class ProxiesSpec(ITestOutputHelper output) : ServerSpec(output), IDisposable
{
    private readonly TestCertificate _certificate = TestCertificate.Create();

    [Fact]
    public async Task A_trusted_proxys_X_Forwarded_headers_set_the_client_address_and_scheme()
    {
        var server = Start("trusted-proxies = [\"127.0.0.1\"]");

        var seen = await Ask(server, "X-Forwarded-For: 203.0.113.9\r\nX-Forwarded-Proto: https\r\n");

        Assert.Equal("203.0.113.9|https", Without(seen, port: true));
    }

    [Fact]
    public async Task Only_the_header_family_the_proxies_write_is_read_so_a_client_cannot_add_the_other()
    {
        // nginx appends to X-Forwarded-For and passes a Forwarded the client wrote through as it is.
        var xForwarded = Start("trusted-proxies = [\"127.0.0.0/8\"]");
        var spoof = await Ask(xForwarded, "Forwarded: for=6.6.6.6;proto=https\r\nX-Forwarded-For: 198.51.100.1\r\n");
        Assert.Equal("198.51.100.1|http", Without(spoof, port: true));

        // RFC 7239 when the proxies write it: a port and IPv6, and X-Forwarded-* ignored.
        var forwarded = Start("trusted-proxies = [\"127.0.0.0/8\"]\nforwarded-headers = forwarded");
        var seen = await Ask(forwarded, "Forwarded: for=\"[2001:db8:cafe::17]:4711\";proto=https\r\nX-Forwarded-For: 198.51.100.1\r\n");
        Assert.Equal("2001:db8:cafe::17|4711|https", seen);
    }

    [Fact]
    public async Task From_an_untrusted_peer_the_headers_change_nothing_but_reach_the_app()
    {
        var server = Start("trusted-proxies = [\"10.0.0.0/8\"]");

        var seen = await Ask(server, "X-Forwarded-For: 203.0.113.9\r\nX-Forwarded-Proto: https\r\nForwarded: for=198.51.100.7;proto=https\r\n", echoHeader: true);

        Assert.Equal("127.0.0.1|http|203.0.113.9", Without(seen, port: true));
    }

    [Fact]
    public async Task With_no_trusted_proxies_configured_nothing_is_believed()
    {
        var server = Start("");

        Assert.Equal("127.0.0.1|http", Without(await Ask(server, "X-Forwarded-For: 203.0.113.9\r\nX-Forwarded-Proto: https\r\n"), port: true));
    }

    [Fact]
    public void A_client_cannot_spoof_its_address_through_a_trusted_proxy_by_prepending_one()
    {
        // The client sent "X-Forwarded-For: 1.2.3.4"; the trusted proxy 10.0.0.2 appended the address it saw.
        var trusted = TrustedProxies.Parse(["10.0.0.0/8", "127.0.0.1"]);
        var client = ForwardedHeaders.Read([new("X-Forwarded-For", "1.2.3.4, 203.0.113.7"), new("X-Forwarded-For", "10.0.0.2")], trusted);

        Assert.Equal("203.0.113.7", client.Address);
        Assert.Null(client.Scheme);
        // Two proxies in step: each appends to both lists, so the client's hop says its scheme.
        var chained = ForwardedHeaders.Read([new("X-Forwarded-For", "203.0.113.7, 10.0.0.2"), new("X-Forwarded-Proto", "https, http")], trusted);
        Assert.Equal(("203.0.113.7", "https"), (chained.Address, chained.Scheme));
        // Every hop trusted: the leftmost is the client. Unknown or obfuscated: no address.
        var rfc = trusted.WithForwardedHeader(true);
        Assert.Equal("10.0.0.9", ForwardedHeaders.Read([new("Forwarded", "for=10.0.0.9, for=10.0.0.2")], rfc).Address);
        Assert.Null(ForwardedHeaders.Read([new("Forwarded", "for=unknown;proto=https")], rfc).Address);
        Assert.Null(ForwardedHeaders.Read([new("Forwarded", "for=6.6.6.6")], trusted).Address);
        Assert.Null(ForwardedHeaders.Read([new("X-Forwarded-Proto", "gopher")], trusted).Scheme);
    }

    [Fact]
    public void Trusted_proxies_are_checked_at_start_naming_the_key()
    {
        var error = Assert.Throws<SettingsException>(() => Settings("trusted-proxies = [\"10.0.0.0/8\", \"proxy.local\"]"));

        Assert.StartsWith("resume.server.trusted-proxies", error.Key);
        Assert.Contains("\"proxy.local\" is not an IP address", error.Message);
        Assert.True(TrustedProxies.Parse(["*"]).Contains(IPAddress.Parse("192.0.2.1")));
        Assert.True(TrustedProxies.Parse(["127.0.0.1"]).Contains(IPAddress.Parse("::ffff:127.0.0.1")));
    }

    [Fact]
    public async Task A_PROXY_v1_header_names_the_client()
    {
        var server = Start("proxy-protocol = on");

        var seen = await Ask(server, "", preamble: Encoding.ASCII.GetBytes("PROXY TCP4 198.51.100.4 127.0.0.1 40000 8080\r\n"));

        Assert.Equal("198.51.100.4|40000|http", seen);
    }

    [Fact]
    public async Task A_PROXY_v2_header_names_an_IPv6_client_and_LOCAL_leaves_the_peer()
    {
        var server = Start("proxy-protocol = on");

        Assert.Equal("2001:db8::5|5555|http", await Ask(server, "", preamble: V2Tcp6(IPAddress.Parse("2001:db8::5"), 5555)));
        Assert.Equal("127.0.0.1|http", Without(await Ask(server, "", preamble: V2Local()), port: true));
    }

    [Fact]
    public async Task The_PROXY_headers_client_is_the_peer_whose_forwarding_headers_are_judged()
    {
        var server = Start("proxy-protocol = on\ntrusted-proxies = [\"127.0.0.1\"]");

        // A client behind a TCP balancer claims another address: it is not a trusted proxy.
        var seen = await Ask(server, "X-Forwarded-For: 1.1.1.1\r\n", preamble: Encoding.ASCII.GetBytes("PROXY TCP4 198.51.100.4 127.0.0.1 40000 8080\r\n"));

        Assert.Equal("198.51.100.4|40000|http", seen);
    }

    [Fact]
    public async Task Without_a_PROXY_header_the_connection_is_closed_and_others_are_served()
    {
        var server = Start("proxy-protocol = on");
        await using var plain = await RawHttpClient.ConnectAsync(server.Endpoint);
        await using var garbage = await RawHttpClient.ConnectAsync(server.Endpoint);

        await plain.SendAsync(Get("/"));
        await garbage.SendAsync("PROXY TCP4 not-an-address\r\n\r\n");

        Assert.True(await plain.IsClosedByServerAsync());
        Assert.True(await garbage.IsClosedByServerAsync());
        Assert.Equal("198.51.100.4|40000|http", await Ask(server, "", preamble: Encoding.ASCII.GetBytes("PROXY TCP4 198.51.100.4 127.0.0.1 40000 8080\r\n")));
    }

    [Fact]
    public async Task A_PROXY_header_is_not_taken_from_a_peer_outside_trusted_proxies()
    {
        var server = Start("proxy-protocol = on\ntrusted-proxies = [\"10.0.0.0/8\"]");
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);

        await client.SendAsync("PROXY TCP4 198.51.100.4 127.0.0.1 40000 8080\r\n" + Get("/"));

        Assert.True(await client.IsClosedByServerAsync());
    }

    [Fact]
    public async Task On_the_HTTPS_listener_the_PROXY_header_comes_before_TLS()
    {
        var server = Start("https.proxy-protocol = on", _certificate.Hocon());
        await using var client = await TlsTestClient.ConnectAsync(server.HttpsEndpoint!, _certificate,
            preamble: Encoding.ASCII.GetBytes("PROXY TCP4 198.51.100.4 127.0.0.1 40000 443\r\n"));

        await client.SendAsync("GET / HTTP/1.1\r\nHost: test\r\n\r\n");

        Assert.Equal((200, "198.51.100.4|40000|https"), await client.ReadResponseAsync(TimeSpan.FromSeconds(20)));
    }

    public new void Dispose()
    {
        base.Dispose();
        _certificate.Dispose();
    }

    private static IEnumerable<Step> Seen(Environ environ, StartResponse startResponse)
    {
        var header = environ.TryGetValue("HTTP_X_FORWARDED_FOR", out var value) ? (string)value : "";
        var body = Encoding.ASCII.GetBytes($"{environ.RemoteAddr}|{environ[Environ.CgiKeys.RemotePort]}|{environ.UrlScheme}" + (header.Length > 0 && environ.PathInfo == "/echo" ? $"|{header}" : ""));
        startResponse("200 OK", [new("Content-Type", "text/plain"), new("Content-Length", body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        yield return body;
    }

    private async Task<string> Ask(ResumeServer server, string headers, byte[]? preamble = null, bool echoHeader = false)
    {
        await using var client = await RawHttpClient.ConnectAsync(server.Endpoint);
        if (preamble is not null)
            await client.SendAsync(preamble);
        await client.SendAsync($"GET {(echoHeader ? "/echo" : "/")} HTTP/1.1\r\nHost: test\r\n{headers}\r\n");
        var response = await client.ReadResponseAsync();
        Assert.Equal(200, response.Status);
        return response.BodyText;
    }

    /// <summary>The answer without its REMOTE_PORT (an ephemeral port of the test's own socket).</summary>
    private static string Without(string seen, bool port)
    {
        var parts = seen.Split('|').ToList();
        if (port)
            parts.RemoveAt(1);
        return string.Join('|', parts);
    }

    private ResumeServer Start(string server, string extra = "") => TestServers.Start(Sys, Seen, Settings(server, extra));

    private static ServerSettings Settings(string server, string extra = "")
    {
        var config = ConfigurationFactory.ParseString($"resume.server {{\n{server}\n}}\n{extra}");
        return ServerSettings.FromConfig(config.WithFallback(ResumeConfig.Defaults)) with { Host = "127.0.0.1", Port = 0 };
    }

    private static byte[] V2Tcp6(IPAddress source, ushort port)
    {
        var header = new byte[16 + 36];
        ProxyHeaderSignature().CopyTo(header, 0);
        header[12] = 0x21; // version 2, PROXY
        header[13] = 0x21; // TCP over IPv6
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(14), 36);
        source.GetAddressBytes().CopyTo(header, 16);
        IPAddress.IPv6Loopback.GetAddressBytes().CopyTo(header, 32);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(48), port);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(50), 8080);
        return header;
    }

    private static byte[] V2Local()
    {
        var header = new byte[16];
        ProxyHeaderSignature().CopyTo(header, 0);
        header[12] = 0x20; // version 2, LOCAL
        return header;
    }

    private static byte[] ProxyHeaderSignature() => Resume.Transport.Sockets.ProxyHeader.V2Signature.ToArray();
}
