using Akka.Configuration;
using Resume.Actors.Hosting;

namespace RemoteAsk;

/// <summary>The bench's Akka configuration: Resume's own, with remoting on loopback and Akka's default dispatcher.</summary>
public static class BenchConfig
{
    public const string SystemName = "remote-ask";

    /// <summary>
    /// Every akka.* setting Resume ships (HOCON/resume.conf): its serializers and bindings (the apps'
    /// records by Hyperion), its remote transport settings, and whatever it sets there later, so the
    /// floor follows the configuration a Resume node actually runs with. Two things change: the
    /// provider (remote, not cluster: a bare ask needs no membership or sharding, whose gossip would
    /// add CPU of its own), and the dispatcher. Resume's executor is Resume's code, part of what the
    /// HTTP node is judged on; the floor is what plain Akka charges for a remote ask, so it runs on
    /// Akka's default executor (if Resume's threads make the hop cheaper or dearer, that shows in the
    /// HTTP row against the floor instead of moving the floor with it). Only akka.* is read by Akka;
    /// the resume.* section beside it is inert here.
    /// </summary>
    public static Config For(int port) =>
        ConfigurationFactory.ParseString($$"""
            akka.actor.provider = remote
            akka.actor.default-dispatcher.executor = default-executor
            akka.remote.dot-netty.tcp {
              hostname = "127.0.0.1"
              port = {{port}}
            }
            """).WithFallback(ResumeConfig.Defaults);
}
