using System.Globalization;
using System.Net;

namespace Resume.Actors.Requests;

/// <summary>A connection's addresses and scheme as the environ shows them: made once per connection, not per request.</summary>
public sealed record ConnectionEndpoints(string RemoteAddr, string RemotePort, string LocalAddr, string LocalPort)
{
    /// <summary>
    /// <c>wsgi.url_scheme</c>: "https" for a connection to the HTTPS listener. A connection's fact, so
    /// whatever else decides it (a trusted proxy's X-Forwarded-Proto) sets it here too.
    /// </summary>
    public string UrlScheme { get; init; } = "http";

    public static readonly ConnectionEndpoints Unknown = new("", "", "", "");

    public static ConnectionEndpoints From(IPEndPoint? local, IPEndPoint? remote) => new(
        remote?.Address.ToString() ?? "",
        remote?.Port.ToString(CultureInfo.InvariantCulture) ?? "",
        local?.Address.ToString() ?? "",
        local?.Port.ToString(CultureInfo.InvariantCulture) ?? "");
}
