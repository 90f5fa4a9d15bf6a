using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;

namespace Resume.Actors.Hosting;

/// <summary>
/// systemd's notify protocol (<c>Type=notify</c>, deploy/systemd/resume.service) through
/// Microsoft.Extensions.Hosting.Systemd: <c>READY=1</c> on the host's ApplicationStarted, which
/// <see cref="ServingStarted"/> holds back until the server accepts, and <c>STOPPING=1</c> as the
/// graceful stop begins (<see cref="SystemdStoppingNotice"/>).
/// </summary>
public static class SystemdNotification
{
    /// <summary>Where the service manager listens for notifications (a Unix datagram socket's path, or <c>@name</c> for an abstract one).</summary>
    public const string SocketVariable = "NOTIFY_SOCKET";

    /// <summary>
    /// The package's lifetime when systemd runs the process, or when <c>NOTIFY_SOCKET</c> is set. The
    /// package's own check looks for systemd as the parent process (or PID 1 in a container), but the
    /// protocol, as sd_notify(3) has it, is only the variable: another supervisor, or a test, sets it too.
    /// Call it after <c>AddResume</c>, whose actor system the stopping notice hooks into.
    /// </summary>
    public static IServiceCollection AddSystemdNotification(this IServiceCollection services)
    {
        // Under systemd this also gives the console logger the journal's format (priority prefixes).
        services.AddSystemd();
        if (!SystemdHelpers.IsSystemdService() && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(SocketVariable)))
        {
            services.AddSingleton<ISystemdNotifier, SystemdNotifier>();
            services.AddSingleton<IHostLifetime, SystemdLifetime>();
        }
        if (services.Any(s => s.ServiceType == typeof(ISystemdNotifier)))
            services.AddHostedService<SystemdStoppingNotice>();
        return services;
    }
}
