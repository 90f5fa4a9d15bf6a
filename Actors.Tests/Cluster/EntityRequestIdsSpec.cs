using System.Collections.Concurrent;
using Resume.Actors.Cluster;

namespace Resume.Actors.Tests.Cluster;

/// <summary>The ids an entity tells resent asks apart by: never the same twice, from any thread.</summary>
public sealed class EntityRequestIdsSpec
{
    [Fact]
    public void Ids_taken_at_once_on_many_threads_are_all_different()
    {
        const int PerThread = 50_000;
        var ids = new ConcurrentBag<Guid>();
        Parallel.For(0, 4, _ =>
        {
            var mine = new List<Guid>(PerThread);
            for (var i = 0; i < PerThread; i++)
                mine.Add(EntityRequestIds.Next());
            foreach (var id in mine)
                ids.Add(id);
        });
        Assert.Equal(4 * PerThread, ids.Distinct().Count());
        Assert.DoesNotContain(Guid.Empty, ids);
    }
}
