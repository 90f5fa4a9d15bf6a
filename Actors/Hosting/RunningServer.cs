namespace Resume.Actors.Hosting;

/// <summary>
/// The server <see cref="ResumeServiceCollectionExtensions.AddResume(Microsoft.Extensions.DependencyInjection.IServiceCollection, Action{ResumeOptions}?)"/>
/// starts with the host, for whoever in the host needs it once it runs (the test host reads its
/// address and stats from it).
/// </summary>
public sealed class RunningServer
{
    private readonly TaskCompletionSource<ResumeServer> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the server listens (the host has started).</summary>
    public Task<ResumeServer> Started => _started.Task;

    internal void Set(ResumeServer server) => _started.TrySetResult(server);
}
