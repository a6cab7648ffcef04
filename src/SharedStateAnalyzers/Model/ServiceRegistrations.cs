using System;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SharedStateAnalyzers.Model;

/// <summary>
/// The dependency-injection registrations a compilation makes in source, by lifetime. Gathered once per compilation
/// (shared by every rule that asks), lazily, and only when the compilation references <c>IServiceCollection</c>; the
/// scan binds only the invocations whose name is a registration method.
/// </summary>
internal sealed class ServiceRegistrations
{
    private static readonly ConditionalWeakTable<Compilation, ServiceRegistrations> s_byCompilation = new();

    private static readonly ImmutableHashSet<string> s_singletonRegistrations = ImmutableHashSet.Create(
        StringComparer.Ordinal, "AddSingleton", "TryAddSingleton", "AddKeyedSingleton", "TryAddKeyedSingleton", "AddHostedService");

    private static readonly ImmutableHashSet<string> s_scopedRegistrations = ImmutableHashSet.Create(
        StringComparer.Ordinal, "AddScoped", "TryAddScoped", "AddKeyedScoped", "TryAddKeyedScoped", "AddDbContext", "AddDbContextPool");

    private readonly Compilation _compilation;
    private readonly Lazy<(ImmutableHashSet<INamedTypeSymbol> Singletons, ImmutableHashSet<INamedTypeSymbol> Scoped)> _scan;

    private ServiceRegistrations(Compilation compilation)
    {
        _compilation = compilation;
        IsAvailable = compilation.GetTypeByMetadataName("Microsoft.Extensions.DependencyInjection.IServiceCollection") is not null;
        _scan = new Lazy<(ImmutableHashSet<INamedTypeSymbol>, ImmutableHashSet<INamedTypeSymbol>)>(Scan, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The compilation references <c>Microsoft.Extensions.DependencyInjection</c>: registrations are possible.</summary>
    public bool IsAvailable { get; }

    /// <summary>
    /// The implementation types of singleton registrations: <c>AddSingleton&lt;TService, TImpl&gt;()</c>,
    /// <c>AddSingleton&lt;T&gt;()</c>, <c>AddSingleton(typeof(T))</c>, <c>AddSingleton(typeof(TService), typeof(TImpl))</c>,
    /// <c>AddHostedService&lt;T&gt;()</c>, their <c>TryAdd</c> and keyed forms.
    /// </summary>
    public ImmutableHashSet<INamedTypeSymbol> Singletons => IsAvailable ? _scan.Value.Singletons : ImmutableHashSet<INamedTypeSymbol>.Empty;

    /// <summary>
    /// The service and implementation types of scoped registrations: <c>AddScoped&lt;TService, TImpl&gt;()</c>,
    /// <c>AddScoped&lt;T&gt;(…)</c>, <c>AddScoped(typeof(TService), typeof(TImpl))</c>, their <c>TryAdd</c> and keyed forms,
    /// and <c>AddDbContext&lt;TContext&gt;</c>/<c>AddDbContextPool&lt;TContext&gt;</c>.
    /// </summary>
    public ImmutableHashSet<INamedTypeSymbol> Scoped => IsAvailable ? _scan.Value.Scoped : ImmutableHashSet<INamedTypeSymbol>.Empty;

    public static ServiceRegistrations For(Compilation compilation) => s_byCompilation.GetValue(compilation, static c => new ServiceRegistrations(c));

    private (ImmutableHashSet<INamedTypeSymbol>, ImmutableHashSet<INamedTypeSymbol>) Scan()
    {
        var singletons = ImmutableHashSet.CreateBuilder<INamedTypeSymbol>(SymbolEqualityComparer.Default);
        var scoped = ImmutableHashSet.CreateBuilder<INamedTypeSymbol>(SymbolEqualityComparer.Default);
        foreach (var tree in _compilation.SyntaxTrees)
        {
            // A text search first: walking every node of every file builds the whole red tree; most files register
            // nothing.
            if (!MayRegister(tree))
            {
                continue;
            }

            SemanticModel? model = null;
            foreach (var node in tree.GetRoot().DescendantNodes())
            {
                if (node is not InvocationExpressionSyntax invocation || GetName(invocation.Expression) is not { } name)
                {
                    continue;
                }

                var isSingleton = s_singletonRegistrations.Contains(name.Identifier.ValueText);
                if (!isSingleton && !s_scopedRegistrations.Contains(name.Identifier.ValueText))
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

                var types = ImmutableArray.CreateBuilder<ITypeSymbol?>();
                if (name is GenericNameSyntax)
                {
                    foreach (var typeArgument in method.TypeArguments)
                    {
                        types.Add(typeArgument);
                    }
                }
                else
                {
                    foreach (var argument in invocation.ArgumentList.Arguments)
                    {
                        if (argument.Expression is TypeOfExpressionSyntax typeOf)
                        {
                            types.Add(model.GetTypeInfo(typeOf.Type).Type);
                        }
                    }
                }

                if (isSingleton)
                {
                    // The last type names the implementation: the object that lives as long as the process.
                    if (types.Count > 0 && types[types.Count - 1] is INamedTypeSymbol { TypeKind: TypeKind.Class } implementation)
                    {
                        singletons.Add(implementation.OriginalDefinition);
                    }
                }
                else
                {
                    // A scoped service is request-scoped under its service type and its implementation type alike.
                    foreach (var type in types)
                    {
                        if (type is INamedTypeSymbol { TypeKind: TypeKind.Class or TypeKind.Interface } named)
                        {
                            scoped.Add(named.OriginalDefinition);
                        }
                    }
                }
            }
        }

        return (singletons.ToImmutable(), scoped.ToImmutable());
    }

    private static bool MayRegister(SyntaxTree tree)
    {
        var text = tree.GetText().ToString();
        return text.IndexOf("Singleton", StringComparison.Ordinal) >= 0
            || text.IndexOf("Scoped", StringComparison.Ordinal) >= 0
            || text.IndexOf("AddHostedService", StringComparison.Ordinal) >= 0
            || text.IndexOf("AddDbContext", StringComparison.Ordinal) >= 0;
    }

    private static SimpleNameSyntax? GetName(ExpressionSyntax expression) => expression switch
    {
        MemberAccessExpressionSyntax access => access.Name,
        SimpleNameSyntax simple => simple,
        _ => null,
    };
}
