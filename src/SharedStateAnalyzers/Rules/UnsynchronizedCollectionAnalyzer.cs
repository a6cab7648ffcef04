using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using SharedStateAnalyzers.Model;

namespace SharedStateAnalyzers.Rules;

/// <summary>
/// SSA002: a thread-unsafe collection (<c>Dictionary&lt;,&gt;</c>, <c>List&lt;&gt;</c>, <c>HashSet&lt;&gt;</c>, …) held by a
/// process-lifetime object — a static field or auto-property, or an instance one of a hand-rolled singleton, a
/// conventional middleware, a hosted service or a DI singleton — and changed after initialization outside a lock,
/// or under locks on different objects. Reported on the field, once, when the type's members have been analyzed.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnsynchronizedCollectionAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.UnsynchronizedCollection);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        ProductCodeAnalysis.RegisterCompilationStart(context, static start =>
        {
            var collections = ThreadUnsafeCollections.Create(start.Compilation);
            if (collections is null)
            {
                return;
            }

            var threadStatic = start.Compilation.GetTypeByMetadataName("System.ThreadStaticAttribute");
            var lifetimes = ProcessLifetimeModel.For(start.Compilation);
            var compositionTime = CompositionTime.Create(start.Compilation);
            var callerLocks = CallerLocks.For(start.Compilation);
            var startHooks = HostedStartHooks.For(start.Compilation);
            var instantiations = Instantiations.For(start.Compilation);
            start.RegisterSymbolStartAction(
                symbolStart => AnalyzeType(symbolStart, collections, lifetimes, compositionTime, threadStatic, callerLocks, startHooks, instantiations),
                SymbolKind.NamedType);
        });
    }

    private static void AnalyzeType(
        SymbolStartAnalysisContext context,
        ThreadUnsafeCollections collections,
        ProcessLifetimeModel lifetimes,
        CompositionTime? compositionTime,
        INamedTypeSymbol? threadStatic,
        CallerLocks callerLocks,
        HostedStartHooks startHooks,
        Instantiations instantiations)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (type.TypeKind is not (TypeKind.Class or TypeKind.Struct))
        {
            return;
        }

        // Cheap checks first: only types that declare a collection field that could be thread-unsafe, static or in a
        // type whose instances live as long as the process, register anything.
        Dictionary<ISymbol, FieldState>? candidates = null;
        bool? processLifetime = null;
        foreach (var member in type.GetMembers())
        {
            var storageType = CacheStorage.GetDeclaredType(member);
            if (storageType is null)
            {
                continue;
            }

            var isThreadUnsafe = collections.IsThreadUnsafe(storageType);
            if (!isThreadUnsafe && !collections.IsMutableInterface(storageType))
            {
                continue;
            }

            var storage = CacheStorage.GetSharedStorage(member, threadStatic);
            if (storage is null)
            {
                continue;
            }

            if (!storage.IsStatic && !(processLifetime ??= lifetimes.Classify(type) is not null))
            {
                continue;
            }

            candidates ??= new Dictionary<ISymbol, FieldState>(SymbolEqualityComparer.Default);
            candidates[storage] = new FieldState(isThreadUnsafe ? storageType : null);
        }

        // A type that takes part in composing the app (a plugin manager, a module registry) fills its collections
        // while services are configured: once, on one thread, before any request.
        if (candidates is null || compositionTime?.IsCompositionTimeType(type) == true)
        {
            return;
        }

        var state = new TypeState(type, candidates, collections, lifetimes, callerLocks, startHooks, compositionTime, instantiations, context.Compilation);
        context.RegisterOperationAction(state.AnalyzeReference, OperationKind.FieldReference, OperationKind.PropertyReference);
        context.RegisterOperationAction(state.AnalyzeInitializer, OperationKind.FieldInitializer, OperationKind.PropertyInitializer);
        context.RegisterOperationAction(state.AnalyzeMethodUse, OperationKind.Invocation, OperationKind.MethodReference, OperationKind.Invalid);
        context.RegisterSymbolEndAction(state.Report);
    }

    /// <summary>What one type's members do with its candidate fields. Operation actions run concurrently: guarded by a lock.</summary>
    private sealed class TypeState
    {
        private readonly INamedTypeSymbol _type;
        private readonly Dictionary<ISymbol, FieldState> _fields;
        private readonly ThreadUnsafeCollections _collections;
        private readonly ProcessLifetimeModel _lifetimes;
        private readonly CallerLocks _callerLocks;
        private readonly HostedStartHooks _startHooks;
        private readonly CompositionTime? _compositionTime;
        private readonly Instantiations _instantiations;
        private readonly Compilation _compilation;

        /// <summary>Who uses each method of the type: the members that call it or take it as a delegate.</summary>
        private readonly Dictionary<IMethodSymbol, List<ISymbol>> _methodUses = new(SymbolEqualityComparer.Default);
        /// <summary>The methods of the type called or taken as a delegate inside a lambda or local function, or by reference.</summary>
        private readonly HashSet<IMethodSymbol> _usedLater = new(SymbolEqualityComparer.Default);
        /// <summary>The methods of the type taken as a delegate, or called inside a loop.</summary>
        private readonly HashSet<IMethodSymbol> _usedRepeatedly = new(SymbolEqualityComparer.Default);
        private readonly object _gate = new();

        public TypeState(
            INamedTypeSymbol type,
            Dictionary<ISymbol, FieldState> fields,
            ThreadUnsafeCollections collections,
            ProcessLifetimeModel lifetimes,
            CallerLocks callerLocks,
            HostedStartHooks startHooks,
            CompositionTime? compositionTime,
            Instantiations instantiations,
            Compilation compilation)
        {
            _compilation = compilation;
            _compositionTime = compositionTime;
            _instantiations = instantiations;
            _callerLocks = callerLocks;
            _startHooks = startHooks;
            _type = type;
            _fields = fields;
            _collections = collections;
            _lifetimes = lifetimes;
        }

        public void AnalyzeReference(OperationAnalysisContext context)
        {
            var reference = context.Operation;
            var storage = CacheStorage.GetReferencedStorage(reference);
            if (storage is null || !_fields.TryGetValue(storage, out var field))
            {
                return;
            }

            if (reference.IsInsideLambda())
            {
                lock (_gate)
                {
                    field.UsedInNestedFunction = true;
                }
            }

            // An assignment of the whole collection tells what the field holds (for an interface-typed field); it is
            // a replacement, not a change of contents.
            if (reference.Parent is ISimpleAssignmentOperation assignment && assignment.Target == reference)
            {
                RecordAssignedType(field, assignment.Value);
                // Created with elements by the constructor (the static constructor, for a static field).
                var constructorKind = storage.IsStatic ? MethodKind.StaticConstructor : MethodKind.Constructor;
                if (context.ContainingSymbol is IMethodSymbol constructor && constructor.MethodKind == constructorKind && HasElements(assignment.Value))
                {
                    lock (_gate)
                    {
                        field.InitializedWithElements = true;
                    }
                }

                return;
            }

            if (!ThreadUnsafeCollections.IsMutatedBy(reference))
            {
                var emptinessGuard = IsLeadingEmptinessGuard(reference);
                lock (_gate)
                {
                    field.Readers.Add(context.ContainingSymbol);
                    if (!emptinessGuard)
                    {
                        field.ReadersBeyondGuards.Add(context.ContainingSymbol);
                    }
                }

                return;
            }

            // Dispose every element, then Clear: a teardown that releases what the collection held, not a change that
            // races with the code using it.
            if (Teardown.IsClearAfterReleasingEach(reference, storage))
            {
                return;
            }

            // Filled inside its own lazy initialization (`if (_args is null) { _args = new(); … _args[key] = value; }`):
            // the race is in the check-then-assign, which SSA009 reports on the assignment. One cause, one diagnostic.
            if (LazyInitialization.FindGoverningChecks(reference, storage).Count > 0)
            {
                return;
            }

            var guard = Synchronization.GetGuard(reference, context.ContainingSymbol);
            var helperBody = !guard.IsGuarded && !reference.IsInsideDeferredFunction();

            var inserts = ThreadUnsafeCollections.IsInsertion(reference);
            var loads = inserts && IsInLoop(reference);
            var testsMembership = AnswersMembership(reference);
            lock (_gate)
            {
                field.Mutations.Add(new Mutation(context.ContainingSymbol, guard, inserts, loads, helperBody));
                if (testsMembership)
                {
                    field.Readers.Add(context.ContainingSymbol);
                    field.ReadersBeyondGuards.Add(context.ContainingSymbol);
                }
            }
        }

        /// <summary>
        /// A change whose <c>bool</c> answer the code uses (<c>if (!s_seen.Add(id))</c>, <c>if (map.TryAdd(k, v))</c>):
        /// whether the entry was there, a read of the table as much as <c>Contains</c> is.
        /// </summary>
        private static bool AnswersMembership(IOperation reference)
        {
            var current = reference;
            while (current.Parent is IConversionOperation conversion)
            {
                current = conversion;
            }

            return current.Parent is IInvocationOperation { TargetMethod.ReturnType.SpecialType: SpecialType.System_Boolean } call
                && call.Instance == current
                && call.Parent is not (IExpressionStatementOperation or null);
        }

        public void AnalyzeInitializer(OperationAnalysisContext context)
        {
            var initializer = (ISymbolInitializerOperation)context.Operation;
            var targets = initializer switch
            {
                IFieldInitializerOperation fields => ImmutableArray<ISymbol>.CastUp(fields.InitializedFields),
                IPropertyInitializerOperation properties => ImmutableArray<ISymbol>.CastUp(properties.InitializedProperties),
                _ => ImmutableArray<ISymbol>.Empty,
            };

            foreach (var target in targets)
            {
                if (_fields.TryGetValue(target.OriginalDefinition, out var field))
                {
                    RecordAssignedType(field, initializer.Value);
                    if (HasElements(initializer.Value))
                    {
                        lock (_gate)
                        {
                            field.InitializedWithElements = true;
                        }
                    }
                }
            }
        }

        /// <summary>A collection created with elements: <c>new() { … }</c>, <c>[a, b]</c>, <c>new[] { … }</c>.</summary>
        private static bool HasElements(IOperation value) => value.WithoutConversions() switch
        {
            IObjectCreationOperation { Initializer.Initializers.Length: > 0 } => true,
            ICollectionExpressionOperation { Elements.Length: > 0 } => true,
            IArrayCreationOperation { Initializer.ElementValues.Length: > 0 } => true,
            _ => false,
        };

        private void RecordAssignedType(FieldState field, IOperation value)
        {
            if (field.CollectionType is not null)
            {
                return;
            }

            value = value.WithoutConversions();

            if (_collections.IsThreadUnsafe(value.Type))
            {
                lock (_gate)
                {
                    field.AssignedType ??= value.Type;
                }
            }
        }

        /// <summary>
        /// Records which members call (or take as a delegate) each private method of the type. A method group is
        /// treated like a call from the member it appears in, as a lambda there is.
        /// </summary>
        public void AnalyzeMethodUse(OperationAnalysisContext context)
        {
            var method = context.Operation switch
            {
                IInvocationOperation invocation => invocation.TargetMethod,
                IMethodReferenceOperation reference => reference.Method,
                IInvalidOperation { Syntax: InvocationExpressionSyntax call } => UnboundCallOfOwnMethod(call),
                _ => null,
            };

            if (method is not { MethodKind: MethodKind.Ordinary }
                || !SymbolEqualityComparer.Default.Equals(method.ContainingType, _type))
            {
                return;
            }

            method = method.OriginalDefinition;
            var later = context.Operation is IMethodReferenceOperation || context.Operation.IsInsideLambda();
            var repeatedly = context.Operation is IMethodReferenceOperation || context.Operation.IsInsideALoop();
            lock (_gate)
            {
                if (later)
                {
                    _usedLater.Add(method);
                }

                if (repeatedly)
                {
                    _usedRepeatedly.Add(method);
                }

                if (!_methodUses.TryGetValue(method, out var callers))
                {
                    _methodUses[method] = callers = new List<ISymbol>();
                }

                callers.Add(context.ContainingSymbol);
            }
        }

        /// <summary>
        /// A call of the type's own method that does not bind (a type argument or an argument of a type the build cannot
        /// resolve): <c>RegisterHandler&lt;User&gt;(repo)</c> with no receiver names the one method of the type so named.
        /// </summary>
        private IMethodSymbol? UnboundCallOfOwnMethod(InvocationExpressionSyntax call)
        {
            IMethodSymbol? found = null;
            foreach (var method in SymbolFacts.OwnMethodsNamedBy(call, _type))
            {
                if (found is not null)
                {
                    return null;
                }

                found = method;
            }

            return found;
        }

        /// <summary>
        /// The collection's items are of a type that does not resolve, in a file that uses a UI toolkit (a <c>using
        /// Avalonia.Media.Imaging;</c>, or the type written as <c>System.Windows.Media.ImageSource</c>): they may be the
        /// toolkit's objects, which its UI thread owns, so the collection is not judged. Elsewhere the items' type does
        /// not change the race.
        /// </summary>
        private static bool MayHoldUnresolvedUiObjects(ISymbol storage, ITypeSymbol collectionType, CancellationToken cancellationToken)
        {
            if (!SymbolFacts.MentionsUnresolvedType(collectionType) && !SymbolFacts.MentionsUnresolvedType(CacheStorage.GetDeclaredType(storage)))
            {
                return false;
            }

            foreach (var reference in storage.DeclaringSyntaxReferences)
            {
                var declaration = reference.GetSyntax(cancellationToken);
                var written = declaration switch
                {
                    VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax variables } => variables.Type,
                    PropertyDeclarationSyntax property => property.Type,
                    _ => null,
                };

                if ((written is not null && NamesUiToolkitType(written)) || UsesUiToolkit(declaration))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The type is written with a UI toolkit's namespace somewhere in it: <c>Dictionary&lt;string, Avalonia.Media.Imaging.Bitmap&gt;</c>.</summary>
        private static bool NamesUiToolkitType(TypeSyntax type)
        {
            foreach (var node in type.DescendantNodesAndSelf())
            {
                if (node is QualifiedNameSyntax qualified && SymbolFacts.NamesUiToolkitNamespace(qualified.ToString()))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool UsesUiToolkit(SyntaxNode declaration)
        {
            foreach (var ancestor in declaration.Ancestors())
            {
                var usings = ancestor switch
                {
                    CompilationUnitSyntax unit => unit.Usings,
                    BaseNamespaceDeclarationSyntax space => space.Usings,
                    _ => default,
                };

                foreach (var directive in usings)
                {
                    if (directive.Name is { } name && SymbolFacts.NamesUiToolkitNamespace(name.ToString()))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        public void Report(SymbolAnalysisContext context)
        {
            List<Diagnostic>? diagnostics = null;
            lock (_gate)
            {
                foreach (var pair in _fields)
                {
                    var collectionType = pair.Value.CollectionType ?? pair.Value.AssignedType;
                    // A collection of UI toolkit objects (icons, brushes, views) is filled and read on the toolkit's UI thread.
                    if (collectionType is null
                        || SymbolFacts.AnyElementType(collectionType, SymbolFacts.IsUiToolkitType)
                        || MayHoldUnresolvedUiObjects(pair.Key, collectionType, context.CancellationToken)
                        || SingleThreadedPrograms.IsStateOfSingleThreadedProgram(context.Compilation, pair.Key, context.CancellationToken)
                        || IsStateOfTheServiceLoop(pair.Key, pair.Value)
                        || IsFilledOnlyThroughItsSetUpApi(pair.Key, pair.Value)
                        || IsStateOfAFluentBuilder(pair.Key, pair.Value, context.CancellationToken)
                        || !IsUnsynchronized(pair.Key, pair.Value, context.CancellationToken)
                        || IsExtensionPointRegistry(pair.Key, pair.Value, context.CancellationToken)
                        || IsUncalledRegistryOfASingleton(pair.Key, pair.Value, context.CancellationToken))
                    {
                        continue;
                    }

                    var location = CacheStorage.GetNameLocation(pair.Key, context.CancellationToken);
                    if (location is null)
                    {
                        continue;
                    }

                    diagnostics ??= new List<Diagnostic>();
                    diagnostics.Add(Diagnostic.Create(
                        Descriptors.UnsynchronizedCollection,
                        location,
                        pair.Key.Name,
                        collectionType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)));
                }
            }

            if (diagnostics is null)
            {
                return;
            }

            diagnostics.Sort(static (a, b) => a.Location.SourceSpan.Start.CompareTo(b.Location.SourceSpan.Start));
            foreach (var diagnostic in diagnostics)
            {
                context.ReportDiagnostic(diagnostic);
            }
        }

        /// <summary>
        /// True when some change after initialization runs outside a lock, or the changes are guarded by locks on
        /// different named objects, or a static collection is guarded by a lock that each instance of an ordinary
        /// class has its own of.
        /// </summary>
        private bool IsUnsynchronized(ISymbol storage, FieldState field, System.Threading.CancellationToken cancellationToken)
        {
            var loader = FindLoader(storage, field);
            ISymbol? lockObject = null;
            foreach (var mutation in field.Mutations)
            {
                if (IsInitialization(mutation.ContainingSymbol, storage, visiting: null)
                    || (loader is not null && SymbolEqualityComparer.Default.Equals(LoadingMethod(mutation, field), loader))
                    || IsRunOnlyWhileTypeInitializes(mutation.ContainingSymbol, storage, cancellationToken))
                {
                    continue;
                }

                if (!mutation.Guard.IsGuarded)
                {
                    // A helper whose every caller holds a lock is guarded by an object this type cannot name.
                    // So is one whose other callers are the owner's constructors, which run before it is shared.
                    var constructors = storage.IsStatic ? CallerLocks.ConstructorCalls.Static : CallerLocks.ConstructorCalls.Instance;
                    if (mutation.InHelperBody && _callerLocks.IsCalledOnlyUnderLock(mutation.ContainingSymbol, constructors, cancellationToken))
                    {
                        continue;
                    }

                    // A method only the app's composition calls (a module's ConfigureServices, an AddX extension):
                    // it runs once, on one thread, before the first request.
                    if (mutation.InHelperBody && _compositionTime?.IsCalledOnlyWhileComposing(mutation.ContainingSymbol, cancellationToken) == true)
                    {
                        continue;
                    }

                    // An options object's method that only its configure steps call, or nothing in the compilation: it
                    // runs while the options are built, before a consumer is handed them.
                    if (mutation.InHelperBody && !storage.IsStatic
                        && mutation.ContainingSymbol is IMethodSymbol { MethodKind: MethodKind.Ordinary, IsStatic: false } changer
                        && OptionsConfiguration.IsOptionsType(_type)
                        && OptionsConfiguration.IsCalledOnlyWhileConfiguring(changer, _type, _compilation, cancellationToken))
                    {
                        continue;
                    }

                    // A hosted service's helper that only its start and stop reach, through its own hooks.
                    if (mutation.InHelperBody && !storage.IsStatic
                        && _lifetimes.Classify(_type) == ProcessLifetimeKind.HostedService
                        && _startHooks.IsCalledOnlyWhileStartingOrStopping(mutation.ContainingSymbol, cancellationToken))
                    {
                        continue;
                    }

                    return true;
                }

                var guardObject = mutation.Guard.LockObject;
                if (guardObject is null)
                {
                    // lock (this), a synchronized method, a lock on an expression: one object, as far as can be told.
                    continue;
                }

                if (storage.IsStatic && !guardObject.IsStatic && guardObject is IFieldSymbol or IPropertySymbol
                    && guardObject.ContainingType is { } owner && _lifetimes.Classify(owner) is null)
                {
                    return true;
                }

                if (lockObject is null)
                {
                    lockObject = guardObject;
                }
                else if (!SymbolEqualityComparer.Default.Equals(lockObject, guardObject))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// A hosted service's private instance collection that only its <c>ExecuteAsync</c> uses, outside lambdas and
        /// local functions: the host runs that method once, as one sequential flow, so the collection is the loop's own
        /// state kept in a field (the workers a dispatch loop starts, fills and clears). Nothing else can reach it.
        /// </summary>
        private bool IsStateOfTheServiceLoop(ISymbol storage, FieldState field)
        {
            if (storage.IsStatic || storage.DeclaredAccessibility != Accessibility.Private || field.UsedInNestedFunction
                || field.Mutations.Count == 0 || _lifetimes.Classify(_type) is not { } kind)
            {
                return false;
            }

            // Every use must lead to one and the same loop: two loops run alongside each other.
            var hosted = kind == ProcessLifetimeKind.HostedService;
            var loops = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            foreach (var mutation in field.Mutations)
            {
                if (!IsPartOfTheServiceLoop(mutation.ContainingSymbol, hosted, loops, depth: 0))
                {
                    return false;
                }
            }

            foreach (var reader in field.Readers)
            {
                if (!IsPartOfTheServiceLoop(reader, hosted, loops, depth: 0))
                {
                    return false;
                }
            }

            return loops.Count == 1;
        }

        /// <summary>
        /// A hosted service's <c>ExecuteAsync</c>, the type's own background loop (<see cref="IsLoopStartedOnce"/>), or a
        /// private method that only it (or such methods) calls, in its own flow: not inside a lambda or local function,
        /// nor taken as a delegate. The loop reached is added to <paramref name="loops"/>.
        /// </summary>
        private bool IsPartOfTheServiceLoop(ISymbol? member, bool hosted, HashSet<ISymbol> loops, int depth)
        {
            if ((hosted && member is IMethodSymbol { Name: "ExecuteAsync", IsOverride: true, IsStatic: false, Parameters.Length: 1 })
                || (member is IMethodSymbol candidate && IsLoopStartedOnce(candidate)))
            {
                loops.Add(member.OriginalDefinition);
                return true;
            }

            return depth < 3 && member is IMethodSymbol { DeclaredAccessibility: Accessibility.Private, MethodKind: MethodKind.Ordinary } helper
                && !_usedLater.Contains(helper.OriginalDefinition)
                && IsUsedOnlyBy(helper, caller => !SymbolEqualityComparer.Default.Equals(caller, helper) && IsPartOfTheServiceLoop(caller, hosted, loops, depth + 1));
        }

        /// <summary>
        /// The type's own background loop: a private <c>async</c> instance method that takes nothing but cancellation
        /// tokens, runs a loop for the life of the object (<c>while</c>, <c>do</c>, <c>for (;;)</c> or <c>await
        /// foreach</c> over a stream of work), and is started from one place in the type, not inside a loop, nor taken as
        /// a delegate (<c>_loop = Task.Run(() =&gt; WatchAsync(_stopping.Token))</c> in a start hook). One loop of one
        /// object runs its statements one after another.
        /// </summary>
        private bool IsLoopStartedOnce(IMethodSymbol method)
        {
            if (method is not { DeclaredAccessibility: Accessibility.Private, MethodKind: MethodKind.Ordinary, IsStatic: false, IsAsync: true }
                || _usedRepeatedly.Contains(method.OriginalDefinition)
                || !_methodUses.TryGetValue(method.OriginalDefinition, out var users) || users.Count != 1)
            {
                return false;
            }

            foreach (var parameter in method.Parameters)
            {
                if (parameter.Type is not { Name: "CancellationToken", ContainingNamespace: { Name: "Threading", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } })
                {
                    return false;
                }
            }

            foreach (var reference in method.DeclaringSyntaxReferences)
            {
                foreach (var node in reference.GetSyntax().DescendantNodes(static node => node is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)))
                {
                    if (node is WhileStatementSyntax or DoStatementSyntax or ForStatementSyntax { Condition: null }
                        or ForEachStatementSyntax { AwaitKeyword.RawKind: (int)SyntaxKind.AwaitKeyword })
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>
        /// A DI singleton registered only under interfaces, whose instance collection changes only in members those
        /// interfaces do not reach: public methods of the class that implement none of them and that no member of the
        /// type uses, or private methods only such methods call. The app's requests see the service through its
        /// interfaces and only read; the changes are the set-up API the library hands out at start-up (a
        /// <c>ConfigureEvents(this IServiceProvider)</c> that returns the registration side of the same object).
        /// </summary>
        private bool IsFilledOnlyThroughItsSetUpApi(ISymbol storage, FieldState field)
        {
            if (storage.IsStatic || field.Mutations.Count == 0
                || _lifetimes.Classify(_type) != ProcessLifetimeKind.DependencyInjectionSingleton
                || ServedInterfaces() is not { Count: > 0 } served)
            {
                return false;
            }

            foreach (var mutation in field.Mutations)
            {
                if (!IsInitialization(mutation.ContainingSymbol, storage, visiting: null) && !IsSetUpMember(mutation.ContainingSymbol, served, depth: 0))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// A builder's own collection: the type is a builder (its name, or the name of a class it derives from or an
        /// interface it implements, ends in <c>Builder</c>), the collection is an instance member, and every change after
        /// initialization is made, outside lambdas, in an instance method of the builder that returns the builder
        /// (<c>AddStage(…) { _stages.Add(…); return this; }</c>). A builder gathers what one object is made of, on the
        /// thread that builds it, before it is built; like <c>StringBuilder</c>, it is not made to be filled from several
        /// threads, even when the container keeps it for the life of the process (the state a provider's configure
        /// callbacks fill while the container builds the provider).
        /// </summary>
        private bool IsStateOfAFluentBuilder(ISymbol storage, FieldState field, CancellationToken cancellationToken)
        {
            if (storage.IsStatic || field.Mutations.Count == 0)
            {
                return false;
            }

            foreach (var mutation in field.Mutations)
            {
                if (IsInitialization(mutation.ContainingSymbol, storage, visiting: null))
                {
                    continue;
                }

                if (!mutation.InHelperBody
                    || mutation.ContainingSymbol is not IMethodSymbol { MethodKind: MethodKind.Ordinary, IsStatic: false } method
                    || !SymbolEqualityComparer.Default.Equals(method.ContainingType.OriginalDefinition, _type.OriginalDefinition)
                    || !IsTheBuilderOrABase(method.ReturnType))
                {
                    return false;
                }
            }

            return IsBuilderType(_type) || (IsMadeOnlyWhileComposing(_type, cancellationToken) && AreChangersUsedOnlyWhileComposing(field, cancellationToken));
        }

        /// <summary>
        /// Every method that changes the collection is called only while the app is composed, or not at all outside its
        /// type (a set-up API for the app's configure callback, which the compilation does not make).
        /// </summary>
        private bool AreChangersUsedOnlyWhileComposing(FieldState field, CancellationToken cancellationToken)
        {
            var uses = new UncalledMethods(_compilation, cancellationToken);
            foreach (var mutation in field.Mutations)
            {
                if (mutation.ContainingSymbol is IMethodSymbol { MethodKind: MethodKind.Ordinary } method
                    && !uses.IsUncalled(method)
                    && _compositionTime?.IsCalledOnlyWhileComposing(method, cancellationToken) != true)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// A set-up object by what it does, whatever its name: every instance the compilation makes is made while the
        /// app is composed (in an <c>AddX(this IServiceCollection, Action&lt;T&gt; configure)</c> extension that hands it
        /// to the app's callback and registers it once configured, or in a method only such code calls).
        /// </summary>
        private bool IsMadeOnlyWhileComposing(INamedTypeSymbol type, CancellationToken cancellationToken)
            => _compositionTime is { } composition
                && _instantiations.IsCreatedOnlyIn(
                    type,
                    method => composition.TakesABuilder(method) || composition.IsCalledOnlyWhileComposing(method, cancellationToken),
                    cancellationToken);

        private static bool IsBuilderType(INamedTypeSymbol type)
        {
            for (var current = type; current is not null; current = current.BaseType)
            {
                if (current.Name.EndsWith("Builder", System.StringComparison.Ordinal))
                {
                    return true;
                }
            }

            foreach (var implemented in type.AllInterfaces)
            {
                if (implemented.Name.EndsWith("Builder", System.StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The analyzed type itself, a class it derives from (not <c>object</c>), or an interface it implements.</summary>
        private bool IsTheBuilderOrABase(ITypeSymbol returned)
            => returned is INamedTypeSymbol named && named.SpecialType != SpecialType.System_Object
                && (SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, _type.OriginalDefinition)
                    || SymbolFacts.DerivesFrom(_type, named)
                    || (named.TypeKind == TypeKind.Interface && SymbolFacts.Implements(_type, named)));

        /// <summary>
        /// The service types the type is registered under, with their base interfaces; null when one of them is not an
        /// interface (the class itself, a base class: every public member is then served) or the compilation registers
        /// the type in a way that hides the service type.
        /// </summary>
        private HashSet<INamedTypeSymbol>? ServedInterfaces()
        {
            var served = new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);
            foreach (var registration in ServiceRegistrations.For(_compilation).Registrations)
            {
                var implementation = registration.ImplementationType?.OriginalDefinition;
                var service = registration.ServiceType;
                if (implementation is null)
                {
                    // A factory that hands out an instance found elsewhere (`sp => (Dispatcher)sp.GetRequiredService<IDispatcher>()`)
                    // may serve this type under its service type.
                    if (service is { TypeKind: TypeKind.Interface } && _type.AllInterfaces.Contains(service, SymbolEqualityComparer.Default))
                    {
                        AddWithBases(served, service);
                    }

                    continue;
                }

                if (!SymbolEqualityComparer.Default.Equals(implementation, _type.OriginalDefinition))
                {
                    continue;
                }

                if (service is not { TypeKind: TypeKind.Interface })
                {
                    return null;
                }

                AddWithBases(served, service);
            }

            return served;
        }

        private static void AddWithBases(HashSet<INamedTypeSymbol> served, INamedTypeSymbol service)
        {
            served.Add(service.OriginalDefinition);
            foreach (var inherited in service.AllInterfaces)
            {
                served.Add(inherited.OriginalDefinition);
            }
        }

        /// <summary>A member of the set-up API: see <see cref="IsFilledOnlyThroughItsSetUpApi"/>.</summary>
        private bool IsSetUpMember(ISymbol? member, HashSet<INamedTypeSymbol> served, int depth)
        {
            if (member is not IMethodSymbol { MethodKind: MethodKind.Ordinary, IsStatic: false } method || _usedLater.Contains(method.OriginalDefinition))
            {
                return false;
            }

            if (method.DeclaredAccessibility == Accessibility.Private)
            {
                return depth < 3 && IsUsedOnlyBy(method, caller => !SymbolEqualityComparer.Default.Equals(caller, method) && IsSetUpMember(caller, served, depth + 1));
            }

            if (_methodUses.ContainsKey(method.OriginalDefinition))
            {
                return false;
            }

            foreach (var implemented in SymbolFacts.ImplementedInterfaceMethods(method))
            {
                if (served.Contains(implemented.ContainingType.OriginalDefinition))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>The type's own members use <paramref name="method"/> (call it or take it as a delegate), and each of them passes <paramref name="test"/>.</summary>
        private bool IsUsedOnlyBy(IMethodSymbol method, System.Func<ISymbol, bool> test)
        {
            if (!_methodUses.TryGetValue(method.OriginalDefinition, out var users))
            {
                return false;
            }

            foreach (var user in users)
            {
                if (!test(user))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// A registry of built-in entries that the type extends through its configuration API: the type fills the
        /// static collection while it is initialized (its static constructor or initializer, or a method only they and
        /// the API call), and after that only static configuration members change it — <c>Register</c>, <c>Add…</c>,
        /// <c>Set…</c>, <c>Configure…</c>, <c>Remove…</c>, <c>Reset</c>, a static property's setter — that no other member
        /// of the type calls. That is a library's extension point (a dashboard's renderers and colors, a serializer's
        /// headers), which its users configure at start-up; what the API is called from is the caller's business. A
        /// collection that starts empty counts only when it holds code (<see cref="SymbolFacts.HoldsOnlyCode"/>: handler
        /// types, set-up callbacks) and nothing in the compilation calls the methods that fill it (<see
        /// cref="IsUncalledApi"/>). One that a lookup or an instance member changes is still reported.
        /// </summary>
        private bool IsExtensionPointRegistry(ISymbol storage, FieldState field, System.Threading.CancellationToken cancellationToken)
        {
            if (!storage.IsStatic)
            {
                return false;
            }

            var filledWhileInitialized = false;
            foreach (var mutation in field.Mutations)
            {
                var member = mutation.ContainingSymbol;
                if (IsInitialization(member, storage, visiting: null))
                {
                    filledWhileInitialized = true;
                    continue;
                }

                // A method the static constructor runs may run again later: then it has to be part of the API too.
                filledWhileInitialized |= IsCalledWhileInitialized(member, visiting: null);
                if (!IsConfigurationMember(member, visiting: null))
                {
                    return false;
                }
            }

            return filledWhileInitialized || field.InitializedWithElements
                || (SymbolFacts.HoldsOnlyCode(field.CollectionType ?? field.AssignedType) && IsUncalledApi(field, cancellationToken));
        }

        /// <summary>
        /// Every change of the collection is made directly in a public or internal method named for configuring
        /// (<c>RegisterAlias</c>, <c>ConfigureHandler</c>) that nothing in the compilation calls or takes as a delegate
        /// outside its own type (<see cref="UncalledMethods"/>), and that no member of its type calls other than another
        /// such method (a generic overload forwarding to the <c>Type</c> one): an API for code this rule cannot see.
        /// </summary>
        private bool IsUncalledApi(FieldState field, System.Threading.CancellationToken cancellationToken)
        {
            if (field.Mutations.Count == 0)
            {
                return false;
            }

            var api = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
            foreach (var mutation in field.Mutations)
            {
                if (mutation.ContainingSymbol is not IMethodSymbol { MethodKind: MethodKind.Ordinary, IsVirtual: false, IsAbstract: false, IsOverride: false } method
                    || method.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal)
                    || !SymbolFacts.IsNamedFor(method.Name, s_configurationVerbs))
                {
                    return false;
                }

                api.Add(method.OriginalDefinition);
            }

            // The type's own calls of the API: only from more of the same API (an overload that forwards).
            var pending = new Stack<IMethodSymbol>(api);
            while (pending.Count > 0)
            {
                if (!_methodUses.TryGetValue(pending.Pop(), out var callers))
                {
                    continue;
                }

                foreach (var caller in callers)
                {
                    if (caller is not IMethodSymbol { MethodKind: MethodKind.Ordinary, IsVirtual: false, IsAbstract: false, IsOverride: false } forwarder
                        || forwarder.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal)
                        || !SymbolFacts.IsNamedFor(forwarder.Name, s_configurationVerbs))
                    {
                        return false;
                    }

                    if (api.Add(forwarder.OriginalDefinition))
                    {
                        if (api.Count > 8)
                        {
                            return false;
                        }

                        pending.Push(forwarder.OriginalDefinition);
                    }
                }
            }

            return AreUncalled(api, cancellationToken);
        }

        /// <summary>
        /// A DI singleton's registry of built-ins that nothing in the compilation extends: an instance collection that
        /// the constructor fills with built-in entries (creates it with elements, or calls the methods that add them),
        /// and that after that changes only in public methods named for configuring (<c>Register…</c>, <c>Add…</c>,
        /// <c>Remove…</c>, <c>Set…</c>, …) or fluent ones (returning the registry) — members of its interfaces included
        /// (<c>IFormatRegistry.Register</c>), and besides them only in public methods the app's composition alone calls — that no
        /// code of the compilation calls or takes as a delegate, through the class or through any of the app's
        /// interfaces they implement, other than the constructor and each other (<c>AddRange</c> calling <c>Add</c>,
        /// directly or through private helpers). That is a library's extension point, for its users to
        /// call, usually at start-up; one call anywhere in the compilation (an endpoint, a hosted service, a set-up
        /// method) and the changes are judged as usual. A tracker's <c>Connected</c>/<c>Disconnected</c> is not such an
        /// API; a table that starts empty is there to be filled by code this rule cannot see, and stays reported. Calls
        /// are found by name (<see cref="MethodNameUses"/>).
        /// </summary>
        private bool IsUncalledRegistryOfASingleton(ISymbol storage, FieldState field, System.Threading.CancellationToken cancellationToken)
        {
            if (storage.IsStatic || field.Mutations.Count == 0 || _lifetimes.Classify(_type) != ProcessLifetimeKind.DependencyInjectionSingleton)
            {
                return false;
            }

            var filledWhileConstructed = field.InitializedWithElements;
            var api = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
            var helpers = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
            var pending = new Stack<ISymbol>();
            foreach (var mutation in field.Mutations)
            {
                pending.Push(mutation.ContainingSymbol);
            }

            // The changing members, and the type's own members that call them: constructors (adding the built-ins),
            // more of the same API (`AddRange` calling `Add`), or private helpers both use.
            while (pending.Count > 0)
            {
                var member = pending.Pop();
                if (member is IMethodSymbol { MethodKind: MethodKind.Constructor })
                {
                    filledWhileConstructed = true;
                    continue;
                }

                if (member is not IMethodSymbol
                    {
                        MethodKind: MethodKind.Ordinary, DeclaredAccessibility: Accessibility.Public or Accessibility.Private,
                        IsVirtual: false, IsAbstract: false, IsOverride: false,
                    } method
                    || _usedLater.Contains(method.OriginalDefinition))
                {
                    return false;
                }

                if (method.DeclaredAccessibility == Accessibility.Public && !SymbolFacts.IsNamedFor(method.Name, s_configurationVerbs))
                {
                    // A fluent member (`CreateAggregateUsing<T>(factory)` returning the registry) configures it like a
                    // named one; a member only the app's composition calls runs before the registry is shared.
                    if (!ReturnsItsOwnType(method))
                    {
                        if (_compositionTime?.IsCalledOnlyWhileComposing(method, cancellationToken) == true)
                        {
                            continue;
                        }

                        return false;
                    }
                }

                // A private helper is reached only through the type's own members: followed to them, not searched for.
                if (!(method.DeclaredAccessibility == Accessibility.Private ? helpers.Add(method.OriginalDefinition) : api.Add(method.OriginalDefinition)))
                {
                    continue;
                }

                if (api.Count + helpers.Count > 8)
                {
                    return false;
                }

                if (_methodUses.TryGetValue(method.OriginalDefinition, out var users))
                {
                    foreach (var user in users)
                    {
                        pending.Push(user);
                    }
                }
            }

            // A registry that starts empty is there to be filled by code this rule cannot see: left alone only when what
            // it holds is code (handler types, set-up callbacks), not a cache's or a tracker's data.
            if (!filledWhileConstructed && !SymbolFacts.HoldsOnlyCode(field.CollectionType ?? field.AssignedType))
            {
                return false;
            }

            return AreUncalled(api, cancellationToken);
        }

        /// <summary>Nothing in the compilation calls any of <paramref name="api"/> outside its own type (<see cref="UncalledMethods"/>).</summary>
        /// <summary>A fluent member: it returns its own type (`return this;`), as a builder's configuring calls do.</summary>
        private static bool ReturnsItsOwnType(IMethodSymbol method)
            => SymbolEqualityComparer.Default.Equals(method.ReturnType.OriginalDefinition, method.ContainingType.OriginalDefinition);

        private bool AreUncalled(HashSet<IMethodSymbol> api, System.Threading.CancellationToken cancellationToken)
        {
            var uses = new UncalledMethods(_compilation, cancellationToken);
            foreach (var method in api)
            {
                if (!uses.IsUncalled(method))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// A constructor of the static storage's own type whose every instance its static initializers create (a smart
        /// enum that registers each instance in a static map): it runs while the type is initialized.
        /// </summary>
        private bool IsRunOnlyWhileTypeInitializes(ISymbol containingSymbol, ISymbol storage, System.Threading.CancellationToken cancellationToken)
            => storage.IsStatic
                && containingSymbol is IMethodSymbol { MethodKind: MethodKind.Constructor } constructor
                && SymbolEqualityComparer.Default.Equals(constructor.ContainingType.OriginalDefinition, storage.ContainingType.OriginalDefinition)
                && _instantiations.IsCreatedOnlyWhileInitializing(constructor.ContainingType, cancellationToken);

        /// <summary>A static method the static constructor or a static initializer calls, directly or through other methods.</summary>
        private bool IsCalledWhileInitialized(ISymbol member, HashSet<IMethodSymbol>? visiting)
        {
            if (member is not IMethodSymbol { IsStatic: true } method || !_methodUses.TryGetValue(method.OriginalDefinition, out var callers))
            {
                return false;
            }

            visiting ??= new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
            if (!visiting.Add(method.OriginalDefinition))
            {
                return false;
            }

            foreach (var caller in callers)
            {
                if (Initialization.IsTypeInitialization(caller) || IsCalledWhileInitialized(caller, visiting))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// A static member of the type's configuration API: a setter of a static property, or a static method named
        /// for configuring (<c>Register</c>, <c>AddRenderer</c>, <c>ConfigureHeaders</c>, <c>Reset</c>), that the
        /// type's other members call only while it is initialized or from the API itself; or a private method only
        /// the API uses.
        /// </summary>
        private bool IsConfigurationMember(ISymbol member, HashSet<IMethodSymbol>? visiting)
        {
            if (member is not IMethodSymbol { IsStatic: true } method)
            {
                return false;
            }

            var isApi = method.MethodKind == MethodKind.PropertySet
                || (method.MethodKind == MethodKind.Ordinary && method.DeclaredAccessibility != Accessibility.Private && SymbolFacts.IsNamedFor(method.Name, s_configurationVerbs));
            if (!isApi && method.DeclaredAccessibility != Accessibility.Private)
            {
                return false;
            }

            if (!_methodUses.TryGetValue(method.OriginalDefinition, out var callers))
            {
                // An API member nothing in the type calls; a private method nothing calls changes nothing.
                return true;
            }

            visiting ??= new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
            if (!visiting.Add(method.OriginalDefinition))
            {
                return true;
            }

            foreach (var caller in callers)
            {
                if (!Initialization.IsTypeInitialization(caller) && !IsConfigurationMember(caller, visiting))
                {
                    return false;
                }
            }

            return true;
        }

        private static readonly string[] s_configurationVerbs =
        [
            "Register", "Unregister", "Add", "Insert", "Remove", "Set", "Configure", "Reset", "Clear", "Replace", "Rename", "Use", "Map", "Override",
        ];

        /// <summary>
        /// A loader: the one method, outside initialization, that changes the collection, where every change adds
        /// entries inside a loop (or in a private helper that only the loader calls, several times), the method never
        /// reads the collection, and no member of the type calls it. That is a table filled in one pass by a method
        /// its owner's host calls once (<c>LoadAll()</c> at startup, a start-up action registering its handlers), as a
        /// constructor would; a method that adds one entry per call, checks the collection first, or is called by the
        /// type's own request-serving members is not.
        /// </summary>
        private ISymbol? FindLoader(ISymbol storage, FieldState field)
        {
            IMethodSymbol? loader = null;
            foreach (var mutation in field.Mutations)
            {
                if (IsInitialization(mutation.ContainingSymbol, storage, visiting: null))
                {
                    continue;
                }

                if (LoadingMethod(mutation, field) is not { } method
                    || (loader is not null && !SymbolEqualityComparer.Default.Equals(loader, method)))
                {
                    return null;
                }

                loader = method;
            }

            return loader is null || field.ReadersBeyondGuards.Contains(loader) || _methodUses.ContainsKey(loader.OriginalDefinition) ? null : loader;
        }

        /// <summary>
        /// <c>if (s_items.Any()) return;</c>, <c>if (s_items.Count &gt; 0) return;</c> as a statement of the method's own
        /// body: a loader that does nothing once the table is filled. It reads whether the table is empty, not its entries.
        /// </summary>
        private static bool IsLeadingEmptinessGuard(IOperation reference)
        {
            while (reference.Parent is IConversionOperation conversion)
            {
                reference = conversion;
            }

            var test = reference.Parent switch
            {
                IPropertyReferenceOperation { Property.Name: "Count" } count => count.Parent,
                IArgumentOperation { Parent: IInvocationOperation { TargetMethod.Name: "Any", Arguments.Length: 1 } any } => any,
                IInvocationOperation { TargetMethod.Name: "Any", Arguments.Length: 0 } any => any,
                _ => null,
            };

            if (test?.Parent is IBinaryOperation comparison)
            {
                test = comparison;
            }

            return test?.Parent is IConditionalOperation { WhenFalse: null, Parent: IBlockOperation { Parent: IMethodBodyOperation or null } } guard
                && guard.Condition == test && OperationFacts.ExitsOnly(guard.WhenTrue);
        }

        /// <summary>
        /// The method a change loads the collection for: its own, when it adds entries inside a loop; for an insertion in a
        /// private helper that does not read the collection (<c>RegisterHandler&lt;T&gt;(repo)</c>), the one method that
        /// calls the helper, when it calls it two or more times (<c>RegisterHandler&lt;User&gt;(…);
        /// RegisterHandler&lt;Project&gt;(…);</c>) — several entries in one pass, not one per call.
        /// </summary>
        private IMethodSymbol? LoadingMethod(Mutation mutation, FieldState field)
        {
            if (mutation.LoadsInLoop)
            {
                return mutation.ContainingSymbol is IMethodSymbol { MethodKind: MethodKind.Ordinary or MethodKind.ExplicitInterfaceImplementation } own ? own : null;
            }

            if (!mutation.Inserts
                || mutation.ContainingSymbol is not IMethodSymbol { MethodKind: MethodKind.Ordinary, DeclaredAccessibility: Accessibility.Private } helper
                || field.Readers.Contains(helper)
                || !_methodUses.TryGetValue(helper.OriginalDefinition, out var callers)
                || callers.Count < 2)
            {
                return null;
            }

            IMethodSymbol? caller = null;
            foreach (var use in callers)
            {
                if (use is not IMethodSymbol { MethodKind: MethodKind.Ordinary or MethodKind.ExplicitInterfaceImplementation } method
                    || SymbolEqualityComparer.Default.Equals(method, helper)
                    || (caller is not null && !SymbolEqualityComparer.Default.Equals(caller, method)))
                {
                    return null;
                }

                caller = method;
            }

            return caller is not null && CallsInOnePass(caller, helper.Name) ? caller : null;
        }

        /// <summary>Every call named <paramref name="name"/> in the method's body runs in its own flow: not in a lambda, a local function, or a <c>while</c>/<c>do</c> loop.</summary>
        private static bool CallsInOnePass(IMethodSymbol method, string name)
        {
            foreach (var reference in method.DeclaringSyntaxReferences)
            {
                var declaration = reference.GetSyntax();
                foreach (var node in declaration.DescendantNodes())
                {
                    if (node is not InvocationExpressionSyntax invocation || SyntaxNames.CalleeName(invocation) != name)
                    {
                        continue;
                    }

                    for (var current = invocation.Parent; current is not null && current != declaration; current = current.Parent)
                    {
                        if (current is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or WhileStatementSyntax or DoStatementSyntax)
                        {
                            return false;
                        }
                    }
                }
            }

            return true;
        }

        /// <summary>
        /// Inside a <c>foreach</c> or <c>for</c> over a source, and not inside a <c>while</c> or <c>do</c>: a pass over
        /// data, not a loop that runs for as long as the process does (a background service's polling loop).
        /// </summary>
        private static bool IsInLoop(IOperation operation)
        {
            var inPass = false;
            for (var current = operation.Parent; current is not null; current = current.Parent)
            {
                switch (current)
                {
                    case IForEachLoopOperation or IForLoopOperation:
                        inPass = true;
                        break;
                    case IWhileLoopOperation { Condition: { } condition } when DrainsALocalWorkList(condition):
                        // `while (pending.TryDequeue(out var dir))`: a walk that ends when its own work list is empty.
                        inPass = true;
                        break;
                    case ILoopOperation:
                        return false;
                    case IAnonymousFunctionOperation or ILocalFunctionOperation:
                        return inPass;
                }
            }

            return inPass;
        }

        /// <summary>
        /// A loop condition that takes from, or tests the count of, a collection held in a local: <c>TryDequeue</c>,
        /// <c>TryPop</c> or <c>TryTake</c> on it, or <c>pending.Count &gt; 0</c>.
        /// </summary>
        private static bool DrainsALocalWorkList(IOperation condition)
        {
            switch (condition.WithoutConversions())
            {
                case IInvocationOperation { TargetMethod.Name: "TryDequeue" or "TryPop" or "TryTake", Instance: { } list }:
                    return list.WithoutConversions() is ILocalReferenceOperation;
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.GreaterThan or BinaryOperatorKind.NotEquals } comparison
                    when comparison.RightOperand.ConstantValue is { HasValue: true, Value: 0 }:
                    return comparison.LeftOperand.WithoutConversions() is IPropertyReferenceOperation { Property.Name: "Count", Instance: { } counted }
                        && counted.WithoutConversions() is ILocalReferenceOperation;
                default:
                    return false;
            }
        }

        /// <summary>
        /// A hosted service's own start and stop (<c>StartAsync</c>, <c>StopAsync</c>, and the
        /// <c>IHostedLifecycleService</c> steps) changing its instance state: the host calls each once, in turn, before
        /// the app serves requests and after it stops. <c>ExecuteAsync</c> is not: it runs alongside the requests.
        /// </summary>
        private bool IsHostedServiceLifecycle(ISymbol containingSymbol, ISymbol storage)
            => !storage.IsStatic
                && containingSymbol is IMethodSymbol { IsStatic: false } lifecycle && HostedStartHooks.IsLifecycleName(lifecycle.Name)
                && _lifetimes.Classify(_type) == ProcessLifetimeKind.HostedService;

        /// <summary>
        /// Code that runs while the storage's owner is set up: a static constructor or initializer (a constructor or
        /// instance initializer, for instance storage), a hosted service's start or stop, or a private method of the
        /// type used only from such code.
        /// </summary>
        private bool IsInitialization(ISymbol containingSymbol, ISymbol storage, HashSet<IMethodSymbol>? visiting)
        {
            if (Initialization.IsInitialization(containingSymbol, storage) || IsHostedServiceLifecycle(containingSymbol, storage))
            {
                return true;
            }

            if (containingSymbol is not IMethodSymbol { DeclaredAccessibility: Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal } method)
            {
                return false;
            }

            if (!_methodUses.ContainsKey(method.OriginalDefinition))
            {
                // No call in the code analyzed; generated code is not analyzed, so read its calls from the syntax of
                // the type's other parts (a static constructor in a *.Generated.cs file that registers the built-ins),
                // and of the source types derived from it for a protected method.
                return IsCalledOnlyByUnanalyzedInitialization(method, storage, _compilation);
            }

            visiting ??= new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
            if (method.DeclaredAccessibility != Accessibility.Private || !visiting.Add(method.OriginalDefinition))
            {
                return false;
            }

            var result = IsUsedOnlyBy(method, caller => IsInitialization(caller, storage, visiting));
            visiting.Remove(method.OriginalDefinition);
            return result;
        }
    }

    /// <summary>
    /// Every call of <paramref name="method"/> written in its type's declarations sits in a constructor or a field or
    /// property initializer of the storage's kind (static for a static field), and there is at least one. Asked only of
    /// a private method no analyzed code calls, so the calls found are in generated code.
    /// </summary>
    private static bool IsCalledOnlyByUnanalyzedInitialization(IMethodSymbol method, ISymbol storage, Compilation compilation)
    {
        var declarations = new List<SyntaxReference>(method.ContainingType.DeclaringSyntaxReferences);
        if (method.DeclaredAccessibility != Accessibility.Private)
        {
            foreach (var derived in SymbolFacts.SourceTypesDerivedFrom(compilation, method.ContainingType, System.Threading.CancellationToken.None))
            {
                declarations.AddRange(derived.DeclaringSyntaxReferences);
            }
        }

        var found = false;
        foreach (var reference in declarations)
        {
            foreach (var node in reference.GetSyntax().DescendantNodes())
            {
                if (node is not InvocationExpressionSyntax invocation || SyntaxNames.CalleeName(invocation) != method.Name)
                {
                    continue;
                }

                var initializing = false;
                foreach (var ancestor in invocation.Ancestors())
                {
                    if (ancestor is ConstructorDeclarationSyntax constructor)
                    {
                        initializing = constructor.Modifiers.Any(SyntaxKind.StaticKeyword) == storage.IsStatic;
                        break;
                    }

                    if (ancestor is FieldDeclarationSyntax or PropertyDeclarationSyntax)
                    {
                        // In the initializer, not in a property's accessors.
                        initializing = ((MemberDeclarationSyntax)ancestor).Modifiers.Any(SyntaxKind.StaticKeyword) == storage.IsStatic
                            && (ancestor is FieldDeclarationSyntax || ((PropertyDeclarationSyntax)ancestor).Initializer?.Span.Contains(invocation.Span) == true);
                        break;
                    }

                    if (ancestor is MemberDeclarationSyntax)
                    {
                        break;
                    }
                }

                if (!initializing)
                {
                    return false;
                }

                found = true;
            }
        }

        return found;
    }

    /// <summary>One candidate field: its collection type and the changes made to it.</summary>
    private sealed class FieldState
    {
        public FieldState(ITypeSymbol? collectionType)
        {
            CollectionType = collectionType;
        }

        /// <summary>The field's own type, when it is a thread-unsafe collection; null for an interface-typed field.</summary>
        public ITypeSymbol? CollectionType { get; }

        /// <summary>For an interface-typed field, the thread-unsafe collection assigned to it, once seen.</summary>
        public ITypeSymbol? AssignedType { get; set; }

        public List<Mutation> Mutations { get; } = new();

        /// <summary>The members that reference the field without changing its contents.</summary>
        public HashSet<ISymbol> Readers { get; } = new(SymbolEqualityComparer.Default);

        /// <summary>The readers that do more than test, in a leading guard, whether it is empty.</summary>
        public HashSet<ISymbol> ReadersBeyondGuards { get; } = new(SymbolEqualityComparer.Default);

        /// <summary>Some use of the field is inside a lambda or local function.</summary>
        public bool UsedInNestedFunction { get; set; }

        /// <summary>
        /// The field's initializer (for an instance field, also a constructor) creates the collection with elements
        /// (built-in entries).
        /// </summary>
        public bool InitializedWithElements { get; set; }
    }

    private readonly struct Mutation
    {
        public Mutation(ISymbol containingSymbol, Guard guard, bool inserts, bool loadsInLoop, bool inHelperBody)
        {
            InHelperBody = inHelperBody;
            ContainingSymbol = containingSymbol;
            Guard = guard;
            Inserts = inserts;
            LoadsInLoop = loadsInLoop;
        }

        public ISymbol ContainingSymbol { get; }

        public Guard Guard { get; }

        /// <summary>The change only adds entries (<c>Add</c>, an indexer write, …).</summary>
        public bool Inserts { get; }

        /// <summary>The change adds entries from inside a loop.</summary>
        public bool LoadsInLoop { get; }

        /// <summary>
        /// An unguarded change in the member's own body (not in a lambda, unless one a <c>ForEach</c> runs in place): its
        /// callers' locks may guard it.
        /// </summary>
        public bool InHelperBody { get; }
    }
}
