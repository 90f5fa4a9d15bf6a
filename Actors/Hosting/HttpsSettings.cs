using System.Net.Security;
using System.Security.Authentication;

namespace Resume.Actors.Hosting;

/// <summary>
/// The HTTPS listener (<c>resume.server.https</c>), beside the plain one: where it listens, its
/// certificate, the TLS versions it takes and how long a handshake may take. Absent when it is off.
/// </summary>
public sealed record HttpsSettings
{
    /// <summary>The address or host name to listen on (<c>resume.server.host</c> when not given).</summary>
    public required string Host { get; init; }

    public required int Port { get; init; }

    /// <summary>A client that has not completed its handshake by then is closed.</summary>
    public required TimeSpan HandshakeTimeout { get; init; }

    /// <summary>Its connections begin with a PROXY protocol header, before TLS (<c>resume.server.https.proxy-protocol</c>).</summary>
    public required bool ProxyProtocol { get; init; }

    /// <summary>How every handshake is answered: the certificate, the TLS versions, ALPN http/1.1.</summary>
    public required SslServerAuthenticationOptions Authentication { get; init; }

    /// <summary>
    /// The section as configured, or null when <c>port = off</c>; every key is read (and checked) either
    /// way, but the certificate is loaded only when the listener is on.
    /// </summary>
    public static HttpsSettings? Read(SettingsReader https, string plainHost)
    {
        var port = https.Text("port").Trim() == "off" ? (int?)null : https.Int("port", 0, 65535);
        var host = https.Text("host", text => text.Length == 0 ? null : SettingsReader.HostProblem(text));
        var timeout = https.PositiveDuration("handshake-timeout");
        var protocols = ReadProtocols(https);
        var proxyProtocol = https.Bool("proxy-protocol");
        var certificate = https.Section("certificate");
        if (port is null)
        {
            certificate.Text("path");
            certificate.Text("key-path");
            certificate.Text("password");
            return null;
        }
        return new HttpsSettings
        {
            Host = host.Length > 0 ? host : plainHost,
            Port = port.Value,
            HandshakeTimeout = timeout,
            ProxyProtocol = proxyProtocol,
            Authentication = new SslServerAuthenticationOptions
            {
                ServerCertificateContext = ServerCertificate.Load(certificate),
                EnabledSslProtocols = protocols,
                ApplicationProtocols = [SslApplicationProtocol.Http11],
                ClientCertificateRequired = false,
                AllowRenegotiation = false,
            },
        };
    }

    private static SslProtocols ReadProtocols(SettingsReader https)
    {
        var protocols = SslProtocols.None;
        foreach (var name in https.List("protocols", name => name is "TLSv1.2" or "TLSv1.3" ? null : "is not a TLS version served: TLSv1.2 or TLSv1.3"))
            protocols |= name == "TLSv1.2" ? SslProtocols.Tls12 : SslProtocols.Tls13;
        return protocols != SslProtocols.None ? protocols : throw https.Refuse("protocols", "is empty: list TLSv1.2, TLSv1.3 or both");
    }
}
