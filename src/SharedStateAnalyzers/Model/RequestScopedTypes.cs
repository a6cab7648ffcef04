using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using SharedStateAnalyzers.Configuration;

namespace SharedStateAnalyzers.Model;

/// <summary>Why a type's instances belong to one request (or one user).</summary>
internal enum RequestScopedKind
{
    /// <summary>An ASP.NET Core request object: <c>HttpContext</c>, <c>HttpRequest</c>, <c>HttpResponse</c>, <c>ISession</c>…</summary>
    Request,

    /// <summary>The request's user: <c>ClaimsPrincipal</c>, <c>ClaimsIdentity</c>.</summary>
    User,

    /// <summary>A <c>DbContext</c> subclass: a unit of work, registered scoped and not thread-safe.</summary>
    DbContext,

    /// <summary>A type the compilation registers as scoped (<c>AddScoped</c>, <c>AddDbContext</c>…).</summary>
    RegisteredScoped,

    /// <summary>A type <c>.editorconfig</c> lists in <c>shared_state.request_scoped_types</c>.</summary>
    Configured,
}

/// <summary>A value read from the current request, and the member (or parameter) it was read through.</summary>
internal readonly struct RequestRead
{
    public RequestRead(string name, bool isUserData, bool isMemberRead = true)
    {
        Name = name;
        IsUserData = isUserData;
        IsMemberRead = isMemberRead;
    }

    /// <summary>False when <see cref="Name"/> names a parameter or local rather than a member.</summary>
    public bool IsMemberRead { get; }

    /// <summary>The member read on (or returning) a request object, or the request-bound parameter.</summary>
    public string Name { get; }

    /// <summary>The read goes through the user's identity, claims, session, cookies or connection.</summary>
    public bool IsUserData { get; }

    /// <summary>The words used in diagnostic messages.</summary>
    public string Describe() => "request data (" + Name + ")";
}

/// <summary>
/// Which types hold one request's or one user's data, and which values are read from the current request.
/// <para>
/// Request-scoped types: <c>HttpContext</c>, <c>HttpRequest</c>, <c>HttpResponse</c>, <c>ISession</c>,
/// <c>ConnectionInfo</c>, <c>IFormCollection</c>, SignalR's <c>HubCallerContext</c> (and their subclasses and
/// implementations); <c>ClaimsPrincipal</c> and <c>ClaimsIdentity</c> when the compilation references ASP.NET Core
/// (in a desktop app the process has one user); any <c>DbContext</c> subclass; any type the compilation registers as
/// scoped (<c>AddScoped</c>, <c>TryAddScoped</c>, <c>AddKeyedScoped</c>, <c>TryAddKeyedScoped</c>,
/// <c>AddDbContext</c>, <c>AddDbContextPool</c>: service and implementation types); and the types listed in
/// <c>shared_state.request_scoped_types</c>.
/// </para>
/// <para>
/// Request data: a value read (not created) whose type is one of the request types above (other than
/// <c>DbContext</c>s and registered types, whose reads are database or service data), a plain-valued property read
/// from an object of a registered scoped type (the state it holds for its request: <c>_tenant.TenantName</c>), or of the request's parts
/// (<c>IHeaderDictionary</c>, <c>IQueryCollection</c>, <c>IRequestCookieCollection</c>, <c>IFormFile</c>,
/// <c>RouteData</c>, <c>IIdentity</c>); anything read from such a value (<c>User.Identity.Name</c>,
/// <c>Request.Headers["X-Id"]</c>, <c>Session.GetString(…)</c>, <c>RouteValues["id"]</c>); strings, objects, tuples
/// and collections built from it; and, when the caller says so, parameters bound from the request (of a controller
/// action, page handler, hub method or minimal API handler). Values only computed from request data through other
/// code (a count kept by the app, a comparison) are not request data.
/// </para>
/// One instance per compilation, safe for concurrent use; the registrations are gathered once, on first need, and
/// only from files that mention a scoped registration.
/// </summary>
internal sealed class RequestScopedTypes
{
    /// <summary>
    /// A SignalR hub's <c>Context.ConnectionId</c>: it names one connection. A static map keyed by it (the hub's
    /// connection mapping, filled on connect and emptied on disconnect) gives each connection its own entry.
    /// </summary>
    public static bool IsHubConnectionId(ISymbol? member)
        => member is IPropertySymbol { Name: "ConnectionId", ContainingType: { Name: "HubCallerContext" } hubContext }
            && hubContext.ContainingNamespace?.ToDisplayString() == "Microsoft.AspNetCore.SignalR";

