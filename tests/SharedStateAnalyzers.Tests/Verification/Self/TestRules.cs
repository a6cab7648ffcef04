using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace SharedStateAnalyzers.Tests.Verification.Self;

/// <summary>Reports every field whose name starts with <c>cache</c>: a small rule for testing the verifier itself.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class CacheFieldAnalyzer : DiagnosticAnalyzer
{
    public const string Id = "TST001";

    /// <summary>Read from <c>.editorconfig</c>: comma-separated name prefixes that mark a cache field.</summary>
    public const string PrefixOption = "tst_cache_prefix";

    public static readonly DiagnosticDescriptor Rule = new(Id, "Cache field", "Field '{0}' is a cache", "Test", DiagnosticSeverity.Warning, isEnabledByDefault: true);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [Rule];

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterSymbolAction(
            symbolContext =>
            {
                var field = symbolContext.Symbol;
                var tree = field.Locations[0].SourceTree!;
                var prefixes = symbolContext.Options.AnalyzerConfigOptionsProvider.GetOptions(tree).TryGetValue(PrefixOption, out var configured)
                    ? configured.Split(',')
                    : ["cache"];
                if (prefixes.Any(prefix => field.Name.StartsWith(prefix, StringComparison.Ordinal)))
                {
                    symbolContext.ReportDiagnostic(Diagnostic.Create(Rule, field.Locations[0], field.Name));
                }
            },
            SymbolKind.Field);
    }
}

/// <summary>Throws on every field, as a buggy analyzer would.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ThrowingAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [CacheFieldAnalyzer.Rule];

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterSymbolAction(_ => throw new InvalidOperationException("analyzer bug"), SymbolKind.Field);
    }
}

/// <summary>Offers "Rename to store…" and then "Rename to memo…" for TST001 on fields named <c>cache…</c>, with a batch Fix All.</summary>
public class RenameFieldFixer : CodeFixProvider
{
    public const string StoreKey = "Rename.Store";
    public const string MemoKey = "Rename.Memo";

    public override ImmutableArray<string> FixableDiagnosticIds => [CacheFieldAnalyzer.Id];

    public override FixAllProvider? GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = (await context.Document.GetSyntaxRootAsync(context.CancellationToken))!;
        var declarator = root.FindNode(context.Span).FirstAncestorOrSelf<VariableDeclaratorSyntax>();
        if (declarator is null || !declarator.Identifier.ValueText.StartsWith("cache", StringComparison.Ordinal))
        {
            return;
        }

        foreach (var (key, prefix) in new[] { (StoreKey, "store"), (MemoKey, "memo") })
        {
            context.RegisterCodeFix(
                CodeAction.Create($"Rename to {prefix}…", _ => Task.FromResult(Rewrite(context.Document, root, declarator, prefix)), key),
                context.Diagnostics);
        }
    }

    protected virtual Document Rewrite(Document document, SyntaxNode root, VariableDeclaratorSyntax declarator, string prefix)
    {
        var name = declarator.Identifier.ValueText;
        var renamed = declarator.WithIdentifier(SyntaxFactory.Identifier(prefix + name["cache".Length..]).WithTriviaFrom(declarator.Identifier));
        return document.WithSyntaxRoot(root.ReplaceNode(declarator, renamed));
    }
}

/// <summary>Renames, but has no Fix All.</summary>
public sealed class RenameWithoutFixAllFixer : RenameFieldFixer
{
    public override FixAllProvider? GetFixAllProvider() => null;
}

/// <summary>Renames the field and also changes its type to one that does not exist: the fixed code does not compile.</summary>
public sealed class BreakingFixer : RenameFieldFixer
{
    protected override Document Rewrite(Document document, SyntaxNode root, VariableDeclaratorSyntax declarator, string prefix)
    {
        var declaration = (VariableDeclarationSyntax)declarator.Parent!;
        var renamed = declarator.WithIdentifier(SyntaxFactory.Identifier(prefix + declarator.Identifier.ValueText["cache".Length..]).WithTriviaFrom(declarator.Identifier));
        var broken = declaration
            .WithType(SyntaxFactory.ParseTypeName("MissingType").WithTriviaFrom(declaration.Type))
            .WithVariables(SyntaxFactory.SingletonSeparatedList(renamed));
        return document.WithSyntaxRoot(root.ReplaceNode(declaration, broken));
    }
}

/// <summary>Offers a fix that changes nothing: the diagnostic never goes away.</summary>
public sealed class NoOpFixer : RenameFieldFixer
{
    protected override Document Rewrite(Document document, SyntaxNode root, VariableDeclaratorSyntax declarator, string prefix)
        => document;
}
