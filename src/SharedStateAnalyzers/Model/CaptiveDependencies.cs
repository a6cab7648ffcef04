using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace SharedStateAnalyzers.Model;

/// <summary>Why a dependency must not live as long as the singleton that holds it.</summary>
internal enum CaptiveReason
{
    /// <summary>Registered as scoped: one scope's (one request's) instance would serve every request.</summary>
    Scoped,

    /// <summary>A transient that is <c>IDisposable</c>/<c>IAsyncDisposable</c>: kept, and only disposed when the process ends.</summary>
    DisposableTransient,

    /// <summary>A typed <c>HttpClient</c> (<c>AddHttpClient&lt;T&gt;</c>): its handler is never rotated.</summary>
    TypedHttpClient,
}

/// <summary>A singleton's dependency that is shorter-lived than the singleton, and the path to it.</summary>
internal sealed class CaptiveDependency
{
    public CaptiveDependency(ServiceRegistration consumer, ServiceRequest request, ServiceRegistration dependency, ImmutableArray<ServiceRegistration> via, CaptiveReason reason)
    {
        Consumer = consumer;
        Request = request;
        Dependency = dependency;
        Via = via;
        Reason = reason;
    }

    /// <summary>The singleton registration.</summary>
    public ServiceRegistration Consumer { get; }

    /// <summary>What the singleton asks for: a constructor parameter or a factory's <c>GetService</c> call.</summary>
    public ServiceRequest Request { get; }

    /// <summary>The registration of the shorter-lived service.</summary>
    public ServiceRegistration Dependency { get; }

    /// <summary>The transients between the singleton and the dependency, outermost first; empty for a direct dependency.</summary>
    public ImmutableArray<ServiceRegistration> Via { get; }

    public CaptiveReason Reason { get; }
}

/// <summary>
/// The constructor the container would pick for a type: the public constructor marked
/// <c>[ActivatorUtilitiesConstructor]</c>, else the public constructor with the most parameters (the first declared
/// among equals). The real container picks the longest constructor whose parameters it can all resolve; since
/// registrations made outside the compilation (logging, options, the framework's own) are unknown here, the longest
/// public constructor stands for it.
/// </summary>
internal static class ContainerActivation
{
    public static IMethodSymbol? GetConstructor(INamedTypeSymbol? type)
    {
        if (type is null || type.TypeKind != TypeKind.Class || type.IsAbstract || type.IsStatic)
        {
            return null;
        }

        IMethodSymbol? longest = null;
        foreach (var constructor in type.InstanceConstructors)
        {
            if (constructor.DeclaredAccessibility != Accessibility.Public)
            {
                continue;
            }

            foreach (var attribute in constructor.GetAttributes())
            {
                if (attribute.AttributeClass is { Name: "ActivatorUtilitiesConstructorAttribute" } marker
                    && marker.ContainingNamespace?.ToDisplayString() == "Microsoft.Extensions.DependencyInjection")
                {
                    return constructor;
                }
            }

            if (longest is null || constructor.Parameters.Length > longest.Parameters.Length)
            {
                longest = constructor;
            }
        }

        return longest;
    }
}

/// <summary>What a registration asks the container for: its constructor's parameters, or its factory's <c>GetService</c> calls.</summary>
internal static class ServiceRequests
{
    private static readonly ImmutableHashSet<string> s_resolveMethods = ImmutableHashSet.Create(
        StringComparer.Ordinal,
        "GetService", "GetRequiredService", "GetServices", "GetKeyedService", "GetRequiredKeyedService", "GetKeyedServices");

