namespace Resume.Apps;

/// <summary>
/// The WSGI environ: the CGI/WSGI keys as a dictionary (REQUEST_METHOD, SCRIPT_NAME, PATH_INFO,
/// QUERY_STRING, CONTENT_TYPE, CONTENT_LENGTH, SERVER_NAME, SERVER_PORT, SERVER_PROTOCOL, HTTP_*,
/// wsgi.url_scheme, wsgi.input, wsgi.errors, RAW_URI, ...) and typed properties over the same keys.
/// Strings hold the request's bytes decoded as Latin-1, as PEP 3333 does. Middleware may change
/// entries (a router moves a prefix from PATH_INFO to SCRIPT_NAME) before calling the next app.
/// </summary>
public sealed class Environ : EnvironDictionary
{
    // The keys the server sets besides one per header: sized so the dictionary never grows.
    private const int ServerKeyCount = 21;

    // Boxed once: the wsgi.* flags are the same for every request.
    private static readonly object True = true;
    private static readonly object False = false;

    private Cluster.ClusterFacade? _cluster;
    public Environ(
        IReadOnlyList<KeyValuePair<string, string>> headers,
        RequestInput input,
        TextWriter errors,
        CancellationToken aborted,
        string requestId)
        : base(ServerKeyCount + headers.Count)
    {
        Headers = headers;
        Aborted = aborted;
        RequestId = requestId;
        AddNew("wsgi.version", new[] { 1, 0 });
        AddNew(CgiKeys.UrlScheme, "http");
        AddNew("wsgi.input", input);
        AddNew("wsgi.errors", errors);
        AddNew("wsgi.multithread", True);
        AddNew("wsgi.multiprocess", False);
        AddNew("wsgi.run_once", False);
        AddNew(CgiKeys.ScriptName, "");
        AddHeaderKeys(headers);
    }

    /// <summary>The request's header fields in received order, names as sent, values trimmed.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>Fires when the client goes away or the request times out.</summary>
    public CancellationToken Aborted { get; }

    /// <summary>
    /// Fires when the server starts draining (SIGTERM, a graceful leave): the request may finish, up to
    /// the drain deadline, but a long poll or a stream should end now (the client will ask again,
    /// elsewhere) so that the node can go.
    /// </summary>
    public CancellationToken Stopping { get; init; }

    /// <summary>Names this request in the server's logs.</summary>
    public string RequestId { get; }

    public RequestInput Input => (RequestInput)this["wsgi.input"];

    /// <summary>Runs blocking or CPU-heavy work off the actor threads; yield the future it returns.</summary>
    public Executor Executor { get => (Executor)this["resume.executor"]; init => this["resume.executor"] = value; }

    /// <summary>Outgoing I/O as futures with timeouts, cancelled when the request is aborted.</summary>
    public AsyncFacade Async { get => (AsyncFacade)this["resume.async"]; init => this["resume.async"] = value; }

    public TextWriter Errors => (TextWriter)this["wsgi.errors"];

    /// <summary>
    /// Sharded entities, topics and cluster work (<see cref="Cluster.ClusterFacade"/>); on one node
    /// alone when clustering is off. Made on first use, so requests that do not use it pay nothing.
    /// </summary>
    public Cluster.ClusterFacade Cluster => _cluster ??= new Cluster.ClusterFacade(
        ClusterBackend ?? throw new InvalidOperationException("This environ has no cluster: the server sets ClusterBackend (AppRun takes one in its options)."),
        Aborted);

    /// <summary>What <see cref="Cluster"/> stands on; set by the server.</summary>
    public Cluster.IClusterBackend? ClusterBackend { get; init; }

    /// <summary>The request is over: its topic subscriptions end (called by the server).</summary>
    public void EndCluster() => _cluster?.EndRequest();

    public string RequestMethod { get => Get(CgiKeys.RequestMethod); set => this[CgiKeys.RequestMethod] = value; }

