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
/// … }</c>). The helper's own writes are then synchronized by its callers. Its calls are those <see cref="CallSites"/>
/// finds; a method used as a delegate, never called, or public (its callers may be anywhere) is not such a helper. Asked only when a write is
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
        var calls = CallSites.Find(_compilation, method, cancellationToken);
        if (calls is null || calls.Count == 0)
        {
            return false;
        }

        foreach (var call in calls)
        {
            if (!IsInsideLock(call))
            {
                return false;
            }
        }

        return true;
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
