using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace SharedStateAnalyzers.Model;

/// <summary>
/// Which parameters of a method request handlers pass per-call values to: the method is called directly from a
/// controller action, page handler, filter, middleware, hub or gRPC method, or a minimal API lambda, with an argument
/// that is not a constant. Asked per method, only when a rule is about to count a parameter as request data; the
/// answer is cached per method and compilation. First, once per compilation, the names the handlers' bodies call are
/// read from their syntax: a method whose name no handler calls is answered from that set. Otherwise the calls are
/// found by name in the files that can reach the method or an interface member it implements
/// (<see cref="MethodNameUses"/>), and only the calls that sit in a handler are bound.
/// </summary>
internal sealed class HandlerCalls
{
    private readonly Compilation _compilation;
    private readonly RequestHandlers _handlers;
    private readonly ConcurrentDictionary<IMethodSymbol, bool[]> _cache = new(SymbolEqualityComparer.Default);
    private HashSet<string>? _calledNames;

    public HandlerCalls(Compilation compilation, RequestHandlers handlers)
    {
        _compilation = compilation;
        _handlers = handlers;
    }

    /// <summary>Whether some request handler calls <paramref name="parameter"/>'s method with a non-constant argument for it.</summary>
    public bool ReceivesRequestValues(IParameterSymbol parameter, CancellationToken cancellationToken)
    {
        if (!_handlers.IsAvailable || parameter.ContainingSymbol is not IMethodSymbol method || method.MethodKind != MethodKind.Ordinary)
        {
            return false;
        }

        method = method.OriginalDefinition;
        if (!CalledNames(cancellationToken).Contains(method.Name))
        {
            return false;
        }

        if (!_cache.TryGetValue(method, out var passed))
        {
            passed = _cache.GetOrAdd(method, Compute(method, cancellationToken));
        }

        return parameter.Ordinal < passed.Length && passed[parameter.Ordinal];
    }

    private bool[] Compute(IMethodSymbol method, CancellationToken cancellationToken)
    {
        var passed = new bool[method.Parameters.Length];
        SemanticModelCache? models = null;
        var targets = Targets(method);
        foreach (var target in targets)
        {
            foreach (var name in MethodNameUses.Find(_compilation, target, cancellationToken))
            {
                if (CallSites.Classify(name, out var invocation) != CallSites.Use.Call)
                {
                    continue;
                }

                // The handler is asked first, from its declaration: only the calls a handler makes are bound.
                var model = (models ??= new SemanticModelCache(_compilation)).For(name.SyntaxTree);
                if (!IsInHandler(invocation!, model, cancellationToken)
                    || model.GetOperation(invocation!, cancellationToken) is not IInvocationOperation call
                    || !targets.Contains(call.TargetMethod.OriginalDefinition))
                {
                    continue;
                }

                foreach (var argument in call.Arguments)
                {
                    if (argument.Parameter is { } parameter && parameter.Ordinal < passed.Length
                        && argument.ArgumentKind == ArgumentKind.Explicit && !argument.Value.WithoutConversions().ConstantValue.HasValue)
                    {
                        passed[parameter.Ordinal] = true;
                    }
                }
            }
        }

        return passed;
    }

    /// <summary>The method and the interface members it implements: a handler usually holds the service by its interface.</summary>
    private static HashSet<IMethodSymbol> Targets(IMethodSymbol method)
        => new(SymbolFacts.ImplementedInterfaceMethods(method), SymbolEqualityComparer.Default) { method };

    /// <summary>The simple names of the methods the handlers' bodies and the minimal API lambdas call, found once.</summary>
    private HashSet<string> CalledNames(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _calledNames) is { } known)
        {
            return known;
        }

        var names = new HashSet<string>(System.StringComparer.Ordinal);
        foreach (var symbol in _compilation.GetSymbolsWithName(static _ => true, SymbolFilter.Type, cancellationToken))
        {
            if (symbol is not INamedTypeSymbol type || !_handlers.MayHandleRequests(type))
            {
                continue;
            }

            foreach (var member in type.GetMembers())
            {
                if (member is IMethodSymbol { MethodKind: MethodKind.Ordinary, IsStatic: false } method && _handlers.Classify(method) is not null)
                {
                    foreach (var reference in method.DeclaringSyntaxReferences)
                    {
                        AddCalledNames(reference.GetSyntax(cancellationToken), names);
                    }
                }
            }
        }

        // Minimal API lambdas, in the files that call a Map… method: read from syntax, by the endpoint method's name.
        foreach (var tree in _compilation.SyntaxTrees)
        {
            var text = tree.GetText(cancellationToken);
            if (!WordSearch.ContainsAny(text, RequestHandlers.MapMethodNames))
            {
                continue;
            }

            foreach (var invocation in tree.GetRoot(cancellationToken).DescendantNodes().OfType<InvocationExpressionSyntax>())
            {
                if (SyntaxNames.CalleeName(invocation) is { } callee && RequestHandlers.MapMethodNames.Contains(callee))
                {
                    foreach (var argument in invocation.ArgumentList.Arguments)
                    {
                        if (argument.Expression is AnonymousFunctionExpressionSyntax lambda)
                        {
                            AddCalledNames(lambda, names);
                        }
                    }
                }
            }
        }

        return Interlocked.CompareExchange(ref _calledNames, names, null) ?? names;
    }

    private static void AddCalledNames(SyntaxNode node, HashSet<string> names)
    {
        foreach (var invocation in node.DescendantNodes().OfType<InvocationExpressionSyntax>())
        {
            if (SyntaxNames.CalleeName(invocation) is { } name)
            {
                names.Add(name);
            }
        }
    }

    /// <summary>Whether the call sits in a handler method's body (outside lambdas and local functions) or directly in a minimal API lambda.</summary>
    private bool IsInHandler(InvocationExpressionSyntax invocation, SemanticModel model, CancellationToken cancellationToken)
    {
        for (var current = invocation.Parent; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case AnonymousFunctionExpressionSyntax lambda:
                    // Bound only when it is an argument of a call named like an endpoint method (`app.MapGet(…, () => …)`).
                    return lambda.Parent is ArgumentSyntax { Parent.Parent: InvocationExpressionSyntax map }
                        && SyntaxNames.CalleeName(map) is { } mapName && RequestHandlers.MapMethodNames.Contains(mapName)
                        && model.GetOperation(lambda, cancellationToken) is IAnonymousFunctionOperation function && _handlers.IsMinimalApiHandler(function);
                case LocalFunctionStatementSyntax:
                    return false;
                case MethodDeclarationSyntax declaration:
                    return model.GetDeclaredSymbol(declaration, cancellationToken) is IMethodSymbol declared && _handlers.Classify(declared) is not null;
                case MemberDeclarationSyntax:
                    return false;
            }
        }

        return false;
    }
}
