using System;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace SharedStateAnalyzers.Model;

/// <summary>Why a method or lambda handles requests.</summary>
internal enum RequestHandlerKind
{
    /// <summary>A public action of an MVC or API controller.</summary>
    ControllerAction,

    /// <summary>A Razor Pages handler: <c>OnGet</c>, <c>OnPostAsync</c>, <c>OnPostDelete</c>… of a <c>PageModel</c>.</summary>
    PageHandler,

    /// <summary>A method of an MVC, Razor Pages or endpoint filter interface.</summary>
    Filter,

    /// <summary><c>Invoke</c>/<c>InvokeAsync</c> of a middleware (conventional, or <c>IMiddleware</c>).</summary>
    Middleware,

    /// <summary>A lambda passed to <c>MapGet</c>, <c>MapPost</c>, <c>Map</c>… (a minimal API endpoint).</summary>
    MinimalApiHandler,

    /// <summary>A public method of a SignalR <c>Hub</c>.</summary>
    HubMethod,

    /// <summary>An override of a generated gRPC service base method.</summary>
    GrpcMethod,
}

/// <summary>
/// Which code handles requests: controller actions, Razor page handlers, filters, middleware, minimal API handler
/// lambdas, SignalR hub methods and gRPC service methods. The "any <c>async</c> method" part of request-handling
/// code is not decided here (callers check <see cref="IMethodSymbol.IsAsync"/>): this model answers only for the
/// framework entry points. A synchronous helper merely callable from such code is not a handler. One instance per
/// compilation, safe for concurrent use; answers are cached per method.
/// </summary>
internal sealed class RequestHandlers
{
    private static readonly ImmutableHashSet<string> s_filterInterfaces = ImmutableHashSet.Create(
        StringComparer.Ordinal,
        "Microsoft.AspNetCore.Mvc.Filters.IActionFilter",
        "Microsoft.AspNetCore.Mvc.Filters.IAsyncActionFilter",
        "Microsoft.AspNetCore.Mvc.Filters.IResultFilter",
        "Microsoft.AspNetCore.Mvc.Filters.IAsyncResultFilter",
        "Microsoft.AspNetCore.Mvc.Filters.IAuthorizationFilter",
        "Microsoft.AspNetCore.Mvc.Filters.IAsyncAuthorizationFilter",
        "Microsoft.AspNetCore.Mvc.Filters.IExceptionFilter",
        "Microsoft.AspNetCore.Mvc.Filters.IAsyncExceptionFilter",
        "Microsoft.AspNetCore.Mvc.Filters.IResourceFilter",
        "Microsoft.AspNetCore.Mvc.Filters.IAsyncResourceFilter",
        "Microsoft.AspNetCore.Mvc.Filters.IPageFilter",
        "Microsoft.AspNetCore.Mvc.Filters.IAsyncPageFilter",
        "Microsoft.AspNetCore.Http.IEndpointFilter",
        "Microsoft.AspNetCore.Http.IMiddleware");

    /// <summary>The endpoint methods a minimal API handler lambda is passed to.</summary>
    public static readonly ImmutableHashSet<string> MapMethodNames = ImmutableHashSet.Create(
        StringComparer.Ordinal,
        "Map", "MapGet", "MapPost", "MapPut", "MapDelete", "MapPatch", "MapMethods", "MapFallback");

    private readonly INamedTypeSymbol? _controllerBase;
    private readonly INamedTypeSymbol? _apiControllerAttribute;
    private readonly INamedTypeSymbol? _controllerAttribute;
    private readonly INamedTypeSymbol? _nonControllerAttribute;
    private readonly INamedTypeSymbol? _nonActionAttribute;
    private readonly INamedTypeSymbol? _pageModel;
    private readonly INamedTypeSymbol? _hub;
    private readonly INamedTypeSymbol? _httpContext;
    private readonly INamedTypeSymbol? _requestDelegate;
    private readonly INamedTypeSymbol? _bindServiceMethodAttribute;
    private readonly ConcurrentDictionary<IMethodSymbol, RequestHandlerKind?> _cache = new(SymbolEqualityComparer.Default);

