namespace Resume.Actors.Tests.Support;

/// <summary>
/// Tests that compare a latency or a rate with a generous bound run in this collection, alone:
/// the rest of the suite runs in parallel and would otherwise share their two cores. So do the
/// cluster tests: a failure detector starved of CPU would see nodes unreachable that are not.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingSensitive
{
    public const string Name = "timing-sensitive";
}
