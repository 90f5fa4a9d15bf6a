namespace Resume.Apps.Serving;

/// <summary>What one step of an app asked of its server (see <see cref="AppExecution.Step"/>).</summary>
public enum StepResult
{
    /// <summary>A non-empty chunk was added to the response's pending bytes.</summary>
    Chunk,

    /// <summary>An empty chunk: nothing to send; repeated ones must back off.</summary>
    Empty,

    /// <summary>The app yielded a future (<see cref="AppExecution.Future"/>); it resumes when that completes.</summary>
    Wait,

    /// <summary>The app ended normally; send what is pending and end the response.</summary>
    Completed,

    /// <summary>The app failed (<see cref="AppExecution.Failure"/>); end as <see cref="AppExecution.Ending"/> says.</summary>
    Failed,
}
