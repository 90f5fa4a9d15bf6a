using System.Diagnostics;
using System.Text.Json;
using Akka.Actor;

namespace RemoteAsk;

/// <summary>
/// The ask role: resolves the target's <see cref="Echo"/>, keeps a number of asks outstanding against
/// it (each loop sends the next when the last is answered, as each of wrk's connections does), and
/// measures a window after the warm-up: asks answered, their latencies, and this process's CPU.
/// </summary>
public static class Asker
{
    /// <summary>As wrk's timeout in the HTTP scenario; an ask unanswered past it is an error.</summary>
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How long the target may take to start listening.</summary>
    private static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(30);

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <param name="rate">At most this many asks a second in all (0: as fast as answers come).</param>
    public static async Task<int> Run(int targetPort, int outstanding, TimeSpan warmup, TimeSpan duration, int rate)
    {
        // Each loop starts an ask at most once per interval: the loops together, at most rate a second.
        var interval = rate > 0 ? TimeSpan.FromSeconds((double)outstanding / rate) : TimeSpan.Zero;
        using var system = ActorSystem.Create(BenchConfig.SystemName, BenchConfig.For(0));
        try
        {
            var target = await Resolve(system, targetPort).ConfigureAwait(false);
            var window = new Window();
            using var stop = new CancellationTokenSource();
            var samples = Enumerable.Range(0, outstanding).Select(_ => new List<Sample>()).ToArray();
            var loops = samples.Select(mine => Task.Run(() => Loop(target, window, mine, interval, stop.Token))).ToArray();

            await Task.Delay(warmup).ConfigureAwait(false);
            var cpuBefore = Cpu();
            window.Open();
            await Task.Delay(duration).ConfigureAwait(false);
            window.Close();
            var cpu = Cpu() - cpuBefore;
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(loops).ConfigureAwait(false);

            var measured = samples.SelectMany(s => s).Where(window.Contains).ToList();
            var latencies = measured.Where(s => s.Answered).Select(s => s.Latency).Order().ToArray();
            var seconds = Stopwatch.GetElapsedTime(window.Start, window.End).TotalSeconds;
            Console.WriteLine(JsonSerializer.Serialize(new Result(
                AsksPerS: Math.Round(latencies.Length / seconds, 1),
                P50Ms: Math.Round(Percentile(latencies, 0.50).TotalMilliseconds, 3),
                P99Ms: Math.Round(Percentile(latencies, 0.99).TotalMilliseconds, 3),
                CpuPerAskUs: Math.Round(cpu.TotalMicroseconds / Math.Max(latencies.Length, 1), 2),
                Errors: measured.Count - latencies.Length), Json));
            return 0;
        }
        finally
        {
            await system.Terminate().ConfigureAwait(false);
        }
    }

    private static async Task Loop(IActorRef target, Window window, List<Sample> samples, TimeSpan interval, CancellationToken stop)
    {
        var add = new Echo.Add(1);
        while (!stop.IsCancellationRequested)
        {
            var began = Stopwatch.GetTimestamp();
            var answered = true;
            try
            {
                await target.Ask<Echo.Reply>(new Echo.Request(Guid.NewGuid(), add), AskTimeout).ConfigureAwait(false);
            }
            catch (AskTimeoutException)
            {
                answered = false;
            }
            var ended = Stopwatch.GetTimestamp();
            if (window.Started(ended))
                samples.Add(new Sample(ended, Stopwatch.GetElapsedTime(began, ended), answered));
            var wait = interval - Stopwatch.GetElapsedTime(began, ended);
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private static async Task<IActorRef> Resolve(ActorSystem system, int port)
    {
        var selection = system.ActorSelection($"akka.tcp://{BenchConfig.SystemName}@127.0.0.1:{port}/user/{Echo.Name}");
        var deadline = DateTime.UtcNow + ResolveTimeout;
        while (true)
        {
            try
            {
                return await selection.ResolveOne(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            }
            catch (ActorNotFoundException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(500).ConfigureAwait(false);
            }
        }
    }

    private static TimeSpan Cpu()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    /// <summary>Nearest rank: the smallest latency at least <paramref name="p"/> of them do not exceed.</summary>
    private static TimeSpan Percentile(TimeSpan[] sorted, double p) =>
        sorted.Length == 0 ? TimeSpan.Zero : sorted[Math.Max((int)Math.Ceiling(p * sorted.Length) - 1, 0)];

    /// <summary>An ask that ended (answered, or timed out) at <paramref name="Ended"/>, a <see cref="Stopwatch"/> timestamp.</summary>
    private readonly record struct Sample(long Ended, TimeSpan Latency, bool Answered);

    /// <summary>The line printed at the end, its names in snake case.</summary>
    private sealed record Result(double AsksPerS, double P50Ms, double P99Ms, double CpuPerAskUs, int Errors);

    /// <summary>The measured window, as <see cref="Stopwatch"/> timestamps; asks that end inside it count.</summary>
    private sealed class Window
    {
        private long _start = long.MaxValue;
        private long _end = long.MaxValue;

        public long Start => Volatile.Read(ref _start);

        public long End => Volatile.Read(ref _end);

        public void Open() => Volatile.Write(ref _start, Stopwatch.GetTimestamp());

        public void Close() => Volatile.Write(ref _end, Stopwatch.GetTimestamp());

        public bool Started(long timestamp) => timestamp >= Start;

        public bool Contains(Sample sample) => sample.Ended >= Start && sample.Ended < End;
    }
}
