using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.PublishSubscribe;
using Resume.Apps;
using Resume.Apps.Cluster;
using AkkaCluster = Akka.Cluster.Cluster;

namespace Resume.Actors.Cluster;

/// <summary>
/// What <c>environ.Cluster</c> stands on (<see cref="IClusterBackend"/>), in one of two shapes:
/// clustered — entities in Cluster Sharding, topics in Distributed Pub/Sub, entity state in
/// Distributed Data, jobs on the least-loaded member — or, with clustering off, the same on this node
/// alone (local entity regions, a local topic mediator, jobs on this node's executor). Apps see no
/// difference but latency.
/// </summary>
public sealed class ClusterServices : IClusterBackend
{
    private readonly IActorRefFactory _system;
    private readonly IReadOnlyDictionary<string, Task<IActorRef>> _regions;
    private readonly IActorRef _mediator;
    private readonly IActorRef _localWorker;
    private readonly LoadTable? _loads;
    private readonly AkkaCluster? _cluster;
    private readonly Func<int> _inFlight;
    private readonly TimeSpan _resendAfter;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _since = new(StringComparer.Ordinal);

    private ClusterServices(
        IActorRefFactory system, TimeSpan defaultTimeout, IReadOnlyDictionary<string, Task<IActorRef>> regions, IActorRef mediator,
        IActorRef localWorker, LoadTable? loads, AkkaCluster? cluster, Func<int> inFlight, TimeSpan resendAfter)
    {
        _inFlight = inFlight;
        _resendAfter = resendAfter;
        _system = system;
        DefaultTimeout = defaultTimeout;
        _regions = regions;
        _mediator = mediator;
        _localWorker = localWorker;
        _loads = loads;
        _cluster = cluster;
    }

    public string NodeName => _cluster?.SelfAddress.ToString() ?? "local";

    public IReadOnlyList<ClusterMember> Members
    {
        get
        {
            if (_cluster is null)
                return [new ClusterMember("local", "Up", [], true)];
            var state = _cluster.State;
            return [.. state.Members.Select(member => new ClusterMember(
                member.Address.ToString(), member.Status.ToString(), [.. member.Roles], !state.Unreachable.Contains(member)))];
        }
    }

    public TimeSpan DefaultTimeout { get; }

    /// <summary>On this node alone (clustering off).</summary>
    /// <param name="inFlight">This node's requests in flight, for the status endpoint.</param>
    public static ClusterServices StartLocal(IActorRefFactory system, ClusterSettings settings, ClusterTypes types, Executor executor, Func<int> inFlight)
    {
        var store = new LocalStateStore();
        var regions = types.Entities.ToDictionary(
            entity => entity.Key,
            entity => Task.FromResult(system.ActorOf(
                LocalEntityRegion.Props(id => EntityActor.Props(entity.Key, id, entity.Value, store, settings.PassivateIdleAfter, "local")),
                $"resume-entities-{Uri.EscapeDataString(entity.Key)}-{Guid.NewGuid():N}")),
            StringComparer.Ordinal);
        // Named apart: a process may run several servers (tests do), each with its own.
        var mediator = system.ActorOf(Props.Create<LocalTopics>(), $"resume-topics-{Guid.NewGuid():N}");
        var worker = system.ActorOf(JobWorker.Props(types.Jobs, executor, new NodeLoad(), "local"), $"{JobWorker.Name}-{Guid.NewGuid():N}");
        return new ClusterServices(system, settings.AskTimeout, regions, mediator, worker, null, null, inFlight, settings.AskResendAfter);
    }

