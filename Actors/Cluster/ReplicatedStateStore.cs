using System.Text.Json;
using Akka.Actor;
using Akka.DistributedData;
using AkkaCluster = Akka.Cluster.Cluster;

namespace Resume.Actors.Cluster;

/// <summary>
/// Entity state in Distributed Data, as JSON in a last-writer-wins register per entity: written to a
/// majority of the nodes before the entity replies, read from a majority when it starts on a node.
/// Sharding keeps one instance of an entity at a time, so there is one writer, and a majority read
/// after a majority write sees it (what makes a register safe without synchronized clocks). Every node
/// holds every entity's state: for small state (a counter, the last messages of a room).
/// </summary>
public sealed class ReplicatedStateStore(ActorSystem system, TimeSpan timeout) : IEntityStateStore
{
    private readonly IActorRef _replicator = DistributedData.Get(system).Replicator;
    private readonly Akka.Cluster.UniqueAddress _self = AkkaCluster.Get(system).SelfUniqueAddress;

    public async Task<StoredEntity?> LoadAsync(string key, Type stateType)
    {
        var register = new LWWRegisterKey<string>(key);
        var response = await _replicator.Ask<IGetResponse>(Dsl.Get(register, new ReadMajority(timeout)), timeout + TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        switch (response)
        {
            case GetSuccess success:
                var stored = JsonSerializer.Deserialize<Stored>(success.Get(register).Value)!;
                return new StoredEntity(stored.State.Deserialize(stateType)!, stored.Recent);
            case NotFound:
                return null;
            default:
                throw new TimeoutException($"The state of {key} could not be read from a majority of the nodes ({response.GetType().Name}).");
        }
    }

    public async Task SaveAsync(string key, StoredEntity entity, Type stateType)
    {
        var register = new LWWRegisterKey<string>(key);
        var json = JsonSerializer.Serialize(new Stored(JsonSerializer.SerializeToElement(entity.State, stateType), [.. entity.Recent]));
        var update = Dsl.Update(register, new LWWRegister<string>(_self, json), new WriteMajority(timeout), old => old.WithValue(_self, json));
        var response = await _replicator.Ask<IUpdateResponse>(update, timeout + TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        if (!response.IsSuccessful)
            throw new TimeoutException($"The state of {key} could not be written to a majority of the nodes ({response.GetType().Name}).");
    }

    /// <summary>The register's JSON: the state, and the replies remembered with it.</summary>
    private sealed record Stored(JsonElement State, RememberedReply[] Recent);
}
