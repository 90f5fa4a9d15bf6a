namespace Resume.Actors.Requests;

/// <summary>How a request actor steps its app (HOCON <c>resume.request</c>; defaults in <c>HOCON/resume.conf</c>).</summary>
public sealed record RequestSettings
{
    public required int ResponseBatchBytes { get; init; }

    public required int MaxStepsPerTurn { get; init; }

    public required int ImmediateEmptyResumes { get; init; }

    public required TimeSpan EmptyBackoffInitial { get; init; }

    public required TimeSpan EmptyBackoffMax { get; init; }
}
