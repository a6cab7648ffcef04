namespace SharedStateAnalyzers.Tests.EndToEnd;

internal static class RepositoryLayout
{
    public const string SolutionFileName = "SharedStateAnalyzers.sln";

    /// <summary>The folder holding <c>SharedStateAnalyzers.sln</c>, found from the test binaries upwards.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, SolutionFileName)))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No {SolutionFileName} above {AppContext.BaseDirectory}.");
    }
}