    /// <summary>The services the constructor the container would pick asks for.</summary>
    public static ImmutableArray<ServiceRequest> Of(ServiceRegistration registration)
    {
        if (registration.Form == RegistrationForm.Factory)
        {
            return registration.FactoryRequests;
        }

        if (registration.Form == RegistrationForm.Instance || ContainerActivation.GetConstructor(registration.ImplementationType) is not { } constructor)
        {
            return ImmutableArray<ServiceRequest>.Empty;
        }

        var requests = ImmutableArray.CreateBuilder<ServiceRequest>(constructor.Parameters.Length);
        foreach (var parameter in constructor.Parameters)
        {
            if (parameter.Type is not INamedTypeSymbol type || type.TypeKind == TypeKind.Error)
            {
                continue;
            }

            var keyed = false;
            object? key = null;
            var isServiceKey = false;
            foreach (var attribute in parameter.GetAttributes())
            {
                if (attribute.AttributeClass?.ContainingNamespace?.ToDisplayString() != "Microsoft.Extensions.DependencyInjection")
                {
                    continue;
                }

                if (attribute.AttributeClass.Name == "FromKeyedServicesAttribute")
                {
                    keyed = true;
                    key = attribute.ConstructorArguments.Length == 1 ? attribute.ConstructorArguments[0].Value : null;
                }
                else if (attribute.AttributeClass.Name == "ServiceKeyAttribute")
                {
                    isServiceKey = true;
                }
            }

            if (!isServiceKey)
            {
                requests.Add(Create(type, forceEnumerable: false, keyed, key, parameter, call: null));
            }
        }

        return requests.ToImmutable();
    }

    /// <summary>The <c>GetService</c>-family calls on the factory's own <c>IServiceProvider</c> parameter.</summary>
    public static ImmutableArray<ServiceRequest> InFactory(SemanticModel model, AnonymousFunctionExpressionSyntax factory)
    {
        var providers = new List<IParameterSymbol>(1);
        if (model.GetSymbolInfo(factory).Symbol is IMethodSymbol lambda)
        {
            foreach (var parameter in lambda.Parameters)
            {
                if (parameter.Type is { Name: "IServiceProvider", ContainingNamespace.Name: "System" })
                {
                    providers.Add(parameter);
                }
            }
        }

        if (providers.Count == 0)
        {
            return ImmutableArray<ServiceRequest>.Empty;
        }

        var requests = ImmutableArray.CreateBuilder<ServiceRequest>();
        foreach (var node in factory.Body.DescendantNodesAndSelf())
        {
            if (node is not InvocationExpressionSyntax invocation
                || (invocation.Expression as MemberAccessExpressionSyntax)?.Name.Identifier.ValueText is not { } name
                || !s_resolveMethods.Contains(name)
                || model.GetOperation(invocation) is not IInvocationOperation operation)
            {
                continue;
            }

            var method = operation.TargetMethod;
            var receiver = operation.Instance ?? (method.IsExtensionMethod && operation.Arguments.Length > 0 ? operation.Arguments[0].Value : null);
            receiver = receiver?.WithoutConversions();

            if (receiver is not IParameterReferenceOperation reference || !Contains(providers, reference.Parameter)
                || OfCall(operation) is not { } request)
            {
                continue;
            }

            requests.Add(request);
        }

        return requests.ToImmutable();
    }

    /// <summary>
    /// The service a call of one of the container's resolving methods asks for (<c>GetRequiredService&lt;T&gt;()</c>,
    /// <c>GetService(typeof(T))</c>, their keyed forms, <c>GetServices</c>): its type argument or its <c>serviceType</c>,
    /// and its key when it is a constant. Null for another call, or when the type is not known.
    /// </summary>
    public static ServiceRequest? OfCall(IInvocationOperation operation)
    {
        var method = operation.TargetMethod;
        var name = method.Name;
        if (!s_resolveMethods.Contains(name))
        {
            return null;
        }

        INamedTypeSymbol? type = method.TypeArguments.Length == 1 ? method.TypeArguments[0] as INamedTypeSymbol : null;
        object? key = null;
        foreach (var argument in operation.Arguments)
        {
            if (argument.Parameter?.Name == "serviceType" && argument.Value is ITypeOfOperation typeOf)
            {
                type = typeOf.TypeOperand as INamedTypeSymbol;
            }
            else if (argument.Parameter?.Name == "serviceKey")
            {
                var value = argument.Value;
                value = value.WithoutConversions();

                key = value.ConstantValue.HasValue ? value.ConstantValue.Value : null;
            }
        }

        if (type is null || type.TypeKind == TypeKind.Error)
        {
            return null;
        }

        var keyed = name.IndexOf("Keyed", StringComparison.Ordinal) >= 0;
        return Create(type, forceEnumerable: name is "GetServices" or "GetKeyedServices", keyed, key, parameter: null, operation.Syntax);
    }

