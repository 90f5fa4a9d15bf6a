using Resume.Actors.Hosting;
using Xunit.Abstractions;

namespace Resume.Actors.Tests.Support;

/// <summary>A TestKit on Resume's embedded configuration (its dispatchers included), for specs that start servers.</summary>
public abstract class ServerSpec : Akka.TestKit.Xunit2.TestKit
{
    protected ServerSpec(ITestOutputHelper output)
        : base(ResumeConfig.Defaults, output: output) =>
        RawHttpClient.DefaultTimeout = Dilated(TimeSpan.FromSeconds(20));

    /// <summary>A complete HTTP/1.1 GET of <paramref name="target"/>.</summary>
    protected static string Get(string target) => $"GET {target} HTTP/1.1\r\nHost: test\r\n\r\n";
}
