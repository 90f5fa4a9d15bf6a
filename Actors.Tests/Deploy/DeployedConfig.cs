using Akka.Configuration;
using Resume.Actors.Hosting;

namespace Resume.Actors.Tests.Deploy;

/// <summary>The configuration every deployment in deploy/ runs with: deploy/resume-node.conf over HOCON/resume.conf, loaded as the server loads a --config file.</summary>
public static class DeployedConfig
{
    public const string OverlayPath = "deploy/resume-node.conf";

    public static Config Load() => ResumeConfig.Load(RepositoryRoot.File(OverlayPath));

    public static ServerSettings Settings() => ServerSettings.FromConfig(Load());
}
