using System.Globalization;
using System.Net;
using System.Text;

namespace Resume.Actors.Tests.Support;

/// <summary>
/// One node of a cluster of real processes (<c>--app demo</c>), on an HTTP port and a cluster port
/// fixed for its life, so that it can be stopped and started again on the same ones as an
/// orchestrator restarts a pod. Disposing it kills the running process, whatever the test did.
/// </summary>
public sealed class ClusterNodeProcess(int index, string configFile, int httpPort, int clusterPort, IReadOnlyList<int> seedPorts) : IAsyncDisposable
{
    private readonly List<ServerProcess> _ended = [];
    private ServerProcess? _process;

    public int Index { get; } = index;

    public IPEndPoint Http { get; } = new(IPAddress.Loopback, httpPort);

    public bool Running => _process is not null;

    /// <summary>Starts the process; <see cref="ReadyAsync"/> says when it takes requests.</summary>
    public void Start()
    {
        if (_process is not null)
            throw new InvalidOperationException($"node {Index} already runs");
        List<string> args = ["--app", "demo", "--host", "127.0.0.1", "--port", Port(httpPort), "--config", configFile,
            "--cluster-port", Port(clusterPort), "--public-host", "127.0.0.1"];
        foreach (var seed in seedPorts)
            args.AddRange(["--seed", $"127.0.0.1:{Port(seed)}"]);
        _process = ServerProcess.Start(args);
    }

    /// <summary>Polls <paramref name="path"/> until it answers 200; throws if the process ends or time runs out first.</summary>
    public async Task ReadyAsync(string path, TimeSpan within)
    {
        var process = _process ?? throw new InvalidOperationException($"node {Index} does not run");
        using var timeout = new CancellationTokenSource(within);
        while (!await HealthProbe.IsOkAsync(Http, path, TimeSpan.FromSeconds(1)))
        {
            if (process.HasExited)
                throw new InvalidOperationException($"node {Index} exited before it was ready:\n{Log()}");
            try
            {
                await Task.Delay(100, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"node {Index} was not ready within {within}:\n{Log()}");
            }
        }
    }

    /// <summary>Sends SIGTERM and waits for the process to exit; returns its exit code.</summary>
    public async Task<int> StopAsync(TimeSpan within)
    {
        var process = _process ?? throw new InvalidOperationException($"node {Index} does not run");
        await process.SignalAsync("TERM");
        var code = await process.ExitCodeAsync(within);
        Ended(process);
        return code;
    }

    /// <summary>Sends SIGKILL (<c>kill -9</c>): the process ends on the spot, leaving nothing.</summary>
    public async Task KillAsync(TimeSpan within)
    {
        var process = _process ?? throw new InvalidOperationException($"node {Index} does not run");
        process.Kill();
        await process.ExitCodeAsync(within);
        Ended(process);
    }

    /// <summary>Every line each run of this node wrote to stdout.</summary>
    public IEnumerable<string> OutputLines() => _ended.Append(_process).OfType<ServerProcess>().SelectMany(p => p.Output);

    /// <summary>The last lines each run of this node wrote, for a failure's message.</summary>
    public string Log(int lines = 30)
    {
        var text = new StringBuilder();
        foreach (var (run, process) in _ended.Append(_process).OfType<ServerProcess>().Select((p, i) => (i + 1, p)))
        {
            text.Append(CultureInfo.InvariantCulture, $"--- node {Index}, run {run} (pid {process.Id}) stdout:\n");
            text.AppendJoin('\n', process.Output.TakeLast(lines)).Append('\n');
            text.Append(CultureInfo.InvariantCulture, $"--- stderr:\n");
            text.AppendJoin('\n', process.Errors.TakeLast(lines)).Append('\n');
        }
        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            await process.DisposeAsync();
            _ended.Add(process);
        }
    }

    private void Ended(ServerProcess process)
    {
        _ended.Add(process);
        _process = null;
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
}
