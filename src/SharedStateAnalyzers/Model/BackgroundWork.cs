using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SharedStateAnalyzers.Model;

/// <summary>
/// Methods that only background work reaches: every use of the method (and of the interface members it implements and
/// the base methods it overrides, all declared in source) in the compilation sits in a hosted service's start, run or
/// stop step (<c>StartAsync</c>, <c>ExecuteAsync</c>, …, lambdas and timer callbacks they set up included; not handlers
/// they subscribe to an event), starts it as a loop without arguments and without waiting for it (<c>_ =
/// ReceiveAsync()</c>, <c>Task.Run(ReceiveAsync)</c>), or is a plain call in a method of which the same holds, a few
/// callers up. A method with no use in the compilation (public API, a framework's entry point), one that implements or
/// overrides a member of a library or the framework, one also used elsewhere, or one whose uses are too many to bind,
/// is not. One instance per compilation (<see cref="For"/>); answers are kept per method; safe for concurrent use.
/// </summary>
internal sealed class BackgroundWork
{
    private const int MaxCallerDepth = 4;
    private const int MaxBoundNames = 64;

    private static readonly ConditionalWeakTable<Compilation, BackgroundWork> s_byCompilation = new();

    private readonly Compilation _compilation;
    private readonly INamedTypeSymbol? _hostedService;
    private readonly ConcurrentDictionary<IMethodSymbol, bool> _answers = new(SymbolEqualityComparer.Default);

    private BackgroundWork(Compilation compilation)
    {
        _compilation = compilation;
        _hostedService = compilation.GetTypeByMetadataName("Microsoft.Extensions.Hosting.IHostedService");
    }

    public static BackgroundWork For(Compilation compilation) => s_byCompilation.GetValue(compilation, static c => new BackgroundWork(c));

