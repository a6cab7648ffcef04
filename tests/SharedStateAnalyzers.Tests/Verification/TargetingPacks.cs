namespace SharedStateAnalyzers.Tests.Verification;

/// <summary>
/// The reference assemblies of the installed .NET SDK's targeting packs. Shared by the verifier and the benchmark,
/// so that both compile against exactly what a project built with this SDK sees.
/// </summary>
public static class TargetingPacks
{
    /// <summary>
    /// The <c>ref/net10.0</c> folder of the newest installed version of a targeting pack, under the root of the
    /// .NET installation that runs this process.
    /// </summary>
    public static string Find(string pack)
    {
        var framework = $"net{Environment.Version.Major}.0";
        var root = DotNetRoot();
        var versions = new DirectoryInfo(Path.Combine(root, "packs", pack));
        var folder = versions.Exists
            ? versions.EnumerateDirectories()
                .Select(directory => (Version: Version.TryParse(directory.Name.Split('-')[0], out var v) ? v : null, Path: Path.Combine(directory.FullName, "ref", framework)))
                .Where(candidate => candidate.Version?.Major == Environment.Version.Major && Directory.Exists(candidate.Path))
                .OrderByDescending(candidate => candidate.Version)
                .Select(candidate => candidate.Path)
                .FirstOrDefault()
            : null;
        return folder ?? throw new InvalidOperationException(
            $"No {pack} targeting pack for {framework} under {versions.FullName}: this needs the .NET {Environment.Version.Major} SDK.");
    }

    /// <summary>The .NET installation that runs this process: <c>&lt;root&gt;/shared/Microsoft.NETCore.App/&lt;version&gt;/</c> holds the core library.</summary>
    public static string DotNetRoot()
    {
        var runtimeDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var root = Path.GetFullPath(Path.Combine(runtimeDirectory, "..", "..", ".."));
        if (Directory.Exists(Path.Combine(root, "packs")))
        {
            return root;
        }

        return Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } fromEnvironment ? fromEnvironment : root;
    }
}
