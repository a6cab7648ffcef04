using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using SharedStateAnalyzers.CodeFixes;
using SharedStateAnalyzers.Rules;
using SharedStateAnalyzers.Tests.EndToEnd;
using SharedStateAnalyzers.Tests.Verification;

namespace SharedStateAnalyzers.Tests.Robustness;

/// <summary>
/// SSA002's fixes over every input of its analyzer tests (the flagged ones are the shapes real code has): whatever a
/// diagnostic offers applies without an exception, adds no compiler error and removes that diagnostic.
/// </summary>
public sealed class UnsynchronizedCollectionFixerRobustnessTests
{
    private static readonly Regex LocationMarkup = new(@"\{\|(#\d+|SSA\d{3}):|\|\}|\[\||\|\]", RegexOptions.CultureInvariant);

    public static TheoryData<int> Inputs()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < Sources().Count; i++)
        {
            data.Add(i);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public async Task EveryOfferedFix_Compiles_AndRemovesItsDiagnostic(int input)
        => await ApplyEveryFixAsync(Sources()[input]);

    [Fact]
    public async Task TheInputsOfferBothFixes_ManyTimes()
    {
        var applied = new List<string>();
        foreach (var source in Sources())
        {
            applied.AddRange(await ApplyEveryFixAsync(source));
        }

        Assert.True(applied.Count(key => key == UnsynchronizedCollectionFixer.UseConcurrentCollectionKey) >= 5, string.Join(", ", applied));
        Assert.True(applied.Count(key => key == UnsynchronizedCollectionFixer.GuardWithLockKey) >= 10, string.Join(", ", applied));
    }

    /// <summary>Applies each fix each diagnostic offers, on its own, and checks the result; returns the fixes' keys.</summary>
    private static async Task<List<string>> ApplyEveryFixAsync(string source)
    {
        var applied = new List<string>();
        var document = CreateDocument(source);
        var analyzer = new UnsynchronizedCollectionAnalyzer();
        var fixer = new UnsynchronizedCollectionFixer();
        var errorsBefore = await ErrorsAsync(document);

        foreach (var diagnostic in await DiagnosticsAsync(document, analyzer))
        {
            var actions = new List<CodeAction>();
            await fixer.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None));
            foreach (var action in actions)
            {
                var operations = await action.GetOperationsAsync(CancellationToken.None);
                var changed = Assert.Single(operations.OfType<ApplyChangesOperation>()).ChangedSolution.GetDocument(document.Id)!;
                var text = (await changed.GetTextAsync()).ToString();
                var context = $"'{action.Title}' on {diagnostic.GetMessage()}:{Environment.NewLine}{text}";

                Assert.True((await ErrorsAsync(changed)).SequenceEqual(errorsBefore), "new compiler errors after " + context);
                var field = source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length);
                Assert.DoesNotContain(await DiagnosticsAsync(changed, analyzer), d => d.GetMessage().StartsWith($"'{field}'", StringComparison.Ordinal));
                applied.Add(action.EquivalenceKey!);
            }
        }

        return applied;
    }

    private static List<string> Sources()
    {
        // The rule's tests and the shapes they share with other rules' tests.
        var rules = Path.Combine(RepositoryLayout.Root, "tests", "SharedStateAnalyzers.Tests", "Rules");
        var testFiles = File.ReadAllText(Path.Combine(rules, "UnsynchronizedCollectionAnalyzerTests.cs"))
            + Environment.NewLine + File.ReadAllText(Path.Combine(rules, "SharedShapes.cs"));
        return CSharpSyntaxTree.ParseText(testFiles).GetRoot().DescendantTokens()
            .Where(token => token.IsKind(SyntaxKind.MultiLineRawStringLiteralToken))
            .Select(token => LocationMarkup.Replace(token.ValueText, ""))
            .Where(value => value.Contains("class ", StringComparison.Ordinal))
            .ToList();
    }

    private static Document CreateDocument(string source)
    {
        var workspace = new AdhocWorkspace();
        var project = workspace.CurrentSolution.AddProject(ProjectInfo.Create(
            ProjectId.CreateNewId(),
            VersionStamp.Default,
            "Robustness",
            "Robustness",
            LanguageNames.CSharp,
            compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable),
            parseOptions: new CSharpParseOptions(LanguageVersion.Latest),
            metadataReferences: ReferenceAssemblies.Get(References.AspNetCore | References.DependencyInjection)));
        return project.Projects.Single().AddDocument("Input.cs", SourceText.From(source));
    }

    private static async Task<ImmutableArray<Diagnostic>> DiagnosticsAsync(Document document, DiagnosticAnalyzer analyzer)
    {
        var compilation = (await document.Project.GetCompilationAsync())!;
        return await compilation.WithAnalyzers([analyzer]).GetAnalyzerDiagnosticsAsync();
    }

    private static async Task<List<string>> ErrorsAsync(Document document)
        => (await document.GetSemanticModelAsync())!.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(d => d.Id + ": " + d.GetMessage())
            .Order(StringComparer.Ordinal)
            .ToList();
}
