using Akka.Actor;
using Resume.Apps.Cluster;

namespace Resume.Actors.Cluster;

/// <summary>
/// Hosts one <see cref="Entity"/> of any type: the one generic actor behind every sharded (or, with
/// clustering off, local) entity. Messages are handled one at a time, an asynchronous handler's
/// included; an <see cref="Entity{TState}"/>'s state is read back before its first message and
/// saved after each message that changed it, before the reply goes.
/// </summary>
public sealed class EntityActor : ReceiveActor
{
    private readonly Entity _entity;
    private readonly IEntityStateStore _store;
    private readonly string _stateKey;
    private readonly DurableState? _durable;
    private bool _restored;

    public EntityActor(string entityType, string entityId, Func<string, Entity> factory, IEntityStateStore store, TimeSpan idleStop, string nodeName)
    {
        _entity = factory(entityId);
        _entity.NodeName = nodeName;
        _store = store;
        _stateKey = $"resume-entity/{entityType}/{entityId}";
        _durable = DurableState.Of(_entity);
        _restored = _durable is null;
        if (idleStop > TimeSpan.Zero)
            Context.SetReceiveTimeout(idleStop);
        Receive<ReceiveTimeout>(_ => Context.Stop(Self));
        ReceiveAsync<object>(HandleAsync);
    }

    /// <summary>An entity of <paramref name="entityType"/>; <paramref name="idleStop"/> stops it when idle (0: never; sharding passivates on its own).</summary>
    public static Props Props(string entityType, string entityId, Func<string, Entity> factory, IEntityStateStore store, TimeSpan idleStop, string nodeName) =>
        Akka.Actor.Props.Create(() => new EntityActor(entityType, entityId, factory, store, idleStop, nodeName));

    private async Task HandleAsync(object message)
    {
        var sender = Sender;
        try
        {
            if (!_restored)
            {
                if (await _store.LoadAsync(_stateKey, _durable!.StateType) is { } saved)
                    _durable.Restore(saved);
                _restored = true;
            }
            var before = _durable?.Current;
            var reply = _entity.Handle(message);
            if (reply is Task task)
            {
                await task;
                reply = TaskResult(task);
            }
            if (_durable is not null && !ReferenceEquals(before, _durable.Current))
                await _store.SaveAsync(_stateKey, _durable.Current, _durable.StateType);
            sender.Tell(NoReply.Wrap(reply));
        }
        catch (Exception e)
        {
            sender.Tell(new Status.Failure(e));
        }
    }

    private static object? TaskResult(Task task)
    {
        var type = task.GetType();
        return type.IsGenericType && type.GetProperty("Result") is { } result && result.PropertyType.Name != "VoidTaskResult"
            ? result.GetValue(task)
            : null;
    }

    /// <summary>The state of an <see cref="Entity{TState}"/>, whatever its TState.</summary>
    private sealed class DurableState(Entity entity, Type stateType)
    {
        private readonly System.Reflection.PropertyInfo _state = entity.GetType().GetProperty(nameof(Entity<object>.State))!;
        private readonly System.Reflection.MethodInfo _restore = entity.GetType().GetMethod(nameof(Entity<object>.Restore))!;

        public Type StateType { get; } = stateType;

        public object Current => _state.GetValue(entity)!;

        public void Restore(object state) => _restore.Invoke(entity, [state]);

        public static DurableState? Of(Entity entity)
        {
            for (var type = entity.GetType(); type is not null; type = type.BaseType)
            {
                if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Entity<>))
                    return new DurableState(entity, type.GetGenericArguments()[0]);
            }
            return null;
        }
    }
}
