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
    public static Socket Open(ServerSettings settings)
    {
        var endpoint = new IPEndPoint(ListenAddress.Resolve(settings.Host), settings.Port);
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
            throw Explain(e, endpoint, settings.Host);
        }
    }

    private static SettingsException Explain(SocketException error, IPEndPoint endpoint, string host) => error.SocketErrorCode switch
    {
        SocketError.AddressAlreadyInUse => new SettingsException("resume.server.port",
            $"{endpoint} is in use by another process (resume.server.reuse-port = on shares a port on purpose)"),
        SocketError.AddressNotAvailable => new SettingsException("resume.server.host",
            $"\"{host}\" ({endpoint.Address}) is not an address of this machine"),
        SocketError.AccessDenied => new SettingsException("resume.server.port",
            $"listening on {endpoint} is not permitted (ports below 1024 need privileges)"),
        _ => new SettingsException("resume.server.host", $"cannot listen on {endpoint}: {error.Message}"),
    };
}