    /// <summary>
    /// <c>HttpContext.Connection.Id</c>: the id the server gives a transport connection. Like a hub's connection id it
    /// names a connection, not a user: a static set of them counts the connections in use.
    /// </summary>
    public static bool IsServerConnectionId(IOperation? value)
        => value?.WithoutConversions() is IPropertyReferenceOperation { Property: { Name: "Id" } property } && IsConnectionInfo(property.ContainingType);

    /// <summary>A key that is a hub's connection id (<see cref="IsHubConnectionId(ISymbol?)"/>).</summary>
    public static bool IsHubConnectionKey(IOperation? key)
        => key?.WithoutConversions() is IPropertyReferenceOperation property && IsHubConnectionId(property.Property);

    private static bool IsConnectionInfo(INamedTypeSymbol? type)
        => type is { Name: "ConnectionInfo" } && type.ContainingNamespace?.ToDisplayString() == "Microsoft.AspNetCore.Http";

    private const int MaxLocalDepth = 3;

    private static readonly string[] s_requestTypeNames =
    {
        "Microsoft.AspNetCore.Http.HttpContext",
        "Microsoft.AspNetCore.Http.HttpRequest",
        "Microsoft.AspNetCore.Http.HttpResponse",
        "Microsoft.AspNetCore.Http.ISession",
        "Microsoft.AspNetCore.Http.ConnectionInfo",
        "Microsoft.AspNetCore.Http.IFormCollection",
        "Microsoft.AspNetCore.SignalR.HubCallerContext",
    };

    private static readonly string[] s_userTypeNames =
    {
        "System.Security.Claims.ClaimsPrincipal",
        "System.Security.Claims.ClaimsIdentity",
    };

    /// <summary>Parts of a request: values of these types are request data when read, but a static field of one is not flagged by its type.</summary>
    private static readonly string[] s_requestPartNames =
    {
        "Microsoft.AspNetCore.Http.IHeaderDictionary",
        "Microsoft.AspNetCore.Http.IQueryCollection",
        "Microsoft.AspNetCore.Http.IRequestCookieCollection",
        "Microsoft.AspNetCore.Http.IFormFile",
        "Microsoft.AspNetCore.Routing.RouteData",
        "System.Security.Principal.IIdentity",
    };

    /// <summary>Reads through these are the user's own data: a collection keyed by them holds per-user entries.</summary>
    private static readonly string[] s_userDataNames =
    {
        "System.Security.Claims.ClaimsPrincipal",
        "System.Security.Claims.ClaimsIdentity",
        "System.Security.Claims.Claim",
        "System.Security.Principal.IIdentity",
        "Microsoft.AspNetCore.Http.ISession",
        "Microsoft.AspNetCore.Http.ConnectionInfo",
        "Microsoft.AspNetCore.Http.IRequestCookieCollection",
    };

    /// <summary>The <c>IServiceProvider</c> calls that resolve a service.</summary>
    public static readonly ImmutableHashSet<string> ServiceLookups = ImmutableHashSet.Create(
        StringComparer.Ordinal, "GetService", "GetRequiredService", "GetKeyedService", "GetRequiredKeyedService", "GetServices", "GetRequiredServices");

