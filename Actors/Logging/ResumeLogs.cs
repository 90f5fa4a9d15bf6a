using Microsoft.Extensions.Logging;

namespace Resume.Actors.Logging;

/// <summary>
/// One server's loggers, one per category (<see cref="LogCategories"/>), made once when it starts and
/// shared by its actors and stages: a line costs a call on an <see cref="ILogger"/> (nothing at all
/// when its level is off, through the source-generated methods of <see cref="ServerLog"/> and its
/// siblings), never a logger or an Akka event of its own. Also holds the access log, when it is on.
/// </summary>
public sealed class ResumeLogs
{
    private ResumeLogs(ILoggerFactory factory, AccessLog? access)
    {
        Server = factory.CreateLogger(LogCategories.Server);
        Connection = factory.CreateLogger(LogCategories.Connection);
        Request = factory.CreateLogger(LogCategories.Request);
        App = factory.CreateLogger(LogCategories.App);
        Cluster = factory.CreateLogger(LogCategories.Cluster);
        Access = access;
    }

    public ILogger Server { get; }

    public ILogger Connection { get; }

    public ILogger Request { get; }

    public ILogger App { get; }

    public ILogger Cluster { get; }

    /// <summary>The access log; null when <c>resume.access-log.enabled = off</c>.</summary>
    public AccessLog? Access { get; }

    public static ResumeLogs Create(ILoggerFactory factory, AccessLog? access = null) => new(factory, access);
}
