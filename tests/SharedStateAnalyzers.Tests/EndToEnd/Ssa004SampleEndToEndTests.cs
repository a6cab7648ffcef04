using System.Text.RegularExpressions;

namespace SharedStateAnalyzers.Tests.EndToEnd;

/// <summary>
/// SSA004 on the sample app as users get it: a copy of <c>samples/CrawlerConfig</c> and its tests takes the packed
/// package instead of the source tree; <c>dotnet build</c> warns on <c>ConfigGetter.Instance</c>,
/// <c>dotnet format analyzers --diagnostics SSA004</c> registers <c>ConfigGetter</c> with the container and injects it
/// into the minimal API handler, the solution then builds without SSA004, and the sample's own tests (real Kestrel)
/// still pass: the stale static cache they demonstrate is SSA001's business and stays.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class Ssa004SampleEndToEndTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(6);

    private static readonly Regex AnySsa004 = new(@"(?<file>[A-Za-z]+\.cs)\((?<line>\d+),(?<column>\d+)\): (?<severity>warning|info|error) SSA004\b", RegexOptions.CultureInvariant);

    private readonly PackageFixture _package;

    public Ssa004SampleEndToEndTests(PackageFixture package)
    {
        _package = package;
    }

    [Fact]
    public async Task Format_registers_ConfigGetter_with_the_container_and_the_sample_still_builds_and_passes_its_tests()
    {
        var root = Path.Combine(_package.TempRoot, "crawler-sample");
        var solution = await CopySampleAsync(root);
        var getterPath = Path.Combine(root, "CrawlerConfig", "ConfigGetter.cs");
        var appPath = Path.Combine(root, "CrawlerConfig", "CrawlerApp.cs");
        var originalGetter = File.ReadAllText(getterPath);

        var build = await RunAsync(root, "build", solution, "--no-restore", "--no-incremental", "-nodeReuse:false", "-tl:off");

        Assert.True(build.ExitCode == 0, build.ToString());
        var instanceLine = Array.FindIndex(originalGetter.Split('\n'), l => l.Contains("public static ConfigGetter Instance", StringComparison.Ordinal)) + 1;
        var reported = AnySsa004.Matches(build.Output).Select(m => (m.Groups["file"].Value, m.Groups["line"].Value, m.Groups["severity"].Value)).Distinct().ToList();
        Assert.True(reported.SequenceEqual(new[] { ("ConfigGetter.cs", instanceLine.ToString(System.Globalization.CultureInfo.InvariantCulture), "warning") }), build.ToString());

        // The sample uses DI, so SSA004 is a warning there; --severity info also covers projects where it is Info.
        var format = await RunAsync(root, "format", "analyzers", solution, "--diagnostics", "SSA004", "--severity", "info", "--no-restore");

        Assert.True(format.ExitCode == 0, format.ToString());
        var getter = File.ReadAllText(getterPath);
        var app = File.ReadAllText(appPath);
        var expectedGetter = ExpectedGetter(originalGetter);
        Assert.True(expectedGetter == getter, $"ConfigGetter.cs differs from the expected one.{Environment.NewLine}--- expected{Environment.NewLine}{expectedGetter}{Environment.NewLine}--- actual{Environment.NewLine}{getter}{Environment.NewLine}{format}");
        Assert.Contains("builder.Services.AddSingleton<ConfigGetter>();", app, StringComparison.Ordinal);
        Assert.Contains("(string scac, ConfigGetter configGetter) => Results.Ok(configGetter.GetConfig(scac.ToUpperInvariant()))", app, StringComparison.Ordinal);
        Assert.DoesNotContain("ConfigGetter.Configure(", app, StringComparison.Ordinal);
        Assert.DoesNotContain("ConfigGetter.Instance", app, StringComparison.Ordinal);

        var rebuild = await RunAsync(root, "build", solution, "--no-restore", "--no-incremental", "-nodeReuse:false", "-tl:off");

        Assert.True(rebuild.ExitCode == 0, rebuild.ToString());
        Assert.False(rebuild.Output.Contains("SSA004", StringComparison.Ordinal), rebuild.ToString());
        Assert.True(Regex.IsMatch(rebuild.Output, @"\b0 Error\(s\)"), rebuild.ToString());

        // The stale-cache bug is still there, and still reported: the fix moved the lifetime, not the static cache.
        Assert.Contains("ConfigGetter.cs(12,63): warning SSA001", rebuild.Output, StringComparison.Ordinal);

        var test = await RunAsync(root, "test", Path.Combine(root, "CrawlerConfig.Tests", "CrawlerConfig.Tests.csproj"), "--no-build", "-nodeReuse:false", "-tl:off");

        Assert.True(test.ExitCode == 0, test.ToString());
        Assert.Matches(@"Passed!\s+-\s+Failed:\s+0", test.Output);

        // Nothing is left to fix.
        var verify = await RunAsync(root, "format", "analyzers", solution, "--diagnostics", "SSA004", "--severity", "info", "--no-restore", "--verify-no-changes");
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Equal(getter, File.ReadAllText(getterPath));
    }

    /// <summary>The sample's ConfigGetter with the singleton parts gone and the constructor public.</summary>
    private static string ExpectedGetter(string original)
    {
        var text = original.Replace("\r\n", "\n", StringComparison.Ordinal);
        text = Remove(text, "    private static ConfigGetter? _instance;\n\n");
        text = Remove(
            text,
            "    public static ConfigGetter Instance\n"
            + "        => _instance ?? throw new InvalidOperationException(\"Call ConfigGetter.Configure at startup first.\");\n\n"
            + "    /// <summary>Called once at startup with the app's configuration, which holds the config database's connection string.</summary>\n"
            + "    public static void Configure(IConfiguration configuration)\n"
            + "    {\n"
            + "        _instance = new ConfigGetter(configuration);\n"
            + "    }\n\n");
        text = text.Replace("    private ConfigGetter(IConfiguration configuration)", "    public ConfigGetter(IConfiguration configuration)", StringComparison.Ordinal);
        return original.Contains("\r\n", StringComparison.Ordinal) ? text.Replace("\n", "\r\n", StringComparison.Ordinal) : text;

        static string Remove(string text, string part)
        {
            Assert.Contains(part, text, StringComparison.Ordinal);
            return text.Replace(part, string.Empty, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// Copies the sample and its tests (without build output) under <paramref name="root"/>, swaps the analyzers'
    /// project references for the packed package, writes a solution holding both projects, and restores it.
    /// </summary>
    private async Task<string> CopySampleAsync(string root)
    {
        foreach (var project in new[] { "CrawlerConfig", "CrawlerConfig.Tests" })
        {
            CopyDirectory(Path.Combine(RepositoryLayout.Root, "samples", project), Path.Combine(root, project));
        }

        var projectPath = Path.Combine(root, "CrawlerConfig", "CrawlerConfig.csproj");
        var projectText = File.ReadAllText(projectPath);
        var withPackage = Regex.Replace(
            projectText,
            @"\s*<ProjectReference Include=""[^""]*src[/\\][^""]*"" OutputItemType=""Analyzer""[^>]*/>",
            string.Empty);
        Assert.NotEqual(projectText, withPackage);
        withPackage = withPackage.Replace(
            "</Project>",
            $"""
              <ItemGroup>
                <PackageReference Include="{PackageFixture.PackageId}" Version="{_package.Version}" />
              </ItemGroup>
            </Project>
            """,
            StringComparison.Ordinal);
        File.WriteAllText(projectPath, withPackage);

        // Only the packed folder may provide SharedStateAnalyzers. Packages the machine already has are taken from its
        // global packages folder (read-only, as a fallback folder); the rest comes from nuget.org.
        File.WriteAllText(
            Path.Combine(root, "nuget.config"),
            $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{_package.PackageFolder}" />
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
        var globalPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var fallback = Directory.Exists(globalPackages)
            ? $"<RestoreAdditionalProjectFallbackFolders>{globalPackages}</RestoreAdditionalProjectFallbackFolders>"
            : string.Empty;
        File.WriteAllText(Path.Combine(root, "Directory.Build.props"), $"<Project><PropertyGroup>{fallback}</PropertyGroup></Project>\n");
        File.WriteAllText(Path.Combine(root, "Directory.Build.targets"), "<Project />\n");

        var create = await RunAsync(root, "new", "sln", "-n", "CrawlerSample");
        Assert.True(create.ExitCode == 0, create.ToString());
        var solution = Directory.EnumerateFiles(root, "CrawlerSample.sln*").Single();
        var add = await RunAsync(root, "sln", solution, "add", projectPath, Path.Combine(root, "CrawlerConfig.Tests", "CrawlerConfig.Tests.csproj"));
        Assert.True(add.ExitCode == 0, add.ToString());

        var restore = await RunAsync(root, "restore", solution, "-nodeReuse:false", "-tl:off");
        Assert.True(restore.ExitCode == 0, restore.ToString());
        return solution;
    }

    private static void CopyDirectory(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
        }

        foreach (var directory in Directory.EnumerateDirectories(source))
        {
            var name = Path.GetFileName(directory);
            if (name is "bin" or "obj")
            {
                continue;
            }

            CopyDirectory(directory, Path.Combine(target, name));
        }
    }

    private Task<ProcessResult> RunAsync(string directory, params string[] arguments)
        => DotNetProcess.RunAsync(directory, arguments, _package.ConsumerEnvironment, Timeout);
}
