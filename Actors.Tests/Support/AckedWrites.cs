using System.Collections.Concurrent;

namespace Resume.Actors.Tests.Support;

/// <summary>
/// The writes the cluster acknowledged — each counter increment's new value, each chat post's
/// number — and the writes whose fate is unknown (sent, then no good answer: applied or not).
/// </summary>
public sealed class AckedWrites
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<long>> _increments = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<long>> _posts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _uncertainIncrements = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _uncertainPosts = new(StringComparer.Ordinal);

    public void Incremented(string counter, long value) => Of(_increments, counter).Enqueue(value);

    public void Posted(string room, long seq) => Of(_posts, room).Enqueue(seq);

    public void IncrementUncertain(string counter) => _uncertainIncrements.AddOrUpdate(counter, 1, (_, n) => n + 1);

    public void PostUncertain(string room) => _uncertainPosts.AddOrUpdate(room, 1, (_, n) => n + 1);

    /// <summary>The values the acknowledged increments of <paramref name="counter"/> answered, in no order.</summary>
    public IReadOnlyList<long> Increments(string counter) => [.. Of(_increments, counter)];

    /// <summary>The numbers the acknowledged posts to <paramref name="room"/> got, in no order.</summary>
    public IReadOnlyList<long> Posts(string room) => [.. Of(_posts, room)];

    public int UncertainIncrements(string counter) => _uncertainIncrements.GetValueOrDefault(counter);

    public int UncertainPosts(string room) => _uncertainPosts.GetValueOrDefault(room);

    private static ConcurrentQueue<long> Of(ConcurrentDictionary<string, ConcurrentQueue<long>> writes, string key) =>
        writes.GetOrAdd(key, _ => new ConcurrentQueue<long>());
}