    private readonly ImmutableDictionary<INamedTypeSymbol, RequestScopedKind> _knownTypes;
    private readonly ImmutableHashSet<INamedTypeSymbol> _alwaysRequestOwned;
    private readonly ImmutableHashSet<INamedTypeSymbol> _requestParts;
    private readonly ImmutableHashSet<INamedTypeSymbol> _userData;
    private readonly INamedTypeSymbol? _dbContext;
    private readonly INamedTypeSymbol? _asyncLocal;
    private readonly ServiceRegistrations _registrations;
    private readonly ConcurrentDictionary<ITypeSymbol, RequestScopedKind?> _cache = new(SymbolEqualityComparer.Default);

    private RequestScopedTypes(Compilation compilation, ImmutableArray<string> configuredTypes)
    {
        var known = ImmutableDictionary.CreateBuilder<INamedTypeSymbol, RequestScopedKind>(SymbolEqualityComparer.Default);
        var always = ImmutableHashSet.CreateBuilder<INamedTypeSymbol>(SymbolEqualityComparer.Default);
        var hasAspNetCore = compilation.GetTypeByMetadataName(s_requestTypeNames[0]) is not null;
        foreach (var name in s_requestTypeNames)
        {
            if (compilation.GetTypeByMetadataName(name) is { } type)
            {
                known[type] = RequestScopedKind.Request;
                if (name.EndsWith("HttpContext", StringComparison.Ordinal) || name.EndsWith("HttpRequest", StringComparison.Ordinal) || name.EndsWith("HttpResponse", StringComparison.Ordinal))
                {
                    always.Add(type);
                }
            }
        }

        if (hasAspNetCore)
        {
            foreach (var name in s_userTypeNames)
            {
                if (compilation.GetTypeByMetadataName(name) is { } type)
                {
                    known[type] = RequestScopedKind.User;
                }
            }
        }

        foreach (var type in AnalyzerSettings.Resolve(compilation, configuredTypes))
        {
            known[type.OriginalDefinition] = RequestScopedKind.Configured;
        }

        _knownTypes = known.ToImmutable();
        _dbContext = compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.DbContext");
        if (_dbContext is not null)
        {
            always.Add(_dbContext);
        }

        _alwaysRequestOwned = always.ToImmutable();
        _requestParts = Resolve(compilation, hasAspNetCore ? s_requestPartNames : Array.Empty<string>());
        _userData = Resolve(compilation, hasAspNetCore ? s_userDataNames : Array.Empty<string>());
        _asyncLocal = compilation.GetTypeByMetadataName("System.Threading.AsyncLocal`1");
        _registrations = ServiceRegistrations.For(compilation);
    }

    /// <summary>The model, or null when the compilation can hold no request-scoped type (no ASP.NET Core, EF Core, DI or configured type).</summary>
    public static RequestScopedTypes? Create(Compilation compilation, ImmutableArray<string> configuredTypes)
    {
        var model = new RequestScopedTypes(compilation, configuredTypes);
        return model._knownTypes.IsEmpty && model._dbContext is null && !model._registrations.CanRegister ? null : model;
    }

    /// <summary>Why instances of <paramref name="type"/> belong to one request, or null.</summary>
    public RequestScopedKind? Classify(ITypeSymbol type)
    {
        if (type is not INamedTypeSymbol named)
        {
            return null;
        }

        if (_cache.TryGetValue(named, out var cached))
        {
            return cached;
        }

        var kind = Compute(named);
        _cache.TryAdd(named, kind);
        return kind;
    }

    /// <summary>
    /// The request-scoped type <paramref name="type"/> is, or holds as an element: an array of it, or a generic
    /// type of the .NET libraries (<c>List&lt;T&gt;</c>, <c>Dictionary&lt;K, V&gt;</c>, <c>ConcurrentQueue&lt;T&gt;</c>,
    /// <c>Lazy&lt;T&gt;</c>, <c>Task&lt;T&gt;</c>, tuples…) with it among its type arguments, nested up to three levels.
    /// <c>AsyncLocal&lt;T&gt;</c> holds one value per execution flow and delegates hold code: neither counts.
    /// </summary>
    public ITypeSymbol? FindRequestScoped(ITypeSymbol type, out bool isElement)
    {
        isElement = false;
        return Find(type, 0, ref isElement);
    }

