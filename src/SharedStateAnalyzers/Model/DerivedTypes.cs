using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace SharedStateAnalyzers.Model;

/// <summary>
/// Per compilation, the source types deriving from each class: found once, by one walk over the compilation's types
/// and their base classes, on the first question; each later question is a lookup. Safe for concurrent use.
/// </summary>
internal sealed class DerivedTypes
{
    private static readonly ConditionalWeakTable<Compilation, DerivedTypes> s_byCompilation = new();

    private readonly BuiltOnce<Dictionary<INamedTypeSymbol, List<INamedTypeSymbol>>> _byBase = new();
    private readonly Compilation _compilation;

    private DerivedTypes(Compilation compilation) => _compilation = compilation;

    /// <summary>
    /// The source types of <paramref name="compilation"/> that have <paramref name="owner"/> (its original definition)
    /// among their base classes, in the order the compilation declares them.
    /// </summary>
    public static IReadOnlyList<INamedTypeSymbol> Of(Compilation compilation, INamedTypeSymbol owner, CancellationToken cancellationToken)
    {
        var byBase = s_byCompilation.GetValue(compilation, static c => new DerivedTypes(c)).Built(cancellationToken);
        return byBase.TryGetValue(owner.OriginalDefinition, out var derived) ? derived : System.Array.Empty<INamedTypeSymbol>();
    }

    private Dictionary<INamedTypeSymbol, List<INamedTypeSymbol>> Built(CancellationToken cancellationToken)
        => _byBase.Get(_compilation, Walk, cancellationToken);

    private static Dictionary<INamedTypeSymbol, List<INamedTypeSymbol>> Walk(Compilation compilation, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var byBase = new Dictionary<INamedTypeSymbol, List<INamedTypeSymbol>>(SymbolEqualityComparer.Default);
        foreach (var symbol in compilation.GetSymbolsWithName(static _ => true, SymbolFilter.Type, cancellationToken))
        {
            if (symbol is not INamedTypeSymbol type)
            {
                continue;
            }

            for (var current = type.BaseType; current is not null; current = current.BaseType)
            {
                var key = current.OriginalDefinition;
                if (!byBase.TryGetValue(key, out var derived))
                {
                    byBase[key] = derived = new List<INamedTypeSymbol>();
                }

                // A base class met twice in one chain (only in broken, cyclic code) lists the type once.
                if (derived.Count == 0 || !ReferenceEquals(derived[derived.Count - 1], type))
                {
                    derived.Add(type);
                }
            }
        }

        return byBase;
    }
}