    /// <summary>On a cluster node: call once the actor system is a cluster member (or joining).</summary>
    public static ClusterServices StartClustered(ActorSystem system, ClusterSettings settings, ClusterTypes types, Executor executor, Func<int> inFlight)
    {
        var cluster = AkkaCluster.Get(system);
        var store = new ReplicatedStateStore(system, settings.AskTimeout);
        var sharding = ClusterSharding.Get(system);
        var shardingSettings = ClusterShardingSettings.Create(system)
            .WithStateStoreMode(StateStoreMode.DData)
            .WithPassivateIdleAfter(settings.PassivateIdleAfter);
        // Every message goes in a ShardingEnvelope, which regions unwrap themselves and place by the
        // hash of its id: the extractor only says how many shards (and knows no other message).
        var extractor = HashCodeMessageExtractor.Create(settings.NumberOfShards, _ => null!, message => message);
        var regions = types.Entities.ToDictionary(
            entity => entity.Key,
            entity => sharding.StartAsync(
                entity.Key,
                id => EntityActor.Props(entity.Key, id, entity.Value, store, TimeSpan.Zero, cluster.SelfAddress.ToString()),
                shardingSettings,
                extractor),
            StringComparer.Ordinal);
        var mediator = DistributedPubSub.Get(system).Mediator;
        var load = new NodeLoad();
        var loads = new LoadTable();
        var worker = system.ActorOf(JobWorker.Props(types.Jobs, executor, load, cluster.SelfAddress.ToString()), JobWorker.Name);
        system.ActorOf(LoadGossip.Props(mediator, cluster.SelfAddress.ToString(), load, loads), "resume-load-gossip");
        var services = new ClusterServices(system, settings.AskTimeout, regions, mediator, worker, loads, cluster, inFlight, settings.AskResendAfter);
        system.ActorOf(NodeReporter.Props(services.ReportAsync), NodeReporter.Name);
        system.ActorOf(MemberSince.Props(services._since), "resume-member-since");
        return services;
    }

    /// <summary>
    /// Asks, and asks again after <see cref="ClusterSettings.AskResendAfter"/> without an answer, up to the
    /// timeout: a shard region drops what it buffered for a shard it hands off (at-most-once delivery),
    /// and the entity answers a request it already handled with the same reply (<see cref="EntityRequest"/>).
    /// </summary>
    public async Task<object?> AskEntityAsync(string entityType, string entityId, object message, TimeSpan timeout, CancellationToken cancellation)
    {
        var region = await RegionOf(entityType).ConfigureAwait(false);
        var envelope = new ShardingEnvelope(entityId, new EntityRequest(EntityRequestIds.Next(), message));
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (true)
        {
            var left = TimeSpan.FromMilliseconds(deadline - Environment.TickCount64);
            if (left <= TimeSpan.Zero)
                throw new TimeoutException($"No answer within {timeout.TotalSeconds:0.###} s.");
            var attempt = left < _resendAfter * 1.5 ? left : _resendAfter;
            try
            {
                return NoReply.Unwrap(await region.Ask<object>(envelope, attempt, cancellation).ConfigureAwait(false));
            }
            catch (AskTimeoutException e)
            {
                if (attempt == left)
                    throw new TimeoutException($"No answer within {timeout.TotalSeconds:0.###} s.", e);
            }
        }
    }

    public void TellEntity(string entityType, string entityId, object message)
    {
        var region = RegionOf(entityType);
        var envelope = new ShardingEnvelope(entityId, message);
        if (region.IsCompletedSuccessfully)
            region.Result.Tell(envelope);
        else
            region.ContinueWith(started => started.Result.Tell(envelope), TaskContinuationOptions.OnlyOnRanToCompletion);
    }

    public void Publish(string topic, object message) => _mediator.Tell(new Publish(topic, message));

    public void Subscribe(string topic, TopicSubscription subscription) =>
        _system.ActorOf(TopicSubscriber.Props(_mediator, subscription));

