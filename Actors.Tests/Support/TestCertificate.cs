using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Resume.Actors.Tests.Support;

/// <summary>
/// A self-signed server certificate for 127.0.0.1 and localhost, made by the test and written to a
/// temporary directory as PEM (certificate and key apart) and as a password-protected PFX. Disposing
/// it deletes the files.
/// </summary>
public sealed class TestCertificate : IDisposable
{
    public const string PfxPassword = "test-password";

    private readonly string _directory;

    private TestCertificate(X509Certificate2 certificate, string directory)
    {
        Certificate = certificate;
        _directory = directory;
        PemPath = Path.Combine(directory, "server.crt");
        KeyPath = Path.Combine(directory, "server.key");
        PfxPath = Path.Combine(directory, "server.pfx");
    }

    public X509Certificate2 Certificate { get; }

    public string PemPath { get; }

    public string KeyPath { get; }

    public string PfxPath { get; }

    public static TestCertificate Create()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        var directory = Directory.CreateTempSubdirectory("resume-tls-").FullName;
        var made = new TestCertificate(certificate, directory);
        File.WriteAllText(made.PemPath, certificate.ExportCertificatePem());
        File.WriteAllText(made.KeyPath, key.ExportPkcs8PrivateKeyPem());
        File.WriteAllBytes(made.PfxPath, certificate.Export(X509ContentType.Pfx, PfxPassword));
        return made;
    }

    /// <summary>HOCON that turns the HTTPS listener on, on 127.0.0.1 and a free port, with the PEM files (or the PFX).</summary>
    public string Hocon(bool pfx = false, string extra = "") => pfx
        ? $"resume.server.https {{ port = 0, host = \"127.0.0.1\", certificate {{ path = \"{PfxPath}\", password = \"{PfxPassword}\" }} }}\n{extra}"
        : $"resume.server.https {{ port = 0, host = \"127.0.0.1\", certificate {{ path = \"{PemPath}\", key-path = \"{KeyPath}\" }} }}\n{extra}";

    /// <summary>Trusts this certificate alone (a client's RemoteCertificateValidationCallback).</summary>
    public bool Trusts(X509Certificate? presented) =>
        presented is not null && presented.GetCertHashString() == Certificate.GetCertHashString();

    public void Dispose()
    {
        Certificate.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
