using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Hosting;
using Resume.Actors.Server;

namespace Resume.Actors.Hosting;

/// <summary>
/// Makes the host's ApplicationStarted mean "the server accepts connections", which is when systemd's
/// <c>READY=1</c> is sent (<see cref="SystemdNotification"/>). Hosted services start in the order they
/// were added and this one comes after Akka's; the server actor is made there, but starts its accept
/// loop asynchronously, in its PreStart, and answers an ask only after it.
/// </summary>
internal sealed class ServingStarted(ActorRegistry registry) : IHostedService
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var server = await registry.GetAsync<ServerActor>(cancellationToken).ConfigureAwait(false);
        await server.Ask<ServerActor.Bound>(ServerActor.GetBinding.Instance, Patience, cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
