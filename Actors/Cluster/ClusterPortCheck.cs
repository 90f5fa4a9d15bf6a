using System.Net;
using System.Net.Sockets;
using Resume.Actors.Hosting;

namespace Resume.Actors.Cluster;

/// <summary>
/// Binds the cluster port for a moment before the actor system starts, so that a port in use or an
/// address not of this machine stops the node with one line and exit 2, as for the HTTP port,
/// rather than as Akka's nested bind failure and its stack traces.
/// </summary>
public static class ClusterPortCheck
{
    public static void Check(ClusterSettings settings)
    {
        if (!settings.Enabled || settings.Port == 0)
            return;
        var endpoint = new IPEndPoint(ListenAddress.Resolve(settings.Host, "resume.cluster.host"), settings.Port);
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(endpoint);
        }
        catch (SocketException e)
        {
            throw e.SocketErrorCode switch
            {
                SocketError.AddressAlreadyInUse => new SettingsException("resume.cluster.port", $"{endpoint} is in use by another process"),
                SocketError.AddressNotAvailable => new SettingsException("resume.cluster.host", $"\"{settings.Host}\" ({endpoint.Address}) is not an address of this machine"),
                SocketError.AccessDenied => new SettingsException("resume.cluster.port", $"binding {endpoint} is not permitted (ports below 1024 need privileges)"),
                _ => new SettingsException("resume.cluster.host", $"cannot bind {endpoint}: {e.Message}"),
            };
        }
    }
}
