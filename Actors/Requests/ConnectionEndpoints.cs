using System.Globalization;
using System.Net;

namespace Resume.Actors.Requests;

/// <summary>A connection's addresses as the environ shows them: made once per connection, not per request.</summary>
public sealed record ConnectionEndpoints(string RemoteAddr, string RemotePort, string LocalAddr, string LocalPort)
{
    public static readonly ConnectionEndpoints Unknown = new("", "", "", "");

    public static ConnectionEndpoints From(IPEndPoint? local, IPEndPoint? remote) => new(
        remote?.Address.ToString() ?? "",
        remote?.Port.ToString(CultureInfo.InvariantCulture) ?? "",
        local?.Address.ToString() ?? "",
        local?.Port.ToString(CultureInfo.InvariantCulture) ?? "");
}
