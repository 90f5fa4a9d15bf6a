using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Resume.Actors.Tests.Support;

/// <summary>
/// A real PostgreSQL server for the tests, started from the server binaries in a temporary directory
/// (initdb, then pg_ctl) on 127.0.0.1 and a free port, trusting local connections, and stopped and
/// removed when disposed. As root it runs as the <c>postgres</c> user (initdb refuses root). Without
/// the binaries it fails with one line saying what to install.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    private readonly string _bin;
    private readonly string _directory;
    private readonly string? _runAs;

    private PostgresServer(string bin, string directory, string? runAs, int port)
    {
        _bin = bin;
        _directory = directory;
        _runAs = runAs;
        Port = port;
    }

    public int Port { get; }

    /// <summary>An Npgsql connection string to the database <c>postgres</c>; <paramref name="pool"/> connections at most.</summary>
    public string ConnectionString(int pool = 20) =>
        string.Create(CultureInfo.InvariantCulture, $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Maximum Pool Size={pool};Timeout=30");

    public static PostgresServer Start()
    {
        var bin = FindBinaries()
            ?? throw new InvalidOperationException(
                "PostgreSQL server binaries (initdb, pg_ctl) not found: install them (apt-get install postgresql-15) or put them on PATH.");
        var runAs = Environment.UserName == "root" ? "postgres" : null;
        var directory = Directory.CreateTempSubdirectory("resume-pg-").FullName;
        var data = Path.Combine(directory, "data");
        if (runAs is not null)
            Run("chown", [runAs, directory], null);
        var port = FreePort();
        var server = new PostgresServer(bin, directory, runAs, port);
        try
        {
            server.Tool("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8"]);
            server.Tool("pg_ctl", ["-D", data, "-l", Path.Combine(directory, "log"), "-w", "-t", "60", "start",
                "-o", $"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"]);
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        try
        {
            Tool("pg_ctl", ["-D", Path.Combine(_directory, "data"), "-m", "immediate", "-w", "stop"]);
        }
        catch (InvalidOperationException)
        {
            // Not started, or gone already.
        }
        Directory.Delete(_directory, recursive: true);
    }

    private void Tool(string name, string[] args) => Run(Path.Combine(_bin, name), args, _runAs);

    private static void Run(string file, string[] args, string? runAs)
    {
        var start = runAs is null ? new ProcessStartInfo(file) : new ProcessStartInfo("runuser", ["-u", runAs, "--", file]);
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(90)))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{Path.GetFileName(file)} did not finish in 90 s");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(file)} exited {process.ExitCode}: {errors.Result.Trim()} {output.Result.Trim()}");
    }

    private static string? FindBinaries()
    {
        var candidates = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().Select(version => Path.Combine(version, "bin"))
            : [];
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries);
        return candidates.Concat(path).FirstOrDefault(dir => File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")));
    }

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