    public RequestHandlers(Compilation compilation)
    {
        _controllerBase = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Mvc.ControllerBase");
        _apiControllerAttribute = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Mvc.ApiControllerAttribute");
        _controllerAttribute = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Mvc.ControllerAttribute");
        _nonControllerAttribute = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Mvc.NonControllerAttribute");
        _nonActionAttribute = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Mvc.NonActionAttribute");
        _pageModel = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Mvc.RazorPages.PageModel");
        _hub = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.SignalR.Hub");
        _httpContext = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Http.HttpContext");
        _requestDelegate = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Http.RequestDelegate");
        _bindServiceMethodAttribute = compilation.GetTypeByMetadataName("Grpc.Core.BindServiceMethodAttribute");
        IsAvailable = _httpContext is not null || _controllerBase is not null || _hub is not null || _bindServiceMethodAttribute is not null;
    }

    /// <summary>False when the compilation references no web framework: nothing is a request handler.</summary>
    public bool IsAvailable { get; }

    /// <summary>Why <paramref name="method"/> (an ordinary method) handles requests, or null.</summary>
    public RequestHandlerKind? Classify(IMethodSymbol method)
    {
        if (!IsAvailable || method.MethodKind != MethodKind.Ordinary || method.IsStatic || method.ContainingType is not { } type)
        {
            return null;
        }

        if (_cache.TryGetValue(method, out var cached))
        {
            return cached;
        }

        var kind = Compute(method, type);
        _cache.TryAdd(method, kind);
        return kind;
    }

    /// <summary>
    /// Why the function an operation sits in handles requests: the innermost lambda (a minimal API handler) or
    /// local function (never a handler by itself), else the containing method.
    /// </summary>
    public RequestHandlerKind? ClassifyFunction(IOperation? function, ISymbol? containingSymbol)
    {
        switch (function)
        {
            case IAnonymousFunctionOperation lambda:
                return IsMinimalApiHandler(lambda) ? RequestHandlerKind.MinimalApiHandler : null;
            case ILocalFunctionOperation:
                return null;
            default:
                return containingSymbol is IMethodSymbol method ? Classify(method) : null;
        }
    }

    /// <summary>A lambda passed (directly, through a delegate conversion) to a <c>Map…</c> endpoint method.</summary>
    public bool IsMinimalApiHandler(IAnonymousFunctionOperation lambda)
    {
        if (_httpContext is null)
        {
            return false;
        }

        IOperation current = lambda;
        while (current.Parent is IDelegateCreationOperation or IConversionOperation)
        {
            current = current.Parent;
        }

        return current.Parent is IArgumentOperation { Parent: IInvocationOperation invocation }
            && MapMethodNames.Contains(invocation.TargetMethod.Name)
            && invocation.TargetMethod.ContainingNamespace?.ToDisplayString() is "Microsoft.AspNetCore.Builder" or "Microsoft.AspNetCore.Routing";
    }

    private RequestHandlerKind? Compute(IMethodSymbol method, INamedTypeSymbol type)
    {
        if (IsPublicInstance(method) && IsController(type) && !HasAttribute(method, _nonActionAttribute))
        {
            return RequestHandlerKind.ControllerAction;
        }

        if (_pageModel is not null && IsPublicInstance(method) && DerivesFrom(type, _pageModel) && IsPageHandlerName(method.Name))
        {
            return RequestHandlerKind.PageHandler;
        }

        if (_hub is not null && IsPublicInstance(method) && DerivesFrom(type, _hub))
        {
            return RequestHandlerKind.HubMethod;
        }

        if (method.Name is "Invoke" or "InvokeAsync" && method.Parameters.Length > 0 && _httpContext is not null
            && SymbolEqualityComparer.Default.Equals(method.Parameters[0].Type, _httpContext)
            && (TakesRequestDelegate(type) || ImplementsFilterMember(method, type)))
        {
            return RequestHandlerKind.Middleware;
        }

        if (ImplementsFilterMember(method, type))
        {
            return RequestHandlerKind.Filter;
        }

        if (_bindServiceMethodAttribute is not null && method.IsOverride && IsGrpcServiceMethod(method))
        {
            return RequestHandlerKind.GrpcMethod;
        }

        return null;
    }

    /// <summary>A controller, Razor page model or SignalR hub: the framework makes an instance per request (or per hub call).</summary>
    public bool IsMadePerRequest(INamedTypeSymbol type)
        => IsAvailable && (IsController(type) || (_pageModel is not null && DerivesFrom(type, _pageModel)) || (_hub is not null && DerivesFrom(type, _hub)));

