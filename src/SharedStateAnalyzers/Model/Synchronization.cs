using System.Collections.Generic;
using System;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace SharedStateAnalyzers.Model;

/// <summary>How an operation is protected from concurrent threads.</summary>
internal readonly struct Guard
{
    public Guard(bool isGuarded, ISymbol? lockObject)
    {
        IsGuarded = isGuarded;
        LockObject = lockObject;
    }

    /// <summary>The operation runs inside a lock, a <c>Monitor</c>/<c>ReaderWriterLockSlim</c>/<c>SemaphoreSlim</c> region, or a synchronized method.</summary>
    public bool IsGuarded { get; }

    /// <summary>The field, property or local the guard is taken on, when it can be named; null otherwise.</summary>
    public ISymbol? LockObject { get; }

    public static Guard None => default;
}

/// <summary>
/// Which writes are under a lock: a <c>lock</c> statement (also on <c>System.Threading.Lock</c>), a <c>try</c> whose
/// <c>finally</c> releases a <c>Monitor</c>, <c>ReaderWriterLockSlim</c>, <c>SemaphoreSlim</c>, <c>Mutex</c> or
/// <c>SpinLock</c>, a <c>using</c> over a lock handle (<c>Lock.EnterScope()</c>, <c>await _mutex.LockAsync()</c>), or a
/// method marked <c>[MethodImpl(MethodImplOptions.Synchronized)]</c>. A lambda or local function is a boundary: its
/// body runs later, outside the region that created it.
/// </summary>
internal static class Synchronization
{
    private static readonly ImmutableHashSet<string> s_releaseMethods = ImmutableHashSet.Create(
        StringComparer.Ordinal,
        "Exit", "ExitWriteLock", "ExitReadLock", "ExitUpgradeableReadLock", "Release", "ReleaseMutex", "ReleaseWriterLock", "ReleaseReaderLock", "Dispose");

    private static readonly ImmutableHashSet<string> s_acquireMethods = ImmutableHashSet.Create(
        StringComparer.Ordinal,
        "Enter", "TryEnter", "EnterWriteLock", "EnterReadLock", "EnterUpgradeableReadLock", "TryEnterWriteLock", "TryEnterReadLock",
        "TryEnterUpgradeableReadLock", "Wait", "WaitAsync", "WaitOne", "AcquireWriterLock", "AcquireReaderLock");

    /// <summary>The guard around <paramref name="operation"/>, looking outward to the enclosing member or lambda.</summary>
    public static Guard GetGuard(IOperation operation, ISymbol? containingSymbol) => GetGuard(operation, containingSymbol, visiting: null);

    /// <param name="operation">The operation whose guard is asked for.</param>
    /// <param name="containingSymbol">The member whose code holds it.</param>
    /// <param name="visiting">The local functions whose calls are being followed (local functions that call each other).</param>
    private static Guard GetGuard(IOperation operation, ISymbol? containingSymbol, HashSet<IMethodSymbol>? visiting)
    {
        IOperation? child = operation;
        for (var current = operation.Parent; current is not null; child = current, current = current.Parent)
        {
            switch (current)
            {
                case ILocalFunctionOperation localFunction:
                    return GuardOfEveryCall(localFunction, containingSymbol, visiting);

                case IAnonymousFunctionOperation:
                    return Guard.None;

                case ILockOperation @lock when child != @lock.LockedValue:
                    return new Guard(true, CacheStorage.GetReferencedStorage(@lock.LockedValue) ?? GetLocal(@lock.LockedValue));

                case ITryOperation @try when child == @try.Body && @try.Finally is { } @finally:
                    var released = FindRelease(@finally);
                    if (released.IsGuarded)
                    {
                        return released;
                    }

                    break;

                case IUsingOperation @using when child == @using.Body && IsLockHandle(@using.Resources):
                    return new Guard(true, GetAcquiredObject(@using.Resources));

                case IBlockOperation block:
                    var guard = FindUsingDeclaration(block, child);
                    if (guard.IsGuarded)
                    {
                        return guard;
                    }

                    break;
            }
        }

        return IsSynchronizedMethod(containingSymbol) ? new Guard(true, null) : Guard.None;
    }

