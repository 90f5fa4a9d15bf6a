using Resume.Actors.Tests.Deploy;

namespace Resume.Actors.Tests.Support;

/// <summary>
/// Tests that compare a latency or a rate with a generous bound run in this collection, alone:
/// the rest of the suite runs in parallel and would otherwise share their two cores. So do the
/// cluster tests: a failure detector starved of CPU would see nodes unreachable that are not. And
/// so do the tests of the publish output, which they share (<see cref="PublishedServer"/>).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingSensitive : ICollectionFixture<PublishedServer>
{
    public const string Name = "timing-sensitive";
}
