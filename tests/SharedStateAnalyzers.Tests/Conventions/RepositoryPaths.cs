namespace SharedStateAnalyzers.Tests.Conventions;

/// <summary>Files of the repository the tests check against.</summary>
internal static class RepositoryPaths
{
    private static readonly Lazy<string> s_root = new(() =>
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SharedStateAnalyzers.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("SharedStateAnalyzers.sln not found above " + AppContext.BaseDirectory);
    });

    public static string Root => s_root.Value;

    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);
}