    private static bool Contains(List<IParameterSymbol> providers, IParameterSymbol parameter)
    {
        foreach (var provider in providers)
        {
            if (SymbolEqualityComparer.Default.Equals(provider, parameter))
            {
                return true;
            }
        }

        return false;
    }

    private static ServiceRequest Create(INamedTypeSymbol type, bool forceEnumerable, bool keyed, object? key, IParameterSymbol? parameter, SyntaxNode? call)
    {
        if (!forceEnumerable && type.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T
            && type.TypeArguments.Length == 1 && type.TypeArguments[0] is INamedTypeSymbol element)
        {
            return new ServiceRequest(element, isEnumerable: true, keyed, key, parameter, call);
        }

        return new ServiceRequest(type, forceEnumerable, keyed, key, parameter, call);
    }
}

/// <summary>
/// Which services a singleton registration captures: services the compilation registers as scoped, asked for directly,
/// through <c>IEnumerable&lt;T&gt;</c>, through an open generic registration, or through transients (a few levels deep,
/// each registration visited once); and transients that are disposable or typed <c>HttpClient</c>s. A service with a
/// singleton registration among its registrations is taken as a singleton (which registration wins depends on the
/// order the calls run in); services the compilation does not register (options, loggers, <c>IServiceScopeFactory</c>,
/// <c>IServiceProvider</c>, the framework's own) are never captive.
/// </summary>
internal sealed class CaptiveDependencies
{
    private const int MaxDepth = 4;

    private readonly Compilation _compilation;
    private readonly ServiceRegistrations _registrations;
    private readonly DisposableTypes _disposables;

    public CaptiveDependencies(Compilation compilation)
    {
        _compilation = compilation;
        _registrations = ServiceRegistrations.For(compilation);
        _disposables = new DisposableTypes(compilation);
    }

    public ServiceRegistrations Registrations => _registrations;

    /// <summary>
    /// For each request of the singleton that reaches a shorter-lived service, the first such service, in request
    /// order; each service once, by its shortest path (a unit of work taking a DbContext and three repositories
    /// that take it too captures one DbContext).
    /// </summary>
    public ImmutableArray<CaptiveDependency> Find(ServiceRegistration singleton, CancellationToken cancellationToken)
    {
        if (singleton.Lifetime != ServiceLifetimeKind.Singleton)
        {
            return ImmutableArray<CaptiveDependency>.Empty;
        }

        var result = new List<CaptiveDependency>();
        foreach (var request in ServiceRequests.Of(singleton))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var visited = new HashSet<ServiceRegistration> { singleton };
            if (!FindIn(request, ImmutableArray<ServiceRegistration>.Empty, visited, IsHandedToAnOwner(request), out var dependency, out var via, out var reason))
            {
                continue;
            }

            var found = new CaptiveDependency(singleton, request, dependency!, via, reason);
            var same = result.FindIndex(existing => ReferenceEquals(existing.Dependency, found.Dependency));
            if (same < 0)
            {
                result.Add(found);
            }
            else if (found.Via.Length < result[same].Via.Length)
            {
                result[same] = found;
            }
        }

