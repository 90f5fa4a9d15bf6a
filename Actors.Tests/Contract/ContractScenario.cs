using Resume.Apps;
using Resume.Apps.Testing;

namespace Resume.Actors.Tests.Contract;

/// <summary>One semantic of the app contract, written once as an app and a request, run by both runners.</summary>
/// <param name="Name">A behaviour sentence.</param>
/// <param name="App">The app, given the log it reports what it sees to.</param>
public sealed record ContractScenario(string Name, Func<ScenarioLog, App> App)
{
    public TestRequest Request { get; init; } = TestRequest.Get("/");

    /// <summary>Run the app as registered blocking (synchronous reads allowed, steps on the blocking dispatcher).</summary>
    public bool Blocking { get; init; }

    /// <summary>The client goes away once the app signals <see cref="ScenarioLog.Suspended"/>.</summary>
    public bool AbortWhenSuspended { get; init; }

    /// <summary>What both runners must show.</summary>
    public Observed? Expected { get; init; }

    /// <summary>Done once the run is over (a late write, say).</summary>
    public Action<ScenarioLog>? After { get; init; }

    public override string ToString() => Name;
}
