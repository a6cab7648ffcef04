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
/// Fix All for fixes that rewrite one field (the diagnostic sits on its name): applies the chosen fix to every
/// diagnostic of a document, one field at a time, so that each rewrite sees the result of the previous one (a second
/// cache field gains its constructor parameter next to the first; a second lock wraps code the first one wrapped).
/// </summary>
internal sealed class FieldFixAllProvider : DocumentBasedFixAllProvider
{
    private readonly ImmutableHashSet<string> _equivalenceKeys;
    private readonly Func<string, Document, SyntaxNode, CancellationToken, Task<Document?>> _apply;

    /// <param name="equivalenceKeys">The fixes this provider applies.</param>
    /// <param name="apply">Applies the fix with the given key to the field declared by the node, or returns null where it does not apply.</param>
    public FieldFixAllProvider(IEnumerable<string> equivalenceKeys, Func<string, Document, SyntaxNode, CancellationToken, Task<Document?>> apply)
    {
        _equivalenceKeys = ImmutableHashSet.CreateRange(StringComparer.Ordinal, equivalenceKeys);
        _apply = apply;
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
            var declaration = SyntaxHelpers.FindStorageDeclaration(root, diagnostic.Location.SourceSpan);
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
