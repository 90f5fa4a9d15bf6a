using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Resume.Actors.Tests.Support;

/// <summary>
/// Ports free on 127.0.0.1 now and below the kernel's ephemeral range, for nodes that restart on the
/// same port. A port from the ephemeral range (what binding port 0 gives) may meanwhile become the
/// local port of some outgoing connection — a load client's, another node's — whose TIME_WAIT then
/// stops the restarted node from binding it for a minute.
/// </summary>
public static class FixedPorts
{
    /// <summary><paramref name="count"/> distinct ports, each bound and released once to check it is free.</summary>
    public static int[] Take(int count)
    {
        var ceiling = EphemeralStart();
        var floor = Math.Min(10_000, ceiling / 2);
        var ports = new HashSet<int>();
        while (ports.Count < count)
        {
            var port = Random.Shared.Next(floor, ceiling);
            if (!ports.Contains(port) && IsFree(port))
                ports.Add(port);
        }
        return [.. ports];
    }

    private static int EphemeralStart()
    {
        const string range = "/proc/sys/net/ipv4/ip_local_port_range";
        if (File.Exists(range)
            && File.ReadAllText(range).Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries) is [var low, ..]
            && int.TryParse(low, NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            && start > 2048)
            return start;
        return 32768;
    }

    private static bool IsFree(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
