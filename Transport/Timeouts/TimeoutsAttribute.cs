using Akka.Streams;

namespace Resume.Transport.Timeouts;

/// <summary>Where the stages of one materialized connection keep their timeouts: its host's table.</summary>
public sealed class TimeoutsAttribute(TimeoutTable timeouts) : Attributes.IAttribute
{
    public TimeoutTable Timeouts { get; } = timeouts;

    public static TimeoutTable From(Attributes attributes) =>
        attributes.GetAttribute<TimeoutsAttribute>()?.Timeouts
        ?? throw new InvalidOperationException("Run the stage with a TimeoutsAttribute (see ConnectionGraph).");
}
