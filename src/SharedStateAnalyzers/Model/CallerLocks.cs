using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SharedStateAnalyzers.Model;

/// <summary>
/// Helpers whose callers hold the lock: a private or protected method (<c>CleanCache()</c>) that every call in the
/// compilation makes inside a <c>lock</c> statement on something other than <c>this</c> (<c>lock (cache) { CleanCache();
/// … }</c>). The helper's own writes are then synchronized by its callers. Calls are looked for where the helper can be
/// called from — its type's declarations, and for a protected helper those of the source types derived from it — and
/// matched there by name (a same-named method only adds call sites, which makes the answer more cautious); a method
/// used as a delegate, never called, or public (its callers may be anywhere) is not such a helper. Asked only when a write is
/// about to be reported; answers are kept per method. One instance per compilation (<see cref="For"/>); safe for concurrent use.
/// </summary>
internal sealed class CallerLocks
{
    private readonly Compilation _compilation;
    private readonly ConcurrentDictionary<IMethodSymbol, bool> _answers = new(SymbolEqualityComparer.Default);

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Compilation, CallerLocks> s_byCompilation = new();

    private CallerLocks(Compilation compilation)
    {
        _compilation = compilation;
    }

    /// <summary>The one instance for a compilation, shared by the rules that ask (SSA002, SSA003).</summary>
    public static CallerLocks For(Compilation compilation) => s_byCompilation.GetValue(compilation, static c => new CallerLocks(c));

    /// <summary>True when <paramref name="member"/> is a private or protected method that is only ever called under a lock.</summary>
    public bool IsCalledOnlyUnderLock(ISymbol? member, CancellationToken cancellationToken)
    {
        if (member is not IMethodSymbol { MethodKind: MethodKind.Ordinary, IsOverride: false } method
            || method.DeclaredAccessibility is not (Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal)
            || method.DeclaringSyntaxReferences.Length == 0)
        {
            return false;
        }

        return _answers.GetOrAdd(method.OriginalDefinition, m => Compute(m, cancellationToken));
    }

    private bool Compute(IMethodSymbol method, CancellationToken cancellationToken)
    {
        var name = method.Name;
        var calls = 0;
        foreach (var declaration in SearchedDeclarations(method, cancellationToken))
        {
            foreach (var token in declaration.DescendantTokens())
            {
                if (!token.IsKind(SyntaxKind.IdentifierToken) || token.ValueText != name || token.Parent is not IdentifierNameSyntax identifier)
                {
                    continue;
                }

                ExpressionSyntax callee = identifier.Parent is MemberAccessExpressionSyntax access && access.Name == identifier ? access : identifier;
                if (callee.Parent is not InvocationExpressionSyntax invocation || invocation.Expression != callee)
                {
                    // The method taken as a delegate, or a same-named declaration's use: not a plain call.
                    if (IsSameMethodReference(identifier))
                    {
                        return false;
                    }

                    continue;
                }

                if (!IsInsideLock(invocation))
                {
                    return false;
                }

                calls++;
            }
        }

        return calls > 0;
    }

    /// <summary>A use of the name that is not a declaration, a parameter name or a named argument.</summary>
    private static bool IsSameMethodReference(IdentifierNameSyntax identifier)
        => identifier.Parent is not (NameColonSyntax or NameEqualsSyntax or QualifiedNameSyntax or AliasQualifiedNameSyntax or TypeArgumentListSyntax);

    /// <summary>
    /// Where the helper can be called from: the declarations of its type, and for a protected helper those of the
    /// source types derived from it.
    /// </summary>
    private IEnumerable<SyntaxNode> SearchedDeclarations(IMethodSymbol method, CancellationToken cancellationToken)
    {
        var owner = method.ContainingType;
        foreach (var reference in owner.DeclaringSyntaxReferences)
        {
            yield return reference.GetSyntax(cancellationToken);
        }

        if (method.DeclaredAccessibility == Accessibility.Private || owner.IsSealed)
        {
            yield break;
        }

        foreach (var symbol in _compilation.GetSymbolsWithName(static _ => true, SymbolFilter.Type, cancellationToken))
        {
            if (symbol is INamedTypeSymbol type && DerivesFrom(type, owner))
            {
                foreach (var reference in type.DeclaringSyntaxReferences)
                {
                    yield return reference.GetSyntax(cancellationToken);
                }
            }
        }
    }

    private static bool DerivesFrom(INamedTypeSymbol type, INamedTypeSymbol owner)
    {
        for (var current = type.BaseType; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, owner.OriginalDefinition))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Inside a <c>lock</c> statement's body, on something other than <c>this</c>, within the same member.</summary>
    private static bool IsInsideLock(SyntaxNode node)
    {
        for (var current = node.Parent; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case LockStatementSyntax @lock when @lock.Statement.Span.Contains(node.Span):
                    if (@lock.Expression is not ThisExpressionSyntax)
                    {
                        return true;
                    }

                    break;
                case AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or MemberDeclarationSyntax:
                    return false;
            }
        }

        return false;
    }
}
