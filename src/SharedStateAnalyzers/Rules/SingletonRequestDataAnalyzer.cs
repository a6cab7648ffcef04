using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using SharedStateAnalyzers.Configuration;
using SharedStateAnalyzers.Model;

namespace SharedStateAnalyzers.Rules;

/// <summary>
/// SSA005: on a process-lifetime object (a DI singleton registered in the compilation, a conventional middleware, a
/// hosted service, a hand-rolled singleton), an instance field or auto-property of a request-scoped type
/// (<c>HttpContext</c>, <c>HttpRequest</c>, <c>HttpResponse</c>, <c>ISession</c>, <c>ConnectionInfo</c>,
/// <c>ClaimsPrincipal</c>, a <c>DbContext</c>, a configured type), however assigned; and a mutable instance field or
/// auto-property that request-handling code sets, with a plain assignment, to per-request data (a value read from the
/// request, or from the writing method's parameters), unless only background work reaches the writing method
/// (<see cref="BackgroundWork"/>). Types that are request-scoped only because the compilation
/// registers them scoped are SSA006's business. Reported once per field, on its name, at the end of its type.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SingletonRequestDataAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property: why the type lives for the process (a <see cref="ProcessLifetimeKind"/> name).</summary>
    internal const string LifetimeProperty = "Lifetime";

    /// <summary>Diagnostic property: "Type" for a field of a request-scoped type, "Write" for one set from request data.</summary>
    internal const string ReasonProperty = "Reason";

    internal const string TypeReason = "Type";
    internal const string WriteReason = "Write";

    /// <summary>Services meant to be held by singletons: they hand out the current request's objects, or none. Resolved once per compilation.</summary>
    private static readonly HashSet<string> s_sharedServiceTypes = new(System.StringComparer.Ordinal)
    {
        "Microsoft.AspNetCore.Http.IHttpContextAccessor",
        "Microsoft.AspNetCore.Http.HttpContextAccessor",
        "Microsoft.Extensions.DependencyInjection.IServiceScopeFactory",
        "System.IServiceProvider",
        "Microsoft.Extensions.Logging.ILogger",
        "Microsoft.Extensions.Logging.ILogger`1",
        "Microsoft.Extensions.Logging.ILoggerFactory",
        "Microsoft.Extensions.Options.IOptions`1",
        "Microsoft.Extensions.Options.IOptionsMonitor`1",
        "Microsoft.Extensions.Options.IOptionsSnapshot`1",
        "Microsoft.Extensions.Caching.Memory.IMemoryCache",
        "Microsoft.Extensions.Caching.Distributed.IDistributedCache",
        "System.Threading.AsyncLocal`1",
        "System.Threading.ThreadLocal`1",
    };

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.SingletonRequestData);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        ProductCodeAnalysis.RegisterCompilationStart(context, static start =>
        {
            // No ASP.NET Core, EF Core, DI or configured type: nothing can be request-scoped, and no object serves requests.
            var settings = AnalyzerSettings.Read(start.Options, start.Compilation);
            var types = RequestScopedTypes.Create(start.Compilation, settings.RequestScopedTypes);
            if (types is null)
            {
                return;
            }

            var lifetimes = ProcessLifetimeModel.For(start.Compilation);
            var sharedServices = ImmutableHashSet.CreateBuilder<INamedTypeSymbol>(SymbolEqualityComparer.Default);
            foreach (var name in s_sharedServiceTypes)
            {
                if (start.Compilation.GetTypeByMetadataName(name) is { } service)
                {
                    sharedServices.Add(service);
                }
            }

            var shared = sharedServices.ToImmutable();
            var handlerCalls = new HandlerCalls(start.Compilation, new RequestHandlers(start.Compilation));
            var servesRequests = !IsDesktopAppWithoutServer(start.Compilation);
            start.RegisterSymbolStartAction(symbolStart => AnalyzeType(symbolStart, types, lifetimes, shared, handlerCalls, servesRequests), SymbolKind.NamedType);
        });
    }

    private static readonly string[] s_desktopApplicationTypes =
    [
        "System.Windows.Application", "System.Windows.Forms.Application", "Microsoft.Maui.Controls.Application",
        "Avalonia.Application", "Microsoft.UI.Xaml.Application", "Windows.UI.Xaml.Application",
    ];

    private static readonly string[] s_requestContextTypes =
    [
        "Microsoft.AspNetCore.Http.HttpContext", "System.Web.HttpContext", "Microsoft.Owin.IOwinContext", "Grpc.Core.ServerCallContext",
        "System.ServiceModel.OperationContext", "CoreWCF.OperationContext", "Microsoft.Azure.Functions.Worker.FunctionContext",
        "Nancy.NancyContext", "ServiceStack.Web.IRequest",
    ];

    /// <summary>
    /// The compilation references a desktop UI framework (WPF, Windows Forms, MAUI, Avalonia, WinUI) and no server
    /// framework's request (ASP.NET Core, classic ASP.NET, OWIN, gRPC, WCF, Azure Functions, Nancy, ServiceStack): a
    /// launcher's or editor's view model registered as a singleton serves one user's window, not requests.
    /// </summary>
    private static bool IsDesktopAppWithoutServer(Compilation compilation)
    {
        var desktop = false;
        foreach (var name in s_desktopApplicationTypes)
        {
            desktop |= compilation.GetTypeByMetadataName(name) is not null;
        }

        if (!desktop)
        {
            return false;
        }

        foreach (var name in s_requestContextTypes)
        {
            if (compilation.GetTypeByMetadataName(name) is not null)
            {
                return false;
            }
        }

        return true;
    }

    private static void AnalyzeType(
        SymbolStartAnalysisContext context,
        RequestScopedTypes types,
        ProcessLifetimeModel lifetimes,
        ImmutableHashSet<INamedTypeSymbol> sharedServices,
        HandlerCalls handlerCalls,
        bool servesRequests)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (type.TypeKind != TypeKind.Class || type.IsStatic)
        {
            return;
        }

        // Cheap first: the instance members' declared types, before asking how long the type lives.
        List<(ISymbol Storage, ITypeSymbol Scoped)>? scopedMembers = null;
        HashSet<ISymbol>? writable = null;
        foreach (var member in type.GetMembers())
        {
            if (member.IsStatic || member.IsImplicitlyDeclared || CacheStorage.GetDeclaredType(member) is not { TypeKind: not TypeKind.Error } declaredType)
            {
                continue;
            }

            // The type tests first: finding out whether a property is an auto-property looks its backing field up.
            if (types.Classify(declaredType) is { } kind && kind != RequestScopedKind.RegisteredScoped)
            {
                if (IsStorage(member) && !IsCodeCreatedConstant(member, declaredType, types, context.CancellationToken))
                {
                    (scopedMembers ??= new List<(ISymbol, ITypeSymbol)>()).Add((member, declaredType));
                }

                continue;
            }

            // A desktop app with no server has no requests: a field its singletons set is the app's one state.
            if (servesRequests && IsWritable(member) && !IsSharedByDesign(declaredType, sharedServices) && IsStorage(member))
            {
                (writable ??= new HashSet<ISymbol>(SymbolEqualityComparer.Default)).Add(member);
            }
        }

        if (scopedMembers is null && writable is null)
        {
            return;
        }

        if (lifetimes.Classify(type) is not { } lifetime || TestCode.IsInTestFixture(type))
        {
            return;
        }

        var state = new TypeState(type, lifetime, types, handlerCalls, scopedMembers, writable);
        if (writable is not null)
        {
            context.RegisterOperationAction(state.AnalyzeAssignment, OperationKind.SimpleAssignment);
        }

        context.RegisterSymbolEndAction(state.Report);
    }

    /// <summary>A field, or a property with a compiler-made backing field (a computed property holds nothing).</summary>
    private static bool IsStorage(ISymbol member) => member is not IPropertySymbol property || CacheStorage.IsAutoProperty(property);

    /// <summary>Not readonly, const or volatile (a volatile field is shared on purpose); an auto-property with a set (not init) accessor.</summary>
    private static bool IsWritable(ISymbol member) => member switch
    {
        IFieldSymbol field => !field.IsReadOnly && !field.IsConst && !field.IsVolatile,
        IPropertySymbol { SetMethod: { IsInitOnly: false } } => true,
        _ => false,
    };

    /// <summary>Loggers, options, accessors, caches, per-flow holders and delegates (subscriptions): meant to be held by a shared object.</summary>
    private static bool IsSharedByDesign(ITypeSymbol type, ImmutableHashSet<INamedTypeSymbol> sharedServices)
    {
        if (type.TypeKind == TypeKind.Delegate)
        {
            return true;
        }

        var definition = type.OriginalDefinition;
        if (definition is INamedTypeSymbol named && sharedServices.Contains(named))
        {
            return true;
        }

        // Thread-safe collections are SSA001's and SSA002's business, whatever replaces them.
        return definition.ContainingNamespace?.ToDisplayString() == "System.Collections.Concurrent";
    }

    /// <summary>
    /// A readonly <c>ClaimsPrincipal</c> (or other request type that code may build) initialized with an object the
    /// code creates: a fixed identity for background work, not a request's. <c>HttpContext</c>, <c>HttpRequest</c>,
    /// <c>HttpResponse</c> and <c>DbContext</c> objects belong to one request even when created.
    /// </summary>
    private static bool IsCodeCreatedConstant(ISymbol member, ITypeSymbol type, RequestScopedTypes types, System.Threading.CancellationToken cancellationToken)
    {
        if (member is not IFieldSymbol { IsReadOnly: true } || types.IsAlwaysRequestOwned(type))
        {
            return false;
        }

        foreach (var reference in member.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is VariableDeclaratorSyntax { Initializer.Value: BaseObjectCreationExpressionSyntax })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Code that handles requests, of a type that lives for the process: every instance method of a middleware but its
    /// constructor (Invoke and the helpers it calls); the non-private methods of a singleton, and its async methods;
    /// the non-private methods of a hosted service other than the ones the host calls. Property setters are the
    /// object's configuration surface, not request handling; disposal runs once.
    /// </summary>
    private static bool IsRequestHandling(ISymbol? member, ProcessLifetimeKind lifetime)
    {
        if (member is not IMethodSymbol { IsStatic: false } method
            || method.MethodKind is not (MethodKind.Ordinary or MethodKind.ExplicitInterfaceImplementation)
            || method.Name is "Dispose" or "DisposeAsync")
        {
            return false;
        }

        var accessible = method.DeclaredAccessibility is not (Accessibility.Private or Accessibility.NotApplicable)
            || method.MethodKind == MethodKind.ExplicitInterfaceImplementation;
        return lifetime switch
        {
            ProcessLifetimeKind.Middleware => true,
            ProcessLifetimeKind.HostedService => accessible && !HostedStartHooks.IsHostStepName(method.Name),
            _ => accessible || method.IsAsync,
        };
    }

    /// <summary>What one type's request-handling members write. Operation actions run concurrently: guarded by a lock.</summary>
    private sealed class TypeState
    {
        private readonly INamedTypeSymbol _type;
        private readonly ProcessLifetimeKind _lifetime;
        private readonly RequestScopedTypes _types;
        private readonly HandlerCalls _handlerCalls;
        private readonly List<(ISymbol Storage, ITypeSymbol Scoped)>? _scopedMembers;
        private readonly HashSet<ISymbol>? _writable;
        private readonly object _gate = new();
        private readonly Dictionary<ISymbol, (Location Location, string Method)> _writes = new(SymbolEqualityComparer.Default);

        /// <summary>Per parameter of a private or internal helper: every call hands it the object's own state.</summary>
        private readonly System.Collections.Concurrent.ConcurrentDictionary<IParameterSymbol, bool> _ownStateParameters = new(SymbolEqualityComparer.Default);

        public TypeState(
            INamedTypeSymbol type,
            ProcessLifetimeKind lifetime,
            RequestScopedTypes types,
            HandlerCalls handlerCalls,
            List<(ISymbol, ITypeSymbol)>? scopedMembers,
            HashSet<ISymbol>? writable)
        {
            _type = type;
            _lifetime = lifetime;
            _types = types;
            _handlerCalls = handlerCalls;
            _scopedMembers = scopedMembers;
            _writable = writable;
        }

        public void AnalyzeAssignment(OperationAnalysisContext context)
        {
            var assignment = (IAssignmentOperation)context.Operation;
            var storage = CacheStorage.GetReferencedStorage(assignment.Target);
            if (storage is null || _writable is null || !_writable.Contains(storage)
                || !SymbolEqualityComparer.Default.Equals(context.ContainingSymbol.ContainingType, _type)
                || !LazyInitialization.Refers(assignment.Target, storage)
                || !IsRequestHandling(context.ContainingSymbol, _lifetime))
            {
                return;
            }

            // `if (_x == null) _x = …` is lazy initialization (SSA009's); a write under a lock shares the field on purpose.
            if (LazyInitialization.FindGoverningChecks(assignment, storage).Count > 0
                || Synchronization.GetGuard(assignment, context.ContainingSymbol).IsGuarded
                || !IsPerRequestValue(assignment.Value, (IMethodSymbol)context.ContainingSymbol, context.Compilation, context.CancellationToken))
            {
                return;
            }

            // A method only a hosted service's steps or a loop the object starts itself reach handles no request: what
            // it is handed comes from that work (a heartbeat check's statistics, a gateway's session), not from a request.
            // A lambda's body runs whenever what it is handed to calls it, so it is not judged by its method's callers.
            if (_lifetime != ProcessLifetimeKind.Middleware && !assignment.IsInsideLambda()
                && BackgroundWork.For(context.Compilation).IsReachedOnlyFromBackground((IMethodSymbol)context.ContainingSymbol, context.CancellationToken))
            {
                return;
            }

            var location = assignment.Syntax.GetLocation();
            lock (_gate)
            {
                if (!_writes.TryGetValue(storage, out var existing) || IsBefore(location, existing.Location))
                {
                    _writes[storage] = (location, context.ContainingSymbol.Name);
                }
            }
        }

        /// <summary>
        /// A value read from the request, or from the writing method's parameters (in a middleware's methods, in async
        /// methods, and in a singleton's synchronous method that a request handler calls with a per-call value),
        /// directly, through locals, or as an argument of the call that computes it.
        /// </summary>
        private bool IsPerRequestValue(IOperation value, IMethodSymbol method, Compilation compilation, System.Threading.CancellationToken cancellationToken)
        {
            var root = value.Root();

            // What a middleware method or an async method is handed is its request's. A synchronous public method of a
            // singleton that stores its argument is as often wiring that start-up calls (`AddParts(providers)`,
            // `SetAvailableEncoders(list)`): there a parameter counts only when a request handler (a controller action,
            // a minimal API lambda…) calls the method and passes it something other than a constant. That search is
            // made only when the walk reaches a parameter.
            var parametersAreRequestData = _lifetime == ProcessLifetimeKind.Middleware || method.IsAsync;
            var handedByHandlers = _lifetime is ProcessLifetimeKind.DependencyInjectionSingleton or ProcessLifetimeKind.HandRolledSingleton;
            // A private helper that every caller hands the object's own state (`GetSourcesAsync(_client, …)`) is given
            // nothing from outside.
            // A middleware's Invoke takes services after its HttpContext (method injection): they come from the
            // container, and only what the walk finds read from the request through them counts (a scoped service's state).
            bool IsMethodParameter(IParameterSymbol parameter)
                => SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, method)
                    && parameter.Type.Name != "CancellationToken"
                    && !(_lifetime == ProcessLifetimeKind.Middleware && method.Name is "Invoke" or "InvokeAsync" && parameter.Ordinal > 0)
                    && (parametersAreRequestData || (handedByHandlers && _handlerCalls.ReceivesRequestValues(parameter, cancellationToken)))
                    && !_ownStateParameters.GetOrAdd(parameter, p => OwnStateArguments.IsOnlyHandedOwnState(p, compilation, cancellationToken));

            if (_types.FindRequestRead(value, root, IsMethodParameter, cancellationToken) is not null)
            {
                return true;
            }

            var computed = value;
            while (computed is IConversionOperation or IAwaitOperation)
            {
                computed = computed is IConversionOperation conversion ? conversion.Operand : ((IAwaitOperation)computed).Operation;
            }

            if (computed is IInvocationOperation invocation)
            {
                foreach (var argument in invocation.Arguments)
                {
                    if (_types.FindRequestRead(argument.Value, root, IsMethodParameter, cancellationToken) is not null)
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static bool IsBefore(Location a, Location b)
        {
            var byPath = string.CompareOrdinal(a.SourceTree?.FilePath, b.SourceTree?.FilePath);
            return byPath != 0 ? byPath < 0 : a.SourceSpan.Start < b.SourceSpan.Start;
        }

        public void Report(SymbolAnalysisContext context)
        {
            var diagnostics = new List<Diagnostic>();
            var lifetime = Describe(_lifetime);
            var properties = ImmutableDictionary<string, string?>.Empty.Add(LifetimeProperty, _lifetime.ToString());
            if (_scopedMembers is not null)
            {
                foreach (var (storage, scoped) in _scopedMembers)
                {
                    if (CacheStorage.GetNameLocation(storage, context.CancellationToken) is { } location)
                    {
                        diagnostics.Add(Diagnostic.Create(
                            Descriptors.SingletonRequestData,
                            location,
                            properties.Add(ReasonProperty, TypeReason),
                            storage.Name,
                            lifetime,
                            _type.Name,
                            "a request-scoped " + scoped.Name));
                    }
                }
            }

            lock (_gate)
            {
                foreach (var pair in _writes)
                {
                    if (CacheStorage.GetNameLocation(pair.Key, context.CancellationToken) is { } location)
                    {
                        diagnostics.Add(Diagnostic.Create(
                            Descriptors.SingletonRequestData,
                            location,
                            properties.Add(ReasonProperty, WriteReason),
                            pair.Key.Name,
                            lifetime,
                            _type.Name,
                            "per-request data written in '" + pair.Value.Method + "'"));
                    }
                }
            }

            diagnostics.Sort(static (a, b) =>
            {
                var byPath = string.CompareOrdinal(a.Location.SourceTree?.FilePath, b.Location.SourceTree?.FilePath);
                return byPath != 0 ? byPath : a.Location.SourceSpan.Start.CompareTo(b.Location.SourceSpan.Start);
            });
            foreach (var diagnostic in diagnostics)
            {
                context.ReportDiagnostic(diagnostic);
            }
        }

        private static string Describe(ProcessLifetimeKind lifetime) => lifetime switch
        {
            ProcessLifetimeKind.Middleware => "middleware",
            ProcessLifetimeKind.HostedService => "hosted service",
            ProcessLifetimeKind.HandRolledSingleton => "hand-rolled singleton",
            _ => "singleton",
        };
    }
}
