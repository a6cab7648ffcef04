using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SharedStateAnalyzers.CodeFixes;

/// <summary>Fix for SSA008: the <c>[ThreadStatic]</c> field or <c>ThreadLocal&lt;T&gt;</c> becomes an <c>AsyncLocal&lt;T&gt;</c>.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ThreadAffineStateFixer))]
[Shared]
public sealed class ThreadAffineStateFixer : CodeFixProvider
{
    public const string UseAsyncLocalKey = RuleIdentifiers.ThreadAffineState + ".UseAsyncLocal";

    private const string Title = "Use AsyncLocal<T> (flows into work started from this context)";

    private static readonly FieldFixAllProvider Fixes = new(
        new[] { UseAsyncLocalKey },
        _ => Title,
        (_, document, declaration, cancellationToken) => AsyncLocalRewrite.TryApplyAsync(document, declaration, cancellationToken),
        FindDeclarationAsync);

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIdentifiers.ThreadAffineState);

    public override FixAllProvider GetFixAllProvider() => Fixes;

    public override Task RegisterCodeFixesAsync(CodeFixContext context) => Fixes.RegisterCodeFixesAsync(context);

    /// <summary>The declarator of the field a use points at (<c>s_x</c>, <c>T.s_x</c>, or <c>s_x.Value</c> of a <c>ThreadLocal</c>), when it is in this document.</summary>
    private static async Task<SyntaxNode?> FindDeclarationAsync(Document document, SyntaxNode root, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (model is null || root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not ExpressionSyntax use)
        {
            return null;
        }

        if (use is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Value" } access
            && model.GetSymbolInfo(access, cancellationToken).Symbol is IPropertySymbol { ContainingType.Name: "ThreadLocal" })
        {
            use = access.Expression;
        }

        if (model.GetSymbolInfo(use, cancellationToken).Symbol is not IFieldSymbol field)
        {
            return null;
        }

        foreach (var reference in field.OriginalDefinition.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree == root.SyntaxTree && root.FindNode(reference.Span) is VariableDeclaratorSyntax declarator)
            {
                return declarator;
            }
        }

        return null;
    }
}
