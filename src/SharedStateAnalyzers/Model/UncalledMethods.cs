using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SharedStateAnalyzers.Model;

/// <summary>
/// Whether the compilation ever uses a method: a call or a delegate of it, or of an interface member it implements,
/// anywhere outside its own type. A use inside a forwarder that is itself never used (an extension of the method's
/// type, <c>RegisterType&lt;T&gt;(this IRegistry r, …) =&gt; r.RegisterType(typeof(T), …)</c>, or a decorator's
/// implementation of the same interface member that calls the inner one) does not count, two forwarders deep. Uses
/// are found by name (<see cref="MethodNameUses"/>) and bound; past a bound on the names bound, or where a name cannot
/// be told apart, the method counts as used. A method found used ends the search, so none is visited twice with a
/// different answer. One search, one instance: not thread-safe.
/// </summary>
internal sealed class UncalledMethods(Compilation compilation, CancellationToken cancellationToken)
{
    private const int MaxForwarderDepth = 2;
    private const int MaxBoundNames = 64;

    private readonly SemanticModelCache _models = new(compilation);
    private readonly HashSet<IMethodSymbol> _visiting = new(SymbolEqualityComparer.Default);
    private int _bound;

    /// <summary>True when nothing outside <paramref name="method"/>'s own type uses it (its type's uses are the caller's to judge).</summary>
    public bool IsUncalled(IMethodSymbol method) => IsUncalled(method.OriginalDefinition, depth: 0);

    private bool IsUncalled(IMethodSymbol method, int depth)
    {
        if (!_visiting.Add(method))
        {
            return true;
        }

        var targets = new List<IMethodSymbol> { method };
        targets.AddRange(SymbolFacts.ImplementedInterfaceMethods(method));
        foreach (var target in targets)
        {
            foreach (var name in MethodNameUses.Find(compilation, target, cancellationToken))
            {
                // The examined method's own type is the caller's to judge; a forwarder's type is searched like any other.
                if (depth == 0 && SymbolFacts.IsInDeclarationOf(method.ContainingType, name))
                {
                    continue;
                }

                if (++_bound > MaxBoundNames)
                {
                    return false;
                }

                var model = _models.For(name.SyntaxTree);
                var binds = MethodNameUses.Binds(model, name, target, cancellationToken);
                if (binds == false)
                {
                    continue;
                }

                // A use in a forwarder that nothing uses either: not a use.
                if (binds is null
                    || depth >= MaxForwarderDepth
                    || CallSites.EnclosingMethod(name) is not { } enclosing
                    || model.GetDeclaredSymbol(enclosing, cancellationToken) is not IMethodSymbol { MethodKind: MethodKind.Ordinary } user
                    || !IsForwarder(user, targets)
                    || !IsUncalled(user.OriginalDefinition, depth + 1))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>
    /// An extension method of the target's type (<c>RegisterType&lt;T&gt;(this IRegistry registry, …)</c>), or a
    /// decorator's implementation of the same interface member: an API that hands its calls on, not code that runs
    /// on its own (an endpoint, a job).
    /// </summary>
    private static bool IsForwarder(IMethodSymbol user, List<IMethodSymbol> targets)
    {
        if (user.IsExtensionMethod && user.Parameters.Length > 0)
        {
            var extended = user.Parameters[0].Type.OriginalDefinition;
            foreach (var target in targets)
            {
                if (SymbolEqualityComparer.Default.Equals(extended, target.ContainingType.OriginalDefinition))
                {
                    return true;
                }
            }

            return false;
        }

        foreach (var implemented in SymbolFacts.ImplementedInterfaceMethods(user))
        {
            if (targets.Contains(implemented.OriginalDefinition, SymbolEqualityComparer.Default))
            {
                return true;
            }
        }

        return false;
    }
}
