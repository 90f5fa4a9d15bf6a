using Microsoft.Extensions.Hosting;
using Resume.Actors.Hosting;

namespace Resume.Actors;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
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

        using var host = ResumeHost.Build(options);
        await host.RunAsync();
        return 0;
    }
}
