using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Resume.Actors.Hosting;

/// <summary>
/// SIGHUP, which would kill the process at once (exit 129, nothing drained): the server reads its
/// configuration only at start, so a hang-up is logged and otherwise ignored. SIGTERM stops it.
/// </summary>
public sealed partial class HangupSignal(ILogger<HangupSignal> log) : IHostedService, IDisposable
{
    private PosixSignalRegistration? _registration;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Windows has no SIGHUP to speak of (only a console-close event the host already handles).
        if (!OperatingSystem.IsWindows())
            _registration = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnHangup);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _registration?.Dispose();

    private void OnHangup(PosixSignalContext context)
    {
        context.Cancel = true;
        Ignored(log);
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "SIGHUP received and ignored: the configuration is read only at start (restart to change it; SIGTERM stops the server after draining).")]
    private static partial void Ignored(ILogger log);
}
