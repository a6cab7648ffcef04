using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;

namespace SharedStateAnalyzers.CodeFixes;

/// <summary>
/// Fix All for fixes that rewrite one field declaration (and its uses) at a time: the declarations the diagnostics
/// of a document lead to are marked, then each is rewritten in turn, so that every rewrite sees the result of the
/// previous one. Several diagnostics leading to one declaration rewrite it once.
/// </summary>
internal sealed class DeclarationFixAll : DocumentBasedFixAllProvider
{
    private readonly ImmutableArray<string> _keys;
    private readonly Func<Document, SyntaxNode, Diagnostic, CancellationToken, Task<SyntaxNode?>> _findDeclaration;
    private readonly Func<string, Document, SyntaxNode, CancellationToken, Task<Document?>> _apply;

    /// <param name="keys">The equivalence keys this Fix All applies.</param>
    /// <param name="findDeclaration">The declaration a diagnostic leads to, in the given root.</param>
    /// <param name="apply">The rewrite for a key; null when it does not apply to that declaration.</param>
    public DeclarationFixAll(
        ImmutableArray<string> keys,
        Func<Document, SyntaxNode, Diagnostic, CancellationToken, Task<SyntaxNode?>> findDeclaration,
        Func<string, Document, SyntaxNode, CancellationToken, Task<Document?>> apply)
    {
        _keys = keys;
        _findDeclaration = findDeclaration;
        _apply = apply;
    }

    protected override async Task<Document?> FixAllAsync(FixAllContext fixAllContext, Document document, ImmutableArray<Diagnostic> diagnostics)
    {
        var key = fixAllContext.CodeActionEquivalenceKey;
        if (key is null || !_keys.Contains(key))
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
