using System.Text;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using Akka.TestKit;
using Resume.Transport.Timeouts;

namespace Resume.Actors.Tests.Transport;

/// <summary>Runs one Transport stage alone between a test publisher and a test subscriber.</summary>
internal static class StageProbes
{
    /// <summary>
    /// Materializes <paramref name="stage"/> between probes, with a deadline table (the parser and the
    /// connection stage need one), <paramref name="more"/> attributes, and an input buffer of one, so
    /// the stage's own demand reaches the publisher.
    /// </summary>
    public static (TestPublisher.Probe<TIn> In, TestSubscriber.Probe<TOut> Out) Run<TIn, TOut>(
        TestKitBase testKit, IGraph<FlowShape<TIn, TOut>, Akka.NotUsed> stage, params Attributes.IAttribute[] more) =>
        testKit.SourceProbe<TIn>()
            .Via(stage)
            .ToMaterialized(testKit.SinkProbe<TOut>(), Keep.Both)
            .WithAttributes(new Attributes([new TimeoutsAttribute(new TimeoutTable(TimeSpan.FromSeconds(1))), .. more])
                .And(Attributes.CreateInputBuffer(1, 1)))
            .Run(testKit.Sys.Materializer());

    /// <summary>Materializes <paramref name="stage"/> fed with <paramref name="input"/> (as fast as it asks), into a test subscriber.</summary>
    public static TestSubscriber.Probe<TOut> RunFrom<TIn, TOut>(
        TestKitBase testKit, IEnumerable<TIn> input, IGraph<FlowShape<TIn, TOut>, Akka.NotUsed> stage) =>
        Source.From(input)
            .Via(stage)
            .ToMaterialized(testKit.SinkProbe<TOut>(), Keep.Right)
            .WithAttributes(new Attributes(new TimeoutsAttribute(new TimeoutTable(TimeSpan.FromSeconds(1)))))
            .Run(testKit.Sys.Materializer());

    /// <summary>The elements before the stream's end, and the error it failed with (null if it completed).</summary>
    public static (List<T> Elements, Exception? Error) ToEnd<T>(TestSubscriber.Probe<T> probe)
    {
        var elements = new List<T>();
        probe.Request(long.MaxValue);
        while (true)
        {
            switch (probe.ExpectEvent())
            {
                case TestSubscriber.OnNext<T> next:
                    elements.Add(next.Element);
                    break;
                case TestSubscriber.OnError error:
                    return (elements, error.Cause);
                case TestSubscriber.OnComplete:
                    return (elements, null);
            }
        }
    }

    public static ReadOnlyMemory<byte> Latin1(string text) => Encoding.Latin1.GetBytes(text);

    /// <summary><paramref name="text"/> cut into pieces of 1 to <paramref name="maxPiece"/> bytes, each its own array.</summary>
    public static IEnumerable<ReadOnlyMemory<byte>> InPieces(string text, int maxPiece, int seed = 7)
    {
        var random = new Random(seed);
        var bytes = Encoding.Latin1.GetBytes(text);
        for (var i = 0; i < bytes.Length;)
        {
            var length = Math.Min(random.Next(1, maxPiece + 1), bytes.Length - i);
            yield return bytes.AsSpan(i, length).ToArray();
            i += length;
        }
    }
}
