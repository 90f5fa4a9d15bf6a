namespace Resume.Actors.Cluster;

/// <summary>Where an <see cref="Apps.Cluster.Entity{TState}"/>'s state is kept between its lives (moves, passivation).</summary>
public interface IEntityStateStore
{
    /// <summary>What was last saved under <paramref name="key"/>, or null if nothing was.</summary>
    Task<StoredEntity?> LoadAsync(string key, Type stateType);

    Task SaveAsync(string key, StoredEntity entity, Type stateType);
}
