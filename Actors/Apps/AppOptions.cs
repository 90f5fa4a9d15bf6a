using Akka.Configuration;

namespace Resume.Actors.Apps;

/// <summary>
/// How the server runs one app: from <c>resume.request</c> for every app, overridden per app in
/// <c>resume.apps.NAME</c>. Chosen in HOCON, not in code: the same app runs either way.
/// </summary>
public sealed record AppOptions
{
    /// <summary>Run the app's steps on the bounded blocking dispatcher, and wait on its futures there.</summary>
    public bool Blocking { get; init; }

    /// <summary>Read the whole body before the app starts, so plain synchronous reads work.</summary>
    public bool Prebuffer { get; init; }

    /// <summary>The largest body pre-buffering reads (413 past it).</summary>
    public long PrebufferLimit { get; init; } = 10 * 1024 * 1024;

    /// <summary>The longest a request may wait on one future (504, or a cut response); zero for none.</summary>
    public TimeSpan SuspendTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The longest a whole request may take (504, or a cut response); zero for none.</summary>
    public TimeSpan Deadline { get; init; }

    public static AppOptions Default { get; } = new();

    /// <summary>Reads the options at <paramref name="path"/>, falling back to <paramref name="defaults"/> key by key.</summary>
    public static AppOptions FromConfig(Config config, AppOptions defaults) => new()
    {
        Blocking = config.HasPath("blocking") ? config.GetBoolean("blocking") : defaults.Blocking,
        Prebuffer = config.HasPath("prebuffer") ? config.GetBoolean("prebuffer") : defaults.Prebuffer,
        PrebufferLimit = config.HasPath("prebuffer-limit") ? config.GetByteSize("prebuffer-limit") ?? defaults.PrebufferLimit : defaults.PrebufferLimit,
        SuspendTimeout = config.HasPath("suspend-timeout") ? config.GetTimeSpan("suspend-timeout") : defaults.SuspendTimeout,
        Deadline = config.HasPath("deadline") ? config.GetTimeSpan("deadline") : defaults.Deadline,
    };
}