    /// <summary>Whether only background work calls <paramref name="method"/>: no request, and no code outside the compilation, can.</summary>
    public bool IsReachedOnlyFromBackground(IMethodSymbol method, CancellationToken cancellationToken)
        => _answers.GetOrAdd(
            method.OriginalDefinition,
            m => Compute(m, new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default), new SemanticModelCache(_compilation), 0, cancellationToken));

    private bool Compute(IMethodSymbol method, HashSet<IMethodSymbol> visiting, SemanticModelCache models, int depth, CancellationToken cancellationToken)
    {
        if (depth > MaxCallerDepth || method.MethodKind != MethodKind.Ordinary || method.DeclaringSyntaxReferences.Length == 0)
        {
            return false;
        }

        if (!visiting.Add(method))
        {
            // A recursive call: the other callers decide.
            return true;
        }

        var targets = new List<IMethodSymbol> { method };
        targets.AddRange(SymbolFacts.ImplementedInterfaceMethods(method));
        for (var overridden = method.OverriddenMethod; overridden is not null; overridden = overridden.OverriddenMethod)
        {
            targets.Add(overridden.OriginalDefinition);
        }

        foreach (var target in targets)
        {
            // A member of a library's or the framework's type (a message handler's Handle, a DelegatingHandler's
            // SendAsync) is called by code the compilation does not hold.
            if (target.DeclaringSyntaxReferences.Length == 0)
            {
                return false;
            }
        }

        var found = false;
        var bound = 0;
        foreach (var target in targets)
        {
            foreach (var name in MethodNameUses.Find(_compilation, target, cancellationToken))
            {
                if (++bound > MaxBoundNames)
                {
                    return false;
                }

                // A name that is one of several candidates (a method group whose conversion did not bind) is taken as a
                // use: that only adds a use to judge.
                var model = models.For(name.SyntaxTree);
                if (MethodNameUses.Binds(model, name, target, cancellationToken) == false)
                {
                    continue;
                }

                found = true;
                if (!IsBackgroundUse(name, model, visiting, models, depth, cancellationToken))
                {
                    return false;
                }
            }
        }

        return found;
    }

    /// <summary>A use started as a loop of its own, or made in a hosted service's step, or in a method only background work reaches.</summary>
    private bool IsBackgroundUse(SimpleNameSyntax name, SemanticModel model, HashSet<IMethodSymbol> visiting, SemanticModelCache models, int depth, CancellationToken cancellationToken)
    {
        if (IsStartedLoop(name, model, cancellationToken))
        {
            return true;
        }

        var member = name.FirstAncestorOrSelf<MemberDeclarationSyntax>();
        if (member is not MethodDeclarationSyntax declaration || model.GetDeclaredSymbol(declaration, cancellationToken) is not { } caller)
        {
            return false;
        }

        if (IsHostedServiceStep(caller))
        {
            // A handler subscribed to an event runs whenever the event is raised: by a server's incoming messages, say.
            return !IsInEventSubscription(name, declaration, model, cancellationToken);
        }

        // Inside a lambda, or handed on as a delegate, the method runs when whoever receives it decides: followed only
        // in a hosted service's step (above). A plain call runs when its caller does.
        return CallSites.Classify(name, out _) == CallSites.Use.Call && CallSites.EnclosingMethod(name) == declaration
            && Compute(caller.OriginalDefinition, visiting, models, depth + 1, cancellationToken);
    }

    /// <summary>
    /// A call without arguments (a <c>CancellationToken</c> aside) whose task is dropped: <c>_ = ReceiveAsync();</c>,
    /// <c>Task.Run(ReceiveAsync)</c>, <c>Task.Run(() =&gt; ReceiveAsync())</c>, <c>Task.Run(async () =&gt; await ReceiveAsync())</c>. It runs on its own, with nothing of its
    /// starter's.
    /// </summary>
    private static bool IsStartedLoop(SimpleNameSyntax name, SemanticModel model, CancellationToken cancellationToken)
    {
        if (CallSites.Classify(name, out var call) != CallSites.Use.Call)
        {
            // Task.Run(ReceiveAsync): the method group itself.
            ExpressionSyntax group = name.Parent is MemberAccessExpressionSyntax access && access.Name == name ? access : name;
            return group.Parent is ArgumentSyntax { Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax starter } } && IsTaskRun(starter);
        }

        var started = call!.Parent is AwaitExpressionSyntax awaited ? awaited : (ExpressionSyntax)call;
        var dropped = (call.Parent is AssignmentExpressionSyntax { Left: IdentifierNameSyntax { Identifier.ValueText: "_" } } discard && discard.Right == call)
            || (started.Parent is LambdaExpressionSyntax { Parent: ArgumentSyntax { Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax run } } } && IsTaskRun(run));
        return dropped && TakesNothing(call, model, cancellationToken);
    }

    private static bool TakesNothing(InvocationExpressionSyntax call, SemanticModel model, CancellationToken cancellationToken)
    {
        foreach (var argument in call.ArgumentList.Arguments)
        {
            if (model.GetTypeInfo(argument.Expression, cancellationToken).Type is not { Name: "CancellationToken" })
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsTaskRun(InvocationExpressionSyntax call)
        => call.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Run" or "StartNew", Expression: var owner }
            && owner.ToString() is "Task" or "Task.Factory" or "System.Threading.Tasks.Task";

    /// <summary>A step the host calls once of a hosted service: start, run, stop.</summary>
    private bool IsHostedServiceStep(IMethodSymbol method)
        => _hostedService is not null && HostedStartHooks.IsHostStepName(method.Name)
            && SymbolFacts.Implements(method.ContainingType, _hostedService);

    /// <summary>Inside the right side of <c>x.Event += …</c>: a handler, or a lambda that calls one.</summary>
    private static bool IsInEventSubscription(SyntaxNode node, SyntaxNode stop, SemanticModel model, CancellationToken cancellationToken)
    {
        for (var current = node.Parent; current is not null && current != stop; current = current.Parent)
        {
            if (current is AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.AddAssignmentExpression } subscription
                && model.GetSymbolInfo(subscription.Left, cancellationToken).Symbol is IEventSymbol)
            {
                return true;
            }
        }

        return false;
    }
}
