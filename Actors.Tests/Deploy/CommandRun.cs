using System.Diagnostics;
using System.Text;

namespace Resume.Actors.Tests.Deploy;

/// <summary>A command run to its end, its stdout and stderr read together; killed (with its children) if it outlives its time.</summary>
public static class CommandRun
{
    public static async Task<(int ExitCode, string Output)> RunAsync(
        string fileName, IEnumerable<string> args, TimeSpan within, IReadOnlyDictionary<string, string>? environment = null, Action<string>? onLine = null)
    {
        var info = new ProcessStartInfo(fileName, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            info.Environment[name] = value;
        using var process = new Process { StartInfo = info };
        var output = new StringBuilder();
        void Take(object _, DataReceivedEventArgs e)
        {
            if (e.Data is null)
                return;
            lock (output)
                output.AppendLine(e.Data);
            onLine?.Invoke(e.Data);
        }
        process.OutputDataReceived += Take;
        process.ErrorDataReceived += Take;
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync().WaitAsync(within);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            lock (output)
                throw new TimeoutException($"{fileName} {string.Join(' ', args)} ran past {within}:\n{output}");
        }
        // The parameterless wait returns once the redirected streams reached their end too.
        process.WaitForExit();
        lock (output)
            return (process.ExitCode, output.ToString());
    }
}
