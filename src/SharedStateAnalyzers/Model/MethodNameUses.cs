using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SharedStateAnalyzers.Model;

/// <summary>
/// Where the compilation may use a method (or a property), by name: every simple name spelled like it in the files that can reach it —
/// the files of its type, and those that name its type (or, for an unsealed class, a source type derived from it); for
/// an extension method, every file that names the method. The files are picked from the compilation's
/// <see cref="WordIndex"/> (built once, by one pass over the texts), once per type (per extension method), so only a
/// few are parsed into tokens. A call whose receiver is typed only through <c>var</c> in a file that never names the type is not found.
/// The caller binds what it needs.
/// </summary>
internal static class MethodNameUses
{
    /// <summary>Per compilation, the files that can reach a type's members, found once per type (and per extension method's name).</summary>
    private static readonly ConditionalWeakTable<Compilation, ConcurrentDictionary<(ISymbol Key, bool Extension), HashSet<SyntaxTree>>> s_trees = new();

    /// <summary>The simple names spelled like <paramref name="member"/> (a method or a property) in the files that can use it.</summary>
    public static IEnumerable<SimpleNameSyntax> Find(Compilation compilation, ISymbol member, CancellationToken cancellationToken)
    {
        var byKey = s_trees.GetValue(compilation, static _ => new ConcurrentDictionary<(ISymbol, bool), HashSet<SyntaxTree>>(KeyComparer.Instance));
        var extension = member is IMethodSymbol { IsExtensionMethod: true };
        var key = extension ? (member.OriginalDefinition, true) : ((ISymbol)member.ContainingType.OriginalDefinition, false);
        if (!byKey.TryGetValue(key, out var trees))
        {
            trees = byKey.GetOrAdd(key, TreesThatCanUse(compilation, member, extension, cancellationToken));
        }

        var index = WordIndex.For(compilation);
        foreach (var tree in trees)
        {
            if (index.Contains(tree, member.Name, cancellationToken) == false)
            {
                continue;
            }

            foreach (var name in WordSearch.Names(tree, member.Name, cancellationToken))
            {
                yield return name;
            }
        }
    }

    /// <summary>Whether <paramref name="name"/> binds to <paramref name="member"/>; null when it is one of several candidates.</summary>
    /// <remarks>
    /// With <paramref name="throughOverrides"/>, a name bound to an override of the method (a method
    /// <paramref name="member"/> is the first declaration of) binds to it too.
    /// </remarks>
    public static bool? Binds(SemanticModel model, SimpleNameSyntax name, ISymbol member, CancellationToken cancellationToken, bool throughOverrides = false)
    {
        var info = model.GetSymbolInfo(name, cancellationToken);
        if (info.Symbol is { } bound)
        {
            return IsSame(bound, member, throughOverrides);
        }

        foreach (var candidate in info.CandidateSymbols)
        {
            if (IsSame(candidate, member, throughOverrides))
            {
                return null;
            }
        }

        return false;
    }

    /// <summary>The same member, an extension method called in reduced form included.</summary>
    private static bool IsSame(ISymbol bound, ISymbol member, bool throughOverrides)
    {
        var symbol = ((bound as IMethodSymbol)?.ReducedFrom ?? bound).OriginalDefinition;
        if (throughOverrides && symbol is IMethodSymbol method)
        {
            symbol = SymbolFacts.FirstDeclaration(method);
        }

        return SymbolEqualityComparer.Default.Equals(symbol, member.OriginalDefinition);
    }

    private static HashSet<SyntaxTree> TreesThatCanUse(Compilation compilation, ISymbol member, bool extension, CancellationToken cancellationToken)
    {
        var trees = new HashSet<SyntaxTree>();
        foreach (var reference in member.ContainingType.DeclaringSyntaxReferences)
        {
            trees.Add(reference.SyntaxTree);
        }

        var words = new List<string>();
        if (extension)
        {
            words.Add(member.Name);
        }
        else
        {
            words.Add(member.ContainingType.Name);
            if (!member.ContainingType.IsSealed && !member.ContainingType.IsStatic)
            {
                foreach (var derived in SymbolFacts.SourceTypesDerivedFrom(compilation, member.ContainingType, cancellationToken))
                {
                    words.Add(derived.Name);
                }
            }
        }

        // The files naming one of the words, in the compilation's order (the order the search visits them in).
        var index = WordIndex.For(compilation);
        var naming = new HashSet<SyntaxTree>();
        var unindexed = new List<string>();
        foreach (var word in words)
        {
            if (index.Files(word, cancellationToken) is { } files)
            {
                naming.UnionWith(files);
            }
            else
            {
                unindexed.Add(word);
            }
        }

        foreach (var tree in compilation.SyntaxTrees)
        {
            if (!trees.Contains(tree)
                && (naming.Contains(tree) || (unindexed.Count > 0 && WordSearch.ContainsAny(tree.GetText(cancellationToken), unindexed))))
            {
                trees.Add(tree);
            }
        }

        return trees;
    }

    private sealed class KeyComparer : IEqualityComparer<(ISymbol Key, bool Extension)>
    {
        public static readonly KeyComparer Instance = new();

        public bool Equals((ISymbol Key, bool Extension) x, (ISymbol Key, bool Extension) y)
            => x.Extension == y.Extension && SymbolEqualityComparer.Default.Equals(x.Key, y.Key);

        public int GetHashCode((ISymbol Key, bool Extension) obj) => SymbolEqualityComparer.Default.GetHashCode(obj.Key);
    }
}
