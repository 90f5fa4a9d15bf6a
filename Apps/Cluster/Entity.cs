namespace Resume.Apps.Cluster;

/// <summary>
/// A sharded entity: one instance per id, living on one node of the cluster at a time, handling one
/// message at a time. Write a subclass with a constructor that takes the id, and name it in HOCON
/// (<c>resume.cluster.entities.NAME = "My.Namespace.Type, MyAssembly"</c>); apps reach it with
/// <c>environ.Cluster.AskAsync(NAME, id, message)</c>. Messages and replies cross nodes, so they must
/// serialize (records of plain values do). State kept in fields is lost when the entity moves to
/// another node (a rolling restart, a crash): use <see cref="Entity{TState}"/> for state that must not be.
/// </summary>
public abstract class Entity(string id)
{
    public string Id { get; } = id;

    /// <summary>The node this entity lives on now (as <c>environ.Cluster.NodeName</c> names it there).</summary>
    public string NodeName { get; internal set; } = "local";

    /// <summary>
    /// Handles <paramref name="message"/>; what it returns is the reply (null for none). A
    /// <see cref="Task"/> returned is awaited before the next message, and its result is the reply.
    /// An exception is the asker's failure.
    /// </summary>
    public abstract object? Handle(object message);
}

/// <summary>
/// An entity whose <see cref="State"/> survives its moves between nodes: after a message that
/// changed it (assign a new value; records make that natural), the state is written to a majority of
/// the nodes before the reply goes, and an entity starting on a new node reads it back first.
/// Keep it small (a counter, the last hundred messages): every change copies it across the cluster.
/// </summary>
public abstract class Entity<TState>(string id, TState initial) : Entity(id)
    where TState : class
{
    public TState State { get; protected set; } = initial;

    /// <summary>Set by the host when it restores the state the entity had on another node.</summary>
    public void Restore(TState state) => State = state;
}