    public string ScriptName { get => Get(CgiKeys.ScriptName); set => this[CgiKeys.ScriptName] = value; }

    /// <summary>The percent-decoded path below <see cref="ScriptName"/>.</summary>
    public string PathInfo { get => Get(CgiKeys.PathInfo); set => this[CgiKeys.PathInfo] = value; }

    public string QueryString { get => Get(CgiKeys.QueryString); set => this[CgiKeys.QueryString] = value; }

    /// <summary>The request-target exactly as received.</summary>
    public string RawUri => Get(CgiKeys.RawUri);

    /// <summary>The path of the request-target as received, not percent-decoded.</summary>
    public string RawPath => Get(CgiKeys.RawPath);

    public string ServerProtocol => Get(CgiKeys.ServerProtocol);

    public string ContentType => Get(CgiKeys.ContentType);

    /// <summary>The declared body length, or null for a chunked body or none.</summary>
    public long? ContentLength => TryGetValue(CgiKeys.ContentLength, out var v) && long.TryParse((string)v, out var n) ? n : null;

    public string ServerName => Get(CgiKeys.ServerName);

    public string ServerPort => Get(CgiKeys.ServerPort);

    public string RemoteAddr => Get(CgiKeys.RemoteAddr);

    /// <summary><c>wsgi.url_scheme</c>: "https" for a request that came over TLS, else "http".</summary>
    public string UrlScheme { get => Get(CgiKeys.UrlScheme); set => this[CgiKeys.UrlScheme] = value; }

    /// <summary>The value of a request header (first of its name, case-insensitive), or null.</summary>
    public string? Header(string name)
    {
        for (var i = 0; i < Headers.Count; i++)
        {
            var (key, value) = Headers[i];
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
                return value;
        }
        return null;
    }

    /// <summary>The query string's parameters, percent-decoded as UTF-8.</summary>
    public IReadOnlyDictionary<string, string> Query => QueryParameters.Parse(QueryString);

    private string Get(string key) => TryGetValue(key, out var v) ? (string)v : "";

    /// <summary>
    /// CONTENT_TYPE, and HTTP_* for every other header (Content-Length is the server's to set: it
    /// knows the framing). A repeated header's values are joined with ", " (cookies with "; ").
    /// </summary>
    private void AddHeaderKeys(IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        for (var i = 0; i < headers.Count; i++)
        {
            var (name, value) = headers[i];
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                continue;
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                this[CgiKeys.ContentType] = value;
                continue;
            }
            var key = HeaderKeys.For(name);
            var at = IndexOf(key);
            if (at < 0)
                AddNew(key, value);
            else
                SetValueAt(at, ValueAt(at) + (key == "HTTP_COOKIE" ? "; " : ", ") + value);
        }
    }

    /// <summary>
    /// Adds one of the keys the server sets as it builds the environ, which it knows are not there yet
    /// (no header makes them): without a scan for each.
    /// </summary>
    internal void AddServerKey(string key, object value) => AddNew(key, value);

    /// <summary>The CGI key names.</summary>
    public static class CgiKeys
    {
        public const string RequestMethod = "REQUEST_METHOD";
        public const string ScriptName = "SCRIPT_NAME";
        public const string PathInfo = "PATH_INFO";
        public const string QueryString = "QUERY_STRING";
        public const string ContentType = "CONTENT_TYPE";
        public const string ContentLength = "CONTENT_LENGTH";
        public const string ServerName = "SERVER_NAME";
        public const string ServerPort = "SERVER_PORT";
        public const string ServerProtocol = "SERVER_PROTOCOL";
        public const string RemoteAddr = "REMOTE_ADDR";
        public const string RemotePort = "REMOTE_PORT";
        public const string RawUri = "RAW_URI";
        public const string RawPath = "resume.raw_path";
        public const string UrlScheme = "wsgi.url_scheme";
    }
}
