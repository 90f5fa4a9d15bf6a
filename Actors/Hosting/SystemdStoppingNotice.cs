using Akka;
using Akka.Actor;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;

namespace Resume.Actors.Hosting;

/// <summary>
/// <c>STOPPING=1</c> in CoordinatedShutdown's first phase, where readiness turns 503: the moment the
/// graceful stop begins, whatever began it (SIGTERM, or the node downed by the split-brain resolver).
/// The package's lifetime sends it on ApplicationStopping, but Akka.Hosting's handler of that event,
/// which comes first, returns only once CoordinatedShutdown has run (measured: STOPPING=1 arrived
/// after the unbind delay and the drain); that one still comes, a harmless repeat.
/// </summary>
internal sealed class SystemdStoppingNotice(ISystemdNotifier notifier, ActorSystem system) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "systemd-stopping", () =>
        {
            notifier.Notify(ServiceState.Stopping);
            return Task.FromResult(Done.Instance);
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
