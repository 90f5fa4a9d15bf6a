using System.Net;

namespace Resume.Actors.Proxies;

/// <summary>
/// The peers whose forwarding headers are believed (<c>resume.server.trusted-proxies</c>, as gunicorn's
/// <c>forwarded-allow-ips</c>): addresses, CIDR ranges, or <c>*</c> for every peer. Empty: none.
/// </summary>
public sealed class TrustedProxies
{
    private readonly IPNetwork[] _networks;
    private readonly bool _everyone;

    private TrustedProxies(IPNetwork[] networks, bool everyone)
    {
        _networks = networks;
        _everyone = everyone;
    }

    public static readonly TrustedProxies None = new([], false);

    public bool IsEmpty => !_everyone && _networks.Length == 0;

    /// <summary>
    /// Which headers name the client (<c>resume.server.forwarded-headers</c>): RFC 7239's <c>Forwarded</c>,
    /// or else <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c>. Only the family the proxies write is
    /// read: a proxy that appends to one passes the other through as the client wrote it.
    /// </summary>
    public bool ReadsForwarded { get; private init; }

    public TrustedProxies WithForwardedHeader(bool readsForwarded) => new(_networks, _everyone) { ReadsForwarded = readsForwarded };

    /// <summary>The list as configured; throws <see cref="FormatException"/> naming the entry that is neither an address nor a range.</summary>
    public static TrustedProxies Parse(IEnumerable<string> entries)
    {
        var networks = new List<IPNetwork>();
        var everyone = false;
        foreach (var entry in entries.Select(e => e.Trim()))
        {
            if (entry == "*")
                everyone = true;
            else if (IPAddress.TryParse(entry, out var address))
                networks.Add(new IPNetwork(Normal(address), Normal(address).GetAddressBytes().Length * 8));
            else if (IPNetwork.TryParse(entry, out var network))
                networks.Add(network);
            else
                throw new FormatException($"\"{entry}\" is not an IP address, a CIDR range (10.0.0.0/8) or *");
        }
        return new TrustedProxies([.. networks], everyone);
    }

    public bool Contains(IPAddress? address)
    {
        if (_everyone)
            return address is not null;
        if (address is null || _networks.Length == 0)
            return false;
        var normal = Normal(address);
        foreach (var network in _networks)
        {
            if (network.Contains(normal))
                return true;
        }
        return false;
    }

    public bool Contains(string address) => IPAddress.TryParse(address, out var parsed) && Contains(parsed);

    // A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d; ranges are written as IPv4.
    private static IPAddress Normal(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
