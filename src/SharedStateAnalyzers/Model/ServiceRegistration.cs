using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SharedStateAnalyzers.Model;

/// <summary>How long the container keeps an instance of a registered service.</summary>
internal enum ServiceLifetimeKind
{
    Singleton,
    Scoped,
    Transient,
}

/// <summary>How a registration tells the container to make its instance.</summary>
internal enum RegistrationForm
{
    /// <summary>The container calls a constructor of the implementation type (<c>AddSingleton&lt;TService, TImpl&gt;()</c>, <c>typeof</c> forms).</summary>
    Type,

    /// <summary>The container calls a lambda or method (<c>AddSingleton&lt;T&gt;(sp =&gt; …)</c>).</summary>
    Factory,

    /// <summary>The caller hands over a ready instance (<c>AddSingleton(new T())</c>): the container builds nothing.</summary>
    Instance,
}

/// <summary>
/// One dependency-injection registration made in source: <c>AddSingleton</c>/<c>AddScoped</c>/<c>AddTransient</c> in
/// their generic, <c>typeof</c>, instance and factory forms, <c>TryAdd*</c>, keyed forms,
/// <c>AddDbContext</c>/<c>AddDbContextPool</c> (scoped unless a constant <c>contextLifetime</c> says otherwise),
/// <c>AddHostedService</c> (singleton) and typed clients of <c>AddHttpClient&lt;TClient&gt;</c>/<c>AddHttpClient&lt;TClient, TImpl&gt;</c> (transient).
/// </summary>
internal sealed class ServiceRegistration
{
    public ServiceRegistration(
        string methodName,
        ServiceLifetimeKind lifetime,
        INamedTypeSymbol? serviceType,
        INamedTypeSymbol? implementationType,
        RegistrationForm form,
        AnonymousFunctionExpressionSyntax? factory,
        bool isKeyed,
        object? key,
        bool isOpenGeneric,
        InvocationExpressionSyntax invocation,
        ImmutableArray<ServiceRequest> factoryRequests)
    {
        FactoryRequests = factoryRequests;
        MethodName = methodName;
        Lifetime = lifetime;
        ServiceType = serviceType;
        ImplementationType = implementationType;
        Form = form;
        Factory = factory;
        IsKeyed = isKeyed;
        Key = key;
        IsOpenGeneric = isOpenGeneric;
        Invocation = invocation;
    }

    /// <summary>The registration method's name as written: <c>AddSingleton</c>, <c>TryAddKeyedScoped</c>, <c>AddHttpClient</c>, …</summary>
    public string MethodName { get; }

    public ServiceLifetimeKind Lifetime { get; }

    /// <summary>The type the service is asked for by (the original definition for open generics); null when unknown.</summary>
    public INamedTypeSymbol? ServiceType { get; }

    /// <summary>
    /// The type of the object the container hands out, when known: the implementation type argument, the instance's
    /// type, or the type a factory lambda creates with <c>new</c> as its whole body; null otherwise.
    /// </summary>
    public INamedTypeSymbol? ImplementationType { get; }

    public RegistrationForm Form { get; }

    /// <summary>The factory lambda or anonymous method written inline, or null (also for a method group).</summary>
    public AnonymousFunctionExpressionSyntax? Factory { get; }

    public bool IsKeyed { get; }

    /// <summary>The key of a keyed registration when it is a constant, else null.</summary>
    public object? Key { get; }

    /// <summary>Registered by <c>typeof(IRepo&lt;&gt;)</c>: serves every construction of the generic service type.</summary>
    public bool IsOpenGeneric { get; }

    /// <summary>
    /// A typed client of <c>AddHttpClient&lt;TClient&gt;</c>, or a gRPC client of <c>AddGrpcClient&lt;TClient&gt;</c> (built
    /// over a typed <c>HttpClient</c> of the same factory): a transient that holds an <c>HttpClient</c>.
    /// </summary>
    public bool IsTypedHttpClient => MethodName is "AddHttpClient" or "AddGrpcClient";

    /// <summary>An <c>AddHostedService</c> registration: the host starts it, so it must stay a singleton.</summary>
    public bool IsHostedService => MethodName == "AddHostedService";

    /// <summary>
    /// The services the factory lambda asks its <c>IServiceProvider</c> parameter for (<c>GetService</c>,
    /// <c>GetRequiredService</c>, their keyed forms, <c>GetServices</c>), in source order; empty for other forms.
    /// Calls on another provider (<c>sp.CreateScope().ServiceProvider</c>) are not the factory's own dependencies.
    /// </summary>
    public ImmutableArray<ServiceRequest> FactoryRequests { get; }

    /// <summary>The registration call.</summary>
    public InvocationExpressionSyntax Invocation { get; }

    /// <summary>Where diagnostics about the registration go: from the method's name to the end of the call (<c>AddSingleton&lt;T&gt;()</c>), so that a chain of calls gets one location each.</summary>
    public Location Location
    {
        get
        {
            var start = Invocation.Expression is MemberAccessExpressionSyntax access ? access.Name.SpanStart : Invocation.SpanStart;
            return Location.Create(Invocation.SyntaxTree, Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(start, Invocation.Span.End));
        }
    }

    /// <summary>The name a diagnostic gives the service: the implementation's name, else the service's.</summary>
    public string DisplayName => (ImplementationType ?? ServiceType)?.Name ?? MethodName;
}

/// <summary>A service a constructor parameter or a factory's <c>GetService</c> call asks the container for.</summary>
internal readonly struct ServiceRequest
{
    public ServiceRequest(INamedTypeSymbol type, bool isEnumerable, bool isKeyed, object? key, IParameterSymbol? parameter, SyntaxNode? call)
    {
        Type = type;
        IsEnumerable = isEnumerable;
        IsKeyed = isKeyed;
        Key = key;
        Parameter = parameter;
        Call = call;
    }

    /// <summary>The service type asked for (the element type of <c>IEnumerable&lt;T&gt;</c> and <c>GetServices&lt;T&gt;</c>).</summary>
    public INamedTypeSymbol Type { get; }

    /// <summary>Every registration of the type is asked for.</summary>
    public bool IsEnumerable { get; }

    public bool IsKeyed { get; }

    /// <summary>The key when it is a constant, else null.</summary>
    public object? Key { get; }

    /// <summary>The constructor parameter that asks, or null for a factory's call.</summary>
    public IParameterSymbol? Parameter { get; }

    /// <summary>The factory's <c>GetService</c> call that asks, or null for a constructor parameter.</summary>
    public SyntaxNode? Call { get; }
}
