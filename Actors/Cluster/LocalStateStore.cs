using System.Collections.Concurrent;

namespace Resume.Actors.Cluster;

/// <summary>Entity state in this process's memory: a node alone has nowhere else to move it.</summary>
public sealed class LocalStateStore : IEntityStateStore
{
    private readonly ConcurrentDictionary<string, object> _states = new(StringComparer.Ordinal);

    public Task<object?> LoadAsync(string key, Type stateType) =>
        Task.FromResult(_states.TryGetValue(key, out var state) ? state : null);

    public Task SaveAsync(string key, object state, Type stateType)
    {
        _states[key] = state;
        return Task.CompletedTask;
    }
}
