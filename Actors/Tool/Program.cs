using System.Reflection;
using Microsoft.Extensions.Hosting;
using Resume.Actors.Hosting;
using Resume.Transport.Sockets;

namespace Resume.Tool;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (CommandLine.AsksForHelp(args))
        {
            await Console.Out.WriteLineAsync(CommandLine.Usage);
            return 0;
        }
        if (CommandLine.AsksForVersion(args))
        {
            await Console.Out.WriteLineAsync($"resume {Version}");
            return 0;
        }
        CommandLine options;
        try
        {
            options = CommandLine.Parse(args);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync($"{e.Message}\n{CommandLine.Usage}");
            return 2;
        }

        // Before the settings are read: max-connections = auto is worked out from the raised limit.
        DescriptorLimit.RaiseSoftToHard();

        IHost host;
        try
        {
            host = StockHost.Build(options);
        }
        catch (SettingsException e)
        {
            // One line naming the key, for the operator; a stack trace would only hide it.
            await Console.Error.WriteLineAsync($"Configuration error: {e.Message}");
            return 2;
        }

        using (host)
        {
            try
            {
                await host.StartAsync();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Whatever else stops the server from starting is reported the same way, in one line.
                await Console.Error.WriteLineAsync($"Startup error: {SettingsException.OneLine(e.Message)}");
                return 2;
            }
            await host.WaitForShutdownAsync();
            var (code, message) = ResumeHost.Exit(host);
            if (message is not null)
                await Console.Error.WriteLineAsync(message);
            return code;
        }
    }

    /// <summary>The version the packages carry (Directory.Build.props), with the commit when the build knew it.</summary>
    private static string Version =>
        typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
}
