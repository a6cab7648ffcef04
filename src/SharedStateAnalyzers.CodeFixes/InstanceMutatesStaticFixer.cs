using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SharedStateAnalyzers.CodeFixes;

/// <summary>
/// The fix for SSA003: make the field per-instance (drop <c>static</c>; an <c>s_</c> prefix becomes <c>_</c>). Offered
/// for a private field or auto-property of a class that is neither static nor a hand-rolled singleton, declared in the
/// document of the write, when every use of it is in that class's instance members (not in a static member, a static
/// lambda, an initializer, a nested or derived type, another document) and it is not an instance counter (incremented
/// in a constructor: counting across instances is its point).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(InstanceMutatesStaticFixer))]
[Shared]
public sealed class InstanceMutatesStaticFixer : CodeFixProvider
{
    public const string MakePerInstanceKey = RuleIdentifiers.InstanceMutatesStatic + ".MakePerInstance";

    private const string Title = "Make the field per-instance";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIdentifiers.InstanceMutatesStatic);

    private static readonly FieldFixAllProvider Fixes = new(
        new[] { MakePerInstanceKey },
        _ => Title,
        (_, document, declaration, cancellationToken) => ApplyAsync(document, declaration, cancellationToken),
        (document, _, diagnostic, cancellationToken) => FindDeclarationAsync(document, diagnostic, cancellationToken));

    public override FixAllProvider GetFixAllProvider() => Fixes;

    public override Task RegisterCodeFixesAsync(CodeFixContext context) => Fixes.RegisterCodeFixesAsync(context);

    /// <summary>The declarator or property declaration of the static storage the diagnostic's write changes, in the same document.</summary>
    private static async Task<SyntaxNode?> FindDeclarationAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null || !root.FullSpan.Contains(diagnostic.Location.SourceSpan))
        {
            return null;
        }

        var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        var storage = GetWrittenStorage(model, node, cancellationToken);
        if (storage is not { IsStatic: true } || storage is not (IFieldSymbol or IPropertySymbol))
        {
            return null;
        }

        foreach (var reference in storage.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree == root.SyntaxTree)
            {
                return reference.GetSyntax(cancellationToken) is var syntax && syntax is VariableDeclaratorSyntax or PropertyDeclarationSyntax ? syntax : null;
            }
        }

        return null;
    }

    /// <summary><c>s_x</c>, <c>T.s_x</c>, <c>s_x[key]</c>, <c>s_x.Add</c>: the storage the reported expression changes.</summary>
    private static ISymbol? GetWrittenStorage(SemanticModel model, SyntaxNode node, CancellationToken cancellationToken)
    {
        while (node is ParenthesizedExpressionSyntax parenthesized)
        {
            node = parenthesized.Expression;
        }

        var expression = node switch
        {
            ElementAccessExpressionSyntax element => element.Expression,
            MemberAccessExpressionSyntax access when model.GetSymbolInfo(access, cancellationToken).Symbol is IMethodSymbol => access.Expression,
            ExpressionSyntax other => other,
            _ => null,
        };

        return expression is null ? null : model.GetSymbolInfo(expression, cancellationToken).Symbol?.OriginalDefinition;
    }

    private static async Task<Document?> ApplyAsync(Document document, SyntaxNode declaration, CancellationToken cancellationToken)
    {
        if (await MustStayStaticAsync(document, declaration, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return await PerInstanceRewrite.TryApplyAsync(document, declaration, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Uses that an instance field cannot serve: an initializer (instance initializers cannot read instance fields) or
    /// a constructor's <c>base(…)</c>/<c>this(…)</c> arguments; and a field a constructor increments
    /// (<c>s_created++</c>, <c>s_total += n</c>), which counts instances: made per-instance, every count would be one.
    /// Its fix is <c>Interlocked</c>, by hand.
    /// </summary>
    private static async Task<bool> MustStayStaticAsync(Document document, SyntaxNode declaration, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        var storage = model?.GetDeclaredSymbol(declaration, cancellationToken);
        if (root is null || model is null || storage is null)
        {
            return false;
        }

        var references = await CacheFieldReferences.FindAsync(document, root, storage, cancellationToken).ConfigureAwait(false);
        if (references is null)
        {
            return false;
        }

        foreach (var name in references.Names)
        {
            if (CacheFieldReferences.IsInInitializer(name))
            {
                return true;
            }

            var reference = CacheFieldReferences.GetQualifiedReference(model, name, cancellationToken);
            var isIncrement = reference.Parent switch
            {
                PostfixUnaryExpressionSyntax or PrefixUnaryExpressionSyntax => reference.Parent.Kind() is SyntaxKind.PostIncrementExpression
                    or SyntaxKind.PostDecrementExpression or SyntaxKind.PreIncrementExpression or SyntaxKind.PreDecrementExpression,
                AssignmentExpressionSyntax assignment => assignment.Left == reference && !assignment.IsKind(SyntaxKind.SimpleAssignmentExpression)
                    && !assignment.IsKind(SyntaxKind.CoalesceAssignmentExpression),
                _ => false,
            };

            if (isIncrement && reference.FirstAncestorOrSelf<ConstructorDeclarationSyntax>() is { } constructor
                && !constructor.Modifiers.Any(SyntaxKind.StaticKeyword))
            {
                return true;
            }
        }

        return false;
    }
}