    public async Task<object?> SubmitAsync(string jobType, object? data, TimeSpan timeout, CancellationToken cancellation)
    {
        var run = new JobWorker.RunJob(jobType, data);
        if (_cluster is null || _loads is null)
            return await AskAsync(_localWorker, run, timeout, cancellation).ConfigureAwait(false);
        var up = _cluster.State.Members
            .Where(member => member.Status == MemberStatus.Up && !_cluster.State.Unreachable.Contains(member))
            .Select(member => member.Address.ToString())
            .ToList();
        if (up.Count == 0)
            throw new ClusterUnavailableException($"No member is up to run job {jobType}.", TimeSpan.FromSeconds(5));
        var node = _loads.Choose(up);
        try
        {
            var worker = node == _cluster.SelfAddress.ToString()
                ? (ICanTell)_localWorker
                : _system.ActorSelection(node + JobWorker.Path);
            return await AskAsync(worker, run, timeout, cancellation).ConfigureAwait(false);
        }
        finally
        {
            _loads.Done(node);
        }
    }

    /// <summary>This node's report: requests in flight, and entities running by type (each region asked for at most a second).</summary>
    public async Task<NodeReport> ReportAsync()
    {
        var entities = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (type, region) in _regions)
        {
            var started = await region.ConfigureAwait(false);
            entities[type] = _cluster is null
                ? await started.Ask<int>(new LocalEntityRegion.CountEntities(), ReportTimeout).ConfigureAwait(false)
                : (await started.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, ReportTimeout).ConfigureAwait(false))
                    .Shards.Sum(shard => shard.EntityIds.Count);
        }
        return new NodeReport(_inFlight(), entities);
    }

    /// <summary>
    /// The cluster for the status endpoint: each member with its report, asked of all at once, for at
    /// most <see cref="ReportTimeout"/>; an unreachable member is not asked, a member that does not
    /// answer in time is shown as such. Never waits longer.
    /// </summary>
    public async Task<ClusterView> GatherAsync()
    {
        if (_cluster is null)
            return new ClusterView(NodeName, [new MemberView(NodeName, "Up", [], null, true, await ReportAsync().ConfigureAwait(false), null)]);
        var state = _cluster.State;
        var self = _cluster.SelfAddress;
        var views = state.Members.Select(async member =>
        {
            var address = member.Address.ToString();
            var reachable = !state.Unreachable.Contains(member);
            DateTimeOffset? since = _since.TryGetValue(address, out var at) ? at : null;
            if (!reachable)
                return new MemberView(address, member.Status.ToString(), [.. member.Roles], since, false, null, "unreachable");
            try
            {
                var report = member.Address.Equals(self)
                    ? await ReportAsync().ConfigureAwait(false)
                    : await _system.ActorSelection(address + NodeReporter.Path).Ask<NodeReport>(new NodeReporter.GetReport(), ReportTimeout).ConfigureAwait(false);
                return new MemberView(address, member.Status.ToString(), [.. member.Roles], since, true, report, null);
            }
            catch (Exception e) when (e is AskTimeoutException or TimeoutException or TaskCanceledException)
            {
                return new MemberView(address, member.Status.ToString(), [.. member.Roles], since, true, null, $"no answer within {ReportTimeout.TotalSeconds:0} s");
            }
        });
        return new ClusterView(self.ToString(), await Task.WhenAll(views).ConfigureAwait(false));
    }

    private static readonly TimeSpan ReportTimeout = TimeSpan.FromSeconds(1);

    private Task<IActorRef> RegionOf(string entityType) =>
        _regions.TryGetValue(entityType, out var region)
            ? region
            : throw new ArgumentException($"No entity type \"{entityType}\"; known: {string.Join(", ", _regions.Keys)} (resume.cluster.entities).", nameof(entityType));

    private static async Task<object?> AskAsync(ICanTell target, object message, TimeSpan timeout, CancellationToken cancellation)
    {
        try
        {
            var reply = await target.Ask<object>(message, timeout, cancellation).ConfigureAwait(false);
            return NoReply.Unwrap(reply);
        }
        catch (AskTimeoutException e)
        {
            throw new TimeoutException(e.Message, e);
        }
    }
}
