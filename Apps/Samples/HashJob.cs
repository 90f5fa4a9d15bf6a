using System.Security.Cryptography;
using System.Text;
using Resume.Apps.Cluster;

namespace Resume.Apps.Samples;

/// <summary>Cluster work (<c>resume.cluster.jobs.hash</c>): SHA-256 of a text, iterated; says which node computed it.</summary>
public sealed class HashJob : Job
{
    public override object? Run(object? data, JobContext context)
    {
        var request = data as Request ?? throw new ArgumentException("A hash job takes a HashJob.Request.");
        var hash = Encoding.UTF8.GetBytes(request.Text);
        for (var i = 0; i < request.Iterations; i++)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            hash = SHA256.HashData(hash);
        }
        return new Result(Convert.ToHexStringLower(hash), context.NodeName);
    }

    public sealed record Request(string Text, int Iterations);

    public sealed record Result(string Sha256, string Node);
}
