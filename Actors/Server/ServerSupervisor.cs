using Akka.Actor;
using Resume.Actors.Logging;

namespace Resume.Actors.Server;

/// <summary>
/// The parent of a <see cref="ServerActor"/>, there so that a fault inside the server does not stop
/// the service. Under Akka's default (restart) a fault in the server actor stopped its children (the
/// accept stream and every connection), disposed the listener and the executor, and lost a pending
/// drain. Here the server actor is resumed instead: a failed message is dropped and logged, and the
/// listener, the connections, the stream hosts and the drain waiters go on as they were. Only a server
/// that could not start (or was killed) is stopped, and this actor stops with it. Everything sent to
/// this actor goes on to the server actor, with its sender, so callers hold one ref either way.
/// </summary>
public sealed class ServerSupervisor : ActorBase
{
    private readonly ResumeLogs _logs;
    private readonly IActorRef _server;

    public ServerSupervisor(ResumeLogs logs, Props server)
    {
        _logs = logs;
        _server = Context.Watch(Context.ActorOf(server, "server"));
    }

    /// <summary>Supervises the actor made by <paramref name="server"/> (a <see cref="ServerActor"/>'s props); logs its faults to <paramref name="logs"/>.</summary>
    public static Props Props(ResumeLogs logs, Props server) => Akka.Actor.Props.Create(() => new ServerSupervisor(logs, server));

    protected override bool Receive(object message)
    {
        if (message is Terminated terminated && terminated.ActorRef.Equals(_server))
            Context.Stop(Self);
        else
            _server.Forward(message);
        return true;
    }

    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(Decide, loggingEnabled: false);

    private Directive Decide(Exception e)
    {
        if (e is ActorInitializationException or ActorKilledException or DeathPactException)
        {
            ServerLog.ServerStopped(_logs.Server, e);
            return Directive.Stop;
        }
        ServerLog.ServerResumed(_logs.Server, e);
        return Directive.Resume;
    }
}
