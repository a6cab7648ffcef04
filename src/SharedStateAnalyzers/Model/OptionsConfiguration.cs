using System;
using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SharedStateAnalyzers.Model;

/// <summary>
/// Options objects and the code that configures them. An options class (named <c>…Options</c>, the options pattern's
/// convention) is filled by configure steps — an <c>IConfigureOptions&lt;T&gt;.Configure</c> or
/// <c>IPostConfigureOptions&lt;T&gt;.PostConfigure</c>, a callback the app hands to <c>services.Configure&lt;T&gt;(…)</c> or
/// to an <c>AddX(Action&lt;TOptions&gt;)</c> extension, an extension method of the options type that such a callback
/// calls — which run once, when the options are built, before any consumer is handed them.
/// </summary>
internal static class OptionsConfiguration
{
    /// <summary>How many callers up the search goes (an <c>AddFilters</c> calling <c>AddFilter</c>, an extension calling both).</summary>
    private const int MaxDepth = 3;

    /// <summary>How many uses one question binds before it gives up (and the change counts as made elsewhere).</summary>
    private const int MaxBound = 128;

    private static readonly string[] s_configureSteps = ["IConfigureOptions", "IConfigureNamedOptions", "IPostConfigureOptions"];

    /// <summary>A class named for the options pattern: <c>ReporterOptions</c>.</summary>
    public static bool IsOptionsType(INamedTypeSymbol type)
        => type.TypeKind == TypeKind.Class && type.Name.EndsWith("Options", StringComparison.Ordinal) && type.Name.Length > "Options".Length;

    /// <summary>
    /// True when <paramref name="method"/>, an instance method of the options type <paramref name="options"/>, is called
    /// in the compilation only while options are configured: in a configure step, in a lambda given where an
    /// <c>Action</c> (or other named delegate) taking the options is expected, in a method of the options type or an
    /// extension method of it whose own calls are such (up to three callers up), in the options' own constructor, or not
    /// at all (the API is there for the app's configure callback). A method taken as a delegate, or any other caller, answers false.
    /// </summary>
    public static bool IsCalledOnlyWhileConfiguring(IMethodSymbol method, INamedTypeSymbol options, Compilation compilation, CancellationToken cancellationToken)
    {
        var bound = 0;
        return IsCalledOnlyWhileConfiguring(method, options, compilation, new SemanticModelCache(compilation), new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default), 0, ref bound, cancellationToken);
    }

    private static bool IsCalledOnlyWhileConfiguring(
        IMethodSymbol method,
        INamedTypeSymbol options,
        Compilation compilation,
        SemanticModelCache models,
        HashSet<IMethodSymbol> visiting,
        int depth,
        ref int bound,
        CancellationToken cancellationToken)
    {
        if (depth > MaxDepth || method.IsVirtual || method.IsAbstract || method.IsOverride
            || method.DeclaringSyntaxReferences.IsEmpty || !visiting.Add(method.OriginalDefinition))
        {
            return false;
        }

        foreach (var name in MethodNameUses.Find(compilation, method, cancellationToken))
        {
            var use = CallSites.Classify(name, out var invocation);
            if (use == CallSites.Use.Other)
            {
                continue;
            }

            if (++bound > MaxBound)
            {
                return false;
            }

            var model = models.For(name.SyntaxTree);
            var binds = MethodNameUses.Binds(model, name, method, cancellationToken);
            if (binds == false)
            {
                continue;
            }

            if (binds is null || use != CallSites.Use.Call)
            {
                return false;
            }

            switch (Caller(invocation!))
            {
                case AnonymousFunctionExpressionSyntax lambda when ConfiguresOptions(model.GetTypeInfo(lambda, cancellationToken).ConvertedType, options):
                    continue;
                case BaseMethodDeclarationSyntax declaration when model.GetDeclaredSymbol(declaration, cancellationToken) is IMethodSymbol caller:
                    if (IsConfigureStep(caller, options)
                        || (caller.MethodKind == MethodKind.Constructor && IsTheOptions(caller.ContainingType, options)))
                    {
                        continue;
                    }

                    if ((IsOwnMethod(caller, options) || IsExtensionOf(caller, options))
                        && IsCalledOnlyWhileConfiguring(caller, options, compilation, models, visiting, depth + 1, ref bound, cancellationToken))
                    {
                        continue;
                    }

                    return false;
                default:
                    return false;
            }
        }

        visiting.Remove(method.OriginalDefinition);
        return true;
    }

    /// <summary>The lambda, local function or member whose code makes the call.</summary>
    private static SyntaxNode? Caller(SyntaxNode call)
    {
        for (var current = call.Parent; current is not null; current = current.Parent)
        {
            if (current is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or BaseMethodDeclarationSyntax or MemberDeclarationSyntax)
            {
                return current;
            }
        }

        return null;
    }

    /// <summary>A named delegate type (<c>Action&lt;TOptions&gt;</c>, not <c>System.Delegate</c>) with a parameter of the options type.</summary>
    private static bool ConfiguresOptions(ITypeSymbol? delegateType, INamedTypeSymbol options)
    {
        if (delegateType is not INamedTypeSymbol { TypeKind: TypeKind.Delegate, DelegateInvokeMethod: { } invoke })
        {
            return false;
        }

        foreach (var parameter in invoke.Parameters)
        {
            if (IsTheOptions(parameter.Type, options))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary><c>Configure</c> of an <c>IConfigureOptions&lt;T&gt;</c> (or named) implementation, or <c>PostConfigure</c> of an <c>IPostConfigureOptions&lt;T&gt;</c>, for the options type.</summary>
    private static bool IsConfigureStep(IMethodSymbol method, INamedTypeSymbol options)
    {
        if (method.Name is not ("Configure" or "PostConfigure") || method.ContainingType is not { } type)
        {
            return false;
        }

        foreach (var implemented in type.AllInterfaces)
        {
            if (Array.IndexOf(s_configureSteps, implemented.Name) >= 0
                && implemented.ContainingNamespace?.ToDisplayString() == "Microsoft.Extensions.Options"
                && implemented.TypeArguments.Length == 1 && IsTheOptions(implemented.TypeArguments[0], options))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsOwnMethod(IMethodSymbol method, INamedTypeSymbol options)
        => method.MethodKind == MethodKind.Ordinary && !method.IsStatic && IsTheOptions(method.ContainingType, options);

    private static bool IsExtensionOf(IMethodSymbol method, INamedTypeSymbol options)
        => method.IsExtensionMethod && method.Parameters.Length > 0 && IsTheOptions(method.Parameters[0].Type, options);

    private static bool IsTheOptions(ITypeSymbol? type, INamedTypeSymbol options)
        => type is not null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, options.OriginalDefinition);
}