    /// <summary>
    /// A local function runs where it is called: its body is guarded when every call of it in the enclosing code is
    /// made under a lock on the same object, and it is never taken as a delegate. Its own recursive calls are guarded as
    /// the others are. A call made in another local function whose calls are already being followed (two local
    /// functions that call each other) is skipped, which ends the search; a function whose every call is skipped so is
    /// not guarded.
    /// </summary>
    private static Guard GuardOfEveryCall(ILocalFunctionOperation localFunction, ISymbol? containingSymbol, HashSet<IMethodSymbol>? visiting)
    {
        visiting ??= new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
        var function = localFunction.Symbol.OriginalDefinition;
        visiting.Add(function);
        try
        {
            Guard? common = null;
            foreach (var node in localFunction.Root().DescendantsAndSelf())
            {
                switch (node)
                {
                    case IMethodReferenceOperation reference when SymbolEqualityComparer.Default.Equals(reference.Method.OriginalDefinition, function):
                        return Guard.None;
                    case IInvocationOperation call when SymbolEqualityComparer.Default.Equals(call.TargetMethod.OriginalDefinition, function):
                        if (localFunction.Syntax.Span.Contains(call.Syntax.Span)
                            || (EnclosingLocalFunction(call) is { } caller && visiting.Contains(caller.Symbol.OriginalDefinition)))
                        {
                            continue;
                        }

                        var guard = GetGuard(call, containingSymbol, visiting);
                        if (!guard.IsGuarded || (common is { } previous && !SymbolEqualityComparer.Default.Equals(previous.LockObject, guard.LockObject)))
                        {
                            return Guard.None;
                        }

                        common = guard;
                        break;
                }
            }

            return common ?? Guard.None;
        }
        finally
        {
            visiting.Remove(function);
        }
    }

