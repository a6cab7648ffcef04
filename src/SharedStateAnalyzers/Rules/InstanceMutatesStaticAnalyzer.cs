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
/// SSA003: an instance member (method, property or indexer accessor, constructor, event accessor, finalizer, instance
/// initializer, and the lambdas and local functions inside them) that changes a static field or static auto-property
/// of its own type or a base type: assigns it (<c>=</c>, compound, <c>++</c>/<c>--</c>, <c>??=</c>) or changes the
/// contents of the collection it holds. Each instance appears to own the state, but every instance shares it.
/// Reported at the first write of each field in each member.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class InstanceMutatesStaticAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.InstanceMutatesStatic);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        ProductCodeAnalysis.RegisterCompilationStart(context, static start =>
        {
            var settings = AnalyzerSettings.Read(start.Options, start.Compilation);
            var shared = new SharedModels(
                new MutableCollections(start.Compilation),
                KeyedCollections.Create(start.Compilation, settings.CodeDerivedKeyTypes),
                new ExternalDataModel(start.Compilation, settings.ExternalDataTypes),
                ProcessLifetimeModel.For(start.Compilation),
                start.Compilation.GetTypeByMetadataName("System.ThreadStaticAttribute"),
                new DisposableTypes(start.Compilation),
                Instantiations.For(start.Compilation),
                new RequestHandlers(start.Compilation),
                ServiceRegistrations.For(start.Compilation),
                CallerLocks.For(start.Compilation),
                CompositionTime.Create(start.Compilation));
            start.RegisterSymbolStartAction(symbolStart => AnalyzeType(symbolStart, shared), SymbolKind.NamedType);
        });
    }

    private static void AnalyzeType(SymbolStartAnalysisContext context, SharedModels shared)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (type.TypeKind is not (TypeKind.Class or TypeKind.Struct) || type.IsStatic)
        {
            return;
        }

        // Cheap check first: only types that (or whose source base types) declare static state that can be changed.
        var candidates = FindCandidates(type, context.Compilation, shared);
        // A type with one instance for the process (a hand-rolled singleton, a DI singleton, a middleware, a hosted
        // service): there are no other instances to see the change.
        if (candidates is null || shared.Lifetimes.Classify(type) is not null || TestCode.IsInTestFixture(type) || DeclaresMain(type))
        {
            return;
        }

        var sameValues = new SameValueWrites(type, shared.Disposables);

        // Asked only when a write is about to be reported: whether the compilation shows several instances. A service
        // built by a container the compilation does not show the registrations of (assembly scanning, another
        // container's conventions) may have one instance for the process; a class whose only `new` is one statement
        // of the entry point (`_setupServer = new SetupServer(…)` in Main), or of a singleton's constructor (the one
        // database provider a workflow engine the container keeps makes), has one.
        var cancellationToken = context.CancellationToken;
        var mayHaveSeveral = new System.Lazy<bool>(
            () => shared.Instantiations.MayHaveSeveral(type, shared.Registrations, shared.Handlers)
                && !shared.Instantiations.IsCreatedOnceByTheEntryPoint(type, shared.Registrations, shared.Handlers, cancellationToken)
                && !shared.Instantiations.IsCreatedOnceWhileInitializing(type, cancellationToken)
                && !shared.Instantiations.IsCreatedOnceByAOneInstanceObject(type, shared.Lifetimes, shared.Registrations, shared.Handlers, cancellationToken),
            System.Threading.LazyThreadSafetyMode.ExecutionAndPublication);

        context.RegisterOperationBlockStartAction(blockStart =>
        {
            var owner = blockStart.OwningSymbol;
            if (owner.IsStatic || owner is not (IMethodSymbol or IFieldSymbol or IPropertySymbol)
                || !SymbolEqualityComparer.Default.Equals(owner.ContainingType, type))
            {
                return;
            }

            // A module's ConfigureServices(IServiceCollection), an OWIN AttachToOwinApp(…, IAppBuilder): composing the
            // app, once, before it serves anything. What its lambdas do later (a middleware's body) is still checked.
            var composing = owner is IMethodSymbol method && shared.Composition?.TakesABuilder(method) == true;
            var member = new MemberWrites(owner, candidates, shared, sameValues, mayHaveSeveral, composing);
            blockStart.RegisterOperationAction(member.AnalyzeAssignment, OperationKind.SimpleAssignment, OperationKind.CompoundAssignment, OperationKind.CoalesceAssignment);
            blockStart.RegisterOperationAction(member.AnalyzeDeconstruction, OperationKind.DeconstructionAssignment);
            blockStart.RegisterOperationAction(member.AnalyzeIncrement, OperationKind.Increment, OperationKind.Decrement);
            blockStart.RegisterOperationAction(member.AnalyzeInvocation, OperationKind.Invocation);
            blockStart.RegisterOperationBlockEndAction(member.Report);
        });
    }

    /// <summary>
    /// The program's own class (<c>static void Main</c> doing <c>new Program().Run(args)</c>): it has the one instance the
    /// entry point makes.
    /// </summary>
    private static bool DeclaresMain(INamedTypeSymbol type)
    {
        foreach (var member in type.GetMembers("Main"))
        {
            if (member is IMethodSymbol { IsStatic: true, MethodKind: MethodKind.Ordinary })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The static fields and auto-properties of <paramref name="type"/> and its source base types that an instance
    /// member could change: writable ones, and read-only ones that hold a mutable collection. Not <c>[ThreadStatic]</c>
    /// ones (SSA008's concern), nor those of a hand-rolled singleton.
    /// </summary>
    private static Dictionary<ISymbol, CollectionShape?>? FindCandidates(INamedTypeSymbol type, Compilation compilation, SharedModels shared)
    {
        Dictionary<ISymbol, CollectionShape?>? candidates = null;
        for (var current = type; current is not null && current.DeclaringSyntaxReferences.Length > 0; current = current.BaseType)
        {
            if (!SymbolEqualityComparer.Default.Equals(current, type) && Lifetimes.IsHandRolledSingleton(current, compilation))
            {
                continue;
            }

            foreach (var member in current.GetMembers())
            {
                var storage = member.IsStatic ? CacheStorage.GetSharedStorage(member, shared.ThreadStatic) : null;
                if (storage is null)
                {
                    continue;
                }

                var (storageType, isReadOnly) = storage switch
                {
                    IFieldSymbol field => (field.Type, field.IsReadOnly),
                    IPropertySymbol property => (property.Type, property.SetMethod is null),
                    _ => (null, true),
                };

                if (storageType is null)
                {
                    continue;
                }

                CollectionShape? shape = shared.Collections.TryGetShape(storageType, out var found) ? found : null;
                if (isReadOnly && shape is null)
                {
                    continue;
                }

                // A `volatile` field is declared to be seen by every thread and instance: shared on purpose, as a
                // Volatile.Write is (a "dialog already open" flag of a scoped service). What a collection in it holds
                // is still checked.
                if (shape is null && storage is IFieldSymbol { IsVolatile: true })
                {
                    continue;
                }

                candidates ??= new Dictionary<ISymbol, CollectionShape?>(SymbolEqualityComparer.Default);
                candidates[storage.OriginalDefinition] = shape;
            }
        }

        return candidates;
    }

    private sealed class SharedModels
    {
        public SharedModels(
            MutableCollections collections,
            KeyedCollections? keyed,
            ExternalDataModel external,
            ProcessLifetimeModel lifetimes,
            INamedTypeSymbol? threadStatic,
            DisposableTypes disposables,
            Instantiations instantiations,
            RequestHandlers handlers,
            ServiceRegistrations registrations,
            CallerLocks callerLocks,
            CompositionTime? composition)
        {
            Composition = composition;
            CallerLocks = callerLocks;
            Disposables = disposables;
            Instantiations = instantiations;
            Handlers = handlers;
            Registrations = registrations;
            Collections = collections;
            Keyed = keyed;
            External = external;
            Lifetimes = lifetimes;
            ThreadStatic = threadStatic;
        }

        public MutableCollections Collections { get; }

        public KeyedCollections? Keyed { get; }

        public ExternalDataModel External { get; }

        public ProcessLifetimeModel Lifetimes { get; }

        public INamedTypeSymbol? ThreadStatic { get; }

        public DisposableTypes Disposables { get; }

        public Instantiations Instantiations { get; }

        public RequestHandlers Handlers { get; }

        public ServiceRegistrations Registrations { get; }

        public CallerLocks CallerLocks { get; }

        public CompositionTime? Composition { get; }
    }

    /// <summary>The writes one member makes, reported at the end of its body: the first write of each field.</summary>
    private sealed class MemberWrites
    {
        private readonly ISymbol _owner;
        private readonly Dictionary<ISymbol, CollectionShape?> _candidates;
        private readonly SharedModels _shared;
        private readonly SameValueWrites _sameValues;
        private readonly System.Lazy<bool> _mayHaveSeveral;
        /// <summary>The member composes the app (it takes the service collection or a builder).</summary>
        private readonly bool _composing;
        private readonly Dictionary<ISymbol, Location> _first = new(SymbolEqualityComparer.Default);
        /// <summary>False once a write is seen in a lambda or under the member's own (instance) lock.</summary>
        private bool _callersLocksMayCover = true;
        private readonly object _gate = new();

        public MemberWrites(ISymbol owner, Dictionary<ISymbol, CollectionShape?> candidates, SharedModels shared, SameValueWrites sameValues, System.Lazy<bool> mayHaveSeveral, bool composing)
        {
            _composing = composing;
            _mayHaveSeveral = mayHaveSeveral;
            _owner = owner;
            _candidates = candidates;
            _shared = shared;
            _sameValues = sameValues;
        }

        public void AnalyzeAssignment(OperationAnalysisContext context)
        {
            if (IsComposing(context))
            {
                return;
            }

            var assignment = (IAssignmentOperation)context.Operation;

            // Lazy initialization of a shared value (`s_factory ??= Build()`, `if (s_factory == null) s_factory = …`)
            // is meant to be shared: whether it is synchronized is SSA009's business. Not when the value is what this
            // instance was given (`s_culture ??= culture`): the first instance's choice silently holds for all.
            var lazyValue = assignment switch
            {
                ICoalesceAssignmentOperation => assignment.Value,
                ISimpleAssignmentOperation when LazyInitialization.SelfCoalescedValue(assignment) is { } whenUnset => whenUnset,
                ISimpleAssignmentOperation when IsLazyInitialization(assignment) => assignment.Value,
                _ => null,
            };

            if (lazyValue is not null && !SameValueWrites.HoldsWhatTheInstanceWasGiven(lazyValue))
            {
                return;
            }

            // `Instance = this` into a static of the type's own type: the instance registers itself as the current one
            // (a runtime patch the static hooks reach, a plugin); the last registered is meant to win.
            if (assignment.Value.WithoutConversions() is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance }
                && CacheStorage.GetReferencedStorage(assignment.Target) is { IsStatic: true } self
                && HandRolledSingletons.IsOwnType(CacheStorage.GetDeclaredType(self), _owner.ContainingType))
            {
                return;
            }

            // Every write of the field stores one value built from constants (a one-way latch, sample data set up in a
            // constructor): whichever instance writes, the field holds the same.
            if (CacheStorage.GetReferencedStorage(assignment.Target) is { IsStatic: true } field && _candidates.ContainsKey(field)
                && _sameValues.IsSameValueWrite(field, assignment, context.CancellationToken))
            {
                return;
            }

            // A plain value (a number, flag, string, enum) that the instance did not choose: read from a service, the
            // configuration or the machine, or computed. Every instance writes what the process has; an instance-chosen
            // value (a parameter of its own, a plain field of its own) is still reported, as is any object.
            if (assignment is ISimpleAssignmentOperation && CacheStorage.GetReferencedStorage(assignment.Target) is { IsStatic: true } plain
                && _candidates.TryGetValue(plain, out var plainShape) && plainShape is null
                && SameValueWrites.IsPlainValueTheProcessHas(assignment))
            {
                return;
            }

            // `s_readers = s_readers.SetItem(typeof(T), reader)`: an immutable cache keyed by code, replaced with a
            // copy plus one entry, is filled like a mutable one (the same exclusion as a Type-keyed dictionary).
            if (assignment is ISimpleAssignmentOperation && IsCodeKeyedImmutableCopy(assignment))
            {
                return;
            }

            // The app's options (`s_settings = options.Value` of an injected IOptions<T>): the container's one options
            // object, the same for every instance.
            if (assignment is ISimpleAssignmentOperation && IsTheProcessOptions(assignment.Value))
            {
                return;
            }

            // The container's one object, handed to the constructor: a logger (one per category), the app's
            // configuration, or a service this compilation registers only as a singleton (`s_db = db`). Every instance
            // stores the same.
            if (assignment is ISimpleAssignmentOperation && IsTheContainersOneObject(assignment.Value))
            {
                return;
            }

            AnalyzeTarget(context, assignment.Target, assignment.Value);
        }

        private bool IsCodeKeyedImmutableCopy(IAssignmentOperation assignment)
        {
            var field = CacheStorage.GetReferencedStorage(assignment.Target);
            if (field is null || _shared.Keyed is not { } keyed
                || CacheStorage.GetDeclaredType(field) is not INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: > 0 } type
                || !keyed.IsCodeDerivedKey(type.TypeArguments[0])
                || assignment.Value.WithoutConversions() is not IInvocationOperation { TargetMethod.Name: var name } copy
                || !IsCopyWithEntry(name)
                || copy.Instance is null)
            {
                return false;
            }

            return SymbolEqualityComparer.Default.Equals(CacheStorage.GetReferencedStorage(copy.Instance), field);
        }

        /// <summary>
        /// The methods of immutable maps and sets that return a copy with an entry changed:
        /// <c>System.Collections.Immutable</c>'s <c>SetItem</c>, <c>Add</c>, <c>Remove</c>, and the
        /// <c>AddOrUpdate</c> of other persistent maps.
        /// </summary>
        private static bool IsCopyWithEntry(string name)
            => name is "SetItem" or "SetItems" or "Add" or "AddRange" or "Remove" or "Union" or "AddOrUpdate" or "AddOrKeep" or "Update";

        /// <summary>
        /// A constructor parameter whose type the container keeps one of: a logger, <c>IConfiguration</c>, or a class or
        /// interface the compilation registers, unkeyed, only as a singleton.
        /// </summary>
        private bool IsTheContainersOneObject(IOperation value)
        {
            if (value.WithoutConversions() is not IParameterReferenceOperation { Parameter: { ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.Constructor }, Type: INamedTypeSymbol type } })
            {
                return false;
            }

            if (SymbolFacts.IsLogger(type)
                || (type is { Name: "IConfiguration" or "IConfigurationRoot", TypeKind: TypeKind.Interface }
                    && type.ContainingNamespace?.ToDisplayString() == "Microsoft.Extensions.Configuration"))
            {
                return true;
            }

            return _shared.Registrations.IsRegisteredOnlyAsSingleton(type);
        }

        /// <summary><c>options.Value</c> of an <c>IOptions&lt;T&gt;</c> (not a snapshot or monitor, whose value changes).</summary>
        private static bool IsTheProcessOptions(IOperation value)
            => value.WithoutConversions() is IPropertyReferenceOperation { Property.Name: "Value", Instance.Type: INamedTypeSymbol { Name: "IOptions", Arity: 1 } options }
                && options.ContainingNamespace?.ToDisplayString() == "Microsoft.Extensions.Options";

        private static bool IsLazyInitialization(IAssignmentOperation assignment)
        {
            var storage = CacheStorage.GetReferencedStorage(assignment.Target);
            return storage is not null && LazyInitialization.FindGoverningChecks(assignment, storage).Count > 0;
        }

        private bool IsComposing(OperationAnalysisContext context) => _composing && !context.Operation.IsInsideLambda();

        /// <summary><c>(s_first, s_last) = (a, b)</c>: each element of the target tuple is a write.</summary>
        public void AnalyzeDeconstruction(OperationAnalysisContext context)
        {
            if (IsComposing(context))
            {
                return;
            }

            var deconstruction = (IDeconstructionAssignmentOperation)context.Operation;
            AnalyzeTuple(context, deconstruction.Target);
        }

        private void AnalyzeTuple(OperationAnalysisContext context, IOperation target)
        {
            if (target is not ITupleOperation tuple)
            {
                AnalyzeTarget(context, target, value: null);
                return;
            }

            foreach (var element in tuple.Elements)
            {
                AnalyzeTuple(context, element);
            }
        }

        public void AnalyzeIncrement(OperationAnalysisContext context)
        {
            if (IsComposing(context))
            {
                return;
            }

            var increment = (IIncrementOrDecrementOperation)context.Operation;
            AnalyzeTarget(context, increment.Target, value: null);
        }

        public void AnalyzeInvocation(OperationAnalysisContext context)
        {
            if (IsComposing(context))
            {
                return;
            }

            var invocation = (IInvocationOperation)context.Operation;

            // `int.TryParse(text, out s_port)` assigns the field. Passing it by `ref` is how Interlocked, Volatile and
            // LazyInitializer are called: not reported.
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter is { RefKind: RefKind.Out })
                {
                    AnalyzeTarget(context, argument.Value, value: null);
                }
            }

            var method = invocation.TargetMethod;
            if (!MutableCollections.MutatingMethods.Contains(method.Name))
            {
                return;
            }

            var receiver = invocation.Receiver();
            if (receiver is null || (method.IsStatic && !method.IsExtensionMethod))
            {
                return;
            }

            IOperation? value = null;
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter is { } parameter && argument.Value != receiver && MutableCollections.InsertedValueParameterNames.Contains(parameter.Name))
                {
                    value = argument.Value;
                    break;
                }
            }

            var key = KeyedCollections.KeyArgument(invocation);
            var location = invocation.Syntax is InvocationExpressionSyntax syntax ? syntax.Expression.GetLocation() : invocation.Syntax.GetLocation();
            AnalyzeContents(context, receiver, key, value, location);
        }

        /// <summary>The field itself (<c>s_x = …</c>, <c>s_x++</c>), or an element of the collection it holds (<c>s_cache[key] = …</c>).</summary>
        private void AnalyzeTarget(OperationAnalysisContext context, IOperation target, IOperation? value)
        {
            var field = CacheStorage.GetReferencedStorage(target);
            if (field is not null)
            {
                if (field.IsStatic && _candidates.ContainsKey(field) && !IsGuardedOnPurpose(context))
                {
                    Record(field, target.Syntax.GetLocation());
                }

                return;
            }

            var collection = target switch
            {
                IPropertyReferenceOperation { Property.IsIndexer: true } indexer => indexer.Instance,
                IArrayElementReferenceOperation element => element.ArrayReference,
                _ => null,
            };

            if (collection is not null)
            {
                var key = target is IPropertyReferenceOperation { Arguments.Length: 1 } keyed ? keyed.Arguments[0].Value : null;
                AnalyzeContents(context, collection, key, value, target.Syntax.GetLocation());
            }
        }

        private void AnalyzeContents(OperationAnalysisContext context, IOperation collection, IOperation? key, IOperation? value, Location location)
        {
            var field = CacheStorage.GetReferencedStorage(collection);
            if (field is null || !field.IsStatic || !_candidates.TryGetValue(field, out var candidate) || candidate is not { } shape)
            {
                return;
            }

            // A cache keyed by types or members (or their names) fills once per type: bounded, and the same for every
            // instance.
            if (_shared.Keyed is { } keyed
                && (keyed.IsCodeDerivedKey(shape.KeyType) || keyed.HoldsCodeValues(CacheStorage.GetDeclaredType(field)) || (key is not null && keyed.IsCodeDerivedKeyValue(key))))
            {
                return;
            }

            if (IsGuardedOnPurpose(context))
            {
                return;
            }

            // A registry of live resources (file watchers, timers, connections, subscriptions) kept for the process so
            // that any instance can stop them, and so that they are not collected: shared on purpose, and a
            // per-instance copy would lose the resources the other instances started. Whether it is changed safely is
            // SSA002's business.
            if (_shared.Disposables.HoldsDisposables(CacheStorage.GetDeclaredType(field)))
            {
                return;
            }

            // A controller, Razor page model or SignalR hub lasts one request or hub call: nobody expects its instances to
            // own state, and a static collection is how such a type keeps what outlives the call (a hub's who-is-online
            // list, a controller's in-memory store). Replacing the static itself is still reported; races in the
            // collection are SSA002's, request data kept in it SSA007's.
            if (_shared.Handlers.IsMadePerRequest(_owner.ContainingType))
            {
                return;
            }

            // A concurrent collection is shared on purpose; it is this rule's business only when it keeps external
            // data that each instance appears to read for itself. Request data kept in a static collection (a hub's
            // connection registry) is SSA007's.
            if (shape.IsThreadSafe
                && (value is null
                    || _shared.External.FindSource(value, value.Root(), KeyedCollections.KeyLocals(key), context.CancellationToken) is null or { Kind: ExternalSourceKind.Request }))
            {
                return;
            }

            Record(field, location);
        }

        /// <summary>
        /// A write under a lock guards shared state on purpose, unless the lock is taken on the instance — an instance
        /// field, <c>this</c>, or a <c>[MethodImpl(Synchronized)]</c> instance method: each instance then holds its own
        /// lock, which does not keep other instances out.
        /// </summary>
        private bool IsGuardedOnPurpose(OperationAnalysisContext context)
        {
            var guard = Synchronization.GetGuard(context.Operation, _owner);
            if (!guard.IsGuarded)
            {
                // Its callers may hold a lock (`lock (cache) { CleanCache(); … }`): asked before reporting.
                if (context.Operation.IsInsideLambda())
                {
                    lock (_gate)
                    {
                        _callersLocksMayCover = false;
                    }
                }

                return false;
            }

            lock (_gate)
            {
                _callersLocksMayCover = false;
            }

            // Nested lock statements: one on a shared object is enough.
            var sawLock = false;
            for (var current = context.Operation.Parent; current is not null; current = current.Parent)
            {
                if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    break;
                }

                if (current is ILockOperation @lock)
                {
                    sawLock = true;
                    if (!IsInstanceLock(@lock.LockedValue))
                    {
                        return true;
                    }
                }
            }

            if (sawLock || guard.LockObject is IFieldSymbol { IsStatic: false } or IPropertySymbol { IsStatic: false })
            {
                return false;
            }

            // A Monitor, ReaderWriterLockSlim or SemaphoreSlim region, or the method's own synchronization.
            return guard.LockObject is not null
                || !(_owner is IMethodSymbol method && (method.MethodImplementationFlags & System.Reflection.MethodImplAttributes.Synchronized) != 0);
        }

        /// <summary><c>this</c>, or an instance field or property of it.</summary>
        private static bool IsInstanceLock(IOperation operation)
        {
            operation = operation.WithoutConversions();

            return operation is IInstanceReferenceOperation
                || CacheStorage.GetReferencedStorage(operation) is IFieldSymbol { IsStatic: false } or IPropertySymbol { IsStatic: false };
        }

        private void Record(ISymbol field, Location location)
        {
            lock (_gate)
            {
                if (!_first.TryGetValue(field, out var existing) || location.SourceSpan.Start < existing.SourceSpan.Start)
                {
                    _first[field] = location;
                }
            }
        }

        public void Report(OperationBlockAnalysisContext context)
        {
            List<(ISymbol Field, Location Location)> writes;
            lock (_gate)
            {
                if (_first.Count == 0)
                {
                    return;
                }

                writes = new List<(ISymbol, Location)>(_first.Count);
                foreach (var pair in _first)
                {
                    writes.Add((pair.Key, pair.Value));
                }
            }

            if (!_mayHaveSeveral.Value)
            {
                return;
            }

            // A constructor whose every instance the type's own static initializers create (a smart enum registering
            // each instance in a static map): its writes to the type's static state are part of initializing the type.
            if (_owner is IMethodSymbol { MethodKind: MethodKind.Constructor } constructor
                && writes.Exists(write => IsOwnTypesField(write.Field, constructor))
                && _shared.Instantiations.IsCreatedOnlyWhileInitializing(constructor.ContainingType, context.CancellationToken))
            {
                writes.RemoveAll(write => IsOwnTypesField(write.Field, constructor));
                if (writes.Count == 0)
                {
                    return;
                }
            }

            // A helper whose every caller holds a lock.
            bool coverable;
            lock (_gate)
            {
                coverable = _callersLocksMayCover;
            }

            if (coverable && _shared.CallerLocks.IsCalledOnlyUnderLock(_owner, context.CancellationToken))
            {
                return;
            }

            writes.Sort(static (a, b) => a.Location.SourceSpan.Start.CompareTo(b.Location.SourceSpan.Start));
            var memberName = DisplayName(_owner);
            foreach (var (field, location) in writes)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    Descriptors.InstanceMutatesStatic, location, memberName, field.Name, field.ContainingType?.Name ?? string.Empty));
            }
        }

        private static bool IsOwnTypesField(ISymbol field, IMethodSymbol constructor)
            => SymbolEqualityComparer.Default.Equals(field.ContainingType?.OriginalDefinition, constructor.ContainingType.OriginalDefinition);

        private static string DisplayName(ISymbol member) => member switch
        {
            IMethodSymbol { MethodKind: MethodKind.Constructor } constructor => constructor.ContainingType.Name,
            IMethodSymbol { MethodKind: MethodKind.Destructor } finalizer => "~" + finalizer.ContainingType.Name,
            IMethodSymbol { AssociatedSymbol: IPropertySymbol { IsIndexer: true } } => "this[]",
            IMethodSymbol { AssociatedSymbol: { } associated } => associated.Name,
            _ => member.Name,
        };
    }
}