        return result.ToImmutableArray();
    }

    /// <summary>
    /// Whether some singleton registration other than <paramref name="target"/> asks for <paramref name="target"/>'s
    /// service, directly or through transients: making <paramref name="target"/> scoped would make that singleton
    /// its captor.
    /// </summary>
    public bool IsUsedBySingleton(ServiceRegistration target, CancellationToken cancellationToken)
    {
        foreach (var registration in _registrations.Registrations)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (registration.Lifetime != ServiceLifetimeKind.Singleton || ReferenceEquals(registration, target))
            {
                continue;
            }

            var visited = new HashSet<ServiceRegistration> { registration };
            foreach (var request in ServiceRequests.Of(registration))
            {
                if (Reaches(request, target, visited, 0))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Every registration a request resolves to, or an empty list when a singleton one may win.</summary>
    private ImmutableArray<ServiceRegistration> Resolve(ServiceRequest request)
    {
        var candidates = _registrations.GetRegistrationsOf(request.Type, request.IsKeyed);
        if (candidates.IsEmpty)
        {
            return candidates;
        }

        var matching = ImmutableArray.CreateBuilder<ServiceRegistration>(candidates.Length);
        foreach (var candidate in candidates)
        {
            if (request.IsKeyed && (request.Key is null || candidate.Key is null || !request.Key.Equals(candidate.Key)))
            {
                continue;
            }

            if (candidate.Lifetime == ServiceLifetimeKind.Singleton && !request.IsEnumerable)
            {
                return ImmutableArray<ServiceRegistration>.Empty;
            }

            if (candidate.Lifetime != ServiceLifetimeKind.Singleton && IsAlternativeToASingleton(candidate, candidates))
            {
                continue;
            }

            // `TryAddScoped<IHttpContextAccessor, …>()` does nothing when the framework or a library has registered the
            // service first (AddIdentity registers the accessor as a singleton): for a service type declared outside
            // the compilation, the lifetime a TryAdd names is not known to be the one that wins.
            if (IsUndecidedTryAdd(candidate) && !request.IsEnumerable)
            {
                return ImmutableArray<ServiceRegistration>.Empty;
            }

            matching.Add(candidate);
        }

        return matching.ToImmutable();
    }

    /// <summary>
    /// A registration made in one branch of an <c>if</c>/<c>else</c> or a conditional expression whose other branch
    /// registers the same service as a singleton: the lifetime is chosen when the app starts (a sink that takes its
    /// consumer's lifetime, <c>if (consumer is scoped) AddScoped else AddSingleton</c>), and only one of the two runs.
    /// </summary>
    private static bool IsAlternativeToASingleton(ServiceRegistration candidate, ImmutableArray<ServiceRegistration> candidates)
    {
        foreach (var other in candidates)
        {
            if (other.Lifetime == ServiceLifetimeKind.Singleton && other.IsKeyed == candidate.IsKeyed
                && other.Invocation.SyntaxTree == candidate.Invocation.SyntaxTree
                && AreExclusiveBranches(candidate.Invocation, other.Invocation))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The two nodes sit in the two branches of the innermost <c>if</c> or conditional expression that holds both.</summary>
    private static bool AreExclusiveBranches(SyntaxNode first, SyntaxNode second)
    {
        foreach (var ancestor in first.Ancestors())
        {
            if (!ancestor.Span.Contains(second.Span))
            {
                continue;
            }

            switch (ancestor)
            {
                case IfStatementSyntax { Else: { } otherwise } choice:
                    return (choice.Statement.Span.Contains(first.Span) && otherwise.Span.Contains(second.Span))
                        || (choice.Statement.Span.Contains(second.Span) && otherwise.Span.Contains(first.Span));
                case ConditionalExpressionSyntax conditional:
                    return (conditional.WhenTrue.Span.Contains(first.Span) && conditional.WhenFalse.Span.Contains(second.Span))
                        || (conditional.WhenTrue.Span.Contains(second.Span) && conditional.WhenFalse.Span.Contains(first.Span));
                case MemberDeclarationSyntax:
                    return false;
            }
        }

        return false;
    }

    /// <summary>
    /// The factory passes what it resolves straight to an object that owns and disposes it: the handler of
    /// <c>new HttpClient(sp.GetRequiredService&lt;HttpMessageHandler&gt;())</c> (or an <c>HttpMessageInvoker</c>), the
    /// <c>InnerHandler</c> of a <c>DelegatingHandler</c>. The singleton client is then the handler's owner by design,
    /// not a consumer that keeps a short-lived service alive.
    /// </summary>
    private static bool IsHandedToAnOwner(ServiceRequest request)
    {
        SyntaxNode? node = request.Call;
        while (node?.Parent is CastExpressionSyntax or ParenthesizedExpressionSyntax or PostfixUnaryExpressionSyntax)
        {
            node = node.Parent;
        }

        return node?.Parent switch
        {
            ArgumentSyntax { Parent: ArgumentListSyntax { Parent: ObjectCreationExpressionSyntax creation } }
                => SyntaxNames.RightmostName(creation.Type) is "HttpClient" or "HttpMessageInvoker",
            AssignmentExpressionSyntax assignment when assignment.Right == node => SyntaxNames.Names(assignment.Left, "InnerHandler"),
            _ => false,
        };
    }

    private bool IsUndecidedTryAdd(ServiceRegistration registration)
        => registration.MethodName.StartsWith("TryAdd", StringComparison.Ordinal)
            && registration.ServiceType is { } service
            && !SymbolEqualityComparer.Default.Equals(service.ContainingAssembly, _compilation.Assembly);

    /// <param name="owned">
    /// The request is a handler chain handed to the object that owns and disposes it (<see cref="IsHandedToAnOwner"/>):
    /// its disposable transients, and those its handlers take in turn, are the owner's. A scoped service in it still
    /// counts.
    /// </param>
    private bool FindIn(ServiceRequest request, ImmutableArray<ServiceRegistration> via, HashSet<ServiceRegistration> visited, bool owned, out ServiceRegistration? dependency, out ImmutableArray<ServiceRegistration> path, out CaptiveReason reason)
    {
        foreach (var candidate in Resolve(request))
        {
            switch (candidate.Lifetime)
            {
                case ServiceLifetimeKind.Scoped:
                    dependency = candidate;
                    path = via;
                    reason = CaptiveReason.Scoped;
                    return true;
                case ServiceLifetimeKind.Transient when candidate.IsTypedHttpClient:
                    dependency = candidate;
                    path = via;
                    reason = CaptiveReason.TypedHttpClient;
                    return true;
                case ServiceLifetimeKind.Transient when !owned && _disposables.IsDisposable(candidate.ImplementationType ?? candidate.ServiceType):
                    dependency = candidate;
                    path = via;
                    reason = CaptiveReason.DisposableTransient;
                    return true;
                case ServiceLifetimeKind.Transient when via.Length < MaxDepth && visited.Add(candidate):
                    foreach (var inner in ServiceRequests.Of(candidate))
                    {
                        if (FindIn(inner, via.Add(candidate), visited, owned, out dependency, out path, out reason))
                        {
                            return true;
                        }
                    }

                    break;
            }
        }

        dependency = null;
        path = ImmutableArray<ServiceRegistration>.Empty;
        reason = default;
        return false;
    }

    private bool Reaches(ServiceRequest request, ServiceRegistration target, HashSet<ServiceRegistration> visited, int depth)
    {
        foreach (var candidate in _registrations.GetRegistrationsOf(request.Type, request.IsKeyed))
        {
            if (ReferenceEquals(candidate, target))
            {
                return true;
            }

            if (candidate.Lifetime == ServiceLifetimeKind.Transient && depth < MaxDepth && visited.Add(candidate))
            {
                foreach (var inner in ServiceRequests.Of(candidate))
                {
                    if (Reaches(inner, target, visited, depth + 1))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }
}
