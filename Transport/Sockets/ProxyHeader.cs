using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Text;

namespace Resume.Transport.Sockets;

/// <summary>
/// HAProxy's PROXY protocol header (v1 text, v2 binary), which a load balancer sends first on each
/// connection to say whose it is. <see cref="Source"/> is the client's address and port, or null when
/// the balancer speaks for itself (v2 LOCAL, e.g. its health checks) or does not know (v1 UNKNOWN, a
/// family other than TCP over IPv4/IPv6): then the connection's own peer stands.
/// </summary>
public sealed record ProxyHeader(IPEndPoint? Source)
{
    /// <summary>The v2 signature; a v1 header starts with "PROXY ".</summary>
    public static ReadOnlySpan<byte> V2Signature => [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    /// <summary>A v1 line's longest, CRLF included (the protocol's own limit).</summary>
    public const int V1MaxLength = 107;

    /// <summary>A v2 header's fixed part: signature, version and command, family, length.</summary>
    public const int V2FixedLength = 16;

    /// <summary>Parses a v1 line, CRLF included; throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static ProxyHeader ParseV1(ReadOnlySpan<byte> line)
    {
        if (line.Length < 8 || line[^2] != '\r' || line[^1] != '\n')
            throw new FormatException("a PROXY v1 line must end with CRLF");
        var parts = Encoding.ASCII.GetString(line[..^2]).Split(' ');
        if (parts[0] != "PROXY" || parts.Length < 2)
            throw new FormatException("not a PROXY v1 line");
        if (parts[1] == "UNKNOWN")
            return new ProxyHeader((IPEndPoint?)null);
        if (parts[1] is not ("TCP4" or "TCP6") || parts.Length != 6)
            throw new FormatException($"PROXY v1: \"{parts[1]}\" with {parts.Length - 2} fields is not TCP4/TCP6 with four");
        if (!IPAddress.TryParse(parts[2], out var source) || !IPAddress.TryParse(parts[3], out _)
            || !ushort.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            || !ushort.TryParse(parts[5], NumberStyles.None, CultureInfo.InvariantCulture, out _))
            throw new FormatException("PROXY v1: an address or port is malformed");
        var family = parts[1] == "TCP4" ? System.Net.Sockets.AddressFamily.InterNetwork : System.Net.Sockets.AddressFamily.InterNetworkV6;
        if (source.AddressFamily != family)
            throw new FormatException($"PROXY v1: {parts[2]} is not an address of {parts[1]}");
        return new ProxyHeader(new IPEndPoint(source, port));
    }

    /// <summary>The length of the v2 header's variable part, from its fixed 16 bytes; throws <see cref="FormatException"/> for a wrong version.</summary>
    public static int V2RemainingLength(ReadOnlySpan<byte> fixedPart)
    {
        if (!fixedPart[..12].SequenceEqual(V2Signature))
            throw new FormatException("not a PROXY v2 signature");
        if (fixedPart[12] >> 4 != 2)
            throw new FormatException($"PROXY v2: version {fixedPart[12] >> 4} is not 2");
        return BinaryPrimitives.ReadUInt16BigEndian(fixedPart[14..16]);
    }

    /// <summary>Parses a v2 header from its fixed part and the <see cref="V2RemainingLength"/> bytes after it.</summary>
    public static ProxyHeader ParseV2(ReadOnlySpan<byte> fixedPart, ReadOnlySpan<byte> rest)
    {
        var command = fixedPart[12] & 0x0F;
        if (command == 0)
            return new ProxyHeader((IPEndPoint?)null); // LOCAL: the balancer's own connection
        if (command != 1)
            throw new FormatException($"PROXY v2: command {command} is neither LOCAL nor PROXY");
        var family = fixedPart[13];
        switch (family)
        {
            case 0x11 when rest.Length >= 12: // TCP over IPv4: source, destination, their ports
                return new ProxyHeader(new IPEndPoint(new IPAddress(rest[..4]), BinaryPrimitives.ReadUInt16BigEndian(rest[8..10])));
            case 0x21 when rest.Length >= 36: // TCP over IPv6
                return new ProxyHeader(new IPEndPoint(new IPAddress(rest[..16]), BinaryPrimitives.ReadUInt16BigEndian(rest[32..34])));
            case 0x11 or 0x21:
                throw new FormatException("PROXY v2: the address block is shorter than its family needs");
            default:
                return new ProxyHeader((IPEndPoint?)null); // UDP, UNIX or unspecified: not a TCP client to name
        }
    }
}