    /// <summary>The local function whose body holds <paramref name="operation"/>, up to the first lambda.</summary>
    private static ILocalFunctionOperation? EnclosingLocalFunction(IOperation operation)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case ILocalFunctionOperation localFunction:
                    return localFunction;
                case IAnonymousFunctionOperation:
                    return null;
            }
        }

        return null;
    }

    private static Guard FindRelease(IOperation @finally)
    {
        foreach (var descendant in @finally.DescendantsAndSelf())
        {
            if (descendant is IInvocationOperation invocation && s_releaseMethods.Contains(invocation.TargetMethod.Name) && IsSynchronizationType(invocation.TargetMethod.ContainingType))
            {
                // Monitor.Exit(_gate): the object is the argument; _lock.ExitWriteLock(): the receiver.
                var target = invocation.Instance ?? (invocation.Arguments.Length > 0 ? invocation.Arguments[0].Value : null);
                return new Guard(true, CacheStorage.GetReferencedStorage(target) ?? GetLocal(target));
            }
        }

        return Guard.None;
    }

    /// <summary><c>using var _ = await _mutex.LockAsync();</c> earlier in the same block.</summary>
    private static Guard FindUsingDeclaration(IBlockOperation block, IOperation child)
    {
        foreach (var statement in block.Operations)
        {
            if (statement == child)
            {
                break;
            }

            if (statement is IUsingDeclarationOperation declaration && IsLockHandle(declaration.DeclarationGroup))
            {
                return new Guard(true, GetAcquiredObject(declaration.DeclarationGroup));
            }
        }

        return Guard.None;
    }

    private static bool IsLockHandle(IOperation resources)
    {
        foreach (var descendant in resources.DescendantsAndSelf())
        {
            var name = descendant switch
            {
                IInvocationOperation invocation => invocation.TargetMethod.Name,

                // A call the compiler could not bind (a newer language's extension member, half-typed code): its name.
                IInvalidOperation { Syntax: InvocationExpressionSyntax call } => SyntaxNames.CalleeName(call),
                _ => null,
            };

            if (name is not null && IsAcquiringName(name))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A method that takes a lock and hands back what releases it: the known names (<c>EnterScope</c>, <c>LockAsync</c>,
    /// <c>WriterLock</c>, …), and any name that ends in <c>Lock</c> or <c>LockAsync</c> and does not release or ask
    /// (<c>GetWriteLock()</c>, <c>AcquireReadLock()</c>, <c>GetUpgradeableReadLock()</c> — a project's own disposable
    /// wrappers over <c>ReaderWriterLockSlim</c>; not <c>Unlock</c>, <c>ReleaseLock</c>, <c>IsLock</c>).
    /// </summary>
    private static bool IsAcquiringName(string name)
    {
        if (name is "EnterScope" or "Lock" or "LockAsync" or "ReaderLock" or "ReaderLockAsync" or "WriterLock" or "WriterLockAsync"
            or "AcquireAsync" or "EnterAsync" or "WaitAsyncDisposable" || s_acquireMethods.Contains(name))
        {
            return true;
        }

        var stem = name.EndsWith("Async", StringComparison.Ordinal) ? name.Substring(0, name.Length - "Async".Length) : name;
        return stem.EndsWith("Lock", StringComparison.Ordinal)
            && !stem.StartsWith("Un", StringComparison.Ordinal)
            && !stem.StartsWith("Release", StringComparison.Ordinal)
            && !stem.StartsWith("Exit", StringComparison.Ordinal)
            && !stem.StartsWith("Is", StringComparison.Ordinal)
            && !stem.StartsWith("Has", StringComparison.Ordinal);
    }

    /// <summary>
    /// The object whose acquiring call (<see cref="IsAcquiringName"/>) the resources make: <c>_gate</c> in
    /// <c>await _gate.LockAsync(ct).ConfigureAwait(false)</c>, not the awaitable <c>ConfigureAwait</c> is called on.
    /// </summary>
    private static ISymbol? GetAcquiredObject(IOperation resources)
    {
        foreach (var descendant in resources.DescendantsAndSelf())
        {
            if (descendant is IInvocationOperation { TargetMethod.Name: var name } && !IsAcquiringName(name))
            {
                continue;
            }

            if (descendant is IInvocationOperation { Instance: { } instance })
            {
                return CacheStorage.GetReferencedStorage(instance) ?? GetLocal(instance);
            }

            // _rwLock.GetWriteLock() as an extension method: the lock is its first argument.
            if (descendant is IInvocationOperation { TargetMethod.IsExtensionMethod: true, Arguments.Length: > 0 } extension)
            {
                var receiver = extension.Arguments[0].Value.WithoutConversions();
                return CacheStorage.GetReferencedStorage(receiver) ?? GetLocal(receiver);
            }
        }

        return null;
    }

    private static bool IsSynchronizationType(INamedTypeSymbol? type)
    {
        if (type is null)
        {
            return false;
        }

        if (type.ContainingNamespace?.ToDisplayString() == "System.Threading")
        {
            return type.Name is "Monitor" or "ReaderWriterLockSlim" or "ReaderWriterLock" or "SemaphoreSlim" or "Semaphore" or "Mutex" or "SpinLock" or "Lock" or "WaitHandle";
        }

        // A user's or a library's async lock: releasing it in a finally is the point of the type.
        return type.Name.IndexOf("Lock", StringComparison.Ordinal) >= 0 || type.Name.IndexOf("Semaphore", StringComparison.Ordinal) >= 0 || type.Name.IndexOf("Mutex", StringComparison.Ordinal) >= 0;
    }

    private static ISymbol? GetLocal(IOperation? operation)
    {
        operation = operation?.WithoutConversions();

        return operation switch
        {
            ILocalReferenceOperation local => local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            IInstanceReferenceOperation => null,
            _ => null,
        };
    }

    private static bool IsSynchronizedMethod(ISymbol? symbol)
        => symbol is IMethodSymbol method
            && (method.MethodImplementationFlags & System.Reflection.MethodImplAttributes.Synchronized) != 0;
}
