using System.Globalization;
using System.Net;

namespace Resume.Actors.Proxies;

/// <summary>
/// Reads who the client is from a trusted proxy's <c>Forwarded</c> (RFC 7239) or its
/// <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c>, whichever family it is configured to write
/// (<see cref="TrustedProxies.ReadsForwarded"/>). Each proxy appends the peer it saw, so the list
/// is read from the right: the first address that is not itself a trusted proxy is the client (a
/// client can prepend anything, so nothing left of it is believed). Its scheme is the one the proxy
/// that saw it recorded.
/// </summary>
public static class ForwardedHeaders
{
    public static ForwardedClient Read(IReadOnlyList<KeyValuePair<string, string>> headers, TrustedProxies trusted)
    {
        string? forwarded = null, forwardedFor = null, forwardedProto = null;
        foreach (var (name, value) in headers)
        {
            // Repeated fields are one list (RFC 9110 5.3).
            if (name.Equals("Forwarded", StringComparison.OrdinalIgnoreCase))
                forwarded = forwarded is null ? value : $"{forwarded},{value}";
            else if (name.Equals("X-Forwarded-For", StringComparison.OrdinalIgnoreCase))
                forwardedFor = forwardedFor is null ? value : $"{forwardedFor},{value}";
            else if (name.Equals("X-Forwarded-Proto", StringComparison.OrdinalIgnoreCase))
                forwardedProto = forwardedProto is null ? value : $"{forwardedProto},{value}";
        }
        if (trusted.ReadsForwarded)
            return forwarded is null ? default : FromForwarded(forwarded, trusted);
        return forwardedFor is not null || forwardedProto is not null
            ? FromXForwarded(forwardedFor, forwardedProto, trusted)
            : default;
    }

    private static ForwardedClient FromForwarded(string value, TrustedProxies trusted)
    {
        var hops = SplitList(value).Select(ParseElement).ToList();
        var client = ClientIndex(hops.Select(h => h.For).ToList(), trusted);
        if (client < 0)
            return default;
        var (address, port) = SplitHost(hops[client].For);
        return new ForwardedClient(address, port, Scheme(hops[client].Proto));
    }

    private static ForwardedClient FromXForwarded(string? forwardedFor, string? forwardedProto, TrustedProxies trusted)
    {
        var addresses = forwardedFor is null ? [] : SplitList(forwardedFor);
        var schemes = forwardedProto is null ? [] : SplitList(forwardedProto);
        var client = ClientIndex(addresses, trusted);
        var (address, port) = client < 0 ? (null, null) : SplitHost(addresses[client]);
        // The lists run in step when every proxy appends to both; otherwise only the nearest proxy's
        // scheme is known to be about this connection's hop.
        var scheme = schemes.Count == 0 ? null
            : client >= 0 && schemes.Count == addresses.Count ? schemes[client]
            : schemes[^1];
        return new ForwardedClient(address, port, Scheme(scheme));
    }

    /// <summary>The rightmost address that is not a trusted proxy; the leftmost when all are; -1 for none.</summary>
    private static int ClientIndex(IReadOnlyList<string?> hops, TrustedProxies trusted)
    {
        for (var i = hops.Count - 1; i >= 0; i--)
        {
            var (address, _) = SplitHost(hops[i]);
            if (address is null || !trusted.Contains(address))
                return i;
        }
        return hops.Count > 0 ? 0 : -1;
    }

    private static (string? For, string? Proto) ParseElement(string element)
    {
        string? forValue = null, proto = null;
        foreach (var pair in element.Split(';'))
        {
            var equals = pair.IndexOf('=');
            if (equals <= 0)
                continue;
            var key = pair[..equals].Trim();
            var value = Unquote(pair[(equals + 1)..].Trim());
            if (key.Equals("for", StringComparison.OrdinalIgnoreCase))
                forValue = value;
            else if (key.Equals("proto", StringComparison.OrdinalIgnoreCase))
                proto = value;
        }
        return (forValue, proto);
    }

    /// <summary>An address with an optional port: <c>192.0.2.1</c>, <c>192.0.2.1:4711</c>, <c>[2001:db8::1]:4711</c>, <c>2001:db8::1</c>; anything else (unknown, _hidden) is no address.</summary>
    private static (string? Address, string? Port) SplitHost(string? host)
    {
        if (string.IsNullOrEmpty(host))
            return (null, null);
        string address = host, port = "";
        if (host.StartsWith('['))
        {
            var close = host.IndexOf(']');
            if (close < 0)
                return (null, null);
            address = host[1..close];
            port = host[(close + 1)..].StartsWith(':') ? host[(close + 2)..] : "";
        }
        else if (host.Count(c => c == ':') == 1)
        {
            var colon = host.IndexOf(':');
            (address, port) = (host[..colon], host[(colon + 1)..]);
        }
        if (!IPAddress.TryParse(address, out var parsed))
            return (null, null);
        var portValid = ushort.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out _);
        return (parsed.ToString(), portValid ? port : null);
    }

    private static string? Scheme(string? value) =>
        value?.Trim().ToLowerInvariant() is { } scheme && scheme is "http" or "https" ? scheme : null;

    private static List<string> SplitList(string value)
    {
        // Commas inside quoted strings (a Forwarded value may quote) do not split.
        var items = new List<string>();
        var start = 0;
        var quoted = false;
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '"')
                quoted = !quoted;
            else if (value[i] == ',' && !quoted)
            {
                items.Add(value[start..i].Trim());
                start = i + 1;
            }
        }
        items.Add(value[start..].Trim());
        return items.Where(item => item.Length > 0).ToList();
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && value[0] == '"' && value[^1] == '"' ? value[1..^1].Replace("\\\"", "\"", StringComparison.Ordinal) : value;
}
