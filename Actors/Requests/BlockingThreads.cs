using System.Collections.Concurrent;
using Akka.Configuration;
using Akka.Dispatch;

namespace Resume.Actors.Requests;

/// <summary>
/// The executor of <c>resume.blocking-dispatcher</c>: a fixed number of threads taking work from one
/// shared queue. Any idle thread takes the next request, which is what blocking apps need; Akka's
/// fork-join pool left work queued behind busy threads while others idled.
/// </summary>
public sealed class BlockingThreadsConfigurator : ExecutorServiceConfigurator
{
    private readonly int _threads;

    public BlockingThreadsConfigurator(Config config, IDispatcherPrerequisites prerequisites)
        : base(config, prerequisites) => _threads = config.GetInt("thread-count");

    public override ExecutorService Produce(string id) => new BlockingThreads(id, _threads);

    private sealed class BlockingThreads : ExecutorService
    {
        private readonly BlockingCollection<IRunnable> _work = new();

        public BlockingThreads(string id, int threads)
            : base(id)
        {
            for (var i = 0; i < threads; i++)
                new Thread(Work) { IsBackground = true, Name = $"{id}-{i}" }.Start();
        }

        public override void Execute(IRunnable run) => _work.Add(run);

        public override void Shutdown() => _work.CompleteAdding();

        private void Work()
        {
            foreach (var run in _work.GetConsumingEnumerable())
                run.Run();
        }
    }
}