    /// <summary>
    /// Whether any method of <paramref name="type"/> can be a handler: a controller, page model or hub, a middleware,
    /// a filter, a gRPC service. A cheap type-level test before <see cref="Classify"/> is asked for each method.
    /// </summary>
    public bool MayHandleRequests(INamedTypeSymbol type)
    {
        if (!IsAvailable || type.TypeKind != TypeKind.Class || type.IsStatic)
        {
            return false;
        }

        if (IsMadePerRequest(type) || TakesRequestDelegate(type))
        {
            return true;
        }

        foreach (var @interface in type.AllInterfaces)
        {
            if (@interface.Name.EndsWith("Filter", StringComparison.Ordinal) || @interface.Name == "IMiddleware")
            {
                return true;
            }
        }

        if (_bindServiceMethodAttribute is not null)
        {
            for (var current = type.BaseType; current is not null; current = current.BaseType)
            {
                for (var container = current; container is not null; container = container.ContainingType)
                {
                    if (HasAttribute(container, _bindServiceMethodAttribute))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    private static bool IsPublicInstance(IMethodSymbol method)
        => method.DeclaredAccessibility == Accessibility.Public && !method.IsStatic && !method.IsAbstract;

    private bool IsController(INamedTypeSymbol type)
    {
        // An abstract base controller is not a controller itself, but its public methods are actions of every derived one.
        if (HasAttribute(type, _nonControllerAttribute, inherited: true))
        {
            return false;
        }

        return (_controllerBase is not null && DerivesFrom(type, _controllerBase))
            || HasAttribute(type, _apiControllerAttribute, inherited: true)
            || HasAttribute(type, _controllerAttribute, inherited: true);
    }

    /// <summary><c>On{Verb}</c>, optionally followed by a handler name and/or <c>Async</c>.</summary>
    private static bool IsPageHandlerName(string name)
    {
        foreach (var verb in new[] { "OnGet", "OnPost", "OnPut", "OnDelete", "OnPatch", "OnHead", "OnOptions" })
        {
            if (name.StartsWith(verb, StringComparison.Ordinal) && (name.Length == verb.Length || char.IsUpper(name[verb.Length])))
            {
                return true;
            }
        }

        return false;
    }

    private bool TakesRequestDelegate(INamedTypeSymbol type)
    {
        if (_requestDelegate is null)
        {
            return false;
        }

        foreach (var constructor in type.InstanceConstructors)
        {
            foreach (var parameter in constructor.Parameters)
            {
                if (SymbolEqualityComparer.Default.Equals(parameter.Type, _requestDelegate))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool ImplementsFilterMember(IMethodSymbol method, INamedTypeSymbol type)
    {
        foreach (var @interface in type.AllInterfaces)
        {
            if (!s_filterInterfaces.Contains(@interface.ToDisplayString()))
            {
                continue;
            }

            foreach (var member in @interface.GetMembers())
            {
                if (SymbolEqualityComparer.Default.Equals(type.FindImplementationForInterfaceMember(member), method))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Overrides a method of a base class that the gRPC code generator marked with <c>[BindServiceMethod]</c>.</summary>
    private bool IsGrpcServiceMethod(IMethodSymbol method)
    {
        for (var overridden = method.OverriddenMethod; overridden is not null; overridden = overridden.OverriddenMethod)
        {
            for (var type = overridden.ContainingType; type is not null; type = type.ContainingType)
            {
                if (HasAttribute(type, _bindServiceMethodAttribute))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool DerivesFrom(INamedTypeSymbol type, INamedTypeSymbol baseType)
    {
        for (var current = type.BaseType; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, baseType))
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasAttribute(ISymbol symbol, INamedTypeSymbol? attribute, bool inherited = false)
    {
        if (attribute is null)
        {
            return false;
        }

        for (var current = symbol; current is not null; current = inherited && current is INamedTypeSymbol named ? named.BaseType : null)
        {
            foreach (var data in current.GetAttributes())
            {
                if (data.AttributeClass is { } attributeClass && (SymbolEqualityComparer.Default.Equals(attributeClass, attribute) || DerivesFrom(attributeClass, attribute)))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
