namespace Resume.Apps.Testing;

/// <summary>How <see cref="AppRun"/> runs an app: the same choices <c>resume.apps.NAME</c> makes on the server.</summary>
public sealed record AppRunOptions
{
    /// <summary>The app is registered as blocking: synchronous <see cref="RequestInput.Read"/> is allowed.</summary>
    public bool Blocking { get; init; }

    /// <summary>The app's body is pre-buffered: synchronous <see cref="RequestInput.Read"/> is allowed.</summary>
    public bool Prebuffer { get; init; }

    /// <summary>The default timeout of <c>environ.Async</c> operations.</summary>
    public TimeSpan AsyncTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