    private ITypeSymbol? Find(ITypeSymbol type, int depth, ref bool isElement)
    {
        if (Classify(type) is not null)
        {
            return type;
        }

        if (depth >= 3)
        {
            return null;
        }

        if (type is IArrayTypeSymbol array)
        {
            isElement = true;
            return Find(array.ElementType, depth + 1, ref isElement);
        }

        if (type is not INamedTypeSymbol { IsGenericType: true, TypeKind: not TypeKind.Delegate } generic
            || SymbolEqualityComparer.Default.Equals(generic.OriginalDefinition, _asyncLocal)
            || !IsLibraryContainer(generic))
        {
            return null;
        }

        foreach (var argument in generic.TypeArguments)
        {
            var found = Find(argument, depth + 1, ref isElement);
            if (found is not null)
            {
                isElement = true;
                return found;
            }
        }

        return null;
    }

    private static bool IsLibraryContainer(INamedTypeSymbol type)
    {
        var ns = type.ContainingNamespace?.ToDisplayString();
        return ns is "System" or "System.Threading" or "System.Threading.Tasks"
            || (ns is not null && ns.StartsWith("System.Collections", StringComparison.Ordinal));
    }

    /// <summary>
    /// <c>HttpContext</c>, <c>HttpRequest</c>, <c>HttpResponse</c> and <c>DbContext</c> (and subclasses) belong to
    /// one request (or unit of work) even when code creates them: a static one is always a bug.
    /// </summary>
    public bool IsAlwaysRequestOwned(ITypeSymbol type)
    {
        for (var current = type as INamedTypeSymbol; current is not null; current = current.BaseType)
        {
            if (_alwaysRequestOwned.Contains(current.OriginalDefinition))
            {
                return true;
            }
        }

        return false;
    }

    private RequestScopedKind? Compute(INamedTypeSymbol type)
    {
        if (SymbolFacts.IsProcessIdentity(type))
        {
            return null;
        }

        for (var current = type; current is not null; current = current.BaseType)
        {
            if (_knownTypes.TryGetValue(current.OriginalDefinition, out var kind))
            {
                return kind;
            }

            if (_dbContext is not null && SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, _dbContext))
            {
                return RequestScopedKind.DbContext;
            }
        }

        foreach (var @interface in type.AllInterfaces)
        {
            if (_knownTypes.TryGetValue(@interface.OriginalDefinition, out var kind))
            {
                return kind;
            }
        }

        // Registrations name the app's own services: types of the .NET libraries are not looked up (and an app
        // without a static field of its own types never pays for the scan).
        if (_registrations.CanRegister && type.SpecialType == SpecialType.None && !SymbolFacts.IsFrameworkAssembly(type.ContainingAssembly)
            && _registrations.Scoped.Contains(type.OriginalDefinition))
        {
            return RequestScopedKind.RegisteredScoped;
        }

