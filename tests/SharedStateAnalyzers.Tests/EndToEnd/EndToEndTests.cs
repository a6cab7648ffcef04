using System.Text.RegularExpressions;

namespace SharedStateAnalyzers.Tests.EndToEnd;

/// <summary>
/// The package as users get it: packed, restored by version into a fresh class library, and run by
/// the real SDK's <c>dotnet build</c> and <c>dotnet format</c>.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class EndToEndTests
{
    private static readonly Regex AnySsa001 = new(@"\((?<line>\d+),(?<column>\d+)\): (?<severity>warning|error) SSA001\b", RegexOptions.CultureInvariant);

    private readonly PackageFixture _package;

    public EndToEndTests(PackageFixture package)
    {
        _package = package;
    }

    [Fact]
    public async Task Build_warns_SSA001_on_the_cached_field()
    {
        var project = await ConsumerProject.GetRestoredAsync(_package, "shop");
        var (line, column) = ConsumerProject.CachedFieldLocation;

        var build = await project.BuildAsync();

        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.True(build.Output.Contains($"{ConsumerProject.SourceFileName}({line},{column}): warning SSA001", StringComparison.Ordinal), build.ToString());
        Assert.True(build.Output.Contains("'_prices'", StringComparison.Ordinal), build.ToString());

        // One diagnostic, at one place (MSBuild repeats it in the summary).
        var locations = AnySsa001.Matches(build.Output).Select(m => (m.Groups["line"].Value, m.Groups["column"].Value, m.Groups["severity"].Value)).Distinct().ToList();
        Assert.True(locations.Count == 1, build.ToString());
    }

    [Fact]
    public async Task Build_with_warnaserror_fails_with_SSA001()
    {
        var project = await ConsumerProject.GetRestoredAsync(_package, "shop");
        var (line, column) = ConsumerProject.CachedFieldLocation;

        var build = await project.BuildAsync("-warnaserror");

        Assert.True(build.ExitCode != 0, build.ToString());
        Assert.True(build.Output.Contains($"{ConsumerProject.SourceFileName}({line},{column}): error SSA001", StringComparison.Ordinal), build.ToString());
    }

    [Fact]
    public async Task Editorconfig_severity_none_silences_SSA001()
    {
        var project = await ConsumerProject.GetRestoredAsync(_package, "shop-silenced");
        File.WriteAllText(
            Path.Combine(project.Directory, ".editorconfig"),
            "root = true\n\n[*.cs]\ndotnet_diagnostic.SSA001.severity = none\n");

        var build = await project.BuildAsync();

        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.False(build.Output.Contains("SSA001", StringComparison.Ordinal), build.ToString());
    }

    [Fact]
    public async Task Format_verify_no_changes_fails_while_SSA001_is_reported()
    {
        var project = await ConsumerProject.GetRestoredAsync(_package, "shop");
        var (line, column) = ConsumerProject.CachedFieldLocation;

        var verify = await project.FormatAnalyzersAsync("--verify-no-changes");

        // With --verify-no-changes, dotnet format exits 2 and names each diagnostic it still finds.
        Assert.True(verify.ExitCode != 0, verify.ToString());
        Assert.True(verify.Output.Contains($"{ConsumerProject.SourceFileName}({line},{column}): warning SSA001", StringComparison.Ordinal), verify.ToString());
        Assert.Equal(ConsumerProject.Source, File.ReadAllText(project.SourcePath));
    }

    [Fact]
    public async Task Format_makes_the_cache_per_instance_and_the_project_then_builds_clean()
    {
        var project = await ConsumerProject.GetRestoredAsync(_package, "shop-fixed");

        var format = await project.FormatAnalyzersAsync();

        Assert.True(format.ExitCode == 0, format.ToString());
        var expected = ConsumerProject.Source.Replace(ConsumerProject.CachedFieldLine, ConsumerProject.PerInstanceFieldLine, StringComparison.Ordinal);
        Assert.NotEqual(ConsumerProject.Source, expected);
        Assert.True(
            expected == File.ReadAllText(project.SourcePath),
            $"The fixed file differs from the expected one.{Environment.NewLine}--- expected{Environment.NewLine}{expected}{Environment.NewLine}--- actual{Environment.NewLine}{File.ReadAllText(project.SourcePath)}{Environment.NewLine}{format}");

        var build = await project.BuildAsync();

        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.False(build.Output.Contains("SSA001", StringComparison.Ordinal), build.ToString());
        Assert.True(Regex.IsMatch(build.Output, @"\b0 Error\(s\)"), build.ToString());
        Assert.DoesNotMatch(@": error [A-Z]+\d+", build.Output);

        // Nothing is left to fix: the fix is complete and applying it again changes nothing.
        var verify = await project.FormatAnalyzersAsync("--verify-no-changes");
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Equal(expected, File.ReadAllText(project.SourcePath));
    }
}
