using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using SharedStateAnalyzers.Rules;
using SharedStateAnalyzers.Tests.EndToEnd;
using SharedStateAnalyzers.Tests.Verification;

namespace SharedStateAnalyzers.Tests.Robustness;

/// <summary>
/// Every analyzer of the package runs over half-typed code without throwing: the C# inputs of the rule tests and the
/// sample app's files, each cut off at several points, the way an editor sees code while it is being typed.
/// </summary>
public sealed class TruncatedSourceTests
{
    private const int CutsPerSource = 12;

    private static readonly ImmutableArray<DiagnosticAnalyzer> Analyzers = typeof(StaticCacheAnalyzer).Assembly.GetTypes()
        .Where(type => !type.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(type) && type.IsDefined(typeof(DiagnosticAnalyzerAttribute), false))
        .OrderBy(type => type.FullName, StringComparer.Ordinal)
        .Select(type => (DiagnosticAnalyzer)Activator.CreateInstance(type)!)
        .ToImmutableArray();

    private static readonly ImmutableArray<MetadataReference> References = ReferenceAssemblies.Get(
        Verification.References.AspNetCore | Verification.References.EntityFrameworkCore | Verification.References.MemoryCache | Verification.References.DependencyInjection);

    public static TheoryData<string> SourceFiles()
    {
        var root = RepositoryLayout.Root;
        var files = new TheoryData<string>();
        foreach (var folder in new[] { Path.Combine("tests", "SharedStateAnalyzers.Tests", "Rules"), "samples" })
        {
            var directory = Path.Combine(root, folder);
            if (!Directory.Exists(directory))
            {
                continue;
            }

            foreach (var path in Directory.EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories)
                .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
                .Order(StringComparer.Ordinal))
            {
                files.Add(Path.GetRelativePath(root, path));
            }
        }

        return files;
    }

    [Fact]
    public void TheSourceSetIsNotEmpty()
    {
        Assert.True(Analyzers.Length >= 2, $"found {Analyzers.Length} analyzers");
        var files = ((IEnumerable<object[]>)SourceFiles()).Select(row => (string)row[0]).ToList();
        Assert.Contains(files, file => file.StartsWith("samples", StringComparison.Ordinal));
        Assert.Contains(files, file => file.Contains("Rules", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(SourceFiles))]
    public async Task NoAnalyzerThrows_OnTruncatedSources(string relativePath)
    {
        var text = await File.ReadAllTextAsync(Path.Combine(RepositoryLayout.Root, relativePath));
        var sources = relativePath.StartsWith("samples", StringComparison.Ordinal) ? [text] : EmbeddedSources(text);
        Assert.NotEmpty(sources);

        var failures = new List<string>();
        var runs = 0;
        foreach (var (source, index) in sources.Select((s, i) => (s, i)))
        {
            foreach (var cut in CutPoints(source.Length, seed: index))
            {
                runs++;
                foreach (var exception in await AnalyzeAsync(source[..cut]))
                {
                    failures.Add($"source #{index} cut at {cut}: {exception}");
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} analyzer exceptions in {runs} runs:{Environment.NewLine}{string.Join(Environment.NewLine, failures.Take(5))}");
    }

    /// <summary>The C# inputs a rule-test file embeds: its raw string literals that declare a type.</summary>
    private static List<string> EmbeddedSources(string testFile)
        => CSharpSyntaxTree.ParseText(testFile).GetRoot().DescendantTokens()
            .Where(token => token.IsKind(SyntaxKind.MultiLineRawStringLiteralToken))
            .Select(token => token.ValueText)
            .Where(value => value.Contains("class ", StringComparison.Ordinal) || value.Contains("struct ", StringComparison.Ordinal))
            .Select(value => value.Replace("[|", "").Replace("|]", "").Replace("|}", "").Replace("{|", "/*"))
            .Distinct(StringComparer.Ordinal)
            .ToList();

    /// <summary>Evenly spread cut points, each moved by a seeded random offset so that cuts fall mid-token too.</summary>
    private static IEnumerable<int> CutPoints(int length, int seed)
    {
        var random = new Random(seed);
        for (var i = 1; i <= CutsPerSource; i++)
        {
            var cut = (int)((long)length * i / (CutsPerSource + 1)) + random.Next(-7, 8);
            yield return Math.Clamp(cut, 0, length);
        }
    }

    private static async Task<List<string>> AnalyzeAsync(string source)
    {
        var compilation = CSharpCompilation.Create(
            "Truncated",
            [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest), path: "Truncated.cs")],
            References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var exceptions = new List<string>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions([]),
            onAnalyzerException: (exception, analyzer, _) =>
            {
                lock (exceptions)
                {
                    exceptions.Add($"{analyzer.GetType().Name}: {exception.GetType().Name}: {exception.Message}{Environment.NewLine}{exception.StackTrace}");
                }
            },
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false,
            reportSuppressedDiagnostics: false,
            analyzerExceptionFilter: null);
        var diagnostics = await compilation.WithAnalyzers(Analyzers, options).GetAnalyzerDiagnosticsAsync();
        exceptions.AddRange(diagnostics.Where(d => d.Id is "AD0001" or "AD0002").Select(d => d.ToString()));
        return exceptions;
    }
}
