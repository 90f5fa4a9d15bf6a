using Akka.Streams;

namespace Resume.Transport.Timeouts;

/// <summary>Where the stages of one materialized connection keep their timeouts: its host's table.</summary>
public sealed class DeadlinesAttribute(ConnectionDeadlines deadlines) : Attributes.IAttribute
{
    public ConnectionDeadlines Deadlines { get; } = deadlines;

    public static ConnectionDeadlines From(Attributes attributes) =>
        attributes.GetAttribute<DeadlinesAttribute>()?.Deadlines
        ?? throw new InvalidOperationException("Run the stage with a DeadlinesAttribute (see ConnectionGraph).");
}
