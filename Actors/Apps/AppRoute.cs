using Resume.Apps;

namespace Resume.Actors.Apps;

/// <summary>The app that serves a request, its name (for logs and the status endpoint) and how to run it.</summary>
public sealed record AppRoute(string Name, App App, AppOptions Options);
