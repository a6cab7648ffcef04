using System.Collections.Immutable;
using System.Composition;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using SharedStateAnalyzers.CodeFixes;
using SharedStateAnalyzers.Rules;
using SharedStateAnalyzers.Tests.EndToEnd;

namespace SharedStateAnalyzers.Tests.Conventions;

/// <summary>Checks that hold for every analyzer and fixer, so a new rule cannot skip them.</summary>
public sealed class ConventionTests
{
    public static TheoryData<string> AnalyzerTypes()
    {
        var data = new TheoryData<string>();
        foreach (var type in Analyzers())
        {
            data.Add(type.FullName!);
        }

        return data;
    }

    public static TheoryData<string> DiagnosticIds()
    {
        var data = new TheoryData<string>();
        foreach (var descriptor in Descriptors())
        {
            data.Add(descriptor.Id);
        }

        return data;
    }

    public static TheoryData<string> FixerTypes()
    {
        var data = new TheoryData<string>();
        foreach (var type in typeof(StaticCacheFixer).Assembly.GetTypes().Where(t => !t.IsAbstract && typeof(CodeFixProvider).IsAssignableFrom(t)))
        {
            data.Add(type.FullName!);
        }

        return data;
    }

    [Fact]
    public void ThereAreAnalyzersAndFixers()
    {
        Assert.NotEmpty(Analyzers());
        Assert.NotEmpty(FixerTypes());
        Assert.Contains(Descriptors(), d => d.Id == RuleIdentifiers.StaticCache);
    }

    [Theory]
    [MemberData(nameof(AnalyzerTypes))]
    public void Analyzer_IsSealedAndForCSharp(string typeName)
    {
        var type = typeof(StaticCacheAnalyzer).Assembly.GetType(typeName)!;
        Assert.True(type.IsSealed, typeName + " should be sealed");
        var attribute = type.GetCustomAttribute<DiagnosticAnalyzerAttribute>();
        Assert.NotNull(attribute);
        Assert.Equal(new[] { LanguageNames.CSharp }, attribute!.Languages);
    }

    [Theory]
    [MemberData(nameof(AnalyzerTypes))]
    public async Task Analyzer_ReportsNothingOnEmptyOrTrivialSource(string typeName)
    {
        var analyzer = (DiagnosticAnalyzer)Activator.CreateInstance(typeof(StaticCacheAnalyzer).Assembly.GetType(typeName)!)!;
        foreach (var source in new[] { string.Empty, "class C { }", "namespace N; static class S { static int x; }" })
        {
            var compilation = CSharpCompilation.Create(
                "Empty",
                new[] { CSharpSyntaxTree.ParseText(source) },
                new[] { MetadataReference.CreateFromFile(typeof(object).Assembly.Location) },
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
            var exceptions = new List<Exception>();
            var options = new CompilationWithAnalyzersOptions(
                new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                (exception, _, _) => exceptions.Add(exception),
                concurrentAnalysis: true,
                logAnalyzerExecutionTime: false);
            var diagnostics = await compilation.WithAnalyzers(ImmutableArray.Create(analyzer), options).GetAnalyzerDiagnosticsAsync();
            Assert.Empty(diagnostics);
            Assert.Empty(exceptions);
        }
    }

    [Theory]
    [MemberData(nameof(DiagnosticIds))]
    public void Descriptor_HasHelpLinkToItsDocsPage_WhoseTitleMatches(string id)
    {
        var descriptor = Descriptors().Single(d => d.Id == id);
        Assert.Equal(RuleIdentifiers.HelpLinkBase + id + ".md", descriptor.HelpLinkUri);
        Assert.Matches("^SSA[0-9]{3}$", id);
        Assert.Equal("SharedState", descriptor.Category);
        Assert.True(descriptor.IsEnabledByDefault);
        Assert.False(string.IsNullOrWhiteSpace(descriptor.Description.ToString()));

        var page = Path.Combine(RepositoryLayout.Root, "docs", "rules", id + ".md");
        Assert.True(File.Exists(page), page + " is missing");
        var firstLine = File.ReadLines(page).First();
        Assert.Equal("# " + id + " - " + descriptor.Title, firstLine);
        Assert.Contains("Default severity | " + descriptor.DefaultSeverity, File.ReadAllText(page));
    }

    [Theory]
    [MemberData(nameof(DiagnosticIds))]
    public void Descriptor_IsInTheReadmeTable(string id)
    {
        var descriptor = Descriptors().Single(d => d.Id == id);
        var readme = File.ReadAllText(Path.Combine(RepositoryLayout.Root, "README.md"));
        var row = $"| [{id}](docs/rules/{id}.md) | {descriptor.Title} | {descriptor.DefaultSeverity} |";
        Assert.Contains(row, readme);
    }

    [Theory]
    [MemberData(nameof(DiagnosticIds))]
    public void Descriptor_IsInReleaseTracking(string id)
    {
        var descriptor = Descriptors().Single(d => d.Id == id);
        var tracking = File.ReadAllText(Path.Combine(RepositoryLayout.Root, "src", "SharedStateAnalyzers", "AnalyzerReleases.Shipped.md"))
            + File.ReadAllText(Path.Combine(RepositoryLayout.Root, "src", "SharedStateAnalyzers", "AnalyzerReleases.Unshipped.md"));
        Assert.Matches(new Regex("^" + id + @"\s*\|\s*" + descriptor.Category + @"\s*\|\s*" + descriptor.DefaultSeverity, RegexOptions.Multiline), tracking);
    }

    [Theory]
    [MemberData(nameof(FixerTypes))]
    public void Fixer_IsExportedSharedAndSupportsFixAll(string typeName)
    {
        var type = typeof(StaticCacheFixer).Assembly.GetType(typeName)!;
        Assert.True(type.IsSealed);
        var export = type.GetCustomAttribute<ExportCodeFixProviderAttribute>();
        Assert.NotNull(export);
        Assert.Equal(type.Name, export!.Name);
        Assert.Contains(LanguageNames.CSharp, export.Languages);
        Assert.NotNull(type.GetCustomAttribute<SharedAttribute>());

        var fixer = (CodeFixProvider)Activator.CreateInstance(type)!;
        Assert.NotNull(fixer.GetFixAllProvider());
        var ids = Descriptors().Select(d => d.Id).ToHashSet();
        Assert.All(fixer.FixableDiagnosticIds, id => Assert.Contains(id, ids));
    }

    private static IEnumerable<Type> Analyzers()
        => typeof(StaticCacheAnalyzer).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t))
            .OrderBy(t => t.FullName, StringComparer.Ordinal);

    private static IEnumerable<DiagnosticDescriptor> Descriptors()
        => Analyzers()
            .SelectMany(t => ((DiagnosticAnalyzer)Activator.CreateInstance(t)!).SupportedDiagnostics)
            .GroupBy(d => d.Id)
            .Select(g => g.First())
            .OrderBy(d => d.Id, StringComparer.Ordinal);
}
