using Resume.Transport.Http;

namespace Resume.Actors.Metrics;

/// <summary>
/// The values of <c>resume.rejection.reason</c>: each <see cref="RequestRejectionReason"/> of the parser
/// in snake case (malformed_request_line, headers_too_large, head_timeout, ...), and the ends the server
/// chooses for a request whose app runs. A small fixed set, so a series per value stays affordable.
/// </summary>
public static class RejectionReasons
{
    /// <summary>A suspend timeout or deadline passed: 504, or 408 while waiting for the request body.</summary>
    public const string Timeout = "timeout";

    /// <summary>The request body broke a rule or a limit while the app read it (400, 408, 413).</summary>
    public const string RequestBody = "request_body";

    /// <summary>The server stopped and its drain deadline passed: 503.</summary>
    public const string DrainDeadline = "drain_deadline";

    private static readonly string[] Parser = [.. Enum.GetValues<RequestRejectionReason>().Select(reason => SnakeCase(reason.ToString()))];

    public static string Of(RequestRejectionReason reason) => (int)reason < Parser.Length ? Parser[(int)reason] : SnakeCase(reason.ToString());

    private static string SnakeCase(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
