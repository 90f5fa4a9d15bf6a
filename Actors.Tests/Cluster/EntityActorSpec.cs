using Akka.Actor;
using Resume.Actors.Cluster;
using Resume.Actors.Tests.Support;
using Resume.Apps.Samples;
using Xunit.Abstractions;

namespace Resume.Actors.Tests.Cluster;

/// <summary>
/// The generic entity host: a request sent again (an ask resent after a hand-off dropped it, or whose
/// reply was slow) gets its first reply and changes nothing twice, also when it reaches the entity
/// restarted elsewhere from its saved state.
/// </summary>
public sealed class EntityActorSpec(ITestOutputHelper output) : ServerSpec(output)
{
    [Fact]
    public async Task A_resent_request_gets_its_first_reply_and_is_applied_once_even_after_a_move()
    {
        var store = new LocalStateStore();
        Props Counter() => EntityActor.Props("counter", "c1", id => new CounterEntity(id), store, TimeSpan.Zero, "node-a");
        var increment = new EntityRequest(Guid.NewGuid(), new CounterEntity.Increment(5));

        var first = Sys.ActorOf(Counter());
        var reply = await first.Ask<CounterEntity.Counted>(increment, TimeSpan.FromSeconds(5));
        var again = await first.Ask<CounterEntity.Counted>(increment, TimeSpan.FromSeconds(5));
        Assert.Equal(5, reply.Value);
        Assert.Equal(reply, again);

        // The entity moves: a new incarnation starts from the store and still knows the request.
        await first.GracefulStop(TimeSpan.FromSeconds(5));
        var moved = Sys.ActorOf(Counter());
        Assert.Equal(5, (await moved.Ask<CounterEntity.Counted>(increment, TimeSpan.FromSeconds(5))).Value);
        Assert.Equal(5, (await moved.Ask<CounterEntity.Counted>(new EntityRequest(Guid.NewGuid(), new CounterEntity.Read()), TimeSpan.FromSeconds(5))).Value);
        Assert.Equal(6, (await moved.Ask<CounterEntity.Counted>(new EntityRequest(Guid.NewGuid(), new CounterEntity.Increment(1)), TimeSpan.FromSeconds(5))).Value);
    }

    [Fact]
    public async Task A_failed_save_undoes_the_change_so_that_a_resend_applies_it_once()
    {
        var store = new FailingOnceStore();
        var entity = Sys.ActorOf(EntityActor.Props("counter", "c2", id => new CounterEntity(id), store, TimeSpan.Zero, "node-a"));
        var increment = new EntityRequest(Guid.NewGuid(), new CounterEntity.Increment(3));

        await Assert.ThrowsAsync<TimeoutException>(() => entity.Ask<CounterEntity.Counted>(increment, TimeSpan.FromSeconds(5)));
        Assert.Equal(3, (await entity.Ask<CounterEntity.Counted>(increment, TimeSpan.FromSeconds(5))).Value);
        Assert.Equal(3, (await entity.Ask<CounterEntity.Counted>(new EntityRequest(Guid.NewGuid(), new CounterEntity.Read()), TimeSpan.FromSeconds(5))).Value);
    }

    private sealed class FailingOnceStore : IEntityStateStore
    {
        private readonly LocalStateStore _inner = new();
        private int _saves;

        public Task<StoredEntity?> LoadAsync(string key, Type stateType) => _inner.LoadAsync(key, stateType);

        public Task SaveAsync(string key, StoredEntity entity, Type stateType) =>
            Interlocked.Increment(ref _saves) == 1
                ? Task.FromException(new TimeoutException("no majority"))
                : _inner.SaveAsync(key, entity, stateType);
    }
}
