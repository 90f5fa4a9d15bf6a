using Akka.Actor;
using Akka.Serialization;
using Resume.Actors.Cluster;
using Resume.Actors.Hosting;
using Resume.Apps.Samples;

namespace Resume.Actors.Tests.Cluster;

/// <summary>
/// What crosses between nodes goes by Hyperion, from Resume's default configuration alone (the app
/// declares nothing): the facade's own messages and the sample apps' records inside them, which must
/// come back equal, since an entity's reply or a job's result is what a request on another node answers.
/// </summary>
public sealed class ClusterSerializationSpec : IDisposable
{
    private readonly ActorSystem _system = ActorSystem.Create("serialization", ResumeConfig.Defaults);

    public static TheoryData<object> Messages() =>
    [
        new EntityRequest(Guid.NewGuid(), new CounterEntity.Increment(3)),
        new EntityRequest(Guid.NewGuid(), new CounterEntity.Read()),
        new CounterEntity.Counted(42, "akka.tcp://resume@10.0.0.2:4053"),
        new ChatRoomEntity.Post("ann", "hello, ünïcode"),
        new JobWorker.RunJob("hash", new HashJob.Request("text", 1000)),
        new HashJob.Result("ab12", "node"),
        new LoadGossip.LoadReport("node", 7),
        new NodeReport(3, new Dictionary<string, int> { ["counter"] = 12 }),
        new RememberedReply(Guid.NewGuid(), typeof(CounterEntity.Counted).AssemblyQualifiedName, "{\"value\":1}"),
    ];

    [Theory]
    [MemberData(nameof(Messages))]
    public void Messages_between_nodes_go_by_Hyperion_and_come_back_equal(object message)
    {
        var serialization = _system.Serialization;
        var serializer = serialization.FindSerializerFor(message);
        Assert.Equal("HyperionSerializer", serializer.GetType().Name);

        var bytes = serializer.ToBinary(message);
        var back = serialization.Deserialize(bytes, serializer.Identifier, Serialization.ManifestFor(serializer, message));

        Assert.Equal(message.GetType(), back.GetType());
        if (message is NodeReport report)
        {
            var received = (NodeReport)back;
            Assert.Equal(report.InFlight, received.InFlight);
            Assert.Equal(report.Entities, received.Entities);
        }
        else
        {
            Assert.Equal(message, back);
        }
    }

    [Fact]
    public void No_reply_survives_the_trip_as_no_reply()
    {
        var serializer = _system.Serialization.FindSerializerFor(NoReply.Instance);
        var back = serializer.FromBinary(serializer.ToBinary(NoReply.Instance), typeof(NoReply));
        Assert.Null(NoReply.Unwrap(back));
    }

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));
}
