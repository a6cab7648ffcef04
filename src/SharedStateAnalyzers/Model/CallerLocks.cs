using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SharedStateAnalyzers.Model;

/// <summary>
/// Helpers whose callers hold the lock: a private, protected or internal method (<c>CleanCache()</c>) that every call in the
/// compilation makes inside a <c>lock</c> statement on something other than <c>this</c> (<c>lock (cache) { CleanCache();
/// … }</c>), or inside another region <see cref="Synchronization"/> recognises, taken on a named object (a
/// <c>SemaphoreSlim</c> released in a <c>finally</c>). The helper's own writes are then synchronized by its callers. Its calls are those <see cref="CallSites"/>
/// finds; a method used as a delegate, never called, or public (its callers may be anywhere) is not such a helper. Asked only when a write is
/// about to be reported; answers are kept per method. One instance per compilation (<see cref="For"/>); safe for concurrent use.
/// </summary>
internal sealed class CallerLocks
{
    private readonly Compilation _compilation;
    private readonly ConcurrentDictionary<(IMethodSymbol Method, ConstructorCalls Constructors), bool> _answers = new(AnswerKeyComparer.Instance);

    /// <summary>Which constructor calls also count as safe: none, or those of the storage's owner while it is built.</summary>
    public enum ConstructorCalls
    {
        /// <summary>Only calls under a lock.</summary>
        None,

        /// <summary>Also calls from the method's type's instance constructors (for an instance's own storage).</summary>
        Instance,

        /// <summary>Also calls from the method's type's static constructor (for static storage).</summary>
        Static,
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Compilation, CallerLocks> s_byCompilation = new();

    private CallerLocks(Compilation compilation)
    {
        _compilation = compilation;
    }

    /// <summary>The one instance for a compilation, shared by the rules that ask (SSA002, SSA003).</summary>
    public static CallerLocks For(Compilation compilation) => s_byCompilation.GetValue(compilation, static c => new CallerLocks(c));

    /// <summary>True when <paramref name="member"/> is a private or protected method that is only ever called under a lock.</summary>
    public bool IsCalledOnlyUnderLock(ISymbol? member, CancellationToken cancellationToken)
        => IsCalledOnlyUnderLock(member, ConstructorCalls.None, cancellationToken);

    /// <summary>
    /// True when every call of the private or protected method <paramref name="member"/> is under a lock or, as
    /// <paramref name="constructors"/> says, in a constructor of its type (while the owner is built, before other threads
    /// can see it): a <c>Reload()</c> helper that the constructor calls and a public method calls inside its lock.
    /// </summary>
    public bool IsCalledOnlyUnderLock(ISymbol? member, ConstructorCalls constructors, CancellationToken cancellationToken)
    {
        if (member is not IMethodSymbol { MethodKind: MethodKind.Ordinary, IsOverride: false } method
            || method.DeclaredAccessibility is not (Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal or Accessibility.Internal)
            || method.DeclaringSyntaxReferences.Length == 0)
        {
            return false;
        }

        return _answers.GetOrAdd(
            (method.OriginalDefinition, constructors),
            key => Compute(key.Method, key.Constructors, new HelperSearch(new SemanticModelCache(_compilation)), cancellationToken));
    }

    /// <summary>How many helpers up a call is followed (<c>Get</c> locks, calls <c>Open</c>, which calls <c>Drop</c>).</summary>
    private const int MaxHelperDepth = 3;

    /// <param name="method">The helper asked about.</param>
    /// <param name="constructors">Which constructor calls count as safe.</param>
    /// <param name="search">The helpers whose calls are being followed (a call from one of them is guarded as its own calls are), and the semantic models the search opened.</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    private bool Compute(IMethodSymbol method, ConstructorCalls constructors, HelperSearch search, CancellationToken cancellationToken)
    {
        search.Visiting.Add(method);
        var calls = method.DeclaredAccessibility == Accessibility.Internal
            ? FindAssemblyWide(method, cancellationToken)
            : CallSites.Find(_compilation, method, cancellationToken);
        if (calls is null || calls.Count == 0)
        {
            return false;
        }

        var underLock = false;
        foreach (var call in calls)
        {
            if (IsRecursive(call, method, cancellationToken))
            {
                // The method calling itself: it runs under whatever its outside callers hold.
                continue;
            }

            if (IsInsideLock(call) || IsInsideGuardedRegion(call, cancellationToken))
            {
                underLock = true;
                continue;
            }

            if (IsInConstructor(call, method.ContainingType, constructors, cancellationToken))
            {
                continue;
            }

            // In a helper whose own calls are all under a lock, the call is under it too (`Get` locks, calls `Open`,
            // which calls `Drop`); one already being followed decides nothing by itself.
            switch (HelperGuard(call, method, constructors, search, cancellationToken))
            {
                case true:
                    underLock = true;
                    break;
                case false:
                    return false;
            }
        }

        return underLock;
    }

    /// <summary>
    /// True when the call is made in the body of another helper of the same type (private or protected, outside lambdas
    /// and local functions) whose own calls are all under a lock: a lock taken two or three calls up (<c>Get</c> holds
    /// it and calls <c>Open</c>, which calls <c>Drop</c>). Null for a helper already being followed (two that call each
    /// other): its other calls decide. False otherwise.
    /// </summary>
    private bool? HelperGuard(
        InvocationExpressionSyntax call, IMethodSymbol method, ConstructorCalls constructors, HelperSearch search, CancellationToken cancellationToken)
    {
        if (CallSites.EnclosingMethod(call) is not { } declaration
            || search.Models.For(declaration.SyntaxTree).GetDeclaredSymbol(declaration, cancellationToken)
                is not IMethodSymbol { MethodKind: MethodKind.Ordinary, IsOverride: false } caller
            || caller.DeclaredAccessibility is not (Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal)
            || !SymbolEqualityComparer.Default.Equals(caller.ContainingType.OriginalDefinition, method.ContainingType.OriginalDefinition))
        {
            return false;
        }

        var helper = caller.OriginalDefinition;
        if (search.Visiting.Contains(helper))
        {
            return null;
        }

        if (search.Visiting.Count >= MaxHelperDepth)
        {
            return false;
        }

        var guarded = Compute(helper, constructors, search, cancellationToken);
        search.Visiting.Remove(helper);
        return guarded;
    }

