namespace Resume.Actors.Tests.Deploy;

/// <summary>
/// The server as the container image has it: <c>dotnet publish</c> of the Dockerfile's project, in
/// Release, into a temporary folder. Published once per test run, on first use, for every test
/// that runs it (a publish takes most of a minute on two cores); removed when the run ends.
/// </summary>
public static class PublishedServer
{
    private static readonly TimeSpan PublishBound = TimeSpan.FromMinutes(5);
    private static readonly Lazy<Task<string>> Folder = new(PublishAsync);

    /// <summary>The folder holding the published output.</summary>
    public static Task<string> FolderAsync() => Folder.Value;

    /// <summary>The DLL to run in that folder: the image's entry point's.</summary>
    public static async Task<string> DllAsync() => Path.Combine(await FolderAsync(), Dockerfile.Load().EntrypointDll);

    private static async Task<string> PublishAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"resume-published-{Guid.NewGuid():N}");
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A temporary folder: the system cleans it up in time.
            }
        };
        var project = RepositoryRoot.File(Dockerfile.Load().Project);
        var (code, output) = await CommandRun.RunAsync("dotnet", ["publish", project, "-c", "Release", "-o", folder, "--nologo"], PublishBound);
        if (code != 0)
            throw new InvalidOperationException($"dotnet publish {project} exited {code}:\n{output}");
        return folder;
    }
}
