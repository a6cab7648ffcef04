using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using SharedStateAnalyzers.Configuration;
using SharedStateAnalyzers.Model;

namespace SharedStateAnalyzers.Rules;

/// <summary>
/// SSA001: a keyed collection of a process-lifetime object (a static one, or an instance one of a hand-rolled
/// singleton, a conventional middleware, a hosted service or a DI singleton) used as a memo of external data — a
/// lookup and an insertion in the same member, after initialization, where the inserted value comes from a
/// database, the network, files, configuration, the environment or the request. Reported on the field, once.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class StaticCacheAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.StaticCache);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        ProductCodeAnalysis.RegisterCompilationStart(context, static start =>
        {
            var settings = AnalyzerSettings.Read(start.Options, start.Compilation);
            var collections = KeyedCollections.Create(start.Compilation, settings.CodeDerivedKeyTypes);
            if (collections is null)
            {
                return;
            }

            var threadStatic = start.Compilation.GetTypeByMetadataName("System.ThreadStaticAttribute");
            var external = new ExternalDataModel(start.Compilation, settings.ExternalDataTypes);
            var lifetimes = ProcessLifetimeModel.For(start.Compilation);
            start.RegisterSymbolStartAction(
                symbolStart => AnalyzeType(symbolStart, collections, external, lifetimes, threadStatic),
                SymbolKind.NamedType);
        });
    }

    private static void AnalyzeType(SymbolStartAnalysisContext context, KeyedCollections collections, ExternalDataModel external, ProcessLifetimeModel lifetimes, INamedTypeSymbol? threadStatic)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (type.TypeKind is not (TypeKind.Class or TypeKind.Struct))
        {
            return;
        }

        // Cheap check first: only types that declare a static keyed collection, or an instance one in a type whose
        // instances live as long as the process, register anything.
        Dictionary<ISymbol, FieldUsage>? candidates = null;
        bool? processLifetime = null;
        foreach (var member in type.GetMembers())
        {
            var storageType = CacheStorage.GetDeclaredType(member);
            if (storageType is null || !collections.IsKeyedCollection(storageType, out var keyType, out var isSet)
                || collections.IsCodeDerivedKey(keyType) || collections.HoldsCodeValues(storageType))
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

            candidates ??= new Dictionary<ISymbol, FieldUsage>(SymbolEqualityComparer.Default);
            candidates[storage] = new FieldUsage(isSet);
        }

        if (candidates is null)
        {
            return;
        }

        var state = new TypeState(candidates, external, collections);
        context.RegisterOperationAction(state.AnalyzeInvocation, OperationKind.Invocation);
        context.RegisterOperationAction(state.AnalyzeIndexer, OperationKind.PropertyReference);
        context.RegisterOperationAction(state.AnalyzeAssignment, OperationKind.SimpleAssignment, OperationKind.CoalesceAssignment);
        context.RegisterSymbolEndAction(state.Report);
    }

    /// <summary>What one type's members do with its candidate fields. Operation actions run concurrently: guarded by a lock.</summary>
    private sealed class TypeState
    {
        private readonly Dictionary<ISymbol, FieldUsage> _fields;
        private readonly ExternalDataModel _external;
        private readonly KeyedCollections _collections;
        private readonly object _gate = new();

        public TypeState(Dictionary<ISymbol, FieldUsage> fields, ExternalDataModel external, KeyedCollections collections)
        {
            _fields = fields;
            _external = external;
            _collections = collections;
        }

        public void AnalyzeInvocation(OperationAnalysisContext context)
        {
            var invocation = (IInvocationOperation)context.Operation;
            var access = KeyedCollections.ClassifyMethod(invocation.TargetMethod.Name);
            if (access == CollectionAccess.None)
            {
                return;
            }

            var receiver = invocation.Receiver();
            var field = CacheStorage.GetReferencedStorage(receiver);
            if (field is null || !_fields.ContainsKey(field))
            {
                return;
            }

            if (Initialization.IsInitialization(context.ContainingSymbol, field))
            {
                // An eviction in a handler the initialization sets up (`Saved += (_, e) => s_items.Remove(e.Id)` in the
                // static constructor) runs later, whenever the event fires: the owner invalidates the cache.
                if (access == CollectionAccess.Evict && invocation.IsInsideLambda())
                {
                    Record(context, field, CollectionAccess.Evict, null);
                }

                return;
            }

            // A cache validated on every hit (`TryGetValue(key, out var cached) && cached.LastModified ==
            // file.LastModified`) notices a changed source itself: its owner manages staleness.
            if (IsValidatedOnHit(invocation))
            {
                Record(context, field, CollectionAccess.Evict, null);
                return;
            }

            // An insertion made only while the collection is under a size bound: the owner bounds it.
            if (access is CollectionAccess.Insert or CollectionAccess.LookupOrInsert && SizeBounds.IsInsertionBounded(invocation, field, context.CancellationToken))
            {
                Record(context, field, CollectionAccess.Evict, null);
                return;
            }

            // A seen-set remembers a fact: the element added, or the answer that decided to add it
            // (`if (await db.Users.AnyAsync(…)) s_known.Add(email)`).
            if (access == CollectionAccess.Insert && _fields[field].IsSet)
            {
                RecordSeen(context, field, invocation);
                return;
            }

            IOperation? value = null;
            if (access is CollectionAccess.Insert or CollectionAccess.LookupOrInsert)
            {
                foreach (var argument in invocation.Arguments)
                {
                    if (argument.Parameter is { } parameter && KeyedCollections.ValueParameterNames.Contains(parameter.Name))
                    {
                        value = argument.Value;
                        break;
                    }
                }

                // Keyed by a type's or assembly's name (`s_docs.GetOrAdd(asm.GetName().FullName, …)`): a code-derived
                // cache, as if it were keyed by the Type or Assembly itself.
                if (KeyedCollections.KeyArgument(invocation) is { } key && _collections.IsCodeDerivedKeyValue(key))
                {
                    Record(context, field, CollectionAccess.Lookup, null);
                    return;
                }

                // Each entry carries its expiry, checked against the clock: the owner bounds staleness.
                if (value is not null && Expiry.IsStampedInsertion(value, context.CancellationToken))
                {
                    Record(context, field, CollectionAccess.Evict, null);
                    return;
                }
            }

            Record(context, field, access, value, KeyedCollections.KeyArgument(invocation));
        }

        /// <summary>
        /// A <c>TryGetValue</c> whose found entry the member compares, in part, with a fresh value: a length, a
        /// timestamp, a version or an ETag (<c>cached.Length == file.Length</c>, <c>!cached.Version.Equals(version)</c>).
        /// </summary>
        private static bool IsValidatedOnHit(IInvocationOperation invocation)
        {
            if (invocation.TargetMethod.Name != "TryGetValue")
            {
                return false;
            }

            var entry = KeyedCollections.OutLocal(invocation);
            if (entry is null)
            {
                return false;
            }

            foreach (var node in invocation.Root().Descendants())
            {
                var (left, right) = node switch
                {
                    IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } binary => (binary.LeftOperand, binary.RightOperand),
                    IInvocationOperation { TargetMethod.Name: "Equals", Instance: { } instance, Arguments.Length: 1 } equals => (instance, equals.Arguments[0].Value),
                    _ => (null, null),
                };

                if (left is not null && right is not null
                    && (IsPartOf(left, entry) && !right.Mentions(entry) || IsPartOf(right, entry) && !left.Mentions(entry))
                    && !right.WithoutConversions().ConstantValue.HasValue && !left.WithoutConversions().ConstantValue.HasValue)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary><c>cached.Length</c>, <c>cached.Item1</c>: a member read on the entry.</summary>
        private static bool IsPartOf(IOperation operand, ILocalSymbol entry)
            => operand.WithoutConversions() is IMemberReferenceOperation { Instance: { } instance }
                && instance.WithoutConversions() is ILocalReferenceOperation local
                && SymbolEqualityComparer.Default.Equals(local.Local, entry);

        public void AnalyzeIndexer(OperationAnalysisContext context)
        {
            var reference = (IPropertyReferenceOperation)context.Operation;
            if (!reference.Property.IsIndexer)
            {
                return;
            }

            var field = CacheStorage.GetReferencedStorage(reference.Instance);
            if (field is null || !_fields.ContainsKey(field) || Initialization.IsInitialization(context.ContainingSymbol, field))
            {
                return;
            }

            if (reference.Parent is IAssignmentOperation assignment && assignment.Target == reference)
            {
                if (SizeBounds.IsInsertionBounded(assignment, field, context.CancellationToken))
                {
                    Record(context, field, CollectionAccess.Evict, null);
                    return;
                }

                if (reference.Arguments.Length == 1 && _collections.IsCodeDerivedKeyValue(reference.Arguments[0].Value))
                {
                    Record(context, field, CollectionAccess.Lookup, null);
                    return;
                }

                if (Expiry.IsStampedInsertion(assignment.Value, context.CancellationToken))
                {
                    Record(context, field, CollectionAccess.Evict, null);
                    return;
                }

                Record(context, field, CollectionAccess.Insert, assignment.Value, reference.Arguments.Length == 1 ? reference.Arguments[0].Value : null);
                if (assignment is not ISimpleAssignmentOperation)
                {
                    Record(context, field, CollectionAccess.Lookup, null);
                }
            }
            else
            {
                Record(context, field, CollectionAccess.Lookup, null);
            }
        }

        public void AnalyzeAssignment(OperationAnalysisContext context)
        {
            // Replacing the collection after initialization (`_cache = new()`) is a reset: the owner manages invalidation.
            var assignment = (IAssignmentOperation)context.Operation;
            var field = CacheStorage.GetReferencedStorage(assignment.Target);
            if (field is not null && _fields.ContainsKey(field) && !Initialization.IsInitialization(context.ContainingSymbol, field))
            {
                Record(context, field, CollectionAccess.Evict, null);
            }
        }

        private void RecordSeen(OperationAnalysisContext context, ISymbol field, IInvocationOperation add)
        {
            var root = add.Root();
            ExternalSource? source = null;
            Location? location = null;
            if (add.Arguments.Length > 0)
            {
                var item = add.Arguments[add.Arguments.Length - 1].Value;
                source = _external.FindSource(item, root, context.CancellationToken);
                location = item.Syntax.GetLocation();
            }

            for (var current = add.Parent; source is null && current is not null; current = current.Parent)
            {
                if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    break;
                }

                if (current is IConditionalOperation conditional)
                {
                    source = _external.FindSource(conditional.Condition, root, context.CancellationToken);
                    location = conditional.Condition.Syntax.GetLocation();
                }
            }

            if (source is null)
            {
                return;
            }

            lock (_gate)
            {
                _fields[field].Add(context.ContainingSymbol, CollectionAccess.Insert, source, location);
            }
        }

        private void Record(OperationAnalysisContext context, ISymbol field, CollectionAccess access, IOperation? value, IOperation? key = null)
        {
            ExternalSource? source = null;
            if (value is not null)
            {
                // A delegate that is stored (not a GetOrAdd factory, which runs to make the value) is code, whatever it
                // will touch when called: a cache of generated readers or appenders holds no data read from outside.
                var stored = value.WithoutConversions();
                source = (stored.Type is { TypeKind: TypeKind.Delegate } && stored is not (IDelegateCreationOperation or IAnonymousFunctionOperation))
                    || (access == CollectionAccess.Insert && IsEntryWrittenBack(stored, field, value.Root()))
                    ? null
                    : _external.FindSource(value, value.Root(), KeyedCollections.KeyLocals(key), context.CancellationToken);
                if (source is null)
                {
                    // A code-derived value, or one computed from its key alone: nothing stale to report for this insertion.
                    if (access == CollectionAccess.Insert)
                    {
                        return;
                    }

                    access = CollectionAccess.Lookup;
                }
                else if (access == CollectionAccess.Insert && ChangeDetection.IsLastValueSeen(value, field, context.CancellationToken))
                {
                    // The last value seen, read again on every pass before the lookup compares it: no memo.
                    return;
                }
            }

            lock (_gate)
            {
                _fields[field].Add(context.ContainingSymbol, access, source, value?.Syntax.GetLocation());
            }
        }

        /// <summary>
        /// An entry of the collection stored back (<c>var users = Rooms[room] ?? []; users.Add(user); Rooms[room] =
        /// users;</c>): the value is a local that only ever holds what the same collection gave (its indexer,
        /// <c>TryGetValue</c>'s <c>out</c>, <c>GetValueOrDefault</c>, <c>GetOrAdd</c>), or, where it gave nothing, a new
        /// empty collection. Nothing new goes in: what the entry holds is the owner's own registry (a group's members),
        /// like <c>GetOrAdd(key, _ =&gt; new List&lt;T&gt;()).Add(item)</c>, not a value loaded from outside.
        /// </summary>
        private static bool IsEntryWrittenBack(IOperation value, ISymbol field, IOperation? root)
        {
            if (root is null || value is not ILocalReferenceOperation { Local: var local })
            {
                return false;
            }

            var definitions = 0;
            foreach (var definition in root.LocalDefinitions(local))
            {
                definitions++;
                var read = definition.WithoutConversions();
                if (read is ICoalesceOperation coalesce && IsNewEmptyCollection(coalesce.WhenNull))
                {
                    read = coalesce.Value.WithoutConversions();
                }

                if (!IsEntryRead(read, field) && !IsNewEmptyCollection(read))
                {
                    return false;
                }
            }

            // `Rooms.TryGetValue(room, out var users)`: filled by the collection itself.
            foreach (var node in root.Descendants())
            {
                if (node is IArgumentOperation { ArgumentKind: ArgumentKind.Explicit, Parameter.RefKind: RefKind.Out or RefKind.Ref } argument
                    && argument.Value.WithoutConversions() switch
                    {
                        ILocalReferenceOperation reference => SymbolEqualityComparer.Default.Equals(reference.Local, local),
                        IDeclarationExpressionOperation { Expression: ILocalReferenceOperation declared } => SymbolEqualityComparer.Default.Equals(declared.Local, local),
                        _ => false,
                    })
                {
                    definitions++;
                    if (argument.Parent is not IInvocationOperation { TargetMethod.Name: "TryGetValue", Instance: var receiver }
                        || !SymbolEqualityComparer.Default.Equals(CacheStorage.GetReferencedStorage(receiver), field))
                    {
                        return false;
                    }
                }
            }

            return definitions > 0;
        }

        /// <summary>A read of one of <paramref name="field"/>'s entries: <c>field[key]</c>, <c>field.GetValueOrDefault(key)</c>, <c>field.GetOrAdd(…)</c>.</summary>
        private static bool IsEntryRead(IOperation read, ISymbol field) => read switch
        {
            IPropertyReferenceOperation { Property.IsIndexer: true, Instance: var receiver }
                => SymbolEqualityComparer.Default.Equals(CacheStorage.GetReferencedStorage(receiver), field),
            IInvocationOperation { TargetMethod.Name: "GetValueOrDefault" or "GetOrAdd" } call
                => SymbolEqualityComparer.Default.Equals(
                    CacheStorage.GetReferencedStorage(call.Receiver()), field),
            _ => false,
        };

        /// <summary><c>new List&lt;T&gt;()</c>, <c>new()</c>, <c>[]</c>: a collection made empty, holding nothing yet.</summary>
        private static bool IsNewEmptyCollection(IOperation operation) => operation.WithoutConversions() switch
        {
            IObjectCreationOperation { Arguments.Length: 0, Initializer: null } creation => SymbolFacts.IsCollection(creation.Type),
            ICollectionExpressionOperation { Elements.Length: 0 } => true,
            _ => false,
        };

        public void Report(SymbolAnalysisContext context)
        {
            List<Diagnostic>? diagnostics = null;
            lock (_gate)
            {
                foreach (var pair in _fields)
                {
                    var source = pair.Value.GetMemoSource();
                    if (source is null)
                    {
                        continue;
                    }

                    var location = CacheStorage.GetNameLocation(pair.Key, context.CancellationToken);
                    if (location is null)
                    {
                        continue;
                    }

                    diagnostics ??= new List<Diagnostic>();
                    diagnostics.Add(Diagnostic.Create(Descriptors.StaticCache, location, pair.Key.Name, source.Value.Describe()));
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
    }

    /// <summary>The memo evidence for one field, per containing member.</summary>
    private sealed class FieldUsage
    {
        public FieldUsage(bool isSet)
        {
            IsSet = isSet;
        }

        /// <summary>A <c>HashSet&lt;T&gt;</c> or <c>SortedSet&lt;T&gt;</c>: its memo is which elements it holds.</summary>
        public bool IsSet { get; }

        private readonly Dictionary<ISymbol, MemberUsage> _members = new(SymbolEqualityComparer.Default);
        private bool _evicted;

        public void Add(ISymbol member, CollectionAccess access, ExternalSource? source, Location? valueLocation)
        {
            if (access == CollectionAccess.Evict)
            {
                _evicted = true;
                return;
            }

            if (!_members.TryGetValue(member, out var usage))
            {
                usage = new MemberUsage();
                _members[member] = usage;
            }

            if (access is CollectionAccess.Lookup or CollectionAccess.LookupOrInsert)
            {
                usage.HasLookup = true;
            }

            if (source is not null && valueLocation is not null
                && (usage.Source is null || Compare(valueLocation, usage.SourceLocation!) < 0))
            {
                usage.Source = source;
                usage.SourceLocation = valueLocation;
            }
        }

        /// <summary>The external source of the first member (in source order) that both looks up and inserts external data.</summary>
        public ExternalSource? GetMemoSource()
        {
            if (_evicted)
            {
                return null;
            }

            MemberUsage? best = null;
            foreach (var usage in _members.Values)
            {
                if (usage.HasLookup && usage.Source is not null
                    && (best is null || Compare(usage.SourceLocation!, best.SourceLocation!) < 0))
                {
                    best = usage;
                }
            }

            return best?.Source;
        }

        private static int Compare(Location a, Location b)
        {
            var byPath = string.CompareOrdinal(a.SourceTree?.FilePath, b.SourceTree?.FilePath);
            return byPath != 0 ? byPath : a.SourceSpan.Start.CompareTo(b.SourceSpan.Start);
        }

        private sealed class MemberUsage
        {
            public bool HasLookup;
            public ExternalSource? Source;
            public Location? SourceLocation;
        }
    }
}
