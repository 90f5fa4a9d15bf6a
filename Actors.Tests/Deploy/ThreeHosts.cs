using System.Net;

namespace Resume.Actors.Tests.Deploy;

/// <summary>
/// deploy/three-hosts.sh driven by a test: the publish output it runs, a state folder and nginx's
/// loopback port of the test's own. Each command's output goes to <paramref name="log"/>; a command
/// that fails or outlives its time throws with that output.
/// </summary>
public sealed class ThreeHosts(string published, int balancerPort, Action<string> log)
{
    public const string Script = "deploy/three-hosts.sh";

    private readonly Dictionary<string, string> _environment = new(StringComparer.Ordinal)
    {
        ["THREE_HOSTS_PUBLISHED"] = published,
        ["THREE_HOSTS_STATE"] = Path.Combine(Path.GetTempPath(), $"resume-three-hosts-{Guid.NewGuid():N}"),
        ["THREE_HOSTS_LB_PORT"] = balancerPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>nginx, on loopback.</summary>
    public IPEndPoint Balancer { get; } = new(IPAddress.Loopback, balancerPort);

    public string StateFolder => _environment["THREE_HOSTS_STATE"];

    public async Task<string> RunAsync(string command, TimeSpan within)
    {
        var (code, output) = await CommandRun.RunAsync("bash", [RepositoryRoot.File(Script), command], within, _environment, log);
        return code == 0 ? output : throw new InvalidOperationException($"{Script} {command} exited {code}:\n{output}");
    }

    /// <summary>The last lines of every log the run keeps (nodes, nginx), for a failure's message.</summary>
    public string Logs(int lines = 25)
    {
        if (!Directory.Exists(StateFolder))
            return "(no state folder)";
        return string.Join('\n', Directory.GetFiles(StateFolder, "*log", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(file => $"--- {Path.GetRelativePath(StateFolder, file)}:\n{string.Join('\n', File.ReadLines(file).TakeLast(lines))}"));
    }
}
