using System.Globalization;

namespace SharedStateAnalyzers.Tests.EndToEnd;

/// <summary>
/// The end-to-end tests share one packed package and run one at a time: each starts real SDK
/// processes, and two at once would only compete for the same two cores.
/// </summary>
[CollectionDefinition(Name)]
public sealed class EndToEndCollection : ICollectionFixture<PackageFixture>
{
    public const string Name = "EndToEnd";
}

/// <summary>
/// Packs <c>src/SharedStateAnalyzers.Package</c> once, with a version no earlier run used, into a
/// temporary folder that also holds the consumer projects and their private NuGet package folder.
/// </summary>
/// <remarks>Set <c>SSA_E2E_KEEP=1</c> to keep the temporary folder for inspection.</remarks>
public sealed class PackageFixture : IAsyncLifetime
{
    public const string PackageId = "SharedStateAnalyzers";

    public PackageFixture()
    {
        Version = string.Create(
            CultureInfo.InvariantCulture,
            $"0.1.0-e2e.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}");
        TempRoot = Path.Combine(Path.GetTempPath(), "ssa-e2e-" + Guid.NewGuid().ToString("N")[..12]);
        PackageFolder = Path.Combine(TempRoot, "packages");
        NuGetPackagesFolder = Path.Combine(TempRoot, "nuget-packages");
    }

    /// <summary>The version the package was packed with, unique to this run.</summary>
    public string Version { get; }

    public string TempRoot { get; }

    /// <summary>The folder <c>dotnet pack</c> wrote to; a package source for the consumer projects.</summary>
    public string PackageFolder { get; }

    /// <summary>The consumers' <c>NUGET_PACKAGES</c>: empty at the start, so no cached copy of an older build is used.</summary>
    public string NuGetPackagesFolder { get; }

    public string PackagePath => Path.Combine(PackageFolder, $"{PackageId}.{Version}.nupkg");

    public ProcessResult? PackResult { get; private set; }

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(TempRoot);
        Directory.CreateDirectory(PackageFolder);
        Directory.CreateDirectory(NuGetPackagesFolder);

        // Stop MSBuild's upward search for Directory.Build.* at the temp root: the consumers see
        // only what a user's project would.
        File.WriteAllText(Path.Combine(TempRoot, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(TempRoot, "Directory.Build.targets"), "<Project />\n");

        PackResult = await DotNetProcess.RunAsync(
            RepositoryLayout.Root,
            [
                "pack", Path.Combine("src", "SharedStateAnalyzers.Package"),
                "-c", "Release",
                "-o", PackageFolder,
                $"-p:Version={Version}",
                "-nodeReuse:false",
                "-tl:off",
            ]);

        if (PackResult.ExitCode != 0 || !File.Exists(PackagePath))
        {
            throw new InvalidOperationException($"dotnet pack did not produce {PackagePath}.{Environment.NewLine}{PackResult}");
        }
    }

    public Task DisposeAsync()
    {
        if (Environment.GetEnvironmentVariable("SSA_E2E_KEEP") != "1")
        {
            try
            {
                Directory.Delete(TempRoot, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Environment for every SDK command run on a consumer project.</summary>
    public IReadOnlyDictionary<string, string> ConsumerEnvironment => new Dictionary<string, string>
    {
        ["NUGET_PACKAGES"] = NuGetPackagesFolder,
    };
}
