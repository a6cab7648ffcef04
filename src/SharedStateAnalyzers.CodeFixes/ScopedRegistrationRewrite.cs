using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FindSymbols;
using SharedStateAnalyzers.Model;

namespace SharedStateAnalyzers.CodeFixes;

/// <summary>
/// "Register as scoped", shared by SSA005 and SSA006: singleton registrations become scoped ones
/// (<c>AddSingleton</c> → <c>AddScoped</c>, <c>TryAddSingleton</c> → <c>TryAddScoped</c>, <c>AddKeyedSingleton</c> →
/// <c>AddKeyedScoped</c>, <c>TryAddKeyedSingleton</c> → <c>TryAddKeyedScoped</c>); type arguments, arguments,
/// factories and trivia stay. The registrations come from the compilation's <see cref="ServiceRegistrations"/>.
/// Which registrations change is the caller's: SSA005 all of a class's singleton registrations, in their plain
/// forms only (<see cref="RegisterTypeAsync"/>); SSA006 the one reported registration (<see cref="RegisterAsync"/>).
/// Either way the change is made only where it is safe:
/// <list type="bullet">
/// <item>every registration has a scoped form: not an instance registration, not a hosted service
/// (<c>AddHostedService</c>, or an implementation of <c>IHostedService</c>);</item>
/// <item>no other singleton registration asks for one of them, directly or through transients: it would become its
/// captor;</item>
/// <item>no object that lives for the process takes the service (the class, or a service type it is registered as)
/// in a constructor, directly or as <c>IEnumerable&lt;&gt;</c>, <c>Lazy&lt;&gt;</c>, <c>Func&lt;&gt;</c> or an array:
/// the implementation of another singleton registration, a hosted service, a conventional middleware, a hand-rolled
/// singleton;</item>
/// <item>no code resolves the service by hand (<c>GetService</c>, <c>GetRequiredService</c>, their keyed forms,
/// <c>ActivatorUtilities</c>), whatever the provider: from the root provider, a scoped service is captured or
/// refused alike, and which provider a call gets is not known here;</item>
/// <item>the changed files compile without a new error.</item>
/// </list>
/// </summary>
internal static class ScopedRegistrationRewrite
{
    private static readonly Dictionary<string, string> s_scopedNames = new(StringComparer.Ordinal)
    {
        ["AddSingleton"] = "AddScoped",
        ["TryAddSingleton"] = "TryAddScoped",
        ["AddKeyedSingleton"] = "AddKeyedScoped",
        ["TryAddKeyedSingleton"] = "TryAddKeyedScoped",
    };

    private static readonly HashSet<string> s_lookups = new(StringComparer.Ordinal)
    {
        "GetService", "GetRequiredService", "GetServices", "GetKeyedService", "GetRequiredKeyedService", "GetKeyedServices", "CreateInstance", "GetServiceOrCreateInstance",
    };

