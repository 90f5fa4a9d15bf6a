using System.Collections.Concurrent;
using Akka.Configuration;
using Akka.Dispatch;

namespace Resume.Actors.Dispatch;

/// <summary>
/// An executor for the actors and streams of the server: one thread per core this process may run
/// on, each with its own queue. Work scheduled from one of these threads (a message an actor or a
/// stage sends) stays on that thread's queue and runs right after the current item, so a request's
/// hops between stream, connection and request actors need no thread wake-up and no context switch;
/// work from elsewhere (socket completions, timers, futures) goes to the threads in turn. An idle
/// thread steals from the others, and looks every few milliseconds, so one stuck in a step that
/// blocks (an app that should have been registered as blocking) does not strand the work queued
/// behind it. Measured: on one core the .NET thread pool spent a third of the CPU waking threads.
/// </summary>
public sealed class CoreThreadsConfigurator : ExecutorServiceConfigurator
{
    private readonly int _threads;

    public CoreThreadsConfigurator(Config config, IDispatcherPrerequisites prerequisites)
        : base(config, prerequisites)
    {
        var configured = config.GetInt("thread-count", 0);
        // ProcessorCount honours the affinity mask and cgroup limits: one thread per core we may use.
        _threads = configured > 0 ? configured : Environment.ProcessorCount;
    }

    public override ExecutorService Produce(string id) => new CoreThreads(id, _threads);

    private sealed class CoreThreads : ExecutorService
    {
        [ThreadStatic]
        private static Worker? _current;

        private readonly Worker[] _workers;
        private int _next;

        public CoreThreads(string id, int threads)
            : base(id)
        {
            _workers = new Worker[threads];
            for (var i = 0; i < threads; i++)
                _workers[i] = new Worker($"{id}-{i}", _workers);
            foreach (var worker in _workers)
                worker.Start();
        }

        public override void Execute(IRunnable run)
        {
            var current = _current;
            if (current is not null && Array.IndexOf(_workers, current) >= 0)
            {
                current.EnqueueFromSelf(run);
                return;
            }
            var worker = _workers.Length == 1 ? _workers[0] : _workers[(int)((uint)Interlocked.Increment(ref _next) % _workers.Length)];
            worker.Enqueue(run);
        }

        public override void Shutdown()
        {
            foreach (var worker in _workers)
                worker.Stop();
        }

        private sealed class Worker(string name, Worker[] all)
        {
            private static readonly TimeSpan StealInterval = TimeSpan.FromMilliseconds(10);

            private readonly ConcurrentQueue<IRunnable> _queue = new();
            private readonly SemaphoreSlim _signal = new(0);
            private volatile bool _stopped;
            private int _sleeping;

            public void Start() => new Thread(Run) { IsBackground = true, Name = name }.Start();

            public void EnqueueFromSelf(IRunnable run) => _queue.Enqueue(run);

            public void Enqueue(IRunnable run)
            {
                _queue.Enqueue(run);
                if (Volatile.Read(ref _sleeping) == 1 && Interlocked.Exchange(ref _sleeping, 0) == 1)
                    _signal.Release();
            }

            public void Stop()
            {
                _stopped = true;
                _signal.Release();
            }

            private void Run()
            {
                _current = this;
                while (!_stopped)
                {
                    while (_queue.TryDequeue(out var run) || TrySteal(out run))
                        run.Run();
                    Volatile.Write(ref _sleeping, 1);
                    // Work may have arrived between the last dequeue and saying we sleep.
                    if (!_queue.IsEmpty && Interlocked.Exchange(ref _sleeping, 0) == 1)
                        continue;
                    if (!_signal.Wait(all.Length > 1 ? StealInterval : Timeout.InfiniteTimeSpan))
                        Interlocked.Exchange(ref _sleeping, 0);
                }
            }

            private bool TrySteal(out IRunnable run)
            {
                foreach (var other in all)
                {
                    if (!ReferenceEquals(other, this) && other._queue.TryDequeue(out run!))
                        return true;
                }
                run = null!;
                return false;
            }
        }
    }
}
