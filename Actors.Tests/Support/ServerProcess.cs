using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using Resume.Tool;

namespace Resume.Actors.Tests.Support;

/// <summary>
/// The built executable run as users run it, in a process of its own (optionally under a limit on
/// open files, through prlimit), its output read line by line. Disposing it kills it if it still runs,
/// whatever the test did.
/// </summary>
public sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly List<string> _output = [];
    private readonly List<string> _errors = [];

    private ServerProcess(Process process) => _process = process;

    public int Id { get; private set; }

    /// <summary>True once the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>What the process wrote to stdout so far, line by line.</summary>
    public IReadOnlyList<string> Output
    {
        get
        {
            lock (_output)
                return [.. _output];
        }
    }

    /// <summary>What it wrote to stderr so far, line by line (complete once it has exited).</summary>
    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_errors)
                return [.. _errors];
        }
    }

    /// <summary>Starts <c>dotnet resume.dll <paramref name="args"/></c>, with at most <paramref name="openFiles"/> descriptors if given.</summary>
    public static ServerProcess Start(IEnumerable<string> args, int? openFiles = null) =>
        Start(typeof(StockHost).Assembly.Location, args, openFiles: openFiles);

    /// <summary>
    /// Starts <c>dotnet <paramref name="executable"/> <paramref name="args"/></c> (another build of the
    /// server, such as a <c>dotnet publish</c> output), with <paramref name="environment"/> added to this process's.
    /// </summary>
    public static ServerProcess Start(string executable, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, int? openFiles = null)
    {
        // SIGHUP at its default, however the suite was started: under nohup (or a runner that ignores
        // SIGHUP) the server inherits it ignored, the runtime leaves it so, and it never sees one.
        string[] launch = ["env", "--default-signal=HUP", "dotnet", executable, .. args];
        string[] command = openFiles is { } limit
            ? ["prlimit", string.Create(CultureInfo.InvariantCulture, $"--nofile={limit}:{limit}"), .. launch]
            : launch;
        var info = new ProcessStartInfo(command[0], command[1..])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            info.Environment[name] = value;
        var process = new Process { StartInfo = info };
        var server = new ServerProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                server._lines.Writer.TryComplete();
                return;
            }
            lock (server._output)
                server._output.Add(e.Data);
            server._lines.Writer.TryWrite(e.Data);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (server._errors)
                    server._errors.Add(e.Data);
            }
        };
        process.Start();
        server.Id = process.Id;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    /// <summary>The first line of stdout from now on that <paramref name="pattern"/> matches; throws if the process ends or time runs out first.</summary>
    public async Task<Match> WaitForLineAsync(Regex pattern, TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            while (await _lines.Reader.WaitToReadAsync(timeout.Token))
            {
                while (_lines.Reader.TryRead(out var line))
                {
                    if (pattern.Match(line) is { Success: true } match)
                        return match;
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"No line matched /{pattern}/ within {within}; {OpenDescriptors()} descriptors open; signals {SignalState()}. Output:\n{string.Join('\n', Output)}\nErrors:\n{string.Join('\n', Errors)}");
        }
        throw new InvalidOperationException($"The process ended before a line matched /{pattern}/. Errors:\n{string.Join('\n', Errors)}");
    }

    /// <summary>The process's signal masks from /proc (pending, blocked, ignored, caught), or why they are unknown.</summary>
    private string SignalState()
    {
        try
        {
            return string.Join(", ", File.ReadLines($"/proc/{_process.Id}/status")
                .Where(line => line.StartsWith("Sig", StringComparison.Ordinal) || line.StartsWith("ShdPnd", StringComparison.Ordinal)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return $"unknown ({e.GetType().Name})";
        }
    }

    /// <summary>How many descriptors the process has open (from /proc), or why that is unknown.</summary>
    private string OpenDescriptors()
    {
        try
        {
            return Directory.GetFileSystemEntries($"/proc/{_process.Id}/fd").Length.ToString(CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return $"an unknown number of ({e.GetType().Name})";
        }
    }

    /// <summary>Where the server listens, from its "Listening on" line.</summary>
    public async Task<IPEndPoint> ListeningAsync(TimeSpan within) =>
        IPEndPoint.Parse((await WaitForLineAsync(ListeningLine(), within)).Groups[1].Value);

    /// <summary>Sends the signal named <paramref name="name"/> (TERM, HUP, ...) to the process.</summary>
    public async Task SignalAsync(string name)
    {
        using var kill = Process.Start("kill", [$"-{name}", Id.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    /// <summary>SIGKILL (<c>kill -9</c>), sent by this process itself: no <c>kill</c> to start first, so the moment is known.</summary>
    public void Kill() => _process.Kill();

    /// <summary>Waits for the process to exit and returns its exit code, all of its stderr read.</summary>
    public async Task<int> ExitCodeAsync(TimeSpan within)
    {
        await _process.WaitForExitAsync().WaitAsync(within);
        // The parameterless wait returns once the redirected streams reached their end too.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    [GeneratedRegex(@"Listening on http://(\S+)")]
    private static partial Regex ListeningLine();
}
