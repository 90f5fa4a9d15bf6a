using Akka.Actor;

namespace RemoteAsk;

/// <summary>The target role: an actor system on 127.0.0.1:port with <see cref="Echo"/> at /user/echo, until the process is stopped.</summary>
public static class Target
{
    public static async Task<int> Run(int port)
    {
        // SIGTERM or Ctrl+C: Akka's CLR shutdown hook runs the coordinated shutdown, which ends the system.
        using var system = ActorSystem.Create(BenchConfig.SystemName, BenchConfig.For(port));
        system.ActorOf(Props.Create(() => new Echo()), Echo.Name);
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance);
        };
        Console.WriteLine($"listening on {((ExtendedActorSystem)system).Provider.DefaultAddress}");
        await system.WhenTerminated.ConfigureAwait(false);
        return 0;
    }
}
