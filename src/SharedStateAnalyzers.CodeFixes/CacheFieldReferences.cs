using System.Collections.Immutable;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FindSymbols;

namespace SharedStateAnalyzers.CodeFixes;

/// <summary>Every reference to a cache field, provided they all sit in one document.</summary>
internal sealed class CacheFieldReferences
{
    private CacheFieldReferences(ImmutableArray<IdentifierNameSyntax> names)
    {
        Names = names;
    }

    /// <summary>The identifier of each reference (in <c>T._cache</c>, the <c>_cache</c> part).</summary>
    public ImmutableArray<IdentifierNameSyntax> Names { get; }

    public static async Task<CacheFieldReferences?> FindAsync(Document document, SyntaxNode root, ISymbol storage, CancellationToken cancellationToken)
    {
        var references = await SymbolFinder.FindReferencesAsync(storage, document.Project.Solution, cancellationToken).ConfigureAwait(false);
        var names = ImmutableArray.CreateBuilder<IdentifierNameSyntax>();
        foreach (var reference in references)
        {
            foreach (var location in reference.Locations)
            {
                if (location.Document.Id != document.Id)
                {
                    return null;
                }

                if (root.FindNode(location.Location.SourceSpan, getInnermostNodeForTie: true) is not IdentifierNameSyntax name)
                {
                    return null;
                }

                names.Add(name);
            }
        }

        return new CacheFieldReferences(names.ToImmutable());
    }

    /// <summary>
    /// True when every reference is in an instance member of <paramref name="type"/> (not in a field initializer,
    /// a static member, a static lambda or local function, or a nested type): only then can the field become an
    /// instance field.
    /// </summary>
    public bool AreAllInInstanceMembers(SemanticModel model, INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        foreach (var name in Names)
        {
            var symbol = model.GetEnclosingSymbol(name.SpanStart, cancellationToken);
            while (symbol is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LambdaMethod or MethodKind.LocalFunction } function)
            {
                if (function.IsStatic)
                {
                    return false;
                }

                symbol = function.ContainingSymbol;
            }

            if (symbol is null or IFieldSymbol or { IsStatic: true }
                || !SymbolEqualityComparer.Default.Equals(symbol.ContainingType, type)
                || IsInInitializer(name))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// In a constructor initializer (<c>: base(s_x)</c>), a primary-constructor base call, or a field or property
    /// initializer: places that run before the instance exists, where an instance field cannot be read.
    /// </summary>
    public static bool IsInInitializer(SyntaxNode name)
    {
        foreach (var ancestor in name.Ancestors())
        {
            switch (ancestor)
            {
                case ConstructorInitializerSyntax or PrimaryConstructorBaseTypeSyntax or FieldDeclarationSyntax:
                    return true;
                case EqualsValueClauseSyntax { Parent: PropertyDeclarationSyntax }:
                    return true;
                case MemberDeclarationSyntax:
                    return false;
            }
        }

        return false;
    }

    /// <summary>True when <paramref name="expression"/> is one of these references, bare or qualified by its type.</summary>
    public static bool Refers(SemanticModel model, ExpressionSyntax expression, ISymbol storage, CancellationToken cancellationToken)
    {
        if (expression is not (IdentifierNameSyntax or MemberAccessExpressionSyntax))
        {
            return false;
        }

        var symbol = model.GetSymbolInfo(expression, cancellationToken).Symbol;
        return symbol is not null && SymbolEqualityComparer.Default.Equals(symbol.OriginalDefinition, storage.OriginalDefinition);
    }

    /// <summary>For <c>T._cache</c>, the whole member access; otherwise the name itself.</summary>
    public static ExpressionSyntax GetQualifiedReference(SemanticModel model, IdentifierNameSyntax name, CancellationToken cancellationToken)
    {
        if (name.Parent is MemberAccessExpressionSyntax access && access.Name == name
            && model.GetSymbolInfo(access.Expression, cancellationToken).Symbol is INamedTypeSymbol)
        {
            return access;
        }

        return name;
    }
}
