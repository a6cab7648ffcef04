using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SharedStateAnalyzers.CodeFixes;

/// <summary>
/// "Register as scoped": the service's singleton registrations in the project become scoped ones
/// (<c>AddSingleton</c> → <c>AddScoped</c>, <c>TryAddSingleton</c> → <c>TryAddScoped</c>), so each request gets its
/// own instance. Offered only where that is exact:
/// <list type="bullet">
/// <item>every singleton registration whose implementation is the type is in the project and has the plain form
/// <c>AddSingleton&lt;T&gt;()</c>, <c>AddSingleton&lt;TService, T&gt;()</c>, <c>AddSingleton(typeof(T))</c> or
/// <c>AddSingleton(typeof(TService), typeof(T))</c> (or the <c>TryAdd</c> forms): no instance, no factory, no key;</item>
/// <item>no object that lives for the process takes the service (the type or a service type it is registered as)
/// through its constructor, directly or as <c>IEnumerable&lt;&gt;</c>, <c>Lazy&lt;&gt;</c> or <c>Func&lt;&gt;</c>: the
/// implementation of another singleton registration, a hosted service, a conventional middleware; the container
/// would refuse to build it (or, without scope validation, capture one scoped instance for the process);</item>
/// <item>no code resolves the service by hand (<c>GetService</c>, <c>GetRequiredService</c>…): from the root provider,
/// a scoped service is captured or refused alike.</item>
/// </list>
/// Transitive consumers (a transient that a singleton takes) are not followed: such a chain is not offered the fix
/// only when a direct consumer shows.
/// </summary>
internal static class ScopedRegistrationRewrite
{
    private static readonly Dictionary<string, string> s_renames = new(StringComparer.Ordinal)
    {
        ["AddSingleton"] = "AddScoped",
        ["TryAddSingleton"] = "TryAddScoped",
    };

    private static readonly HashSet<string> s_singletonMethods = new(StringComparer.Ordinal)
    {
        "AddSingleton", "TryAddSingleton", "AddKeyedSingleton", "TryAddKeyedSingleton", "AddHostedService",
    };

    private static readonly HashSet<string> s_lookups = new(StringComparer.Ordinal)
    {
        "GetService", "GetRequiredService", "GetServices", "GetKeyedService", "GetRequiredKeyedService", "GetKeyedServices", "CreateInstance", "GetServiceOrCreateInstance",
    };

    /// <summary>A singleton registration found in the project.</summary>
    private sealed class Registration
    {
        public Registration(DocumentId document, InvocationExpressionSyntax invocation, SimpleNameSyntax name, List<INamedTypeSymbol> types, bool isPlain)
        {
            Document = document;
            Invocation = invocation;
            Name = name;
            Types = types;
            IsPlain = isPlain;
        }

        public DocumentId Document { get; }

        public InvocationExpressionSyntax Invocation { get; }

        public SimpleNameSyntax Name { get; }

        /// <summary>The types it names, service first, implementation last.</summary>
        public List<INamedTypeSymbol> Types { get; }

        /// <summary>One of the plain forms the fix rewrites exactly.</summary>
        public bool IsPlain { get; }

        public INamedTypeSymbol? Implementation => Types.Count > 0 ? Types[Types.Count - 1] : null;
    }

    /// <summary>The solution with <paramref name="type"/>'s registrations made scoped, or null where that is not exact.</summary>
    public static async Task<Solution?> TryApplyAsync(Project project, INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        var compilation = await project.GetCompilationAsync(cancellationToken).ConfigureAwait(false);
        if (compilation is null || compilation.GetTypeByMetadataName("Microsoft.Extensions.DependencyInjection.IServiceCollection") is null)
        {
            return null;
        }

        var registrations = new List<Registration>();
        var lookups = new List<(SemanticModel Model, InvocationExpressionSyntax Invocation)>();
        foreach (var document in project.Documents)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                continue;
            }

