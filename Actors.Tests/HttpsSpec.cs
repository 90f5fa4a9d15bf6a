using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Akka.Configuration;
using Resume.Actors.Hosting;
using Resume.Actors.Tests.Support;
using Resume.Apps;
using Resume.Apps.Samples;
using Xunit.Abstractions;

namespace Resume.Actors.Tests;

/// <summary>
/// The HTTPS listener (<c>resume.server.https</c>) on real sockets, with a certificate each test makes:
/// TLS 1.2 and 1.3, ALPN http/1.1, wsgi.url_scheme, plain and HTTPS side by side, max-connections across
/// both, handshakes that fail, large bodies both ways, and a certificate that is not there.
/// </summary>
public sealed class HttpsSpec(ITestOutputHelper output) : ServerSpec(output), IDisposable
{
    private readonly TestCertificate _certificate = TestCertificate.Create();

    [Theory]
    [InlineData(SslProtocols.Tls12)]
    [InlineData(SslProtocols.Tls13)]
    public async Task HttpClient_gets_200_over_each_TLS_version(SslProtocols protocol)
    {
        var server = Start();
        using var client = HttpsClient(protocol);

        var response = await client.GetAsync(Url(server, "/hello"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Hello, World!", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(SslProtocols.Tls12)]
    [InlineData(SslProtocols.Tls13)]
    public async Task ALPN_agrees_on_http_1_1_and_the_app_sees_the_https_scheme(SslProtocols protocol)
    {
        var server = Start();
        await using var client = await TlsTestClient.ConnectAsync(server.HttpsEndpoint!, _certificate, protocol);

        Assert.Equal(SslApplicationProtocol.Http11, client.Stream.NegotiatedApplicationProtocol);
        Assert.Equal(protocol, client.Stream.SslProtocol);
        await client.SendAsync(Get("/scheme"));
        Assert.Equal((200, "https"), await client.ReadResponseAsync(Timeout));
        await client.SendAsync(Get("/hello"));
        Assert.Equal((200, "Hello, World!"), await client.ReadResponseAsync(Timeout));
    }

    [Fact]
    public async Task A_PFX_with_its_password_serves_as_the_PEM_files_do()
    {
        var server = Start(pfx: true);
        using var client = HttpsClient();

        Assert.Equal("https", await client.GetStringAsync(Url(server, "/scheme")));
    }

    [Fact]
    public async Task Plain_and_HTTPS_listeners_serve_side_by_side()
    {
        var server = Start();
        using var https = HttpsClient();
        using var plain = new HttpClient();

        var both = await Task.WhenAll(
            plain.GetStringAsync($"http://127.0.0.1:{server.Endpoint.Port}/scheme"),
            https.GetStringAsync(Url(server, "/scheme")),
            plain.GetStringAsync($"http://127.0.0.1:{server.Endpoint.Port}/hello"),
            https.GetStringAsync(Url(server, "/hello")));

        Assert.Equal(["http", "https", "Hello, World!", "Hello, World!"], both);
        Assert.NotEqual(server.Endpoint.Port, server.HttpsEndpoint!.Port);
    }

    [Fact]
    public async Task Plain_HTTP_sent_to_the_TLS_port_is_closed_without_disturbing_a_TLS_request_in_flight()
    {
        var server = Start();
        await using var tls = await TlsTestClient.ConnectAsync(server.HttpsEndpoint!, _certificate);
        await tls.SendAsync(Get("/sleep?ms=500"));

        await using var plain = await RawHttpClient.ConnectAsync(server.HttpsEndpoint!);
        await plain.SendAsync(Get("/hello"));

        Assert.True(await plain.IsClosedByServerAsync(Dilated(TimeSpan.FromSeconds(20))));
        Assert.Equal((200, "ok"), await tls.ReadResponseAsync(Timeout));
        await tls.SendAsync(Get("/hello"));
        Assert.Equal((200, "Hello, World!"), await tls.ReadResponseAsync(Timeout));
    }

    [Fact]
    public async Task A_TLS_version_not_served_fails_the_handshake_and_the_server_serves_on()
    {
        var server = Start(extra: "resume.server.https.protocols = [\"TLSv1.3\"]");

        await Assert.ThrowsAnyAsync<Exception>(() => TlsTestClient.ConnectAsync(server.HttpsEndpoint!, _certificate, SslProtocols.Tls12));

        await using var client = await TlsTestClient.ConnectAsync(server.HttpsEndpoint!, _certificate, SslProtocols.Tls13);
        await client.SendAsync(Get("/hello"));
        Assert.Equal((200, "Hello, World!"), await client.ReadResponseAsync(Timeout));
        await AwaitAssertAsync(() => Assert.Equal(1, server.Stats.Connections), Dilated(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_large_streamed_response_arrives_whole_over_TLS()
    {
        var server = Start();
        using var client = HttpsClient();

        var body = await client.GetByteArrayAsync(Url(server, $"/big?chunks={BigChunks}"));

        Assert.Equal(BigChunks * BigChunk.Length, body.Length);
        for (var i = 0; i < BigChunks; i++)
            Assert.True(body.AsSpan(i * BigChunk.Length, BigChunk.Length).SequenceEqual(BigChunk), $"chunk {i} differs");
    }

    [Fact]
    public async Task A_POST_body_is_read_whole_over_TLS()
    {
        var server = Start();
        using var client = HttpsClient();
        var body = new byte[5 * 1024 * 1024 + 123];
        new Random(12).NextBytes(body);

        var response = await client.PostAsync(Url(server, "/upload"), new ByteArrayContent(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var expected = $"{{\"bytes\":{body.Length.ToString(CultureInfo.InvariantCulture)},\"sha256\":\"{Convert.ToHexStringLower(SHA256.HashData(body))}\"}}";
        Assert.Equal(expected, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Max_connections_counts_both_listeners()
    {
        var server = Start(extra: "resume.server.max-connections = 2");
        await using var plain = await RawHttpClient.ConnectAsync(server.Endpoint);
        await plain.SendAsync(Get("/hello"));
        Assert.Equal(200, (await plain.ReadResponseAsync()).Status);
        var tls = await TlsTestClient.ConnectAsync(server.HttpsEndpoint!, _certificate);
        await tls.SendAsync(Get("/hello"));
        Assert.Equal((200, "Hello, World!"), await tls.ReadResponseAsync(Timeout));

        // The third waits unserved (in the backlog, or held by the listener that accepted it)...
        await using var third = await RawHttpClient.ConnectAsync(server.Endpoint);
        await third.SendAsync(Get("/hello"));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => third.ReadResponseAsync(timeout: TimeSpan.FromSeconds(1)));
        Assert.Equal(2, server.Stats.Connections);

        // ...until one of the two closes.
        await tls.DisposeAsync();
        Assert.Equal(200, (await third.ReadResponseAsync()).Status);
    }

    [Fact]
    public void HTTPS_is_off_by_default_and_its_keys_are_checked()
    {
        Assert.Null(ServerSettings.FromConfig(ResumeConfig.Defaults).Https);
        var wrongVersion = Assert.Throws<SettingsException>(() => Settings(extra: "resume.server.https.protocols = [\"TLSv1.1\"]"));
        Assert.StartsWith("resume.server.https.protocols: \"TLSv1.1\" is not a TLS version served", wrongVersion.Message);
        var noCertificate = Assert.Throws<SettingsException>(() => Settings(ConfigurationFactory.ParseString("resume.server.https.port = 0")));
        Assert.StartsWith("resume.server.https.certificate.path: is empty: HTTPS needs a certificate", noCertificate.Message);
        var typo = Assert.Throws<SettingsException>(() => Settings(extra: "resume.server.https.certificate.paht = x"));
        Assert.StartsWith("resume.server.https.certificate.paht: not a known key", typo.Message);
    }

    [Fact]
    public void A_certificate_without_its_key_or_with_a_wrong_password_is_refused_naming_the_key()
    {
        var noKey = Assert.Throws<SettingsException>(() => Settings(extra: "resume.server.https.certificate.key-path = \"\""));
        Output.WriteLine(noKey.Message);
        Assert.StartsWith("resume.server.https.certificate.path: cannot load the certificate", noKey.Message);
        var wrongPassword = Assert.Throws<SettingsException>(() => Settings(pfx: true, extra: "resume.server.https.certificate.password = wrong"));
        Output.WriteLine(wrongPassword.Message);
        Assert.StartsWith("resume.server.https.certificate.password: cannot load the certificate", wrongPassword.Message);
    }

    [Fact]
    public async Task The_executable_serves_HTTPS_on_the_port_of_https_port()
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, $"resume.server.https.certificate {{ path = \"{_certificate.PfxPath}\", password = \"{TestCertificate.PfxPassword}\" }}\n");
            await using var server = ServerProcess.Start(["--config", file, "--app", "hello", "--host", "127.0.0.1", "--port", "0", "--https-port", "0"]);
            var plain = await server.ListeningAsync(Dilated(TimeSpan.FromSeconds(60)));
            var https = IPEndPoint.Parse((await server.WaitForLineAsync(new Regex(@"Listening on https://(\S+)"), Dilated(TimeSpan.FromSeconds(30)))).Groups[1].Value);
            using var client = HttpsClient();
            using var plainClient = new HttpClient();

            Assert.Equal("Hello, World!", await client.GetStringAsync($"https://127.0.0.1:{https.Port}/"));
            Assert.Equal("Hello, World!", await plainClient.GetStringAsync($"http://127.0.0.1:{plain.Port}/"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_certificate_file_that_is_not_there_stops_the_executable_with_one_line_and_exit_2()
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, "resume.server.https.certificate.path = \"/no/such/server.pem\"\n");
            await using var server = ServerProcess.Start(["--config", file, "--host", "127.0.0.1", "--port", "0", "--https-port", "0"]);

            Assert.Equal(2, await server.ExitCodeAsync(Dilated(TimeSpan.FromSeconds(60))));
            var line = Assert.Single(server.Errors, l => l.Length > 0);
            Assert.Equal("Configuration error: resume.server.https.certificate.path: the file '/no/such/server.pem' does not exist", line);
        }
        finally
        {
            File.Delete(file);
        }
    }

    public new void Dispose()
    {
        _certificate.Dispose();
        base.Dispose();
    }

    private const int BigChunks = 96;

    // 64 KiB that is not the same at every offset, so a lost or repeated record shows.
    private static readonly byte[] BigChunk = Enumerable.Range(0, 64 * 1024).Select(i => (byte)(i % 251)).ToArray();

    private TimeSpan Timeout => Dilated(TimeSpan.FromSeconds(20));

    private ResumeServer Start(bool pfx = false, string extra = "") =>
        TestServers.Start(Sys, Route, Settings(pfx: pfx, extra: extra));

    private ServerSettings Settings(Config? config = null, bool pfx = false, string extra = "")
    {
        var https = config ?? ConfigurationFactory.ParseString(_certificate.Hocon(pfx, extra));
        return ServerSettings.FromConfig(https.WithFallback(ResumeConfig.Defaults)) with { Host = "127.0.0.1", Port = 0 };
    }

    private HttpClient HttpsClient(SslProtocols protocols = SslProtocols.None) => new(new SocketsHttpHandler
    {
        SslOptions = new SslClientAuthenticationOptions
        {
            EnabledSslProtocols = protocols,
            RemoteCertificateValidationCallback = (_, presented, _, _) => _certificate.Trusts(presented),
        },
    });

    private static string Url(ResumeServer server, string target) => $"https://127.0.0.1:{server.HttpsEndpoint!.Port}{target}";

    private static IEnumerable<Step> Route(Environ environ, StartResponse startResponse) => environ.PathInfo switch
    {
        "/scheme" => Text(environ.UrlScheme, startResponse),
        "/big" => Big(environ, startResponse),
        "/upload" => UploadApp.Run(environ, startResponse),
        "/sleep" => SleepApp.Run(environ, startResponse),
        _ => HelloApp.Run(environ, startResponse),
    };

    private static IEnumerable<Step> Text(string text, StartResponse startResponse)
    {
        var body = Encoding.ASCII.GetBytes(text);
        startResponse("200 OK", [new("Content-Type", "text/plain"), new("Content-Length", body.Length.ToString(CultureInfo.InvariantCulture))]);
        yield return body;
    }

    private static IEnumerable<Step> Big(Environ environ, StartResponse startResponse)
    {
        startResponse("200 OK", [new("Content-Type", "application/octet-stream")]);
        var chunks = environ.Query.Int("chunks", 1);
        for (var i = 0; i < chunks; i++)
            yield return BigChunk;
    }
}
