using System.Globalization;
using System.Net;
using Resume.Actors.Proxies;

namespace Resume.Actors.Requests;

/// <summary>A connection's addresses and scheme as the environ shows them: made once per connection, not per request.</summary>
public sealed record ConnectionEndpoints(string RemoteAddr, string RemotePort, string LocalAddr, string LocalPort)
{
    /// <summary>
    /// <c>wsgi.url_scheme</c>: "https" for a connection to the HTTPS listener. A connection's fact, so
    /// whatever else decides it (a trusted proxy's X-Forwarded-Proto) sets it here too.
    /// </summary>
    public string UrlScheme { get; init; } = "http";

    /// <summary>
    /// Set when the peer is a trusted proxy (the list, to read its requests' Forwarded / X-Forwarded-*
    /// headers against); null for any other peer, whose headers change nothing.
    /// </summary>
    public TrustedProxies? TrustedPeer { get; init; }

    /// <summary>These endpoints with the client a PROXY protocol header named as the remote end.</summary>
    public ConnectionEndpoints WithRemote(IPEndPoint remote) => this with
    {
        RemoteAddr = Normal(remote.Address).ToString(),
        RemotePort = remote.Port.ToString(CultureInfo.InvariantCulture),
    };

    public static readonly ConnectionEndpoints Unknown = new("", "", "", "");

    public static ConnectionEndpoints From(IPEndPoint? local, IPEndPoint? remote) => new(
        remote is null ? "" : Normal(remote.Address).ToString(),
        remote?.Port.ToString(CultureInfo.InvariantCulture) ?? "",
        local?.Address.ToString() ?? "",
        local?.Port.ToString(CultureInfo.InvariantCulture) ?? "");

    // A dual-stack listener sees IPv4 clients as ::ffff:a.b.c.d; REMOTE_ADDR shows them as IPv4.
    private static IPAddress Normal(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
