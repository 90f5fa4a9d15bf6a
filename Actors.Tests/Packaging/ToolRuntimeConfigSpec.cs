using System.Text.Json;

namespace Resume.Actors.Tests.Packaging;

/// <summary>
/// The GC settings the <c>resume</c> executable ships with, as the runtime reads them from its
/// runtimeconfig.json (built beside it, and copied here with it): server GC and background collections.
/// (System.GC.ConserveMemory = 5 was measured and withdrawn: see bench/results/NOTES.md.)
/// </summary>
public sealed class ToolRuntimeConfigSpec
{
    [Fact]
    public void The_resume_executable_runs_with_server_GC_in_the_background_and_no_memory_conserving()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "resume.runtimeconfig.json");
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var properties = json.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.True(properties.GetProperty("System.GC.Server").GetBoolean());
        Assert.True(properties.GetProperty("System.GC.Concurrent").GetBoolean());
        Assert.False(properties.TryGetProperty("System.GC.ConserveMemory", out _));
    }
}
