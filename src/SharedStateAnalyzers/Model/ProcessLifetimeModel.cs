using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
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
/// shared as static ones. One instance per compilation (<see cref="For"/>), shared by the rules that ask, safe for
/// concurrent use; each type's answer is computed once; the registrations are gathered once, on first need, and only
/// from files that mention a singleton registration.
/// </summary>
internal sealed class ProcessLifetimeModel
{
    private static readonly ConditionalWeakTable<Compilation, ProcessLifetimeModel> s_byCompilation = new();

    private readonly ConcurrentDictionary<INamedTypeSymbol, ProcessLifetimeKind?> _cache = new(SymbolEqualityComparer.Default);
    private readonly INamedTypeSymbol? _requestDelegate;
    private readonly INamedTypeSymbol? _httpContext;
    private readonly INamedTypeSymbol? _hostedService;
    private readonly ServiceRegistrations _registrations;
    private readonly Compilation _compilation;

    public ProcessLifetimeModel(Compilation compilation)
    {
        _compilation = compilation;
        _requestDelegate = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Http.RequestDelegate");
        _httpContext = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Http.HttpContext");
        _hostedService = compilation.GetTypeByMetadataName("Microsoft.Extensions.Hosting.IHostedService");
        _registrations = ServiceRegistrations.For(compilation);
    }

    /// <summary>The model of <paramref name="compilation"/>, shared by every rule that asks.</summary>
    public static ProcessLifetimeModel For(Compilation compilation) => s_byCompilation.GetValue(compilation, static c => new ProcessLifetimeModel(c));

    /// <summary>Why instances of <paramref name="type"/> live as long as the process, or null.</summary>
    public ProcessLifetimeKind? Classify(INamedTypeSymbol type)
    {
        if (type.TypeKind != TypeKind.Class || type.IsStatic)
        {
            return null;
        }

        if (_cache.TryGetValue(type, out var cached))
        {
            return cached;
        }

        var kind = Compute(type);
        _cache.TryAdd(type, kind);
        return kind;
    }

    private ProcessLifetimeKind? Compute(INamedTypeSymbol type)
    {
        if (Lifetimes.IsHandRolledSingleton(type, _compilation))
        {
            return ProcessLifetimeKind.HandRolledSingleton;
        }

        if (IsConventionalMiddleware(type))
        {
            return ProcessLifetimeKind.Middleware;
        }

        if (_hostedService is not null && SymbolFacts.Implements(type, _hostedService))
        {
            return ProcessLifetimeKind.HostedService;
        }

        if (_registrations.CanRegister && _registrations.Singletons.Contains(type.OriginalDefinition))
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
}