            SemanticModel? model = null;
            foreach (var invocation in root.DescendantNodes().OfType<InvocationExpressionSyntax>())
            {
                var name = invocation.Expression switch
                {
                    MemberAccessExpressionSyntax access => access.Name,
                    SimpleNameSyntax simple => simple,
                    _ => null,
                };

                if (name is null)
                {
                    continue;
                }

                var text = name.Identifier.ValueText;
                if (s_lookups.Contains(text))
                {
                    model ??= await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
                    lookups.Add((model!, invocation));
                    continue;
                }

                if (!s_singletonMethods.Contains(text))
                {
                    continue;
                }

                model ??= await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
                if (model?.GetSymbolInfo(invocation, cancellationToken).Symbol is not IMethodSymbol method)
                {
                    continue;
                }

                var types = new List<INamedTypeSymbol>();
                var arguments = invocation.ArgumentList.Arguments;
                bool isPlain;
                if (name is GenericNameSyntax || method.IsGenericMethod)
                {
                    // Type arguments written or inferred (AddSingleton(sp => new T()): a factory, not a plain form).
                    types.AddRange(method.TypeArguments.OfType<INamedTypeSymbol>());
                    isPlain = name is GenericNameSyntax && arguments.Count == 0 && method.IsExtensionMethod;
                }
                else
                {
                    foreach (var argument in arguments)
                    {
                        if (argument.Expression is TypeOfExpressionSyntax typeOf && model.GetTypeInfo(typeOf.Type, cancellationToken).Type is INamedTypeSymbol named)
                        {
                            types.Add(named);
                        }
                    }

                    isPlain = arguments.Count is 1 or 2 && types.Count == arguments.Count && method.IsExtensionMethod;
                }

                registrations.Add(new Registration(document.Id, invocation, name, types, isPlain && s_renames.ContainsKey(text)));
            }
        }

        var own = registrations.Where(r => SymbolEqualityComparer.Default.Equals(r.Implementation?.OriginalDefinition, type.OriginalDefinition)).ToList();
        if (own.Count == 0 || own.Any(r => !r.IsPlain))
        {
            return null;
        }

        var services = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default) { type.OriginalDefinition };
        foreach (var registration in own)
        {
            foreach (var service in registration.Types)
            {
                services.Add(service.OriginalDefinition);
            }
        }

        if (IsResolvedByHand(lookups, services, cancellationToken) || HasProcessLifetimeConsumer(compilation, registrations, own, services, cancellationToken))
        {
            return null;
        }

        var solution = project.Solution;
        foreach (var group in own.GroupBy(r => r.Document))
        {
            var document = solution.GetDocument(group.Key)!;
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var newRoot = root!.ReplaceNodes(group.Select(r => r.Name), (original, _) => Rename(original));
            solution = solution.WithDocumentSyntaxRoot(group.Key, newRoot);
        }

        return solution;
    }

    private static SyntaxNode Rename(SimpleNameSyntax name)
    {
        var identifier = SyntaxFactory.Identifier(s_renames[name.Identifier.ValueText]).WithTriviaFrom(name.Identifier);
        return name switch
        {
            GenericNameSyntax generic => generic.WithIdentifier(identifier),
            IdentifierNameSyntax simple => simple.WithIdentifier(identifier),
            _ => name,
        };
    }

    /// <summary><c>GetService&lt;T&gt;()</c>, <c>GetRequiredService(typeof(T))</c>… for one of the service types.</summary>
    private static bool IsResolvedByHand(List<(SemanticModel Model, InvocationExpressionSyntax Invocation)> lookups, HashSet<ITypeSymbol> services, CancellationToken cancellationToken)
    {
        foreach (var (model, invocation) in lookups)
        {
            if (model.GetSymbolInfo(invocation, cancellationToken).Symbol is IMethodSymbol method
                && method.TypeArguments.Any(t => Mentions(t, services)))
            {
                return true;
            }

            foreach (var argument in invocation.ArgumentList.Arguments)
            {
                if (argument.Expression is TypeOfExpressionSyntax typeOf && model.GetTypeInfo(typeOf.Type, cancellationToken).Type is { } named && Mentions(named, services))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>A singleton (other than the type's own registrations), hosted service or middleware of the compilation takes a service type in a constructor.</summary>
    private static bool HasProcessLifetimeConsumer(Compilation compilation, List<Registration> registrations, List<Registration> own, HashSet<ITypeSymbol> services, CancellationToken cancellationToken)
    {
        var consumers = new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);
        foreach (var registration in registrations)
        {
            if (!own.Contains(registration) && registration.Implementation is { TypeKind: TypeKind.Class } implementation)
            {
                consumers.Add(implementation);
            }
        }

        var requestDelegate = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Http.RequestDelegate");
        var hostedService = compilation.GetTypeByMetadataName("Microsoft.Extensions.Hosting.IHostedService");
        foreach (var candidate in AllTypes(compilation.Assembly.GlobalNamespace, cancellationToken))
        {
            if (candidate.TypeKind != TypeKind.Class)
            {
                continue;
            }

            var takesNext = requestDelegate is not null && candidate.InstanceConstructors.Any(c => c.Parameters.Any(p => SymbolEqualityComparer.Default.Equals(p.Type, requestDelegate)));
            var hosted = hostedService is not null && candidate.AllInterfaces.Any(i => SymbolEqualityComparer.Default.Equals(i, hostedService));
            if (takesNext || hosted)
            {
                consumers.Add(candidate);
            }
        }

        foreach (var consumer in consumers)
        {
            foreach (var constructor in consumer.InstanceConstructors)
            {
                if (constructor.Parameters.Any(p => Mentions(p.Type, services)))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The type is a service type, or wraps one (<c>IEnumerable&lt;T&gt;</c>, <c>Lazy&lt;T&gt;</c>, <c>Func&lt;T&gt;</c>, an array).</summary>
    private static bool Mentions(ITypeSymbol type, HashSet<ITypeSymbol> services)
    {
        if (services.Contains(type.OriginalDefinition))
        {
            return true;
        }

        return type switch
        {
            IArrayTypeSymbol array => Mentions(array.ElementType, services),
            INamedTypeSymbol { IsGenericType: true } generic => generic.TypeArguments.Any(t => Mentions(t, services)),
            _ => false,
        };
    }

    private static IEnumerable<INamedTypeSymbol> AllTypes(INamespaceSymbol ns, CancellationToken cancellationToken)
    {
        foreach (var member in ns.GetMembers())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (member is INamespaceSymbol inner)
            {
                foreach (var type in AllTypes(inner, cancellationToken))
                {
                    yield return type;
                }
            }
            else if (member is INamedTypeSymbol type)
            {
                yield return type;
                foreach (var nested in type.GetTypeMembers())
                {
                    yield return nested;
                }
            }
        }
    }
}
