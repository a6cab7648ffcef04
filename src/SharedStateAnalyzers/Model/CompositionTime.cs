using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace SharedStateAnalyzers.Model;

/// <summary>
/// Types whose instances take part in composing the app: they declare an instance method that takes the service
/// collection or one of the host, app or MVC builders (a plugin manager's <c>ConfigureServices(IServiceCollection)</c>,
/// a module's <c>Configure(IApplicationBuilder)</c>). Such an object's state is filled while the app is being set up,
/// once and on one thread, before the first request: the composition root drives it, not the requests. A static
/// registration helper (<c>public static void AddJobs(IServiceCollection services)</c> on a service class) says
/// nothing about what the instances do later, and does not count.
/// </summary>
internal sealed class CompositionTime
{
    private static readonly string[] s_builderTypeNames =
    [
        "Microsoft.Extensions.DependencyInjection.IServiceCollection",
        "Microsoft.Extensions.DependencyInjection.IMvcBuilder",
        "Microsoft.Extensions.DependencyInjection.IMvcCoreBuilder",
        "Microsoft.Extensions.Hosting.IHostBuilder",
        "Microsoft.Extensions.Hosting.IHostApplicationBuilder",
        "Microsoft.AspNetCore.Builder.WebApplicationBuilder",
        "Microsoft.AspNetCore.Builder.IApplicationBuilder",
        "Microsoft.AspNetCore.Hosting.IWebHostBuilder",
    ];

    private readonly ImmutableArray<INamedTypeSymbol> _builderTypes;

    private CompositionTime(ImmutableArray<INamedTypeSymbol> builderTypes)
    {
        _builderTypes = builderTypes;
    }

    /// <summary>The model for a compilation, or null when it references none of the builder types.</summary>
    public static CompositionTime? Create(Compilation compilation)
    {
        var builder = ImmutableArray.CreateBuilder<INamedTypeSymbol>();
        foreach (var name in s_builderTypeNames)
        {
            if (compilation.GetTypeByMetadataName(name) is { } type)
            {
                builder.Add(type);
            }
        }

        return builder.Count == 0 ? null : new CompositionTime(builder.ToImmutable());
    }

    /// <summary>True when <paramref name="type"/> declares an instance method (not a constructor) with a parameter of a builder type.</summary>
    public bool IsCompositionTimeType(INamedTypeSymbol type)
    {
        foreach (var member in type.GetMembers())
        {
            if (member is not IMethodSymbol { MethodKind: MethodKind.Ordinary, IsStatic: false } method)
            {
                continue;
            }

            foreach (var parameter in method.Parameters)
            {
                if (IsBuilder(parameter.Type))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private bool IsBuilder(ITypeSymbol type)
    {
        foreach (var builder in _builderTypes)
        {
            if (SymbolEqualityComparer.Default.Equals(type, builder))
            {
                return true;
            }
        }

        return false;
    }
}
