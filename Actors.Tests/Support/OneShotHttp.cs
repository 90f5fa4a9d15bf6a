using System.Globalization;
using System.Text;

namespace Resume.Actors.Tests.Support;

/// <summary>
/// A request on a connection of its own (<c>Connection: close</c>), sent only once the connection
/// is up: a failed connect means nothing reached the server, so only then may a client retry a
/// request that is not idempotent.
/// </summary>
public static class OneShotHttp
{
    /// <summary>Sends the request on <paramref name="client"/> and reads the response within <paramref name="timeout"/>.</summary>
    public static async Task<RawResponse> ExchangeAsync(RawHttpClient client, string method, string target, string? body, TimeSpan timeout)
    {
        var head = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{method} {target} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n");
        byte[] content = body is null ? [] : Encoding.UTF8.GetBytes(body);
        if (body is not null)
            head.Append(CultureInfo.InvariantCulture, $"Content-Type: text/plain\r\nContent-Length: {content.Length}\r\n");
        head.Append("\r\n");
        byte[] request = [.. Encoding.Latin1.GetBytes(head.ToString()), .. content];
        await client.SendAsync(request);
        return await client.ReadResponseAsync(method == "HEAD", timeout);
    }
}
