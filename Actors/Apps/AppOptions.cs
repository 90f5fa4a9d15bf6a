namespace Resume.Actors.Apps;

/// <summary>
/// How the server runs one app: from <c>resume.request</c> for every app, overridden per app in
/// <c>resume.apps.NAME</c> (read by <c>ServerSettings.FromConfig</c>; the defaults are in
/// <c>HOCON/resume.conf</c>). Chosen in HOCON, not in code: the same app runs either way.
/// </summary>
public sealed record AppOptions
{
    /// <summary>Run the app's steps on the bounded blocking dispatcher, and wait on its futures there.</summary>
    public required bool Blocking { get; init; }

    /// <summary>Read the whole body before the app starts, so plain synchronous reads work.</summary>
    public required bool Prebuffer { get; init; }

    /// <summary>The largest body pre-buffering reads (413 past it).</summary>
    public required long PrebufferLimit { get; init; }

    /// <summary>The longest a request may wait on one future (504, or a cut response); zero for none.</summary>
    public required TimeSpan SuspendTimeout { get; init; }

    /// <summary>The longest a whole request may take (504, or a cut response); zero for none.</summary>
    public required TimeSpan Deadline { get; init; }
}
