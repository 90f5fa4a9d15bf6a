namespace Resume.Apps.Cluster;

/// <summary>
/// Work the cluster runs on its least-loaded node: <c>environ.Cluster.SubmitAsync(NAME, data)</c>.
/// Write a subclass with a parameterless constructor and name it in HOCON
/// (<c>resume.cluster.jobs.NAME = "My.Namespace.Type, MyAssembly"</c>) on every node. It runs on that
/// node's executor threads, so it may block or compute; data and result cross nodes and must serialize.
/// </summary>
public abstract class Job
{
    public abstract object? Run(object? data, JobContext context);
}

/// <summary>Where a job runs: the node's name (as <c>environ.Cluster.NodeName</c> gives it there), and a token the server may cancel.</summary>
public sealed record JobContext(string NodeName, CancellationToken Cancellation);
