using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using SharedStateAnalyzers.Configuration;
using SharedStateAnalyzers.Model;

namespace SharedStateAnalyzers.Rules;

/// <summary>
/// SSA007: a static field or static auto-property (including <c>[ThreadStatic]</c>) whose type is request-scoped
/// (or a collection, array, <c>Lazy</c> or <c>Task</c> of one), or that is assigned request data, or a static
/// collection that request data is added to. Reported on the field's name, once. Uses in the field's own type are
/// decided at the end of that type (visible while typing); a field that only other types fill with request data
/// is reported when the whole compilation has been seen.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class StaticRequestDataAnalyzer : DiagnosticAnalyzer
{
    // Read-only after construction, so safe for concurrent lookups; a hash set is faster than an immutable one on this hot path.
    private static readonly HashSet<string> s_insertMethods = new(StringComparer.Ordinal)
    {
        "Add", "TryAdd", "AddOrUpdate", "GetOrAdd", "Enqueue", "TryEnqueue", "Push", "Insert", "AddRange", "InsertRange",
        "AddFirst", "AddLast", "TryUpdate",
    };

    private static readonly HashSet<string> s_valueParameters = new(StringComparer.Ordinal)
    {
        "item", "items", "value", "values", "addValue", "newValue", "collection",
    };

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.StaticRequestData, Descriptors.StaticRequestDataFromOtherTypes);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        ProductCodeAnalysis.RegisterCompilationStart(context, static start =>
        {
            var settings = AnalyzerSettings.Read(start.Options, start.Compilation);
            var types = RequestScopedTypes.Create(start.Compilation, settings.RequestScopedTypes);
            if (types is null)
            {
                return;
            }

            var shared = new CompilationState(start.Compilation, types, new RequestHandlers(start.Compilation));
            start.RegisterSymbolStartAction(shared.AnalyzeType, SymbolKind.NamedType);
            start.RegisterCompilationEndAction(shared.ReportOtherTypes);
        });
    }

    /// <summary>A request read stored into a static, and where.</summary>
    private readonly struct Evidence
    {
        public Evidence(RequestRead read, Location location)
        {
            Read = read;
            Location = location;
        }

        public RequestRead Read { get; }

        public Location Location { get; }

        public bool IsBefore(Evidence other)
        {
            var byPath = string.CompareOrdinal(Location.SourceTree?.FilePath, other.Location.SourceTree?.FilePath);
            return byPath != 0 ? byPath < 0 : Location.SourceSpan.Start < other.Location.SourceSpan.Start;
        }
    }

    /// <summary>Facts that cross types: writes into another type's statics, and the fields already reported.</summary>
    private sealed class CompilationState
    {
        private readonly Compilation _compilation;
        private readonly object _gate = new();
        private readonly Dictionary<ISymbol, Evidence> _otherTypeWrites = new(SymbolEqualityComparer.Default);
        private readonly HashSet<ISymbol> _reported = new(SymbolEqualityComparer.Default);

        public CompilationState(Compilation compilation, RequestScopedTypes types, RequestHandlers handlers)
        {
            _compilation = compilation;
            Types = types;
            Handlers = handlers;
        }

        public RequestScopedTypes Types { get; }

        public RequestHandlers Handlers { get; }

        public void AnalyzeType(SymbolStartAnalysisContext context)
        {
            var type = (INamedTypeSymbol)context.Symbol;
            if (type.TypeKind is not (TypeKind.Class or TypeKind.Struct))
            {
                return;
            }

            // Every type may write into statics (its own or others'); only the cheap target check runs per operation.
            var state = new TypeState(type, this);
            context.RegisterOperationAction(state.AnalyzeAssignment, OperationKind.SimpleAssignment, OperationKind.CompoundAssignment, OperationKind.CoalesceAssignment);
            context.RegisterOperationAction(state.AnalyzeInvocation, OperationKind.Invocation);
            context.RegisterOperationAction(state.AnalyzeInitializer, OperationKind.FieldInitializer, OperationKind.PropertyInitializer);
            context.RegisterSymbolEndAction(state.Report);
        }

        /// <summary>A static field or auto-property declared in this compilation's source, or null.</summary>
        public ISymbol? GetSourceStatic(IOperation? operation)
        {
            var storage = CacheStorage.GetReferencedStorage(operation);
            if (storage is null || !storage.IsStatic || storage.IsImplicitlyDeclared || storage.DeclaringSyntaxReferences.IsEmpty
                || !SymbolEqualityComparer.Default.Equals(storage.ContainingAssembly, _compilation.Assembly))
            {
                return null;
            }

            return CacheStorage.GetStaticStorage(storage);
        }

        public void RecordOtherType(ISymbol storage, Evidence evidence)
        {
            lock (_gate)
            {
                if (!_otherTypeWrites.TryGetValue(storage, out var existing) || evidence.IsBefore(existing))
                {
                    _otherTypeWrites[storage] = evidence;
                }
            }
        }

        public void MarkReported(ISymbol storage)
        {
            lock (_gate)
            {
                _reported.Add(storage);
            }
        }

        public void ReportOtherTypes(CompilationAnalysisContext context)
        {
            var diagnostics = new List<Diagnostic>();
            lock (_gate)
            {
                foreach (var pair in _otherTypeWrites)
                {
                    if (_reported.Contains(pair.Key) || CacheStorage.GetNameLocation(pair.Key, context.CancellationToken) is not { } location)
                    {
                        continue;
                    }

                    diagnostics.Add(Diagnostic.Create(Descriptors.StaticRequestDataFromOtherTypes, location, pair.Key.Name, pair.Value.Read.Describe()));
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
    }

    /// <summary>What one type's members store into statics. Operation actions run concurrently: guarded by a lock.</summary>
    private sealed class TypeState
    {
        private readonly INamedTypeSymbol _type;
        private readonly CompilationState _shared;
        private readonly object _gate = new();
        private readonly Dictionary<ISymbol, Evidence> _writes = new(SymbolEqualityComparer.Default);
        private readonly HashSet<ISymbol> _codeCreated = new(SymbolEqualityComparer.Default);
        /// <summary>Statics of a type scoped by registration only (<see cref="IsScopedByRegistrationOnly"/>), built from code alone by the initializer or the static constructor.</summary>
        private readonly HashSet<ISymbol> _builtByTypeInit = new(SymbolEqualityComparer.Default);
        private readonly HashSet<ISymbol> _assigned = new(SymbolEqualityComparer.Default);

        public TypeState(INamedTypeSymbol type, CompilationState shared)
        {
            _type = type;
            _shared = shared;
        }

        private bool IsOwnOperation(OperationAnalysisContext context)
            => SymbolEqualityComparer.Default.Equals(context.ContainingSymbol?.ContainingType, _type);

        public void AnalyzeAssignment(OperationAnalysisContext context)
        {
            if (!IsOwnOperation(context))
            {
                return;
            }

            var assignment = (IAssignmentOperation)context.Operation;
            if (assignment.Target is IPropertyReferenceOperation { Property.IsIndexer: true } indexer)
            {
                // s_lastSeen[User.Identity.Name] = DateTime.UtcNow; s_byId[id] = context.User;
                var collection = _shared.GetSourceStatic(indexer.Instance);
                if (collection is null || (indexer.Arguments.Length == 1 && RequestScopedTypes.IsHubConnectionKey(indexer.Arguments[0].Value)))
                {
                    // A hub's connection mapping: each connection's entry is its own.
                    return;
                }

                var read = Find(context, assignment.Value, indexer.Arguments.Length == 1 ? indexer.Arguments[0].Value : null);
                if (read is null)
                {
                    foreach (var argument in indexer.Arguments)
                    {
                        if (Find(context, argument.Value) is { IsUserData: true } key)
                        {
                            read = key;
                            break;
                        }
                    }
                }

                Record(context, collection, read, assignment.Syntax.GetLocation());
                return;
            }

            var storage = _shared.GetSourceStatic(assignment.Target);
            if (storage is null)
            {
                return;
            }

            // `s_bytes += request.ContentLength`: arithmetic keeps a total, not the request's data; `s_log += user` keeps it.
            var keepsATotal = assignment is ICompoundAssignmentOperation && assignment.Target.Type?.SpecialType != SpecialType.System_String;
            var stored = keepsATotal ? null : Find(context, assignment.Value);
            if (SymbolEqualityComparer.Default.Equals(storage.ContainingType, _type))
            {
                // Any assignment means the field is not only the code-created initializer; one the static constructor
                // builds from code alone is kept apart, for types that are request-scoped only by registration.
                var builtByTypeInit = context.ContainingSymbol is IMethodSymbol { MethodKind: MethodKind.StaticConstructor }
                    && assignment is ISimpleAssignmentOperation && stored is null && IsScopedByRegistrationOnly(storage)
                    && IsBuiltWithoutTheContainer(assignment.Value);
                lock (_gate)
                {
                    (builtByTypeInit ? _builtByTypeInit : _assigned).Add(storage);
                }
            }

            if (!keepsATotal)
            {
                Record(context, storage, stored, assignment.Syntax.GetLocation());
            }
        }

        public void AnalyzeInvocation(OperationAnalysisContext context)
        {
            if (!IsOwnOperation(context))
            {
                return;
            }

            var invocation = (IInvocationOperation)context.Operation;
            var method = invocation.TargetMethod;
            if (method.Name is "Exchange" or "CompareExchange" or "Write" && invocation.Arguments.Length >= 2
                && method.ContainingType?.Name is "Interlocked" or "Volatile" && method.ContainingType.ContainingNamespace?.ToDisplayString() == "System.Threading")
            {
                var target = _shared.GetSourceStatic(invocation.Arguments[0].Value);
                if (target is not null)
                {
                    Record(context, target, Find(context, invocation.Arguments[1].Value), invocation.Syntax.GetLocation());
                }

                return;
            }

            if (!s_insertMethods.Contains(method.Name))
            {
                return;
            }

            var receiver = invocation.Receiver();
            var collection = _shared.GetSourceStatic(receiver);
            if (collection is null || !SymbolFacts.IsCollection(receiver!.Type))
            {
                return;
            }

            var attachesToItsKey = IsConditionalWeakTable(receiver!.Type);
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter is { Name: "key" } && RequestScopedTypes.IsHubConnectionKey(argument.Value))
                {
                    // A hub's connection mapping: each connection's entry is its own.
                    return;
                }

                if (attachesToItsKey && argument.Parameter is { Name: "key" } && Find(context, argument.Value) is not null)
                {
                    // `s_users.AddOrUpdate(context.User, user)`: a ConditionalWeakTable entry hangs on its key object,
                    // found only through that object (by reference) and gone with it; keyed by the request's own
                    // principal or context, no other request can reach it.
                    return;
                }
            }

            RequestRead? read = null;
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter is not { } parameter || (method.IsExtensionMethod && parameter.Ordinal == 0))
                {
                    continue;
                }

                if (s_valueParameters.Contains(parameter.Name))
                {
                    // `s_open.Add(context.Connection.Id)`: a set of the connections in use, not a user's data.
                    if (RequestScopedTypes.IsServerConnectionId(argument.Value))
                    {
                        continue;
                    }

                    // `s_users.Add(new UserDetail { ConnectionId = Context.ConnectionId, Name = name })`: a hub's presence
                    // list whose entries name their connection, as a connection mapping's keys do.
                    if (NamesItsHubConnection(argument.Value))
                    {
                        continue;
                    }

                    read = Find(context, argument.Value, KeyedCollections.KeyArgument(invocation));
                }
                else if (parameter.Name == "key" && Find(context, argument.Value) is { IsUserData: true } key)
                {
                    read = key;
                }

                if (read is not null)
                {
                    break;
                }
            }

            Record(context, collection, read, invocation.Syntax.GetLocation());
        }

        public void AnalyzeInitializer(OperationAnalysisContext context)
        {
            if (!IsOwnOperation(context))
            {
                return;
            }

            var initializer = (ISymbolInitializerOperation)context.Operation;
            ImmutableArray<ISymbol> targets = initializer switch
            {
                IFieldInitializerOperation field => field.InitializedFields.CastArray<ISymbol>(),
                IPropertyInitializerOperation property => property.InitializedProperties.CastArray<ISymbol>(),
                _ => ImmutableArray<ISymbol>.Empty,
            };

            foreach (var target in targets)
            {
                if (!target.IsStatic || CacheStorage.GetStaticStorage(target.OriginalDefinition) is not { } storage)
                {
                    continue;
                }

                var read = Find(context, initializer.Value);
                if (read is null && IsCreation(initializer.Value))
                {
                    lock (_gate)
                    {
                        _codeCreated.Add(storage);
                    }
                }
                else if (read is null && IsScopedByRegistrationOnly(storage) && IsBuiltWithoutTheContainer(initializer.Value))
                {
                    lock (_gate)
                    {
                        _builtByTypeInit.Add(storage);
                    }
                }

                Record(context, storage, read, initializer.Value.Syntax.GetLocation());
            }
        }

        private static bool IsConditionalWeakTable(ITypeSymbol? type)
            => type is INamedTypeSymbol { Name: "ConditionalWeakTable", Arity: 2 } table
                && table.ContainingNamespace?.ToDisplayString() == "System.Runtime.CompilerServices";

        /// <summary>
        /// An object made with the hub connection's id as a constructor argument, in its initializer, or as a tuple
        /// element: an entry that names the connection it belongs to.
        /// </summary>
        private static bool NamesItsHubConnection(IOperation value)
        {
            switch (value.WithoutConversions())
            {
                case IObjectCreationOperation creation:
                    foreach (var argument in creation.Arguments)
                    {
                        if (RequestScopedTypes.IsHubConnectionKey(argument.Value))
                        {
                            return true;
                        }
                    }

                    if (creation.Initializer is { } initializer)
                    {
                        foreach (var element in initializer.Initializers)
                        {
                            if (element is IAssignmentOperation assignment && RequestScopedTypes.IsHubConnectionKey(assignment.Value))
                            {
                                return true;
                            }
                        }
                    }

                    return false;
                case ITupleOperation tuple:
                    foreach (var element in tuple.Elements)
                    {
                        if (RequestScopedTypes.IsHubConnectionKey(element))
                        {
                            return true;
                        }
                    }

                    return false;
                default:
                    return false;
            }
        }

        /// <summary>The storage's type is request-scoped only because the project registers it as scoped (asked of static initializations only).</summary>
        private bool IsScopedByRegistrationOnly(ISymbol storage)
            => CacheStorage.GetDeclaredType(storage) is { } type && _shared.Types.FindRequestScoped(type, out _) is { } scoped
                && _shared.Types.Classify(scoped) == RequestScopedKind.RegisteredScoped;

        /// <summary>
        /// A value the code builds without the container (the caller has found no request data in it): nothing resolved
        /// from a service provider (<c>GetService</c>, <c>GetRequiredService</c>, <c>Resolve</c>…), no
        /// <c>IServiceProvider</c> or <c>IHttpContextAccessor</c> read — <c>new MapperConfiguration(…).CreateMapper()</c>.
        /// </summary>
        private static bool IsBuiltWithoutTheContainer(IOperation value)
        {
            foreach (var node in value.DescendantsAndSelf())
            {
                // Other containers' lookups too (Autofac's Resolve, a service locator's GetInstance).
                if (node is IInvocationOperation { TargetMethod.Name: var name }
                    && (RequestScopedTypes.ServiceLookups.Contains(name) || name is "Resolve" or "GetInstance"))
                {
                    return false;
                }

                if (node.Type is { Name: "IServiceProvider" or "IHttpContextAccessor" or "IServiceScopeFactory" })
                {
                    return false;
                }
            }

            return true;
        }

        private static bool IsCreation(IOperation value)
        {
            value = value.WithoutConversions();

            return value is IObjectCreationOperation or IArrayCreationOperation or ICollectionExpressionOperation or IAnonymousObjectCreationOperation;
        }

        /// <summary>The request data <paramref name="value"/> holds; a key held in a local is not followed (see <see cref="RequestScopedTypes.FindRequestRead(IOperation, IOperation?, System.Func{IParameterSymbol, bool}?, ILocalSymbol?, System.Threading.CancellationToken)"/>).</summary>
        private RequestRead? Find(OperationAnalysisContext context, IOperation value, IOperation? key = null)
        {
            var root = value.Root();

            var handlers = _shared.Handlers;
            return _shared.Types.FindRequestRead(value, root, parameter => IsBoundParameter(handlers, parameter, value), KeyedCollections.KeyLocal(key), context.CancellationToken);
        }

        /// <summary>A parameter the request binds: of a controller action, page handler, hub method or minimal API lambda, of a simple type or with a <c>[From…]</c> attribute.</summary>
        private static bool IsBoundParameter(RequestHandlers handlers, IParameterSymbol parameter, IOperation value)
        {
            if (!handlers.IsAvailable || parameter.ContainingSymbol is not IMethodSymbol method || !IsBindable(parameter))
            {
                return false;
            }

            if (method.MethodKind == MethodKind.AnonymousFunction)
            {
                for (var current = value.Parent; current is not null; current = current.Parent)
                {
                    if (current is IAnonymousFunctionOperation lambda && SymbolEqualityComparer.Default.Equals(lambda.Symbol, method))
                    {
                        return handlers.IsMinimalApiHandler(lambda);
                    }
                }

                return false;
            }

            return handlers.Classify(method) is RequestHandlerKind.ControllerAction or RequestHandlerKind.PageHandler or RequestHandlerKind.HubMethod;
        }

        private static bool IsBindable(IParameterSymbol parameter)
        {
            foreach (var attribute in parameter.GetAttributes())
            {
                var name = attribute.AttributeClass?.Name;
                if (name is "FromServicesAttribute" or "FromKeyedServicesAttribute")
                {
                    return false;
                }

                if (name is not null && name.StartsWith("From", StringComparison.Ordinal) && name.EndsWith("Attribute", StringComparison.Ordinal))
                {
                    return true;
                }
            }

            // A simple type the model binder reads from the route, query or form.
            var type = parameter.Type;
            if (SymbolFacts.IsSimpleValueType(type))
            {
                return true;
            }

            if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
            {
                type = nullable.TypeArguments[0];
            }

            return type.Name is "Guid" or "DateTimeOffset" or "DateOnly" && type.ContainingNamespace?.ToDisplayString() == "System";
        }

        private void Record(OperationAnalysisContext context, ISymbol storage, RequestRead? read, Location location)
        {
            if (read is null)
            {
                return;
            }

            var evidence = new Evidence(read.Value, location);
            if (!SymbolEqualityComparer.Default.Equals(storage.ContainingType, _type))
            {
                _shared.RecordOtherType(storage, evidence);
                return;
            }

            lock (_gate)
            {
                if (!_writes.TryGetValue(storage, out var existing) || evidence.IsBefore(existing))
                {
                    _writes[storage] = evidence;
                }
            }
        }

        public void Report(SymbolAnalysisContext context)
        {
            var diagnostics = new List<Diagnostic>();
            lock (_gate)
            {
                foreach (var member in _type.GetMembers())
                {
                    // Cheap first: only fields and properties, and a primitive or string one only when request data was stored in it.
                    if (member is not (IFieldSymbol { IsStatic: true } or IPropertySymbol { IsStatic: true }) || member.IsImplicitlyDeclared
                        || (member is IFieldSymbol { Type.SpecialType: not SpecialType.None } && !_writes.ContainsKey(member)))
                    {
                        continue;
                    }

                    var storage = CacheStorage.GetStaticStorage(member);
                    if (storage is null)
                    {
                        continue;
                    }

                    var what = DescribeDeclaredType(storage);
                    if (what is null && _writes.TryGetValue(storage, out var evidence))
                    {
                        what = evidence.Read.Describe();
                    }

                    if (what is null || CacheStorage.GetNameLocation(storage, context.CancellationToken) is not { } location)
                    {
                        continue;
                    }

                    _shared.MarkReported(storage);
                    diagnostics.Add(Diagnostic.Create(Descriptors.StaticRequestData, location, storage.Name, what));
                }
            }

            diagnostics.Sort(static (a, b) => a.Location.SourceSpan.Start.CompareTo(b.Location.SourceSpan.Start));
            foreach (var diagnostic in diagnostics)
            {
                context.ReportDiagnostic(diagnostic);
            }
        }

        /// <summary>
        /// "a request-scoped HttpContext", "request-scoped ClaimsPrincipal objects", or null when the type holds no
        /// request-scoped object, or the field is a read-only one that code fills with objects it creates itself
        /// (<c>static readonly ClaimsPrincipal Anonymous = new(new ClaimsIdentity());</c>), unless those are
        /// <c>HttpContext</c>, <c>HttpRequest</c>, <c>HttpResponse</c> or <c>DbContext</c> objects.
        /// </summary>
        private string? DescribeDeclaredType(ISymbol storage)
        {
            var type = storage is IFieldSymbol field ? field.Type : ((IPropertySymbol)storage).Type;
            var scoped = _shared.Types.FindRequestScoped(type, out var isElement);
            if (scoped is null)
            {
                return null;
            }

            var readOnly = storage is IFieldSymbol { IsReadOnly: true } || storage is IPropertySymbol { SetMethod: null };
            if (readOnly && _codeCreated.Contains(storage) && !_assigned.Contains(storage) && !_shared.Types.IsAlwaysRequestOwned(scoped))
            {
                return null;
            }

            // A type that is request-scoped only because the project registers it so (`AddScoped<IMapper>(…)`), built by
            // the type's own initialization from code alone (`static IMapper Mapper { get; }` set in the static
            // constructor from `new MapperConfiguration(…).CreateMapper()`): it holds no request's object.
            if (readOnly && _builtByTypeInit.Contains(storage) && !_assigned.Contains(storage))
            {
                return null;
            }

            return isElement ? "request-scoped " + scoped.Name + " objects" : "a request-scoped " + scoped.Name;
        }
    }
}
