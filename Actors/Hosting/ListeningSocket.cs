using System.Net;
using System.Net.Sockets;

namespace Resume.Actors.Hosting;

/// <summary>
/// The listening socket, bound and listening before anything else starts, so that the errors an
/// operator can fix (a port in use, an address not of this machine, a port that needs privileges)
/// stop the server with one line and exit 2.
/// </summary>
public static class ListeningSocket
{
    /// <summary>
    /// Listens on <see cref="ServerSettings.Host"/>:<see cref="ServerSettings.Port"/>. The port is
    /// this process's alone unless <see cref="ServerSettings.ReusePort"/>: a second instance on it
    /// fails here rather than have the kernel split the connections between the two.
    /// </summary>
    public static Socket Open(ServerSettings settings) =>
        Open(settings.Host, settings.Port, settings, "resume.server");

    /// <summary>
    /// Listens for HTTPS on <see cref="HttpsSettings.Host"/>:<see cref="HttpsSettings.Port"/>, as
    /// <see cref="Open(ServerSettings)"/> does; null when the HTTPS listener is off.
    /// </summary>
    public static Socket? OpenHttps(ServerSettings settings) =>
        settings.Https is { } https ? Open(https.Host, https.Port, settings, "resume.server.https") : null;

    private static Socket Open(string host, int port, ServerSettings settings, string section)
    {
        var endpoint = new IPEndPoint(ListenAddress.Resolve(host, $"{section}.host"), port);
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // On Unix .NET maps ReuseAddress to SO_REUSEPORT (sharing the port), and sets SO_REUSEADDR
            // (rebinding past TIME_WAIT after a restart) on every TCP bind by itself.
            if (settings.ReusePort)
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(endpoint);
            socket.Listen(settings.Backlog);
            return socket;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw Explain(e, endpoint, host, section);
        }
    }

    private static SettingsException Explain(SocketException error, IPEndPoint endpoint, string host, string section) => error.SocketErrorCode switch
    {
        SocketError.AddressAlreadyInUse => new SettingsException($"{section}.port",
            $"{endpoint} is in use by another process (resume.server.reuse-port = on shares a port on purpose)"),
        SocketError.AddressNotAvailable => new SettingsException($"{section}.host",
            $"\"{host}\" ({endpoint.Address}) is not an address of this machine"),
        SocketError.AccessDenied => new SettingsException($"{section}.port",
            $"listening on {endpoint} is not permitted (ports below 1024 need privileges)"),
        _ => new SettingsException($"{section}.host", $"cannot listen on {endpoint}: {error.Message}"),
    };
}
