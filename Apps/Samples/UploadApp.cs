using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Resume.Apps.Samples;

/// <summary><c>upload</c>: reads the body by yielding futures, hashing as it goes; answers its byte count and SHA-256.</summary>
public static class UploadApp
{
    public static IEnumerable<Step> Run(Environ environ, StartResponse startResponse)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long bytes = 0;
        while (true)
        {
            var read = environ.Input.ReadAsync(256 * 1024);
            yield return read;
            var chunk = read.GetAwaiter().GetResult();
            if (chunk.IsEmpty)
                break;
            sha.AppendData(chunk.Span);
            bytes += chunk.Length;
        }
        var body = Encoding.ASCII.GetBytes(
            $"{{\"bytes\":{bytes.ToString(CultureInfo.InvariantCulture)},\"sha256\":\"{Convert.ToHexStringLower(sha.GetHashAndReset())}\"}}");
        startResponse("200 OK", Responses.Sized("application/json", body.Length));
        yield return body;
    }
}
