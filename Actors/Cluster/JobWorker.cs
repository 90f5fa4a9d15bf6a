using Akka.Actor;
using Resume.Apps;
using Resume.Apps.Cluster;

namespace Resume.Actors.Cluster;

/// <summary>
/// Runs submitted jobs on this node's executor threads (one worker per node, at <see cref="Path"/>),
/// and counts those running: the load by which submitters choose a node.
/// </summary>
public sealed class JobWorker : ReceiveActor
{
    public const string Name = "resume-jobs";

    /// <summary>Where the worker lives on every node.</summary>
    public const string Path = "/user/" + Name;

    public JobWorker(IReadOnlyDictionary<string, Func<Job>> jobs, Executor executor, NodeLoad load, string nodeName)
    {
        Receive<RunJob>(run =>
        {
            if (!jobs.TryGetValue(run.JobType, out var factory))
            {
                Sender.Tell(new Status.Failure(new ArgumentException($"No job type \"{run.JobType}\" on this node; known: {string.Join(", ", jobs.Keys)}.")));
                return;
            }
            load.Started();
            var sender = Sender;
            executor.Submit(() => NoReply.Wrap(factory().Run(run.Data, new JobContext(nodeName, CancellationToken.None))))
                .ContinueWith(
                    done =>
                    {
                        load.Ended();
                        sender.Tell(done.IsCompletedSuccessfully ? done.Result : new Status.Failure(done.Exception?.GetBaseException() ?? new OperationCanceledException()));
                    },
                    TaskScheduler.Default);
        });
    }

    public static Props Props(IReadOnlyDictionary<string, Func<Job>> jobs, Executor executor, NodeLoad load, string nodeName) =>
        Akka.Actor.Props.Create(() => new JobWorker(jobs, executor, load, nodeName));

    /// <summary>Run job <paramref name="JobType"/> with <paramref name="Data"/>; the reply is its result.</summary>
    public sealed record RunJob(string JobType, object? Data);
}
