using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SharedStateAnalyzers.CodeFixes;

/// <summary>Fixes for SSA009: hold the instance in a <c>Lazy&lt;T&gt;</c>, or build it eagerly in a <c>readonly</c> field initializer.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UnsynchronizedInitializationFixer))]
[Shared]
public sealed class UnsynchronizedInitializationFixer : CodeFixProvider
{
    public const string UseLazyKey = RuleIdentifiers.UnsynchronizedInitialization + ".UseLazy";
    public const string UseStaticReadonlyInitializerKey = RuleIdentifiers.UnsynchronizedInitialization + ".UseStaticReadonlyInitializer";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIdentifiers.UnsynchronizedInitialization);

    // Offered in this order: dotnet format applies the first fix a diagnostic offers.
    private static readonly FieldFixAllProvider Fixes = new(
        new[] { UseLazyKey, UseStaticReadonlyInitializerKey },
        GetTitle,
        ApplyAsync,
        FindDeclarationAsync);

    public override FixAllProvider GetFixAllProvider() => Fixes;

    public override Task RegisterCodeFixesAsync(CodeFixContext context) => Fixes.RegisterCodeFixesAsync(context);

    private static string GetTitle(string key) => key == UseLazyKey
        ? "Use Lazy<T>"
        : "Initialize in a readonly field (construction must be cheap and side-effect free)";

    private static async Task<Document?> ApplyAsync(string key, Document document, SyntaxNode declarator, CancellationToken cancellationToken)
    {
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        return model?.GetDeclaredSymbol(declarator, cancellationToken) is IFieldSymbol field
            ? await LazyInitializationRewrite.TryApplyAsync(document, field, key == UseLazyKey, cancellationToken).ConfigureAwait(false)
            : null;
    }

    /// <summary>The declarator, in this document, of the field a diagnostic's assignment writes.</summary>
    private static async Task<SyntaxNode?> FindDeclarationAsync(Document document, SyntaxNode root, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var field = await FindFieldAsync(document, diagnostic, cancellationToken).ConfigureAwait(false);
        var reference = field?.DeclaringSyntaxReferences.FirstOrDefault();
        return reference is not null && reference.SyntaxTree == root.SyntaxTree && root.FindNode(reference.Span) is VariableDeclaratorSyntax declarator
            ? declarator
            : null;
    }

    /// <summary>The field a diagnostic's assignment writes; null for properties.</summary>
    private static async Task<IFieldSymbol?> FindFieldAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null
            || root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not AssignmentExpressionSyntax assignment)
        {
            return null;
        }

        return model.GetSymbolInfo(assignment.Left, cancellationToken).Symbol as IFieldSymbol;
    }
}
