using System.Security.Cryptography;
using System.Text.Json;
using Resume.Apps.Samples;
using Resume.Apps.Testing;
using Xunit.Abstractions;

namespace Resume.Actors.Tests;

/// <summary>What the echo and proxy samples promise about size: echo's memory, proxy's Content-Length.</summary>
public sealed class SampleAppBoundsSpec(ITestOutputHelper output)
{
    [Fact]
    public void Echo_of_a_32_MB_upload_allocates_a_small_multiple_of_the_body_and_echoes_it_exactly()
    {
        const int Size = 32 * 1024 * 1024;
        var body = RandomNumberGenerator.GetBytes(Size);
        using var run = AppRun.Start(EchoApp.Run, new TestRequest { Method = "POST", Path = "/echo", Body = body });

        // The test's input completes every read at once, so the whole run is on this thread.
        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.True(run.RunUntilSuspended());
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"echo of {Size >> 20} MiB allocated {allocated >> 20} MiB ({(double)allocated / Size:0.00}x)");

        // Its base64 (1.33×), which the test run keeps, and room for a body read as copies, as a server
        // reads it (1×); whole strings and growing buffers made ~11×. Measured: 1.34×.
        Assert.InRange(allocated, Size, 3L * Size);
        Assert.Equal(run.Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), run.Headers.Single(h => h.Key == "Content-Length").Value);
        using var echoed = JsonDocument.Parse(run.Body);
        Assert.Equal(SHA256.HashData(body), SHA256.HashData(Convert.FromBase64String(echoed.RootElement.GetProperty("body_base64").GetString()!)));
        Assert.Equal("POST", echoed.RootElement.GetProperty("method").GetString());
    }

    [Fact]
    public void Echo_of_an_empty_body_is_an_empty_base64_string()
    {
        using var run = AppRun.Start(EchoApp.Run, TestRequest.Get("/echo?x=1"));
        Assert.True(run.RunUntilSuspended());

        Assert.Equal(run.Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), run.Headers.Single(h => h.Key == "Content-Length").Value);
        using var echoed = JsonDocument.Parse(run.Body);
        Assert.Equal("", echoed.RootElement.GetProperty("body_base64").GetString());
        Assert.Equal("x=1", echoed.RootElement.GetProperty("query").GetString());
    }

    [Fact]
    public void Proxy_without_a_url_declares_the_Content_Length_of_the_usage_it_sends()
    {
        using var run = AppRun.Start(ProxyApp.Run, TestRequest.Get("/proxy"));
        Assert.True(run.RunUntilSuspended());

        Assert.Equal(400, run.StatusCode);
        Assert.Equal(run.Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), run.Headers.Single(h => h.Key == "Content-Length").Value);
        Assert.StartsWith("proxy needs ?url=", run.BodyText);
    }
}
