using System.Text.Json;
using Akka.Actor;
using Resume.Apps.Cluster;

namespace Resume.Actors.Cluster;

/// <summary>
/// Hosts one <see cref="Entity"/> of any type: the one generic actor behind every sharded (or, with
/// clustering off, local) entity. Messages are handled one at a time, an asynchronous handler's
/// included; an <see cref="Entity{TState}"/>'s state is read back before its first message and
/// saved after each message that changed it, before the reply goes. An ask comes as an
/// <see cref="EntityRequest"/>, perhaps more than once: a request already handled gets its first reply
/// again, so a resend never applies a change twice.
/// </summary>
public sealed class EntityActor : ReceiveActor
{
    private readonly Entity _entity;
    private readonly IEntityStateStore _store;
    private readonly string _stateKey;
    private readonly DurableState? _durable;
    // Replies to the last requests, by id, for their resends (EntityRequest): in memory, and for those
    // that changed the state, saved with it, so that a resend reaching the entity on another node finds them.
    private const int RememberedInMemory = 256;
    private const int RememberedDurably = 64;
    private readonly Dictionary<Guid, object> _replies = [];
    private readonly Queue<Guid> _replyOrder = new();
    private readonly List<RememberedReply> _recent = [];
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
        var request = message as EntityRequest;
        try
        {
            if (!_restored)
                await RestoreAsync();
            if (request is not null && _replies.TryGetValue(request.Id, out var earlier))
            {
                // A resend of a request already handled (its reply was slow, or lost in a move): the same reply.
                sender.Tell(earlier);
                return;
            }
            var before = _durable?.Current;
            var reply = _entity.Handle(request?.Message ?? message);
            if (reply is Task task)
            {
                await task;
                reply = TaskResult(task);
            }
            var answer = NoReply.Wrap(reply);
            if (_durable is not null && !ReferenceEquals(before, _durable.Current))
                await SaveAsync(before!, request, reply);
            if (request is not null)
                Remember(request.Id, answer);
            sender.Tell(answer);
        }
        catch (Exception e)
        {
            sender.Tell(new Status.Failure(e));
        }
    }

    private async Task RestoreAsync()
    {
        if (await _store.LoadAsync(_stateKey, _durable!.StateType) is { } stored)
        {
            _durable.Restore(stored.State);
            _recent.AddRange(stored.Recent);
            foreach (var remembered in stored.Recent)
                Remember(remembered.Id, Revive(remembered));
        }
        _restored = true;
    }

    /// <summary>Saves the changed state, with the request's reply for its resends; if that fails, the change is undone, so a resend applies it again.</summary>
    private async Task SaveAsync(object before, EntityRequest? request, object? reply)
    {
        if (request is not null)
        {
            _recent.Add(Remembered(request.Id, reply));
            if (_recent.Count > RememberedDurably)
                _recent.RemoveAt(0);
        }
        try
        {
            await _store.SaveAsync(_stateKey, new StoredEntity(_durable!.Current, [.. _recent]), _durable.StateType);
        }
        catch
        {
            _durable!.Restore(before);
            if (request is not null)
                _recent.RemoveAll(r => r.Id == request.Id);
            throw;
        }
    }

    private void Remember(Guid id, object answer)
    {
        if (!_replies.TryAdd(id, answer))
            return;
        _replyOrder.Enqueue(id);
        if (_replyOrder.Count > RememberedInMemory)
            _replies.Remove(_replyOrder.Dequeue());
    }

    private static RememberedReply Remembered(Guid id, object? reply)
    {
        if (reply is null)
            return new RememberedReply(id, null, null);
        var type = reply.GetType();
        return new RememberedReply(id, type.AssemblyQualifiedName, JsonSerializer.Serialize(reply, type));
    }

    private static object Revive(RememberedReply remembered) =>
        remembered.ReplyType is { } typeName && Type.GetType(typeName) is { } type
            ? JsonSerializer.Deserialize(remembered.ReplyJson!, type) ?? NoReply.Instance
            : NoReply.Instance;

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
