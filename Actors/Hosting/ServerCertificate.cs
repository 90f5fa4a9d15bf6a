using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Resume.Actors.Hosting;

/// <summary>
/// The HTTPS listener's certificate, loaded once at start from <c>resume.server.https.certificate</c>:
/// a PEM certificate (chain) with its key in <c>key-path</c> or in the same file, or a PFX (PKCS#12).
/// A file that is missing, unreadable or holds no private key stops the server (exit 2), naming the key.
/// </summary>
public static class ServerCertificate
{
    private static readonly byte[] PemStart = "-----BEGIN"u8.ToArray();

    /// <summary>The certificate (with its chain's other certificates) as SslStream serves it.</summary>
    public static SslStreamCertificateContext Load(SettingsReader certificate)
    {
        var path = certificate.Text("path");
        var keyPath = certificate.Text("key-path");
        var password = certificate.Text("password");
        if (path.Length == 0)
            throw certificate.Refuse("path", "is empty: HTTPS needs a certificate, a PEM or PFX file (or resume.server.https.port = off)");
        Readable(certificate, "path", path);
        if (keyPath.Length > 0)
            Readable(certificate, "key-path", keyPath);
        var pem = keyPath.Length > 0 || IsPem(path);
        X509Certificate2 leaf;
        X509Certificate2Collection all;
        try
        {
            if (pem)
            {
                var key = keyPath.Length > 0 ? keyPath : null;
                leaf = password.Length > 0 ? X509Certificate2.CreateFromEncryptedPemFile(path, password, key) : X509Certificate2.CreateFromPemFile(path, key);
                all = [];
                all.ImportFromPemFile(path);
            }
            else
            {
                all = X509CertificateLoader.LoadPkcs12CollectionFromFile(path, password, X509KeyStorageFlags.EphemeralKeySet);
                leaf = all.FirstOrDefault(c => c.HasPrivateKey)
                    ?? throw certificate.Refuse("path", $"'{path}' holds no certificate with its private key");
            }
        }
        catch (CryptographicException e)
        {
            var key = password.Length > 0 && e.Message.Contains("password", StringComparison.OrdinalIgnoreCase) ? "password"
                : keyPath.Length > 0 && e.Message.Contains("key", StringComparison.OrdinalIgnoreCase) ? "key-path"
                : "path";
            throw certificate.Refuse(key, $"cannot load the certificate from '{path}'{(keyPath.Length > 0 ? $" and its key from '{keyPath}'" : "")}: {e.Message}");
        }
        catch (ArgumentException e)
        {
            throw certificate.Refuse("path", $"'{path}' is not a certificate with its key: {e.Message}");
        }
        if (!leaf.HasPrivateKey)
            throw certificate.Refuse("key-path", $"the certificate in '{path}' comes with no private key: give key-path, or a PFX that holds it");
        var chain = new X509Certificate2Collection(all.Where(c => c.Thumbprint != leaf.Thumbprint).ToArray());
        // offline: the chain is built from what the files hold, not fetched from the network at start.
        return SslStreamCertificateContext.Create(leaf, chain, offline: true);
    }

    private static void Readable(SettingsReader certificate, string key, string path)
    {
        if (!File.Exists(path))
            throw certificate.Refuse(key, Directory.Exists(path) ? $"'{path}' is a directory, not a file" : $"the file '{path}' does not exist");
    }

    private static bool IsPem(string path)
    {
        try
        {
            using var file = File.OpenRead(path);
            Span<byte> start = stackalloc byte[64];
            var read = file.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
            return start[..read].IndexOf(PemStart) >= 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
