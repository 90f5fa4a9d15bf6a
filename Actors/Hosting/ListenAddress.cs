using System.Net;
using System.Net.Sockets;

namespace Resume.Actors.Hosting;

/// <summary>
/// The address <c>resume.server.host</c> names: an IP address as written, or a host name resolved
/// once, at start. A name that does not resolve stops the server (exit 2) rather than listen elsewhere.
/// </summary>
public static class ListenAddress
{
    /// <summary>
    /// <paramref name="host"/> as an address. A host name with both kinds of address listens on its
    /// IPv4 one: <c>localhost</c> is then 127.0.0.1, which clients given "localhost" try too. An error
    /// names <paramref name="key"/>, the key the host was configured by.
    /// </summary>
    public static IPAddress Resolve(string host, string key = "resume.server.host")
    {
        if (IPAddress.TryParse(host, out var address))
            return address;
        IPAddress[] addresses;
        try
        {
            addresses = Dns.GetHostAddresses(host);
        }
        catch (SocketException e)
        {
            throw new SettingsException(key, $"\"{host}\" does not resolve to an address: {e.Message}");
        }
        return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
            ?? addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetworkV6)
            ?? throw new SettingsException(key, $"\"{host}\" resolves to no IP address");
    }
}
