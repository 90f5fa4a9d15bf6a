using System.Net;
using System.Security.Cryptography;
using System.Text;
using Resume.Apps;

namespace Resume.Actors.Stats;

/// <summary>
/// Who may read what the server says about itself (the status endpoint, the Prometheus metrics):
/// a client on loopback, or one that sends the configured token (<c>Authorization: Bearer TOKEN</c>,
/// or <c>?token=TOKEN</c> for a browser's address bar); anyone else gets 403. These pages name paths,
/// addresses and load, which a stranger should not read; 403 rather than 404, so an operator who
/// forgot the token is told what is wrong rather than left to doubt the path.
/// </summary>
public static class OperatorAccess
{
    /// <summary><paramref name="app"/>, answered only to those <see cref="Allows"/> lets in.</summary>
    public static App Guard(App app, string? token) => (environ, startResponse) =>
        Allows(environ, token) ? app(environ, startResponse) : Forbidden(startResponse);

    public static bool Allows(Environ environ, string? token)
    {
        if (IPAddress.TryParse(environ.RemoteAddr, out var address) && IsLoopback(address))
            return true;
        if (token is null)
            return false;
        var offered = environ.Header("Authorization") is { } authorization && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? authorization["Bearer ".Length..].Trim()
            : environ.Query.GetValueOrDefault("token");
        // In constant time, so the token cannot be guessed a byte at a time from how long a refusal takes.
        return offered is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(offered), Encoding.UTF8.GetBytes(token));
    }

    private static bool IsLoopback(IPAddress address) =>
        IPAddress.IsLoopback(address) || (address.IsIPv4MappedToIPv6 && IPAddress.IsLoopback(address.MapToIPv4()));

    private static IEnumerable<Step> Forbidden(StartResponse startResponse)
    {
        var body = "403 Forbidden: only from loopback, or with the status token (Authorization: Bearer TOKEN, or ?token=TOKEN).\n"u8.ToArray();
        startResponse("403 Forbidden", [
            new("Content-Type", "text/plain; charset=utf-8"),
            new("Cache-Control", "no-store"),
            new("Content-Length", body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ]);
        yield return body;
    }
}
