using System.Text.RegularExpressions;

namespace SharedStateAnalyzers.Tests.EndToEnd;

/// <summary>
/// SSA003 as users get it: the consumer project gains the pattern remixer (a static cache written by instance
/// members); <c>dotnet build</c> warns at each write, <c>dotnet format analyzers --diagnostics SSA003</c> makes the
/// fields per-instance, and the project then builds without SSA003.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class Ssa003EndToEndTests
{
    private const string FileName = "PatternRemixer.cs";

    private const string Source =
        """
        using System.Collections.Generic;
        using System.Text;

        namespace Shop;

        public sealed class PatternRemixer
        {
            private static Dictionary<string, string> s_samples = new();
            private readonly string _pattern;

            public PatternRemixer(string pattern)
            {
                _pattern = pattern;
            }

            public string Remix(string[] song)
            {
                var output = new StringBuilder();
                foreach (var key in song)
                {
                    if (!s_samples.ContainsKey(key))
                    {
                        s_samples[key] = "[" + key + " in " + _pattern + "]";
                    }

                    output.Append(s_samples[key]);
                }

                return output.ToString();
            }

            public void ResetCache() => s_samples = new();
        }

        """;

    private static readonly Regex AnySsa003 = new(@"(?<file>[A-Za-z]+\.cs)\((?<line>\d+),(?<column>\d+)\): warning SSA003\b", RegexOptions.CultureInvariant);

    private readonly PackageFixture _package;

    public Ssa003EndToEndTests(PackageFixture package)
    {
        _package = package;
    }

    /// <summary>The 1-based line and column of <paramref name="text"/> on the first line that contains <paramref name="lineText"/>.</summary>
    private static (int Line, int Column) Find(string source, string lineText, string text)
    {
        var lines = source.Split('\n');
        var index = Array.FindIndex(lines, l => l.Contains(lineText, StringComparison.Ordinal));
        Assert.True(index >= 0, lineText);
        return (index + 1, lines[index].IndexOf(text, StringComparison.Ordinal) + 1);
    }

    [Fact]
    public async Task Build_warns_SSA003_at_each_write_and_format_makes_the_fields_per_instance()
    {
        var project = await ConsumerProject.GetRestoredAsync(_package, "studio");
        var path = Path.Combine(project.Directory, FileName);
        File.WriteAllText(path, Source);

        var build = await project.BuildAsync();

        Assert.True(build.ExitCode == 0, build.ToString());
        var fill = Find(Source, "s_samples[key] = ", "s_samples");
        var reset = Find(Source, "ResetCache() => s_samples", "s_samples");
        var price = Find(ConsumerProject.Source, "_prices[sku] = ", "_prices");
        var reported = AnySsa003.Matches(build.Output)
            .Select(m => (m.Groups["file"].Value, int.Parse(m.Groups["line"].Value), int.Parse(m.Groups["column"].Value)))
            .Distinct()
            .OrderBy(d => d)
            .ToList();
        Assert.True(
            reported.SequenceEqual(new[] { (FileName, fill.Line, fill.Column), (FileName, reset.Line, reset.Column), (ConsumerProject.SourceFileName, price.Line, price.Column) }.OrderBy(d => d)),
            build.ToString());
        Assert.Contains("'Remix' changes static 's_samples': every instance of 'PatternRemixer' shares it", build.Output, StringComparison.Ordinal);

        var format = await project.RunAsync("format", "analyzers", project.ProjectPath, "--diagnostics", "SSA003", "--no-restore");

        Assert.True(format.ExitCode == 0, format.ToString());
        var expected = Source
            .Replace("private static Dictionary<string, string> s_samples", "private Dictionary<string, string> _samples", StringComparison.Ordinal)
            .Replace("s_samples", "_samples", StringComparison.Ordinal);
        Assert.True(
            expected == File.ReadAllText(path),
            $"The fixed file differs from the expected one.{Environment.NewLine}--- expected{Environment.NewLine}{expected}{Environment.NewLine}--- actual{Environment.NewLine}{File.ReadAllText(path)}{Environment.NewLine}{format}");
        Assert.Equal(
            ConsumerProject.Source.Replace(ConsumerProject.CachedFieldLine, ConsumerProject.PerInstanceFieldLine, StringComparison.Ordinal),
            File.ReadAllText(project.SourcePath));

        var rebuild = await project.BuildAsync();

        Assert.True(rebuild.ExitCode == 0, rebuild.ToString());
        Assert.False(rebuild.Output.Contains("SSA003", StringComparison.Ordinal), rebuild.ToString());
        Assert.True(Regex.IsMatch(rebuild.Output, @"\b0 Error\(s\)"), rebuild.ToString());

        // Nothing is left to fix: applying the fix again changes nothing.
        var verify = await project.RunAsync("format", "analyzers", project.ProjectPath, "--diagnostics", "SSA003", "--no-restore", "--verify-no-changes");
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Equal(expected, File.ReadAllText(path));
    }
}
