using System.Globalization;
using Resume.Actors.Proxies;
using Resume.Apps;
using Resume.Apps.Cluster;
using Resume.Transport.Http;

namespace Resume.Actors.Requests;

/// <summary>Builds the WSGI environ of a parsed request.</summary>
internal static class EnvironFactory
{
    public static Environ Create(
        RequestHead head, RequestInput input, TextWriter errors, CancellationToken aborted, string requestId,
        ConnectionEndpoints endpoints, Executor executor, AsyncFacade async, IClusterBackend cluster, CancellationToken stopping)
    {
        var environ = new Environ(head.Headers, input, errors, aborted, requestId)
        {
            Executor = executor,
            Async = async,
            ClusterBackend = cluster,
            Stopping = stopping,
            UrlScheme = endpoints.UrlScheme,
        };
        // Keys no header makes (headers become HTTP_* and CONTENT_TYPE; Content-Length is skipped), each set once here.
        environ.AddServerKey(Environ.CgiKeys.RequestMethod, head.Method);
        environ.AddServerKey(Environ.CgiKeys.PathInfo, RequestTarget.PercentDecode(head.Path));
        environ.AddServerKey(Environ.CgiKeys.QueryString, head.Query);
        environ.AddServerKey(Environ.CgiKeys.RawUri, head.Target);
        environ.AddServerKey(Environ.CgiKeys.RawPath, head.Path);
        environ.AddServerKey(Environ.CgiKeys.ServerProtocol, head.Protocol);
        environ.AddServerKey(Environ.CgiKeys.RemoteAddr, endpoints.RemoteAddr);
        environ.AddServerKey(Environ.CgiKeys.RemotePort, endpoints.RemotePort);
        var (name, port) = SplitAuthority(head.Authority);
        environ.AddServerKey(Environ.CgiKeys.ServerName, name.Length > 0 ? name : endpoints.LocalAddr);
        environ.AddServerKey(Environ.CgiKeys.ServerPort, port.Length > 0 ? port : endpoints.LocalPort);
        if (head.Framing == BodyFraming.ContentLength)
            environ.AddServerKey(Environ.CgiKeys.ContentLength, head.ContentLength.ToString(CultureInfo.InvariantCulture));
        if (endpoints.TrustedPeer is { } trusted)
            ApplyForwarded(environ, head, trusted, endpoints.RemotePort);
        return environ;
    }

    /// <summary>What the connection's trusted proxy says of the client (<see cref="ForwardedHeaders"/>) replaces what the socket says.</summary>
    private static void ApplyForwarded(Environ environ, RequestHead head, TrustedProxies trusted, string peerPort)
    {
        var client = ForwardedHeaders.Read(head.Headers, trusted);
        if (client.Address is { } address)
        {
            environ[Environ.CgiKeys.RemoteAddr] = address;
            environ[Environ.CgiKeys.RemotePort] = client.Port ?? peerPort;
        }
        if (client.Scheme is { } scheme)
            environ.UrlScheme = scheme;
    }

    // The last authority split on this thread: a connection's requests name the same one, and so do
    // most clients of a server, so its two substrings are made once rather than per request.
    [ThreadStatic]
    private static (string? Authority, string Name, string Port) t_lastSplit;

    private static (string Name, string Port) SplitAuthority(string authority)
    {
        var last = t_lastSplit;
        if (string.Equals(last.Authority, authority, StringComparison.Ordinal))
            return (last.Name, last.Port);
        var close = authority.LastIndexOf(']');
        var colon = authority.LastIndexOf(':');
        var (name, port) = colon > close ? (authority[..colon], authority[(colon + 1)..]) : (authority, "");
        t_lastSplit = (authority, name, port);
        return (name, port);
    }
}