    /// <summary>
    /// SSA005: every singleton registration of <paramref name="type"/> (as its implementation) in the compilation
    /// becomes scoped. Null unless each is a plain form — <c>AddSingleton&lt;T&gt;()</c>,
    /// <c>AddSingleton&lt;TService, T&gt;()</c>, <c>AddSingleton(typeof(T))</c>,
    /// <c>AddSingleton(typeof(TService), typeof(T))</c> or their <c>TryAdd</c> forms: no instance, no factory, no key,
    /// so that the container builds a new instance for each request — and the change is safe.
    /// </summary>
    public static async Task<Solution?> RegisterTypeAsync(Project project, INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        var compilation = await project.GetCompilationAsync(cancellationToken).ConfigureAwait(false);
        if (compilation is null)
        {
            return null;
        }

        var own = ServiceRegistrations.For(compilation).Registrations
            .Where(r => r.Lifetime == ServiceLifetimeKind.Singleton && SameDefinition(r.ImplementationType ?? r.ServiceType, type))
            .ToList();
        if (own.Count == 0 || !own.TrueForAll(IsPlain))
        {
            return null;
        }

        return await TryApplyAsync(project.Solution, compilation, type, own, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>SSA006: the singleton registration <paramref name="invocation"/> makes becomes scoped, where that is safe.</summary>
    public static async Task<Solution?> RegisterAsync(Document document, InvocationExpressionSyntax invocation, CancellationToken cancellationToken)
    {
        var compilation = await document.Project.GetCompilationAsync(cancellationToken).ConfigureAwait(false);
        if (compilation is null
            || ServiceRegistrations.For(compilation).GetRegistration(invocation) is not { Lifetime: ServiceLifetimeKind.Singleton, ServiceType: { } service } registration)
        {
            return null;
        }

        return await TryApplyAsync(document.Project.Solution, compilation, registration.ImplementationType ?? service, new List<ServiceRegistration> { registration }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The solution with <paramref name="targets"/> made scoped, or null where that is not safe (see the class's summary).</summary>
    private static async Task<Solution?> TryApplyAsync(Solution solution, Compilation compilation, INamedTypeSymbol type, List<ServiceRegistration> targets, CancellationToken cancellationToken)
    {
        var registrations = ServiceRegistrations.For(compilation);
        if (!registrations.IsAvailable)
        {
            return null;
        }

        foreach (var target in targets)
        {
            if (target.Form == RegistrationForm.Instance || target.IsHostedService || target.ServiceType is null
                || !s_scopedNames.ContainsKey(target.MethodName) || GetName(target.Invocation) is null
                || IsHostedService(target.ImplementationType))
            {
                return null;
            }
        }

        if (IsHostedService(type))
        {
            return null;
        }

        var captives = new CaptiveDependencies(compilation);
        if (targets.Any(t => captives.IsUsedBySingleton(t, cancellationToken)))
        {
            return null;
        }

        // The service types the rewrite makes scoped, and the classes whose singleton registrations it changes.
        var services = new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default) { type.OriginalDefinition };
        var rewritten = new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default) { type.OriginalDefinition };
        foreach (var target in targets)
        {
            services.Add(target.ServiceType!.OriginalDefinition);
            if (target.ImplementationType is { } implementation)
            {
                services.Add(implementation.OriginalDefinition);
                rewritten.Add(implementation.OriginalDefinition);
            }
        }

        // The implementations of the singleton registrations that stay (also types from other assemblies).
        var singletons = new List<INamedTypeSymbol>();
        foreach (var registration in registrations.Registrations)
        {
            if (registration.Lifetime == ServiceLifetimeKind.Singleton && !targets.Contains(registration)
                && (registration.ImplementationType ?? registration.ServiceType) is { TypeKind: TypeKind.Class } implementation)
            {
                singletons.Add(implementation);
            }
        }

        if (singletons.Any(s => TakesService(s, services)))
        {
            return null;
        }

        var consumers = new ProcessLifetimeConsumers(compilation, registrations, singletons, rewritten);
        foreach (var service in services)
        {
            if (await IsUsedOutsideScopesAsync(solution, service, consumers, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }
        }

        foreach (var group in targets.GroupBy(t => t.Invocation.SyntaxTree))
        {
            var document = solution.GetDocument(group.Key);
            var root = document is null ? null : await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (document is null || root is null)
            {
                return null;
            }

            var changed = document.WithSyntaxRoot(root.ReplaceNodes(group.Select(t => GetName(t.Invocation)!), (original, _) => Rename(original)));
            if (!await CompileCheck.AddsNoErrorsAsync(document, changed, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            solution = changed.Project.Solution;
        }

        return solution;
    }

    /// <summary>A plain form SSA005 rewrites: the container builds the instance from the type, with no key.</summary>
    private static bool IsPlain(ServiceRegistration registration)
    {
        if (registration.Form != RegistrationForm.Type || registration.IsKeyed
            || registration.MethodName is not ("AddSingleton" or "TryAddSingleton"))
        {
            return false;
        }

        var arguments = registration.Invocation.ArgumentList.Arguments;
        return GetName(registration.Invocation) is GenericNameSyntax
            ? arguments.Count == 0
            : arguments.Count is 1 or 2 && arguments.All(a => a.Expression is TypeOfExpressionSyntax);
    }

    private static bool IsHostedService(INamedTypeSymbol? type)
        => type is not null && type.AllInterfaces.Any(i => i is { Name: "IHostedService" } && i.ContainingNamespace?.ToDisplayString() == "Microsoft.Extensions.Hosting");

    private static bool SameDefinition(INamedTypeSymbol? left, INamedTypeSymbol right)
        => left is not null && SymbolEqualityComparer.Default.Equals(left.OriginalDefinition, right.OriginalDefinition);

    private static SimpleNameSyntax? GetName(InvocationExpressionSyntax invocation) => invocation.Expression switch
    {
        MemberAccessExpressionSyntax access => access.Name,
        SimpleNameSyntax simple => simple,
        _ => null,
    };

    private static SimpleNameSyntax Rename(SimpleNameSyntax name)
        => name.WithIdentifier(SyntaxFactory.Identifier(name.Identifier.LeadingTrivia, s_scopedNames[name.Identifier.ValueText], name.Identifier.TrailingTrivia));

    /// <summary>A constructor of the class takes one of the services (see <see cref="Mentions"/>).</summary>
    private static bool TakesService(INamedTypeSymbol type, HashSet<INamedTypeSymbol> services)
        => type.InstanceConstructors.Any(c => c.Parameters.Any(p => Mentions(p.Type, services)));

    /// <summary>The type is a service type, or wraps one (<c>IEnumerable&lt;T&gt;</c>, <c>Lazy&lt;T&gt;</c>, <c>Func&lt;T&gt;</c>, an array).</summary>
    private static bool Mentions(ITypeSymbol type, HashSet<INamedTypeSymbol> services)
        => type switch
        {
            IArrayTypeSymbol array => Mentions(array.ElementType, services),
            INamedTypeSymbol named => services.Contains(named.OriginalDefinition) || (named.IsGenericType && named.TypeArguments.Any(t => Mentions(t, services))),
            _ => false,
        };

    /// <summary>
    /// Across the solution, a reference to the service sits in a constructor parameter of an object that lives for
    /// the process, or in a call that resolves a service by hand (<c>GetService</c>, <c>ActivatorUtilities</c>…).
    /// </summary>
    private static async Task<bool> IsUsedOutsideScopesAsync(Solution solution, INamedTypeSymbol service, ProcessLifetimeConsumers consumers, CancellationToken cancellationToken)
    {
        var references = await SymbolFinder.FindReferencesAsync(service, solution, cancellationToken).ConfigureAwait(false);
        foreach (var reference in references)
        {
            foreach (var location in reference.Locations)
            {
                var root = await location.Document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
                var model = await location.Document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
                if (root is null || model is null)
                {
                    return true;
                }

                var node = root.FindNode(location.Location.SourceSpan, getInnermostNodeForTie: true);
                if (node.FirstAncestorOrSelf<ParameterSyntax>() is { } parameter
                    && model.GetDeclaredSymbol(parameter, cancellationToken) is { ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.Constructor, ContainingType: { } owner } }
                    && consumers.Contains(owner))
                {
                    return true;
                }

                if (node.FirstAncestorOrSelf<InvocationExpressionSyntax>() is { } call
                    && GetName(call) is { } name && s_lookups.Contains(name.Identifier.ValueText))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// The classes whose instances live for the process, as consumers of a service that becomes scoped: conventional
    /// middleware (any constructor taking a <c>RequestDelegate</c>), hosted services, hand-rolled singletons, and the
    /// implementations of singleton registrations other than the ones rewritten.
    /// </summary>
    private sealed class ProcessLifetimeConsumers
    {
        private readonly ProcessLifetimeModel _lifetimes;
        private readonly ServiceRegistrations _registrations;
        private readonly HashSet<INamedTypeSymbol> _singletons;
        private readonly HashSet<INamedTypeSymbol> _rewritten;

        public ProcessLifetimeConsumers(Compilation compilation, ServiceRegistrations registrations, List<INamedTypeSymbol> singletons, HashSet<INamedTypeSymbol> rewritten)
        {
            _lifetimes = new ProcessLifetimeModel(compilation);
            _registrations = registrations;
            _singletons = new HashSet<INamedTypeSymbol>(singletons.Select(s => s.OriginalDefinition), SymbolEqualityComparer.Default);
            _rewritten = rewritten;
        }

        public bool Contains(INamedTypeSymbol type)
        {
            if (type.TypeKind != TypeKind.Class)
            {
                return false;
            }

            var definition = type.OriginalDefinition;
            return type.InstanceConstructors.Any(c => c.Parameters.Any(p => p.Type is { Name: "RequestDelegate" } t && t.ContainingNamespace?.ToDisplayString() == "Microsoft.AspNetCore.Http"))
                || IsHostedService(type)
                || _lifetimes.Classify(type) is ProcessLifetimeKind.HandRolledSingleton or ProcessLifetimeKind.Middleware or ProcessLifetimeKind.HostedService
                || _singletons.Contains(definition)
                || (_registrations.Singletons.Contains(definition) && !_rewritten.Contains(definition));
        }
    }
}
