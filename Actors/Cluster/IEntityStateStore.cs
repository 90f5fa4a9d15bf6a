namespace Resume.Actors.Cluster;

/// <summary>Where an <see cref="Apps.Cluster.Entity{TState}"/>'s state is kept between its lives (moves, passivation).</summary>
public interface IEntityStateStore
{
    /// <summary>The state last saved under <paramref name="key"/>, or null if none was.</summary>
    Task<object?> LoadAsync(string key, Type stateType);

    Task SaveAsync(string key, object state, Type stateType);
}