    /// <summary>One question's search through helpers: the helpers being followed, and the semantic models opened.</summary>
    private sealed class HelperSearch(SemanticModelCache models)
    {
        public HashSet<IMethodSymbol> Visiting { get; } = new(SymbolEqualityComparer.Default);

        public SemanticModelCache Models { get; } = models;
    }

    /// <summary>
    /// The calls of an internal method, anywhere in the compilation: the names spelled like it in the files that can
    /// reach its type (<see cref="MethodNameUses"/>), matched by name without binding (a same-named call only adds a
    /// call site); null when one of them is another use (taken as a delegate).
    /// </summary>
    private List<InvocationExpressionSyntax>? FindAssemblyWide(IMethodSymbol method, CancellationToken cancellationToken)
    {
        var calls = new List<InvocationExpressionSyntax>();
        foreach (var name in MethodNameUses.Find(_compilation, method, cancellationToken))
        {
            switch (CallSites.Classify(name, out var invocation))
            {
                case CallSites.Use.Call:
                    calls.Add(invocation!);
                    break;
                case CallSites.Use.Reference:
                    return null;
            }
        }

        return calls;
    }

    /// <summary>In the body of one of <paramref name="type"/>'s own constructors of the kind asked for, outside lambdas and local functions.</summary>
    private static bool IsInConstructor(SyntaxNode node, INamedTypeSymbol type, ConstructorCalls constructors, CancellationToken cancellationToken)
        => constructors != ConstructorCalls.None && IsInOwnConstructor(node, type, constructors == ConstructorCalls.Static, cancellationToken);

    /// <summary>
    /// In the body of one of <paramref name="type"/>'s own constructors, static or not as asked (not one of a nested
    /// type), outside lambdas and local functions (they run later).
    /// </summary>
    public static bool IsInOwnConstructor(SyntaxNode node, INamedTypeSymbol type, bool isStatic, CancellationToken cancellationToken)
    {
        for (var current = node.Parent; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax:
                    return false;
                case ConstructorDeclarationSyntax constructor:
                    return constructor.Modifiers.Any(SyntaxKind.StaticKeyword) == isStatic
                        && SymbolFacts.IsDeclarationOf(constructor.Parent, type, cancellationToken);
                case MemberDeclarationSyntax:
                    return false;
            }
        }

        return false;
    }

    private sealed class AnswerKeyComparer : IEqualityComparer<(IMethodSymbol Method, ConstructorCalls Constructors)>
    {
        public static readonly AnswerKeyComparer Instance = new();

        public bool Equals((IMethodSymbol Method, ConstructorCalls Constructors) x, (IMethodSymbol Method, ConstructorCalls Constructors) y)
            => x.Constructors == y.Constructors && SymbolEqualityComparer.Default.Equals(x.Method, y.Method);

        public int GetHashCode((IMethodSymbol Method, ConstructorCalls Constructors) obj)
            => (SymbolEqualityComparer.Default.GetHashCode(obj.Method) * 3) + (int)obj.Constructors;
    }

    /// <summary>A call in the method's own body, outside lambdas and local functions (which may run elsewhere).</summary>
    private static bool IsRecursive(SyntaxNode call, IMethodSymbol method, CancellationToken cancellationToken)
    {
        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree != call.SyntaxTree || !reference.Span.Contains(call.Span))
            {
                continue;
            }

            var declaration = reference.GetSyntax(cancellationToken);
            for (var current = call.Parent; current is not null && current != declaration; current = current.Parent)
            {
                if (current is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)
                {
                    return false;
                }
            }

            return true;
        }

        return false;
    }

    /// <summary>
    /// Inside another region <see cref="Synchronization"/> recognises, taken on a named field or local: a <c>try</c>
    /// whose <c>finally</c> releases a <c>SemaphoreSlim</c>, <c>Monitor</c> or <c>ReaderWriterLockSlim</c>, or a
    /// <c>using</c> over a lock handle (<c>await _gate.WaitAsync(); try { await LoadAsync(); } finally { _gate.Release(); }</c>).
    /// Only a call inside a <c>try</c> or a <c>using</c> can be, so only those are bound.
    /// </summary>
    private bool IsInsideGuardedRegion(InvocationExpressionSyntax call, CancellationToken cancellationToken)
    {
        var candidate = false;
        for (var current = call.Parent; current is not null && !candidate; current = current.Parent)
        {
            switch (current)
            {
                case TryStatementSyntax { Finally: not null } or UsingStatementSyntax:
                case BlockSyntax block when HasUsingDeclaration(block):
                    candidate = true;
                    break;
                case AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or MemberDeclarationSyntax:
                    return false;
            }
        }

        return candidate
            && SemanticModelCache.OperationOf(_compilation, call, cancellationToken) is { SemanticModel: { } model } operation
            && Synchronization.GetGuard(operation, model.GetEnclosingSymbol(call.SpanStart, cancellationToken)) is { IsGuarded: true, LockObject: not null };
    }

    private static bool HasUsingDeclaration(BlockSyntax block)
    {
        foreach (var statement in block.Statements)
        {
            if (statement is LocalDeclarationStatementSyntax { UsingKeyword.RawKind: (int)SyntaxKind.UsingKeyword })
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
