using System.Globalization;
using System.Net;
using Resume.Apps;
using Resume.Transport.Http;

namespace Resume.Actors.Requests;

/// <summary>Builds the WSGI environ of a parsed request.</summary>
internal static class EnvironFactory
{
    public static Environ Create(
        RequestHead head, RequestInput input, TextWriter errors, CancellationToken aborted, string requestId,
        IPEndPoint? local, IPEndPoint? remote, Executor executor, AsyncFacade async)
    {
        var environ = new Environ(head.Headers, input, errors, aborted, requestId)
        {
            Executor = executor,
            Async = async,
            [Environ.CgiKeys.RequestMethod] = head.Method,
            [Environ.CgiKeys.PathInfo] = RequestTarget.PercentDecode(head.Path),
            [Environ.CgiKeys.QueryString] = head.Query,
            [Environ.CgiKeys.RawUri] = head.Target,
            [Environ.CgiKeys.RawPath] = head.Path,
            [Environ.CgiKeys.ServerProtocol] = head.Protocol,
            [Environ.CgiKeys.RemoteAddr] = remote?.Address.ToString() ?? "",
            [Environ.CgiKeys.RemotePort] = remote?.Port.ToString(CultureInfo.InvariantCulture) ?? "",
        };
        var (name, port) = SplitAuthority(head.Authority);
        environ[Environ.CgiKeys.ServerName] = name.Length > 0 ? name : local?.Address.ToString() ?? "";
        environ[Environ.CgiKeys.ServerPort] = port.Length > 0 ? port : local?.Port.ToString(CultureInfo.InvariantCulture) ?? "";
        if (head.Framing == BodyFraming.ContentLength)
            environ[Environ.CgiKeys.ContentLength] = head.ContentLength.ToString(CultureInfo.InvariantCulture);
        return environ;
    }

    private static (string Name, string Port) SplitAuthority(string authority)
    {
        var close = authority.LastIndexOf(']');
        var colon = authority.LastIndexOf(':');
        return colon > close ? (authority[..colon], authority[(colon + 1)..]) : (authority, "");
    }
}
