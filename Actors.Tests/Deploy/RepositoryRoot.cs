namespace Resume.Actors.Tests.Deploy;

/// <summary>The repository the tests were built from: the first folder above the test assembly that holds actors.sln.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    /// <summary>A file of the repository, by its path from the root with '/' separators.</summary>
    public static string File(string relative) => System.IO.Path.Combine(Path, relative.Replace('/', System.IO.Path.DirectorySeparatorChar));

    public static string Read(string relative) => System.IO.File.ReadAllText(File(relative));

    private static string Find()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (System.IO.File.Exists(System.IO.Path.Combine(folder.FullName, "actors.sln")))
                return folder.FullName;
        }
        throw new InvalidOperationException($"No actors.sln above {AppContext.BaseDirectory}");
    }
}
