using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SharedStateAnalyzers.Model;

/// <summary>Why an object lives as long as the process.</summary>
internal enum ProcessLifetimeKind
{
    /// <summary>It keeps its own single instance in a static field or <c>Lazy&lt;T&gt;</c>.</summary>
    HandRolledSingleton,

    /// <summary>An ASP.NET Core conventional middleware: built once, shared by every request.</summary>
    Middleware,

    /// <summary>An <c>IHostedService</c> (or <c>BackgroundService</c>).</summary>
    HostedService,

    /// <summary>Registered with <c>AddSingleton</c>/<c>TryAddSingleton</c>/<c>AddHostedService</c> in this compilation.</summary>
    DependencyInjectionSingleton,
}

/// <summary>
/// Which types of a compilation have instances that live as long as the process: their instance fields are as
/// shared as static ones. One instance per compilation, safe for concurrent use; the registrations are gathered
/// once, on first need, and only from files that mention a singleton registration.
/// </summary>
internal sealed class ProcessLifetimeModel
{
    private static readonly ImmutableHashSet<string> s_singletonRegistrations = ImmutableHashSet.Create(
        StringComparer.Ordinal, "AddSingleton", "TryAddSingleton", "AddKeyedSingleton", "TryAddKeyedSingleton", "AddHostedService");

    private readonly Compilation _compilation;
    private readonly INamedTypeSymbol? _requestDelegate;
    private readonly INamedTypeSymbol? _httpContext;
    private readonly INamedTypeSymbol? _hostedService;
    private readonly INamedTypeSymbol? _serviceCollection;
    private readonly Lazy<ImmutableHashSet<INamedTypeSymbol>> _registeredSingletons;

    public ProcessLifetimeModel(Compilation compilation)
    {
        _compilation = compilation;
        _requestDelegate = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Http.RequestDelegate");
        _httpContext = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Http.HttpContext");
        _hostedService = compilation.GetTypeByMetadataName("Microsoft.Extensions.Hosting.IHostedService");
        _serviceCollection = compilation.GetTypeByMetadataName("Microsoft.Extensions.DependencyInjection.IServiceCollection");
        _registeredSingletons = new Lazy<ImmutableHashSet<INamedTypeSymbol>>(CollectRegisteredSingletons, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Why instances of <paramref name="type"/> live as long as the process, or null.</summary>
    public ProcessLifetimeKind? Classify(INamedTypeSymbol type)
    {
        if (type.TypeKind != TypeKind.Class || type.IsStatic)
        {
            return null;
        }

        if (Lifetimes.IsHandRolledSingleton(type))
        {
            return ProcessLifetimeKind.HandRolledSingleton;
        }

        if (IsConventionalMiddleware(type))
        {
            return ProcessLifetimeKind.Middleware;
        }

        if (_hostedService is not null && Implements(type, _hostedService))
        {
            return ProcessLifetimeKind.HostedService;
        }

        if (_serviceCollection is not null && _registeredSingletons.Value.Contains(type.OriginalDefinition))
        {
            return ProcessLifetimeKind.DependencyInjectionSingleton;
        }

        return null;
    }

    /// <summary>A constructor taking a <c>RequestDelegate</c>, and <c>Invoke</c>/<c>InvokeAsync</c> taking an <c>HttpContext</c> first.</summary>
    private bool IsConventionalMiddleware(INamedTypeSymbol type)
    {
        if (_requestDelegate is null || _httpContext is null)
        {
            return false;
        }

        var takesNext = false;
        foreach (var constructor in type.InstanceConstructors)
        {
            foreach (var parameter in constructor.Parameters)
            {
                takesNext |= SymbolEqualityComparer.Default.Equals(parameter.Type, _requestDelegate);
            }
        }

        if (!takesNext)
        {
            return false;
        }

        foreach (var member in type.GetMembers())
        {
            if (member is IMethodSymbol { Name: "Invoke" or "InvokeAsync", IsStatic: false, Parameters.Length: > 0 } method
                && SymbolEqualityComparer.Default.Equals(method.Parameters[0].Type, _httpContext))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Implements(INamedTypeSymbol type, INamedTypeSymbol @interface)
    {
        foreach (var candidate in type.AllInterfaces)
        {
            if (SymbolEqualityComparer.Default.Equals(candidate, @interface))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The implementation types of singleton registrations in source: <c>AddSingleton&lt;TService, TImpl&gt;()</c>,
    /// <c>AddSingleton&lt;T&gt;()</c>, <c>AddSingleton(typeof(T))</c>, <c>AddSingleton(typeof(TService), typeof(TImpl))</c>,
    /// <c>AddHostedService&lt;T&gt;()</c>, their <c>TryAdd</c> and keyed forms.
    /// </summary>
    private ImmutableHashSet<INamedTypeSymbol> CollectRegisteredSingletons()
    {
        var builder = ImmutableHashSet.CreateBuilder<INamedTypeSymbol>(SymbolEqualityComparer.Default);
        foreach (var tree in _compilation.SyntaxTrees)
        {
            SemanticModel? model = null;
            var root = tree.GetRoot();
            foreach (var node in root.DescendantNodes())
            {
                if (node is not InvocationExpressionSyntax invocation || !IsRegistrationName(invocation.Expression, out var name))
                {
                    continue;
                }

#pragma warning disable RS1030 // The registrations of the whole compilation are gathered once, lazily, only from files that make one.
                model ??= _compilation.GetSemanticModel(tree);
#pragma warning restore RS1030
                if (model.GetSymbolInfo(invocation).Symbol is not IMethodSymbol method)
                {
                    continue;
                }

                if (name is GenericNameSyntax && method.TypeArguments.Length > 0)
                {
                    AddImplementation(builder, method.TypeArguments[method.TypeArguments.Length - 1]);
                }
                else
                {
                    // typeof arguments: the last one names the implementation.
                    ITypeSymbol? implementation = null;
                    foreach (var argument in invocation.ArgumentList.Arguments)
                    {
                        if (argument.Expression is TypeOfExpressionSyntax typeOf)
                        {
                            implementation = model.GetTypeInfo(typeOf.Type).Type;
                        }
                    }

                    AddImplementation(builder, implementation);
                }
            }
        }

        return builder.ToImmutable();
    }

    private static void AddImplementation(ImmutableHashSet<INamedTypeSymbol>.Builder builder, ITypeSymbol? type)
    {
        if (type is INamedTypeSymbol { TypeKind: TypeKind.Class } named)
        {
            builder.Add(named.OriginalDefinition);
        }
    }

    private static bool IsRegistrationName(ExpressionSyntax expression, out SimpleNameSyntax name)
    {
        name = expression switch
        {
            MemberAccessExpressionSyntax access => access.Name,
            SimpleNameSyntax simple => simple,
            _ => null!,
        };

        return name is not null && s_singletonRegistrations.Contains(name.Identifier.ValueText);
    }
}
