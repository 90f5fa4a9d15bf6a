using System.Collections.Concurrent;

namespace Resume.Actors.Cluster;

/// <summary>Entity state in this process's memory: a node alone has nowhere else to move it.</summary>
public sealed class LocalStateStore : IEntityStateStore
{
    private readonly ConcurrentDictionary<string, StoredEntity> _entities = new(StringComparer.Ordinal);

    public Task<StoredEntity?> LoadAsync(string key, Type stateType) =>
        Task.FromResult(_entities.TryGetValue(key, out var entity) ? entity : null);

    public Task SaveAsync(string key, StoredEntity entity, Type stateType)
    {
        _entities[key] = entity;
        return Task.CompletedTask;
    }
}
