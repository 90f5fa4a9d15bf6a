using System.Text.Json;

namespace Resume.Actors.Tests.Packaging;

/// <summary>
/// The GC settings the <c>resume</c> executable ships with, as the runtime reads them from its
/// runtimeconfig.json (built beside it, and copied here with it): server GC, background collections,
/// and gen2 compacted when half of it is free space (a bench measure; see Actors/Tool/Tool.csproj).
/// </summary>
public sealed class ToolRuntimeConfigSpec
{
    [Fact]
    public void The_resume_executable_runs_with_server_GC_and_conserves_memory()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "resume.runtimeconfig.json");
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var properties = json.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.True(properties.GetProperty("System.GC.Server").GetBoolean());
        Assert.True(properties.GetProperty("System.GC.Concurrent").GetBoolean());
        Assert.Equal("5", properties.GetProperty("System.GC.ConserveMemory").ToString());
    }
}
