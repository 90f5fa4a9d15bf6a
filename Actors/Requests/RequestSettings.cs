namespace Resume.Actors.Requests;

/// <summary>How a request actor steps its app (HOCON <c>resume.request</c>).</summary>
public sealed record RequestSettings
{
    public int ResponseBatchBytes { get; init; } = 16 * 1024;

    public int MaxStepsPerTurn { get; init; } = 64;

    public int ImmediateEmptyResumes { get; init; } = 3;

    public TimeSpan EmptyBackoffInitial { get; init; } = TimeSpan.FromMilliseconds(1);

    public TimeSpan EmptyBackoffMax { get; init; } = TimeSpan.FromMilliseconds(100);

    public static RequestSettings Default { get; } = new();
}
