using System.Collections.Concurrent;

namespace SharedStateAnalyzers.Tests.EndToEnd;

/// <summary>
/// A user's class library that takes SharedStateAnalyzers from the freshly packed package (by
/// version, through its own nuget.config) and holds one file with the SSA001 bug.
/// </summary>
public sealed class ConsumerProject
{
    public const string SourceFileName = "PriceLookup.cs";

    public const string Source =
        """
        using System.Collections.Generic;
        using System.IO;

        namespace Shop;

        public sealed class PriceLookup
        {
            private static readonly Dictionary<string, decimal> _prices = new();

            public decimal GetPrice(string sku)
            {
                if (!_prices.TryGetValue(sku, out var price))
                {
                    price = decimal.Parse(File.ReadAllText(Path.Combine("prices", sku + ".txt")));
                    _prices[sku] = price;
                }

                return price;
            }
        }

        """;

    public const string CachedFieldLine = "    private static readonly Dictionary<string, decimal> _prices = new();";

    public const string PerInstanceFieldLine = "    private readonly Dictionary<string, decimal> _prices = new();";

    private static readonly ConcurrentDictionary<(PackageFixture, string), Task<ConsumerProject>> Restored = new();

    private readonly PackageFixture _package;

    private ConsumerProject(PackageFixture package, string directory)
    {
        _package = package;
        Directory = directory;
    }

    public string Directory { get; }

    public string ProjectPath => Path.Combine(Directory, "Shop.csproj");

    public string SourcePath => Path.Combine(Directory, SourceFileName);

    /// <summary>The diagnostic's line and column (1-based) in build output: the field name on line 8.</summary>
    public static (int Line, int Column) CachedFieldLocation
    {
        get
        {
            var lines = Source.Split('\n');
            var index = Array.IndexOf(lines, CachedFieldLine);
            return (index + 1, CachedFieldLine.IndexOf("_prices", StringComparison.Ordinal) + 1);
        }
    }

    /// <summary>
    /// The project called <paramref name="name"/>, written and restored once per package; tests that
    /// change files use a name of their own.
    /// </summary>
    public static Task<ConsumerProject> GetRestoredAsync(PackageFixture package, string name)
        => Restored.GetOrAdd((package, name), key => CreateAsync(key.Item1, key.Item2));

    private static async Task<ConsumerProject> CreateAsync(PackageFixture package, string name)
    {
        var project = new ConsumerProject(package, Path.Combine(package.TempRoot, name));
        System.IO.Directory.CreateDirectory(project.Directory);

        File.WriteAllText(
            project.ProjectPath,
            $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>disable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="{PackageFixture.PackageId}" Version="{package.Version}" />
              </ItemGroup>
            </Project>

            """);

        // Only the packed folder may provide SharedStateAnalyzers; everything else comes from nuget.org.
        File.WriteAllText(
            Path.Combine(project.Directory, "nuget.config"),
            $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{package.PackageFolder}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="local">
                  <package pattern="{PackageFixture.PackageId}" />
                </packageSource>
                <packageSource key="nuget.org">
                  <package pattern="*" />
                </packageSource>
              </packageSourceMapping>
            </configuration>

            """);

        File.WriteAllText(project.SourcePath, Source);

        var restore = await project.RunAsync("restore", "-nodeReuse:false", "-tl:off");
        if (restore.ExitCode != 0)
        {
            throw new InvalidOperationException($"Restoring the consumer project failed.{Environment.NewLine}{restore}");
        }

        var restoredAnalyzer = Path.Combine(
            package.NuGetPackagesFolder,
            PackageFixture.PackageId.ToLowerInvariant(),
            package.Version.ToLowerInvariant(),
            "analyzers", "dotnet", "cs", "SharedStateAnalyzers.dll");
        if (!File.Exists(restoredAnalyzer))
        {
            throw new InvalidOperationException($"Restore did not put the analyzer at {restoredAnalyzer}.{Environment.NewLine}{restore}");
        }

        return project;
    }

    public Task<ProcessResult> RunAsync(params string[] arguments)
        => DotNetProcess.RunAsync(Directory, arguments, _package.ConsumerEnvironment);

    /// <summary>A full (non-incremental) build, so the compiler runs and reports every time.</summary>
    public Task<ProcessResult> BuildAsync(params string[] extraArguments)
        => RunAsync(["build", ProjectPath, "--no-restore", "--no-incremental", "-nodeReuse:false", "-tl:off", .. extraArguments]);

    public Task<ProcessResult> FormatAnalyzersAsync(params string[] extraArguments)
        => RunAsync(["format", "analyzers", ProjectPath, "--diagnostics", "SSA001", "--no-restore", .. extraArguments]);
}
