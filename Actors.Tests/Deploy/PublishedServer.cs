namespace Resume.Actors.Tests.Deploy;

/// <summary>
/// The server as the container image has it: the Dockerfile's own <c>dotnet publish</c> of its
/// project, into a temporary folder. A fixture of the timing-sensitive collection, where every test
/// that runs it is: published once per test run, on first use (a publish takes most of a minute on
/// two cores), and removed when the collection is done.
/// </summary>
public sealed class PublishedServer : IAsyncLifetime
{
    private static readonly TimeSpan PublishBound = TimeSpan.FromMinutes(5);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"resume-published-{Guid.NewGuid():N}");
    private readonly Lazy<Task<string>> _published;

    public PublishedServer() => _published = new(PublishAsync);

    /// <summary>The folder holding the published output.</summary>
    public Task<string> FolderAsync() => _published.Value;

    /// <summary>The DLL to run in that folder: the image's entry point's.</summary>
    public async Task<string> DllAsync() => Path.Combine(await FolderAsync(), Dockerfile.Load().EntrypointDll);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    private async Task<string> PublishAsync()
    {
        var dockerfile = Dockerfile.Load();
        var arguments = dockerfile.PublishArguments(RepositoryRoot.File(dockerfile.Project), _folder);
        var (code, output) = await CommandRun.RunAsync("dotnet", arguments, PublishBound);
        if (code != 0)
            throw new InvalidOperationException($"dotnet {string.Join(' ', arguments)} exited {code}:\n{output}");
        return _folder;
    }
}