        return null;
    }

    /// <summary>Values of this type, when read (not created), are request data.</summary>
    private bool IsRequestDataType(ITypeSymbol? type)
    {
        if (type is not INamedTypeSymbol named || SymbolFacts.IsProcessIdentity(named))
        {
            return false;
        }

        if (Classify(named) is RequestScopedKind.Request or RequestScopedKind.User or RequestScopedKind.Configured)
        {
            return true;
        }

        return InSet(named, _requestParts);
    }

    private bool IsUserDataType(ITypeSymbol? type) => type is INamedTypeSymbol named && !SymbolFacts.IsProcessIdentity(named) && InSet(named, _userData);

    private static bool InSet(INamedTypeSymbol type, ImmutableHashSet<INamedTypeSymbol> set)
    {
        if (set.IsEmpty)
        {
            return false;
        }

        for (var current = type; current is not null; current = current.BaseType)
        {
            if (set.Contains(current.OriginalDefinition))
            {
                return true;
            }
        }

        foreach (var @interface in type.AllInterfaces)
        {
            if (set.Contains(@interface.OriginalDefinition))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The request read behind <paramref name="value"/>, or null. Locals are followed to their definitions within
    /// <paramref name="methodRoot"/>; <paramref name="isBoundParameter"/> says which parameters the request binds.
    /// </summary>
    public RequestRead? FindRequestRead(IOperation value, IOperation? methodRoot, Func<IParameterSymbol, bool>? isBoundParameter, CancellationToken cancellationToken)
        => FindRequestRead(value, methodRoot, isBoundParameter, keyLocal: null, cancellationToken);

    /// <summary>
    /// As <see cref="FindRequestRead(IOperation, IOperation?, Func{IParameterSymbol, bool}?, CancellationToken)"/>, for a
    /// value stored in a collection under the key held in <paramref name="keyLocal"/>: that local is not followed, so a
    /// copy of the key kept beside the data (a cached file's path) is judged as the key is.
    /// </summary>
    public RequestRead? FindRequestRead(IOperation value, IOperation? methodRoot, Func<IParameterSymbol, bool>? isBoundParameter, ILocalSymbol? keyLocal, CancellationToken cancellationToken)
    {
        var walk = new Walk(this, methodRoot, isBoundParameter, cancellationToken);
        if (keyLocal is not null)
        {
            walk.Skip(keyLocal);
        }

        return walk.Find(value, 0);
    }

    private sealed class Walk
    {
        private readonly RequestScopedTypes _owner;
        private readonly IOperation? _methodRoot;
        private readonly Func<IParameterSymbol, bool>? _isBoundParameter;
        private readonly CancellationToken _cancellationToken;
        private readonly HashSet<ILocalSymbol> _visitedLocals = new(SymbolEqualityComparer.Default);

        public Walk(RequestScopedTypes owner, IOperation? methodRoot, Func<IParameterSymbol, bool>? isBoundParameter, CancellationToken cancellationToken)
        {
            _owner = owner;
            _methodRoot = methodRoot;
            _isBoundParameter = isBoundParameter;
            _cancellationToken = cancellationToken;
        }

        public void Skip(ILocalSymbol local) => _visitedLocals.Add(local);

        public RequestRead? Find(IOperation? operation, int depth)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            switch (operation)
            {
                case null:
                    return null;
                case IConversionOperation conversion:
                    return Find(conversion.Operand, depth);
                case ICoalesceOperation coalesce:
                    return Find(coalesce.Value, depth) ?? Find(coalesce.WhenNull, depth);
                case IConditionalOperation conditional:
                    return Find(conditional.WhenTrue, depth) ?? Find(conditional.WhenFalse, depth);
                case IConditionalAccessOperation access:
                    return Find(access.WhenNotNull, depth);
                case IConditionalAccessInstanceOperation instance:
                    return Find(instance.ConditionalAccess()?.Operation, depth);
                case IAwaitOperation awaited:
                    return Find(awaited.Operation, depth);
                case IBinaryOperation { Type.SpecialType: SpecialType.System_String } binary:
                    return Find(binary.LeftOperand, depth) ?? Find(binary.RightOperand, depth);
                case IInterpolatedStringOperation interpolated:
                    foreach (var part in interpolated.Parts)
                    {
                        if (part is IInterpolationOperation interpolation && Find(interpolation.Expression, depth) is { } found)
                        {
                            return found;
                        }
                    }

                    return null;
                case IObjectCreationOperation creation:
                    return FindInAll(creation.Arguments, depth) ?? FindInInitializer(creation.Initializer, depth);
                case IAnonymousObjectCreationOperation anonymous:
                    foreach (var initializer in anonymous.Initializers)
                    {
                        if (initializer is IAssignmentOperation assignment && Find(assignment.Value, depth) is { } found)
                        {
                            return found;
                        }
                    }

                    return null;
                case IArrayCreationOperation array:
                    return array.Initializer is null ? null : FindInValues(array.Initializer.ElementValues, depth);
                case ICollectionExpressionOperation collection:
                    return FindInValues(collection.Elements, depth);
                case ISpreadOperation spread:
                    return Find(spread.Operand, depth);
                case ITupleOperation tuple:
                    return FindInValues(tuple.Elements, depth);
                case IInvocationOperation invocation:
                    return FindInInvocation(invocation, depth);
                case IPropertyReferenceOperation property:
                    return FromMember(property, property.Property, property.Instance, depth);
                case IFieldReferenceOperation field:
                    return FromMember(field, field.Field, field.Instance, depth);
                case IParameterReferenceOperation parameter:
                    if (_owner.IsRequestDataType(parameter.Type))
                    {
                        return new RequestRead(parameter.Parameter.Name, _owner.IsUserDataType(parameter.Type), isMemberRead: false);
                    }

                    return _isBoundParameter is not null && _isBoundParameter(parameter.Parameter)
                        ? new RequestRead("bound parameter '" + parameter.Parameter.Name + "'", false)
                        : null;
                case ILocalReferenceOperation local:
                    if (_owner.IsRequestDataType(local.Type))
                    {
                        return new RequestRead(local.Local.Name, _owner.IsUserDataType(local.Type), isMemberRead: false);
                    }

                    return FindInLocal(local.Local, depth);
                default:
                    return null;
            }
        }

        private RequestRead? FindInAll(ImmutableArray<IArgumentOperation> arguments, int depth)
        {
            foreach (var argument in arguments)
            {
                if (Find(argument.Value, depth) is { } found)
                {
                    return found;
                }
            }

            return null;
        }

        private RequestRead? FindInValues(ImmutableArray<IOperation> values, int depth)
        {
            foreach (var value in values)
            {
                if (Find(value, depth) is { } found)
                {
                    return found;
                }
            }

            return null;
        }

        private RequestRead? FindInInitializer(IObjectOrCollectionInitializerOperation? initializer, int depth)
        {
            if (initializer is null)
            {
                return null;
            }

            foreach (var element in initializer.Initializers)
            {
                var found = element switch
                {
                    IAssignmentOperation assignment => Find(assignment.Value, depth),
                    IInvocationOperation add => FindInAll(add.Arguments, depth),
                    _ => null,
                };

                if (found is not null)
                {
                    return found;
                }
            }

            return null;
        }

        private RequestRead? FindInInvocation(IInvocationOperation invocation, int depth)
        {
            var method = invocation.TargetMethod;

            // The WebSocket a request upgrades to is a connection the server keeps serving (the request lasts as long as
            // it does): a static table of open sockets, or of sessions holding them, is the server's connection table.
            if (method.Name == "AcceptWebSocketAsync" && method.ContainingType is { Name: "WebSocketManager" } manager
                && manager.ContainingNamespace?.ToDisplayString() == "Microsoft.AspNetCore.Http")
            {
                return null;
            }
            if (ServiceLookups.Contains(method.Name))
            {
                // A service resolved from the request's container: its own lifetime decides.
                return _owner.IsRequestDataType(invocation.Type) ? new RequestRead(method.Name, false) : null;
            }

            var receiver = invocation.Instance ?? (method.IsExtensionMethod && invocation.Arguments.Length > 0 ? invocation.Arguments[0].Value : null);
            var inner = Find(receiver, depth);
            if (inner is not null)
            {
                return Deeper(inner.Value, method.Name, invocation.Type);
            }

            if (_owner.IsRequestDataType(invocation.Type))
            {
                return new RequestRead(method.Name, _owner.IsUserDataType(invocation.Type));
            }

            // Conversions and formatting by the .NET libraries keep the data: string.Concat, Convert.ToInt32, int.Parse…
            // Math.Max and predicates compute from the data rather than keep it.
            if (method.IsStatic && !method.IsExtensionMethod && method.ContainingType?.ContainingNamespace?.ToDisplayString() == "System"
                && method.ContainingType.Name != "Math" && method.ReturnType.SpecialType != SpecialType.System_Boolean)
            {
                return FindInAll(invocation.Arguments, depth);
            }

            return null;
        }

        private RequestRead? FromMember(IOperation reference, ISymbol member, IOperation? instance, int depth)
        {
            // A hub connection's id names the connection: a static set of them is who is connected (SignalR's presence
            // idiom, added on connect and removed on disconnect), not one user's data answering another's request.
            if (IsHubConnectionId(member))
            {
                return null;
            }

            var inner = Find(instance, depth);
            if (inner is not null)
            {
                // The connection's address, port and id name the network endpoint, not an account: a static map keyed
                // by them is a per-client throttle or ban list. Stored as a value, the address is still request data.
                return IsConnectionEndpoint(member)
                    ? new RequestRead(inner.Value.IsMemberRead ? inner.Value.Name : member.Name, isUserData: false)
                    : Deeper(inner.Value, member.Name, reference.Type);
            }

            // State a registered scoped service holds for its request (`_tenant.TenantName`): a plain-valued property it
            // exposes. What its methods return (`_repository.GetSettings()`) is service or database data, and so is a
            // DbContext's; a property that hands out another service (`_unitOfWork.Users`) is not state either.
            if (member is IPropertySymbol { IsStatic: false, IsIndexer: false }
                && reference.Type is { } valueType && SymbolFacts.IsSimpleValueType(valueType)
                && instance?.WithoutConversions().Type is INamedTypeSymbol holder
                && _owner.Classify(holder) == RequestScopedKind.RegisteredScoped)
            {
                return new RequestRead(member.Name, _owner.IsUserDataType(reference.Type));
            }

            // A static read-only field or get-only auto-property is set once, by its type's initialization
            // (`Accounts.System`, a well-known principal built from constant claims): reading it reads no request. Where
            // its initializer does read one, that member is the static holding request data, and is reported itself.
            if (instance is null && SymbolFacts.IsSetOnlyByTypeInitialization(member))
            {
                return null;
            }

            return _owner.IsRequestDataType(reference.Type) ? new RequestRead(member.Name, _owner.IsUserDataType(reference.Type)) : null;
        }

        /// <summary>The connection's address, port and id (<c>HttpContext.Connection.RemoteIpAddress</c>): the network endpoint.</summary>
        private static bool IsConnectionEndpoint(ISymbol member)
            => member is IPropertySymbol { Name: "RemoteIpAddress" or "RemotePort" or "LocalIpAddress" or "LocalPort" or "Id" } property
                && IsConnectionInfo(property.ContainingType);

        /// <summary>
        /// A read on a value that is already request data keeps the innermost member's name (<c>User</c> in
        /// <c>User.Identity.Name</c>), or takes this member's when the inner read was a parameter or local.
        /// </summary>
        private RequestRead Deeper(RequestRead inner, string member, ITypeSymbol? type)
        {
            var isUser = inner.IsUserData || _owner.IsUserDataType(type);
            return inner.IsMemberRead ? new RequestRead(inner.Name, isUser) : new RequestRead(member, isUser);
        }

        private RequestRead? FindInLocal(ILocalSymbol local, int depth)
        {
            if (_methodRoot is null || depth >= MaxLocalDepth || !_visitedLocals.Add(local))
            {
                return null;
            }

            foreach (var definition in _methodRoot.LocalDefinitions(local))
            {
                if (Find(definition, depth + 1) is { } found)
                {
                    return found;
                }
            }

            return null;
        }
    }

    private static ImmutableHashSet<INamedTypeSymbol> Resolve(Compilation compilation, string[] names)
    {
        var builder = ImmutableHashSet.CreateBuilder<INamedTypeSymbol>(SymbolEqualityComparer.Default);
        foreach (var name in names)
        {
            if (compilation.GetTypeByMetadataName(name) is { } type)
            {
                builder.Add(type);
            }
        }

        return builder.ToImmutable();
    }
}
