using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;

namespace SharedStateAnalyzers.CodeFixes;

/// <summary>
/// "Move to a local": a field that one method writes and then reads becomes a local of that method, so each call (each
/// request) has its own value, and the field is removed. Offered only in the simple shape where that is exact: a
/// private instance field, not readonly, declared alone and without an initializer; every use in one method with a
/// block body, in this document, outside lambdas and local functions; the first use a plain assignment statement
/// directly in the method's body (so it runs before every other use, which all follow it), and no <c>goto</c> in the
/// method. The local takes the field's declared type and its name without the <c>_</c>/<c>m_</c> prefix
/// (<c>current…</c> when that name is taken in the method); the result must compile with no new error.
/// </summary>
internal static class LocalVariableRewrite
{
    public static async Task<Document?> TryApplyAsync(Document document, SyntaxNode storageDeclaration, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null
            || storageDeclaration is not VariableDeclaratorSyntax { Initializer: null, Parent: VariableDeclarationSyntax { Variables.Count: 1, Parent: FieldDeclarationSyntax fieldDeclaration } declaration } declarator
            || model.GetDeclaredSymbol(declarator, cancellationToken) is not IFieldSymbol { IsStatic: false, IsReadOnly: false, IsConst: false, DeclaredAccessibility: Accessibility.Private } field)
        {
            return null;
        }

        var references = await CacheFieldReferences.FindAsync(document, root, field, cancellationToken).ConfigureAwait(false);
        if (references is null || references.Names.IsEmpty)
        {
            return null;
        }

        var uses = references.Names.Select(GetUse).OrderBy(u => u.SpanStart).ToList();
        var method = uses[0].FirstAncestorOrSelf<BaseMethodDeclarationSyntax>();
        if (method?.Body is not { } body || method.DescendantNodes().Any(n => n is GotoStatementSyntax))
        {
            return null;
        }

        foreach (var use in uses)
        {
            if (SyntaxHelpers.IsInNameOf(use)
                || use.Ancestors().TakeWhile(a => a != method).Any(a => a is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)
                || !use.Ancestors().Contains(method))
            {
                return null;
            }
        }

        // The first use writes the field, in a statement of the method's own body: it runs before every later use.
        if (uses[0].Parent is not AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression } first
            || first.Left != uses[0]
            || first.Parent is not ExpressionStatementSyntax firstStatement
            || firstStatement.Parent != body)
        {
            return null;
        }

        var name = ChooseName(field.Name, method);
        if (name is null)
        {
            return null;
        }

        var editor = new SyntaxEditor(root, document.Project.Solution.Services);
        var local = SyntaxFactory.LocalDeclarationStatement(
                SyntaxFactory.VariableDeclaration(
                    declaration.Type.WithoutTrivia().WithTrailingTrivia(SyntaxFactory.Space),
                    SyntaxFactory.SingletonSeparatedList(
                        SyntaxFactory.VariableDeclarator(SyntaxFactory.Identifier(name))
                            .WithInitializer(SyntaxFactory.EqualsValueClause(
                                SyntaxFactory.Token(SyntaxKind.EqualsToken).WithLeadingTrivia(SyntaxFactory.Space).WithTrailingTrivia(SyntaxFactory.Space),
                                first.Right.WithoutLeadingTrivia())))))
            .WithSemicolonToken(firstStatement.SemicolonToken)
            .WithLeadingTrivia(firstStatement.GetLeadingTrivia());
        editor.ReplaceNode(firstStatement, local);
        for (var i = 1; i < uses.Count; i++)
        {
            editor.ReplaceNode(uses[i], SyntaxFactory.IdentifierName(name).WithTriviaFrom(uses[i]));
        }

        editor.RemoveNode(fieldDeclaration, SyntaxRemoveOptions.KeepNoTrivia);
        var changed = document.WithSyntaxRoot(editor.GetChangedRoot());
        changed = await Formatter.FormatAsync(changed, Formatter.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
        return await CompileCheck.AddsNoErrorsAsync(document, changed, cancellationToken).ConfigureAwait(false) ? changed : null;
    }

    /// <summary>The use as an expression: <c>this._x</c> as a whole, otherwise the name.</summary>
    private static ExpressionSyntax GetUse(IdentifierNameSyntax name)
        => name.Parent is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } access && access.Name == name ? access : name;

    /// <summary>The field's name without its prefix, or <c>current</c> + that name, when the method does not use it already.</summary>
    private static string? ChooseName(string fieldName, BaseMethodDeclarationSyntax method)
    {
        var bare = fieldName.StartsWith("m_", StringComparison.Ordinal) ? fieldName.Substring(2) : fieldName.TrimStart('_');
        if (bare.Length == 0)
        {
            return null;
        }

        bare = char.ToLowerInvariant(bare[0]) + bare.Substring(1);
        var taken = method.DescendantTokens().Where(t => t.IsKind(SyntaxKind.IdentifierToken)).Select(t => t.ValueText).ToImmutableHashSetOrdinal();
        foreach (var candidate in new[] { bare, "current" + char.ToUpperInvariant(bare[0]) + bare.Substring(1) })
        {
            if (SyntaxFacts.IsValidIdentifier(candidate) && SyntaxFacts.GetKeywordKind(candidate) == SyntaxKind.None
                && SyntaxFacts.GetContextualKeywordKind(candidate) == SyntaxKind.None && !taken.Contains(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static System.Collections.Immutable.ImmutableHashSet<string> ToImmutableHashSetOrdinal(this System.Collections.Generic.IEnumerable<string> names)
        => System.Collections.Immutable.ImmutableHashSet.CreateRange(StringComparer.Ordinal, names);
}
