using System.Globalization;
using Akka.Actor;
using Resume.Actors.Hosting;

namespace Resume.Actors.Cluster;

/// <summary>
/// A seed node as an operator writes it — <c>host:port</c> (<c>[::1]:4053</c> for IPv6) — or as
/// Akka does, <c>akka.tcp://resume@host:port</c>; both become Akka's form. The system name is
/// always <see cref="ClusterSettings.SystemName"/>: a node joins only nodes of its own name.
/// </summary>
public static class SeedNode
{
    private const string Scheme = "akka.tcp://";

    /// <summary>What is wrong with <paramref name="text"/> as a seed node; null when it is one.</summary>
    public static string? Problem(string text) => TryParse(text, out _, out var problem) ? null : problem;

    /// <summary>Akka's address for <paramref name="text"/>, which must pass <see cref="Problem"/>.</summary>
    public static string ToAddress(string text) =>
        TryParse(text, out var address, out var problem) ? address : throw new ArgumentException(problem, nameof(text));

    private static bool TryParse(string text, out string address, out string problem)
    {
        address = problem = "";
        string hostPort;
        if (text.StartsWith(Scheme, StringComparison.Ordinal))
        {
            var at = text.IndexOf('@', StringComparison.Ordinal);
            var system = at < 0 ? "" : text[Scheme.Length..at];
            if (system != ClusterSettings.SystemName)
            {
                problem = $"is not a seed of this cluster: its system must be {ClusterSettings.SystemName} (akka.tcp://{ClusterSettings.SystemName}@host:port), or write host:port";
                return false;
            }
            hostPort = text[(at + 1)..];
        }
        else if (text.Contains("://", StringComparison.Ordinal))
        {
            problem = "is not a seed node: write host:port (or akka.tcp://resume@host:port)";
            return false;
        }
        else
        {
            hostPort = text;
        }

        var colon = hostPort.LastIndexOf(':');
        var host = colon < 0 ? hostPort : hostPort[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
            host = host[1..^1];
        if (colon < 0 || !int.TryParse(hostPort[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            problem = "is not a seed node: write host:port, the port a number from 1 to 65535";
            return false;
        }
        if (SettingsReader.HostProblem(host) is { } hostProblem)
        {
            problem = $"is not a seed node: its host {hostProblem}";
            return false;
        }
        var shown = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host;
        address = string.Create(CultureInfo.InvariantCulture, $"{Scheme}{ClusterSettings.SystemName}@{shown}:{port}");
        // Akka must read it back as the same address, or the seed would never match a node.
        _ = Address.Parse(address);
        return true;
    }
}
