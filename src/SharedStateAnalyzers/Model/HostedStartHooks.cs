using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SharedStateAnalyzers.Model;

/// <summary>
/// Methods of a hosted service's base class that run only while the host starts or stops it: every call (found by
/// <see cref="CallSites"/> in the type and the source types derived from it) is made directly in a <c>StartAsync</c>
/// or <c>StopAsync</c> method (or an <c>IHostedLifecycleService</c> step), or in an override of a virtual hook that is
/// itself only called there: <c>protected void Subscribe&lt;T&gt;()</c> called from the overrides of
/// <c>protected virtual void SubscribeToEvents()</c>, which <c>StartAsync</c> calls. Calls on another object
/// (<c>_aggregator.Subscribe&lt;T&gt;(…)</c>) are not this instance's. A call inside a lambda or a local function
/// disqualifies the method: it may run later. Asked only when a write is about to be reported; answers are kept per
/// method. One instance per compilation (<see cref="For"/>); safe for concurrent use.
/// </summary>
internal sealed class HostedStartHooks
{
    private const int MaxHookDepth = 2;

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Compilation, HostedStartHooks> s_byCompilation = new();

    private readonly Compilation _compilation;
    private readonly ConcurrentDictionary<IMethodSymbol, bool> _answers = new(SymbolEqualityComparer.Default);

    private HostedStartHooks(Compilation compilation)
    {
        _compilation = compilation;
    }

    public static HostedStartHooks For(Compilation compilation) => s_byCompilation.GetValue(compilation, static c => new HostedStartHooks(c));

    /// <summary>The host's start and stop steps, which it calls once each, in turn.</summary>
    public static bool IsLifecycleName(string name)
        => name is "StartAsync" or "StopAsync" or "StartingAsync" or "StartedAsync" or "StoppingAsync" or "StoppedAsync";

    /// <summary>The members the host calls of a hosted service: its start and stop steps, and a <c>BackgroundService</c>'s run.</summary>
    public static bool IsHostStepName(string name) => IsLifecycleName(name) || name == "ExecuteAsync";

    /// <summary>True when <paramref name="member"/> is an instance method called only while the service starts or stops.</summary>
    public bool IsCalledOnlyWhileStartingOrStopping(ISymbol member, CancellationToken cancellationToken)
    {
        if (member is not IMethodSymbol { IsStatic: false, MethodKind: MethodKind.Ordinary, IsOverride: false } method
            || method.DeclaredAccessibility is not (Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal)
            || method.DeclaringSyntaxReferences.Length == 0)
        {
            return false;
        }

        return _answers.GetOrAdd(method.OriginalDefinition, m => Compute(m, new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default), 0, cancellationToken));
    }

    private bool Compute(IMethodSymbol method, HashSet<IMethodSymbol> visiting, int depth, CancellationToken cancellationToken)
    {
        var calls = CallSites.Find(_compilation, method, cancellationToken);
        if (calls is null || calls.Count == 0)
        {
            return false;
        }

        visiting.Add(method);
        foreach (var call in calls)
        {
            // `_aggregator.Subscribe<T>(…)` calls another object's method of the same name, not this instance's.
            if (call.Expression is MemberAccessExpressionSyntax { Expression: not (ThisExpressionSyntax or BaseExpressionSyntax) })
            {
                continue;
            }

            if (CallSites.EnclosingMethod(call) is not { } caller || caller.Modifiers.Any(SyntaxKind.StaticKeyword))
            {
                return false;
            }

            var name = caller.Identifier.ValueText;
            if (IsLifecycleName(name))
            {
                continue;
            }

            // An override of a hook of the method's type: the hook's own calls decide (a `base.Hook()` inside an
            // override is the hook calling itself).
            if (!caller.Modifiers.Any(SyntaxKind.OverrideKeyword) || FindHook(method.ContainingType, name) is not { } hook)
            {
                return false;
            }

            if (visiting.Contains(hook))
            {
                continue;
            }

            if (depth >= MaxHookDepth || !Compute(hook, visiting, depth + 1, cancellationToken))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A virtual or abstract, non-public instance method named <paramref name="name"/> of the type.</summary>
    private static IMethodSymbol? FindHook(INamedTypeSymbol type, string name)
    {
        foreach (var member in type.GetMembers(name))
        {
            if (member is IMethodSymbol { IsStatic: false, MethodKind: MethodKind.Ordinary } candidate
                && (candidate.IsVirtual || candidate.IsAbstract)
                && candidate.DeclaredAccessibility is Accessibility.Protected or Accessibility.ProtectedAndInternal)
            {
                return candidate.OriginalDefinition;
            }
        }

        return null;
    }
}
