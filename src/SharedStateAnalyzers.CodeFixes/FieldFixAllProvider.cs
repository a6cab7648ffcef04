using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace SharedStateAnalyzers.CodeFixes;

/// <summary>
/// The fixes of a rule whose diagnostic sits on a field's name and whose fixes each rewrite that field: registers the
/// ones that apply to a diagnostic, in the order given (<c>dotnet format</c> applies the first one offered), and fixes
/// all of a document one field at a time, so that each rewrite sees the result of the previous one (a second cache
/// field gains its constructor parameter next to the first; a second field's uses join a lock the first one added).
/// </summary>
internal sealed class FieldFixAllProvider : DocumentBasedFixAllProvider
{
    private readonly ImmutableArray<string> _equivalenceKeys;
    private readonly Func<string, string> _getTitle;
    private readonly Func<string, Document, SyntaxNode, CancellationToken, Task<Document?>> _apply;
    private readonly Func<Document, SyntaxNode, Diagnostic, CancellationToken, Task<SyntaxNode?>> _findDeclaration;

    /// <param name="equivalenceKeys">The fixes, in the order they are offered.</param>
    /// <param name="getTitle">The title of the fix with the given key.</param>
    /// <param name="apply">Applies the fix with the given key to the field declared by the node, or returns null where it does not apply.</param>
    /// <param name="findDeclaration">
    /// The declaration a diagnostic leads to, in the given root of the document; by default the field or property
    /// declared at the diagnostic's span. A rule that reports at a use passes its own, and several diagnostics leading
    /// to one declaration rewrite it once.
    /// </param>
    public FieldFixAllProvider(
        IEnumerable<string> equivalenceKeys,
        Func<string, string> getTitle,
        Func<string, Document, SyntaxNode, CancellationToken, Task<Document?>> apply,
        Func<Document, SyntaxNode, Diagnostic, CancellationToken, Task<SyntaxNode?>>? findDeclaration = null)
    {
        _equivalenceKeys = equivalenceKeys.ToImmutableArray();
        _getTitle = getTitle;
        _apply = apply;
        _findDeclaration = findDeclaration ?? FindDeclarationAtSpan;
    }

    private static Task<SyntaxNode?> FindDeclarationAtSpan(Document document, SyntaxNode root, Diagnostic diagnostic, CancellationToken cancellationToken)
        => Task.FromResult(SyntaxHelpers.FindStorageDeclaration(root, diagnostic.Location.SourceSpan));

    /// <summary>Registers, for each diagnostic of the context, every fix whose rewrite applies, computed now.</summary>
    public async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            var declaration = await _findDeclaration(context.Document, root, diagnostic, context.CancellationToken).ConfigureAwait(false);
            if (declaration is null)
            {
                continue;
            }

            foreach (var key in _equivalenceKeys)
            {
                var fixedDocument = await _apply(key, context.Document, declaration, context.CancellationToken).ConfigureAwait(false);
                if (fixedDocument is not null)
                {
                    context.RegisterCodeFix(CodeAction.Create(_getTitle(key), _ => Task.FromResult(fixedDocument), key), diagnostic);
                }
            }
        }
    }

    protected override async Task<Document?> FixAllAsync(FixAllContext fixAllContext, Document document, ImmutableArray<Diagnostic> diagnostics)
    {
        var key = fixAllContext.CodeActionEquivalenceKey;
        if (key is null || !_equivalenceKeys.Contains(key))
        {
            return document;
        }

        var cancellationToken = fixAllContext.CancellationToken;
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        var annotations = new Dictionary<SyntaxNode, SyntaxAnnotation>();
        foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
        {
            var declaration = await _findDeclaration(document, root, diagnostic, cancellationToken).ConfigureAwait(false);
            if (declaration is not null && !annotations.ContainsKey(declaration))
            {
                annotations[declaration] = new SyntaxAnnotation();
            }
        }

        document = document.WithSyntaxRoot(root.ReplaceNodes(annotations.Keys, (original, current) => current.WithAdditionalAnnotations(annotations[original])));
        foreach (var annotation in annotations.Values)
        {
            var currentRoot = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var declaration = currentRoot?.GetAnnotatedNodes(annotation).FirstOrDefault();
            if (declaration is null)
            {
                continue;
            }

            document = await _apply(key, document, declaration, cancellationToken).ConfigureAwait(false) ?? document;
        }

        return document;
    }
}
