namespace Resume.Apps.Samples;

/// <summary>
/// <c>work?text=T&amp;iterations=N</c>: SHA-256 of T iterated N times (100,000), computed as a cluster
/// job on the least-loaded node; answers the hash, the node that computed it and the node that served.
/// </summary>
public static class WorkApp
{
    public const int MaxIterations = 10_000_000;

    public static IEnumerable<Step> Run(Environ environ, StartResponse startResponse)
    {
        var iterations = environ.Query.Int("iterations", 100_000);
        if (iterations is < 0 or > MaxIterations)
        {
            yield return JsonResponses.Error(startResponse, "400 Bad Request", $"iterations must be from 0 to {MaxIterations:N0}.");
            yield break;
        }
        var text = environ.Query.TryGetValue("text", out var given) ? given : "resume";
        var job = environ.Cluster.SubmitAsync<HashJob.Result>("hash", new HashJob.Request(text, (int)iterations), TimeSpan.FromSeconds(30));
        yield return job;
        var result = job.GetAwaiter().GetResult();
        yield return JsonResponses.Answer(startResponse, "200 OK", new { result.Sha256, computedBy = result.Node, servedBy = environ.Cluster.NodeName });
    }
}
