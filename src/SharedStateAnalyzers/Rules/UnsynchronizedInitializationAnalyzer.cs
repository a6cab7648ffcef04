using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using SharedStateAnalyzers.Configuration;
using SharedStateAnalyzers.Model;

namespace SharedStateAnalyzers.Rules;

/// <summary>
/// SSA009: a shared field (a static one, or an instance one of a process-lifetime object) checked unset and then
/// assigned outside a lock — <c>if (_x == null) _x = new X();</c>, <c>_x ??= new X();</c>, <c>_x ?? (_x = new X())</c> —
/// so two threads can both see it unset and each build an instance. Double-checked locking over a non-volatile field
/// is correct under the .NET runtime's memory model (storing a reference publishes the object built before it), not
/// under ECMA-335's: it is reported, at Info severity, only when <c>shared_state.report_double_checked_locking</c> is
/// true. Double-checked locking that publishes the value before filling it is a warning either way.
/// Reported at the assignment, once per field per member.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnsynchronizedInitializationAnalyzer : DiagnosticAnalyzer
{
    internal const string UnsynchronizedReason = "is checked and then assigned without synchronization: two threads can both see it unset and each build its own instance";

    internal const string DoubleCheckedReason = "is initialized by double-checked locking but is not volatile: the unlocked check is safe on the .NET runtime's memory model, not on ECMA-335's; mark it volatile or use Lazy<T>";

    internal const string FilledUnderALockReason = "is assigned and then filled under a lock that its callers skip once it is set: a caller that checks it first can read it empty or half-filled; fill a local and assign the field last, or use Lazy<T>";

    internal const string PublishedBeforeFilledReason = "is published by double-checked locking before it is filled: a thread that passes the unlocked check can read it empty or half-filled, volatile or not; fill a local and assign the field last, or use Lazy<T>";

    /// <summary>The diagnostic property that marks double-checked locking.</summary>
    internal const string DoubleCheckedProperty = "DoubleChecked";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.UnsynchronizedInitialization);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        ProductCodeAnalysis.RegisterCompilationStart(context, static start =>
        {
            var threadStatic = start.Compilation.GetTypeByMetadataName("System.ThreadStaticAttribute");
            var lifetimes = ProcessLifetimeModel.For(start.Compilation);
            var duplicates = new Duplicates(start.Compilation);
            var reportDoubleChecked = AnalyzerSettings.Read(start.Options, start.Compilation).ReportDoubleCheckedLocking;
            var compositionTime = CompositionTime.Create(start.Compilation);
            start.RegisterSymbolStartAction(
                symbolStart => AnalyzeType(symbolStart, lifetimes, duplicates, threadStatic, reportDoubleChecked, compositionTime),
                SymbolKind.NamedType);
        });
    }

    private static void AnalyzeType(
        SymbolStartAnalysisContext context,
        ProcessLifetimeModel lifetimes,
        Duplicates duplicates,
        INamedTypeSymbol? threadStatic,
        bool reportDoubleChecked,
        CompositionTime? compositionTime)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (type.TypeKind is not (TypeKind.Class or TypeKind.Struct))
        {
            return;
        }

        // Cheap check first: only types with a writable field or auto-property that holds an instance register anything.
        HashSet<ISymbol>? candidates = null;
        var hasInstanceCandidate = false;
        foreach (var member in type.GetMembers())
        {
            // The type test first: finding out whether a property is an auto-property walks the type's members.
            if (member.IsImplicitlyDeclared || !IsWritableInstanceHolder(member))
            {
                continue;
            }

            var storage = CacheStorage.GetSharedStorage(member, threadStatic);
            if (storage is null)
            {
                continue;
            }

            candidates ??= new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            candidates.Add(storage);
            hasInstanceCandidate |= !storage.IsStatic;
        }

        // Then a syntax-only look at the type's code: an assignment to one of those names under (or after) an `if`,
        // inside a `??`, or a `??=`. Types without one need no operation trees.
        if (candidates is null || !MayAssignLazily(type, candidates, context.CancellationToken))
        {
            return;
        }

        // Whether instances live for the process is asked only once a check-then-assign of an instance field is found.
        var processLifetime = hasInstanceCandidate
            ? new Lazy<ProcessLifetimeKind?>(() => lifetimes.Classify(type), LazyThreadSafetyMode.ExecutionAndPublication)
            : null;
        var state = new TypeState(type, candidates, processLifetime, duplicates, reportDoubleChecked, compositionTime, lifetimes);
        context.RegisterOperationBlockAction(state.AnalyzeBlock);
        context.RegisterSymbolEndAction(state.Report);
    }

    /// <summary>How C# 14 names a property's backing field inside its accessors.</summary>
    private const string FieldKeyword = "field";

    /// <summary>A property whose backing field its accessors may assign with C# 14's <c>field</c>.</summary>
    private static bool HasWritableBackingField(IPropertySymbol property)
    {
        foreach (var member in property.ContainingType.GetMembers("<" + property.Name + ">k__BackingField"))
        {
            if (member is IFieldSymbol { IsImplicitlyDeclared: true, IsReadOnly: false } field && SymbolEqualityComparer.Default.Equals(field.AssociatedSymbol, property))
            {
                return true;
            }
        }

        return false;
    }

    private static bool MayAssignLazily(INamedTypeSymbol type, HashSet<ISymbol> candidates, CancellationToken cancellationToken)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var candidate in candidates)
        {
            names.Add(candidate.Name);
            if (candidate is IPropertySymbol)
            {
                names.Add(FieldKeyword);
            }
        }

        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            var declaration = reference.GetSyntax(cancellationToken);
            var text = declaration.SyntaxTree.GetText(cancellationToken).ToString(declaration.Span);

            // The names are searched in the text and only the tokens found there are looked at, rather than every node
            // of the type. A name written with a Unicode escape does not show in the text: such a type is walked.
            if (text.IndexOf("\\u", StringComparison.Ordinal) >= 0 || text.IndexOf("\\U", StringComparison.Ordinal) >= 0
                ? MayAssignLazilyByWalk(declaration, names)
                : MayAssignLazilyByText(declaration, text, names))
            {
                return true;
            }
        }

        return false;
    }

    private static bool MayAssignLazilyByText(SyntaxNode declaration, string text, HashSet<string> names)
    {
        var start = declaration.SpanStart;
        foreach (var name in names)
        {
            if (name.Length == 0)
            {
                continue;
            }

            for (var i = text.IndexOf(name, StringComparison.Ordinal); i >= 0; i = text.IndexOf(name, i + 1, StringComparison.Ordinal))
            {
                // Not part of a longer identifier; a verbatim identifier (@name) starts at its '@'.
                var end = i + name.Length;
                if ((end < text.Length && IsIdentifierPart(text[end])) || (i > 0 && IsIdentifierPart(text[i - 1])))
                {
                    continue;
                }

                var tokenStart = i > 0 && text[i - 1] == '@' ? start + i - 1 : start + i;
                var token = declaration.FindToken(start + i);
                var isName = (token.IsKind(SyntaxKind.IdentifierToken) && token.ValueText == name)
                    || (name == FieldKeyword && token.IsKind(SyntaxKind.FieldKeyword));
                if (token.SpanStart != tokenStart || !isName
                    || AssignmentTo(token.Parent) is not { } assignment
                    || IsInNestedType(assignment, declaration))
                {
                    continue;
                }

                if (IsLazyAssignment(assignment, name))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>A <c>??=</c> of the name, or a plain assignment under (or after) a test of it.</summary>
    private static bool IsLazyAssignment(AssignmentExpressionSyntax assignment, string name)
        => assignment.IsKind(SyntaxKind.CoalesceAssignmentExpression)
            || (assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) && IsUnderOrAfterATestOf(assignment, name));

    /// <summary>The assignment whose target is the name: <c>name = …</c> or <c>….name = …</c>.</summary>
    private static AssignmentExpressionSyntax? AssignmentTo(SyntaxNode? name) => name switch
    {
        FieldExpressionSyntax { Parent: AssignmentExpressionSyntax assignment } field when assignment.Left == field => assignment,
        IdentifierNameSyntax { Parent: AssignmentExpressionSyntax assignment } identifier when assignment.Left == identifier => assignment,
        SimpleNameSyntax { Parent: MemberAccessExpressionSyntax { Parent: AssignmentExpressionSyntax assignment } access } simple
            when access.Name == simple && assignment.Left == access => assignment,
        _ => null,
    };

    /// <summary>Nested types are analyzed on their own.</summary>
    private static bool IsInNestedType(SyntaxNode node, SyntaxNode declaration)
    {
        for (var current = node.Parent; current is not null && current != declaration; current = current.Parent)
        {
            if (current is BaseTypeDeclarationSyntax)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsIdentifierPart(char c) => c == '_' || char.IsLetterOrDigit(c);

    private static bool MayAssignLazilyByWalk(SyntaxNode declaration, HashSet<string> names)
    {
        // Nested types are analyzed on their own.
        foreach (var node in declaration.DescendantNodes(child => child == declaration || child is not BaseTypeDeclarationSyntax))
        {
            if (node is not AssignmentExpressionSyntax assignment)
            {
                continue;
            }

            var name = GetAssignedName(assignment.Left);
            if (!names.Contains(name))
            {
                continue;
            }

            if (IsLazyAssignment(assignment, name))
            {
                return true;
            }
        }

        return false;
    }

    private static string GetAssignedName(ExpressionSyntax target) => target switch
    {
        IdentifierNameSyntax name => name.Identifier.ValueText,
        FieldExpressionSyntax => FieldKeyword,
        MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
        _ => string.Empty,
    };

    /// <summary>An enclosing <c>if</c>, an earlier <c>if</c> in an enclosing block, or an enclosing <c>??</c>, that mentions the name.</summary>
    private static bool IsUnderOrAfterATestOf(SyntaxNode assignment, string name)
    {
        var child = assignment;
        for (var current = assignment.Parent; current is not null and not MemberDeclarationSyntax; child = current, current = current.Parent)
        {
            switch (current)
            {
                case IfStatementSyntax ifStatement when Mentions(ifStatement.Condition, name):
                    return true;
                case BinaryExpressionSyntax binary when binary.IsKind(SyntaxKind.CoalesceExpression) && Mentions(binary.Left, name):
                    return true;
                case BlockSyntax block:
                    foreach (var statement in block.Statements)
                    {
                        if (statement == child)
                        {
                            break;
                        }

                        if (statement is IfStatementSyntax earlier && Mentions(earlier.Condition, name))
                        {
                            return true;
                        }
                    }

                    break;
            }
        }

        return false;
    }

    private static bool Mentions(SyntaxNode node, string name)
    {
        foreach (var descendant in node.DescendantNodesAndSelf())
        {
            if ((descendant is IdentifierNameSyntax identifier && identifier.Identifier.ValueText == name)
                || (descendant is FieldExpressionSyntax && name == FieldKeyword))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Not readonly, not const, not get-only; of a reference type (not string) or a nullable struct.</summary>
    private static bool IsWritableInstanceHolder(ISymbol member)
    {
        ITypeSymbol type;
        switch (member)
        {
            case IFieldSymbol field when !field.IsReadOnly && !field.IsConst:
                type = field.Type;
                break;
            case IPropertySymbol { IsIndexer: false, SetMethod: { } setter } property when !setter.IsInitOnly:
                type = property.Type;
                break;
            case IPropertySymbol { IsIndexer: false, SetMethod: null } property when HasWritableBackingField(property):
                // `static Engine Current => field ??= new Engine();`: C# 14's `field` writes the backing field.
                type = property.Type;
                break;
            default:
                return false;
        }

        if (type.TypeKind == TypeKind.Error || SymbolFacts.IsSimpleValueType(type))
        {
            return false;
        }

        return type.IsReferenceType || type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T;
    }

    /// <summary>
    /// One type's findings. Operation blocks are analyzed concurrently: guarded by a lock. A finding in a private
    /// method waits for the end of the type: when every call of that method in the type is made under a lock, the
    /// method's check and assignment are synchronized by its callers, and nothing is reported.
    /// </summary>
    private sealed class TypeState
    {
        private readonly INamedTypeSymbol _type;
        private readonly HashSet<ISymbol> _candidates;
        private readonly Lazy<ProcessLifetimeKind?>? _processLifetime;
        private readonly Duplicates _duplicates;
        private readonly bool _reportDoubleChecked;
        private readonly CompositionTime? _compositionTime;
        private readonly ProcessLifetimeModel _lifetimes;
        private readonly object _gate = new();
        private readonly List<Finding> _findings = new();
        private readonly Dictionary<IMethodSymbol, bool> _calledOutsideALock = new(SymbolEqualityComparer.Default);

        /// <summary>
        /// The members of the type that call each private method directly; null stands for a call from a lambda or a
        /// local function, or for the method taken as a delegate: code that may run at any later time.
        /// </summary>
        private readonly Dictionary<IMethodSymbol, List<ISymbol?>> _privateCallers = new(SymbolEqualityComparer.Default);

        /// <summary>Candidates whose contents the type changes or that it locks on: a second instance loses what went into the first.</summary>
        private readonly HashSet<ISymbol> _usedAsState = new(SymbolEqualityComparer.Default);

        /// <summary>Candidates, and the type's properties, whose value the type configures or disposes (see <see cref="Duplicates.GetConfigured"/>).</summary>
        private readonly HashSet<ISymbol> _configured = new(SymbolEqualityComparer.Default);

        /// <summary>Candidates whose value a non-private member returns.</summary>
        private readonly HashSet<ISymbol> _handedOut = new(SymbolEqualityComparer.Default);

        /// <summary>
        /// The calls of each private method made outside a lock, with the member that makes each: read at the end, for
        /// a helper that fills a field under its lock, to find a caller that checked the field first
        /// (<c>if (s_table == null) Init();</c>).
        /// </summary>
        private readonly Dictionary<IMethodSymbol, List<(IOperation Call, ISymbol Owner)>> _unguardedCalls = new(SymbolEqualityComparer.Default);

        public TypeState(
            INamedTypeSymbol type,
            HashSet<ISymbol> candidates,
            Lazy<ProcessLifetimeKind?>? processLifetime,
            Duplicates duplicates,
            bool reportDoubleChecked,
            CompositionTime? compositionTime,
            ProcessLifetimeModel lifetimes)
        {
            _lifetimes = lifetimes;
            _type = type;
            _candidates = candidates;
            _processLifetime = processLifetime;
            _duplicates = duplicates;
            _reportDoubleChecked = reportDoubleChecked;
            _compositionTime = compositionTime;
        }

        public void AnalyzeBlock(OperationBlockAnalysisContext context)
        {
            // The runtime calls an EventSource's OnEventCommand under its listeners' lock: counters created there on
            // first Enable are synchronized.
            if (context.OwningSymbol is IMethodSymbol { Name: "OnEventCommand", IsOverride: true } && SymbolFacts.IsEventSource(_type))
            {
                return;
            }

            HashSet<ISymbol>? reported = null;
            foreach (var block in context.OperationBlocks)
            {
                foreach (var operation in block.DescendantsAndSelf())
                {
                    if (operation is IInvocationOperation { TargetMethod: { DeclaredAccessibility: Accessibility.Private, MethodKind: MethodKind.Ordinary } target } invocation
                        && SymbolEqualityComparer.Default.Equals(target.ContainingType, context.OwningSymbol.ContainingType))
                    {
                        // A recursive call runs under whatever the method's outside callers hold.
                        if (SymbolEqualityComparer.Default.Equals(target.OriginalDefinition, (context.OwningSymbol as IMethodSymbol)?.OriginalDefinition)
                            && !invocation.IsInsideLambda())
                        {
                            continue;
                        }

                        RecordPrivateCall(target, invocation, context.OwningSymbol);
                        continue;
                    }

                    // A read of a private property (`TickProvider` in `new Generator(TickProvider)`) is a call of its
                    // getter, and counts like a call of a private method.
                    if (operation is IPropertyReferenceOperation { Property.GetMethod: { DeclaredAccessibility: Accessibility.Private } getter } read
                        && !IsWrite(read)
                        && SymbolEqualityComparer.Default.Equals(getter.ContainingType, context.OwningSymbol.ContainingType))
                    {
                        RecordPrivateCall(getter, read, context.OwningSymbol);
                        continue;
                    }

                    if (operation is IMethodReferenceOperation { Method: { DeclaredAccessibility: Accessibility.Private, MethodKind: MethodKind.Ordinary } referenced }
                        && SymbolEqualityComparer.Default.Equals(referenced.ContainingType, context.OwningSymbol.ContainingType))
                    {
                        lock (_gate)
                        {
                            AddPrivateCaller(referenced.OriginalDefinition, null);
                        }

                        continue;
                    }

                    // Configuring or disposing a client through its field, or through the property built over it.
                    if (Duplicates.GetConfigured(operation) is { } configured && IsCandidateOrOwnProperty(configured))
                    {
                        lock (_gate)
                        {
                            _configured.Add(configured);
                        }
                    }

                    // Locking on or changing the value through its field, or through the property built over it.
                    if (Duplicates.GetStateUse(operation, IsCandidateOrOwnProperty) is { } used)
                    {
                        lock (_gate)
                        {
                            _usedAsState.Add(used);
                        }

                        continue;
                    }

                    if (_duplicates.GetHandedOut(operation, context.OwningSymbol) is { } handedOut && _candidates.Contains(handedOut))
                    {
                        lock (_gate)
                        {
                            _handedOut.Add(handedOut);
                        }
                    }

                    if (operation is not (ISimpleAssignmentOperation or ICoalesceAssignmentOperation))
                    {
                        continue;
                    }

                    var assignment = (IAssignmentOperation)operation;
                    var storage = CacheStorage.GetReferencedStorage(assignment.Target);
                    if (storage is null || !_candidates.Contains(storage) || (reported is not null && reported.Contains(storage))
                        || !LazyInitialization.Refers(assignment.Target, storage)
                        || Initialization.IsInitialization(context.OwningSymbol, storage)
                        || LazyInitialization.IsHarmlessToBuildTwice(assignment.Value)
                        || _duplicates.Classify(assignment.Value, storage, _type, context.CancellationToken) is not { } duplicate)
                    {
                        continue;
                    }

                    var kind = Classify(assignment, storage, context.OwningSymbol, context.CancellationToken);
                    if (kind == Race.None
                        || (kind == Race.DoubleChecked && !_reportDoubleChecked)
                        || (!storage.IsStatic && !IsShared(_processLifetime, context.OwningSymbol)))
                    {
                        continue;
                    }

                    (reported ??= new HashSet<ISymbol>(SymbolEqualityComparer.Default)).Add(storage);
                    var diagnostic = kind == Race.DoubleChecked
                        ? Diagnostic.Create(
                            Descriptors.UnsynchronizedInitialization,
                            assignment.Syntax.GetLocation(),
                            DiagnosticSeverity.Info,
                            additionalLocations: null,
                            properties: ImmutableDictionary<string, string?>.Empty.Add(DoubleCheckedProperty, "true"),
                            storage.Name,
                            DoubleCheckedReason)
                        : Diagnostic.Create(
                            Descriptors.UnsynchronizedInitialization,
                            assignment.Syntax.GetLocation(),
                            storage.Name,
                            kind switch
                            {
                                Race.PublishedBeforeFilled => PublishedBeforeFilledReason,
                                Race.FilledUnderALock => FilledUnderALockReason,
                                _ => UnsynchronizedReason,
                            });

                    var privateMethod = IsPrivateHelper(context.OwningSymbol) ? ((IMethodSymbol)context.OwningSymbol).OriginalDefinition : null;
                    var internalMethod = context.OwningSymbol is IMethodSymbol { DeclaredAccessibility: Accessibility.Internal, MethodKind: MethodKind.Ordinary } helper
                        ? helper.OriginalDefinition
                        : null;
                    // A private (or protected) static field that only this member assigns, which the program's entry point
                    // may build before the app runs: asked at the end, once the type's assignments are known.
                    var warmable = kind == Race.Unsynchronized && storage.IsStatic
                        && storage.DeclaredAccessibility is Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal
                        ? (context.OwningSymbol as IMethodSymbol)?.AssociatedSymbol ?? context.OwningSymbol
                        : null;
                    lock (_gate)
                    {
                        _findings.Add(new Finding(storage, privateMethod, duplicate, diagnostic, warmable)
                        {
                            InternalMethod = internalMethod,
                            Method = context.OwningSymbol as IMethodSymbol,
                            NeedsAnUnlockedCheckInACaller = kind == Race.FilledUnderALock,
                        });
                    }
                }
            }
        }

        /// <summary>
        /// The type is a singleton the compilation registers (or a hosted service) once, with no other registration
        /// naming it as its implementation, and no <c>new</c> of it outside its own declarations.
        /// </summary>
        private bool IsBuiltOnceByTheContainer(Compilation compilation)
        {
            if (_lifetimes.Classify(_type) is not (ProcessLifetimeKind.DependencyInjectionSingleton or ProcessLifetimeKind.HostedService)
                || Instantiations.For(compilation).IsCreatedOutside(_type))
            {
                return false;
            }

            var registered = 0;
            foreach (var registration in ServiceRegistrations.For(compilation).Registrations)
            {
                if (SymbolEqualityComparer.Default.Equals(registration.ImplementationType?.OriginalDefinition, _type.OriginalDefinition)
                    && (registration.Lifetime != ServiceLifetimeKind.Singleton || ++registered > 1))
                {
                    return false;
                }
            }

            return registered == 1;
        }

        /// <summary>
        /// A call of the type's private method (or a read of its private property) from <paramref name="owner"/>. The
        /// runtime runs a static constructor (and static initializers) once, under the type's initialization lock: a
        /// private helper called only from there is synchronized by it.
        /// </summary>
        private void RecordPrivateCall(IMethodSymbol target, IOperation call, ISymbol owner)
        {
            var unguarded = !Initialization.IsTypeInitialization(owner) && !Synchronization.GetGuard(call, owner).IsGuarded;
            var caller = call.IsInsideLambda() ? null : owner;
            lock (_gate)
            {
                _calledOutsideALock[target.OriginalDefinition] = unguarded || (_calledOutsideALock.TryGetValue(target.OriginalDefinition, out var before) && before);
                AddPrivateCaller(target.OriginalDefinition, caller);
                if (unguarded)
                {
                    if (!_unguardedCalls.TryGetValue(target.OriginalDefinition, out var calls))
                    {
                        _unguardedCalls[target.OriginalDefinition] = calls = new List<(IOperation, ISymbol)>();
                    }

                    calls.Add((call, owner));
                }
            }
        }

        /// <summary>
        /// A candidate field, or a property of the type: the property a lazily built value is read through, which
        /// <see cref="Report"/> maps back to the field its getter builds.
        /// </summary>
        private bool IsCandidateOrOwnProperty(ISymbol storage)
            => _candidates.Contains(storage) || (storage is IPropertySymbol && SymbolEqualityComparer.Default.Equals(storage.ContainingType, _type));

        /// <summary>
        /// A private method, or a private property's getter: code only the type calls, whose calls
        /// <see cref="RecordPrivateCall"/> records.
        /// </summary>
        private static bool IsPrivateHelper(ISymbol? symbol)
            => symbol is IMethodSymbol { DeclaredAccessibility: Accessibility.Private, MethodKind: MethodKind.Ordinary or MethodKind.PropertyGet };

        /// <summary>The target of a plain assignment (<c>P = x</c>): set, not read. <c>P ??= x</c> and <c>P += x</c> also read it.</summary>
        private static bool IsWrite(IPropertyReferenceOperation reference)
            => reference.Parent is ISimpleAssignmentOperation assignment && assignment.Target == reference;

        private void AddPrivateCaller(IMethodSymbol target, ISymbol? caller)
        {
            if (!_privateCallers.TryGetValue(target, out var callers))
            {
                _privateCallers[target] = callers = new List<ISymbol?>();
            }

            callers.Add(caller);
        }

        /// <summary>
        /// Some call of <paramref name="method"/> outside a lock runs only once a check outside any lock has seen
        /// <paramref name="storage"/> unset: the first half of double-checked locking, in the caller. Called under the gate.
        /// </summary>
        private bool IsCalledAfterAnUnlockedCheck(IMethodSymbol? method, ISymbol storage)
        {
            if (method is null || !_unguardedCalls.TryGetValue(method, out var calls))
            {
                return false;
            }

            foreach (var (call, owner) in calls)
            {
                foreach (var check in LazyInitialization.FindGoverningChecks(call, storage))
                {
                    if (!Synchronization.GetGuard(check, owner).IsGuarded)
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>
        /// The private method is called, and only by the type's instance constructors, directly or through private
        /// methods that only they call, outside lambdas, and is never taken as a delegate. Called under the gate.
        /// </summary>
        private bool IsCalledOnlyWhileConstructing(IMethodSymbol method, int depth)
        {
            if (depth > 3 || !_privateCallers.TryGetValue(method, out var callers) || callers.Count == 0)
            {
                return false;
            }

            foreach (var caller in callers)
            {
                var allowed = caller switch
                {
                    IMethodSymbol { MethodKind: MethodKind.Constructor } => true,
                    IMethodSymbol helper when IsPrivateHelper(helper)
                        && !SymbolEqualityComparer.Default.Equals(helper.OriginalDefinition, method) => IsCalledOnlyWhileConstructing(helper.OriginalDefinition, depth + 1),
                    _ => false,
                };

                if (!allowed)
                {
                    return false;
                }
            }

            return true;
        }

        public void Report(SymbolAnalysisContext context)
        {
            List<Diagnostic> diagnostics;
            lock (_gate)
            {
                diagnostics = new List<Diagnostic>(_findings.Count);
                foreach (var finding in _findings)
                {
                    // A value that matters only as state: reported when the type changes it or locks on it, or (a
                    // collection) hands it out to callers who can fill it. An HTTP client: when the type configures or
                    // disposes it (through the field or the property built over it), or others can reach it.
                    var builtBy = finding.Method?.AssociatedSymbol?.OriginalDefinition;
                    var usedAsState = _usedAsState.Contains(finding.Storage) || (builtBy is not null && _usedAsState.Contains(builtBy));
                    var matters = finding.Duplicate switch
                    {
                        Duplicate.WhenUsedAsState => usedAsState,
                        Duplicate.WhenUsedAsStateOrHandedOut => usedAsState || _handedOut.Contains(finding.Storage),
                        Duplicate.WhenConfiguredOrHandedOut => finding.Storage.DeclaredAccessibility != Accessibility.Private
                            || _configured.Contains(finding.Storage)
                            || (builtBy is not null && _configured.Contains(builtBy))
                            || _handedOut.Contains(finding.Storage),
                        _ => true,
                    };

                    if (!matters
                        || (finding.NeedsAnUnlockedCheckInACaller && !IsCalledAfterAnUnlockedCheck(finding.PrivateMethod, finding.Storage)))
                    {
                        continue;
                    }

                    // Called only under locks: synchronized by its callers. Never called in the type: report it.
                    if (finding.PrivateMethod is not null
                        && _calledOutsideALock.TryGetValue(finding.PrivateMethod, out var outside) && !outside)
                    {
                        continue;
                    }

                    // An instance field set up by a private helper of the constructor (`Setup(options.Value)` building a
                    // lookup in a loop): the object is not shared before its constructor returns.
                    if (finding.PrivateMethod is not null && !finding.Storage.IsStatic
                        && IsCalledOnlyWhileConstructing(finding.PrivateMethod, depth: 0))
                    {
                        continue;
                    }

                    // A static field set up by the constructor, or by a private helper only the constructors call, of a
                    // singleton the container builds once (registered once, never created with `new`).
                    if (finding.Storage.IsStatic
                        && (finding.Method is { MethodKind: MethodKind.Constructor }
                            || (finding.PrivateMethod is not null && IsCalledOnlyWhileConstructing(finding.PrivateMethod, depth: 0)))
                        && IsBuiltOnceByTheContainer(context.Compilation))
                    {
                        continue;
                    }

                    // An internal helper that every call in the assembly makes under a lock (a lazy step of an
                    // EnsureInitialized that holds it).
                    if (finding.InternalMethod is not null
                        && CallerLocks.For(context.Compilation).IsCalledOnlyUnderLock(finding.InternalMethod, context.CancellationToken))
                    {
                        continue;
                    }

                    // An options object's collection created by one of its methods on the first add, where only its
                    // configure steps (or nothing in the compilation) call that method: the options pattern runs them
                    // once, before any consumer is handed the options.
                    if (!finding.Storage.IsStatic
                        && finding.Method is { MethodKind: MethodKind.Ordinary, IsStatic: false } configuring
                        && finding.Storage.ContainingType is { } owner && OptionsConfiguration.IsOptionsType(owner)
                        && OptionsConfiguration.IsCalledOnlyWhileConfiguring(configuring, owner, context.Compilation, context.CancellationToken))
                    {
                        continue;
                    }

                    // A method run only while the app starts up — called from the entry point, from code that
                    // composes the app, or from methods only those call: one thread, once, before anything can race
                    // with it. A singleton's instance method counts too (the composition adding to an instance it
                    // registered). Asked after the cheaper exclusions: the caller search is the costliest question here.
                    if (finding.Method is not null
                        && _compositionTime?.IsCalledOnlyWhileComposing(finding.Method, context.CancellationToken) == true)
                    {
                        continue;
                    }

                    // Built by the program's entry point before the app runs (`var settings = Settings.Instance;` at the
                    // top of Main), or by the code that composes the app (`Startup.Configure` reading `JobHub.Instance`),
                    // and never reset: by the time requests read it, it is set.
                    if (finding.Accessor is { } accessor
                        && IsAssignedOnlyIn(finding.Storage, accessor, context.CancellationToken)
                        && !IsAssignableByDerivedTypes(finding.Storage, context.Compilation, context.CancellationToken)
                        && (EntryPoints.ReadsBeforeTheAppRuns(context.Compilation, accessor, context.CancellationToken)
                            || (finding.Storage.IsStatic && IsReadByTypeInitialization(accessor, context.Compilation, context.CancellationToken))
                            || _compositionTime?.IsReadWhileComposing(accessor, context.CancellationToken) == true))
                    {
                        continue;
                    }

                    diagnostics.Add(finding.Diagnostic);
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

    /// <summary>How many of the type's static methods the type-initialization search looks into.</summary>
    private const int MaxTypeInitializationHelpers = 16;

    /// <summary>
    /// The type's own initialization reads the static <paramref name="accessor"/> unconditionally: a statement of its
    /// static constructor, or a static field or property initializer, reads it, directly or through a static method of
    /// the type that reads it (or calls one that does) in one of its own statements (`static Source() { LoadAll(); }` with `LoadAll` starting
    /// `var map = Components;`). The runtime runs the type's initialization once, under its initialization lock, before
    /// any other thread can read the type's static fields: the lazy field is set by the time anyone else looks.
    /// </summary>
    private static bool IsReadByTypeInitialization(ISymbol accessor, Compilation compilation, CancellationToken cancellationToken)
    {
        if (!accessor.IsStatic || accessor.ContainingType is not { } type)
        {
            return false;
        }

        var models = new SemanticModelCache(compilation);
        var helpers = new List<IMethodSymbol>();
        foreach (var member in type.GetMembers())
        {
            foreach (var reference in member.DeclaringSyntaxReferences)
            {
                var initialization = member switch
                {
                    IMethodSymbol { MethodKind: MethodKind.StaticConstructor } => reference.GetSyntax(cancellationToken) is ConstructorDeclarationSyntax constructor
                        ? (SyntaxNode?)constructor.Body ?? constructor.ExpressionBody
                        : null,
                    IFieldSymbol { IsStatic: true } => (reference.GetSyntax(cancellationToken) as VariableDeclaratorSyntax)?.Initializer,
                    IPropertySymbol { IsStatic: true } => (reference.GetSyntax(cancellationToken) as PropertyDeclarationSyntax)?.Initializer,
                    _ => null,
                };

                if (initialization is not null
                    && ReadsUnconditionally(initialization, accessor, type, models.For(initialization.SyntaxTree), helpers, cancellationToken))
                {
                    return true;
                }
            }
        }

        // Further: the static methods of the type that the initialization calls (and those they call, up to
        // MaxTypeInitializationHelpers of them), each reading the accessor in its own statements.
        for (var i = 0; i < helpers.Count && i < MaxTypeInitializationHelpers; i++)
        {
            foreach (var reference in helpers[i].DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(cancellationToken) is MethodDeclarationSyntax declaration
                    && ((SyntaxNode?)declaration.Body ?? declaration.ExpressionBody) is { } body
                    && ReadsUnconditionally(body, accessor, type, models.For(body.SyntaxTree), helpers, cancellationToken))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// A name in <paramref name="root"/> that binds to <paramref name="accessor"/> and runs whenever the root does: in a
    /// statement of the body itself (not a nested block, branch, loop body or handler), outside lambdas, local functions
    /// and the branches of <c>?:</c>, <c>??</c>, <c>&amp;&amp;</c>, <c>||</c> and <c>?.</c>. The static methods of
    /// <paramref name="type"/> called there the same way go to <paramref name="helpers"/>.
    /// </summary>
    private static bool ReadsUnconditionally(SyntaxNode root, ISymbol accessor, INamedTypeSymbol type, SemanticModel model, List<IMethodSymbol> helpers, CancellationToken cancellationToken)
    {
        foreach (var node in root.DescendantNodes(static n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)))
        {
            if (node is not SimpleNameSyntax name || !RunsWhenever(name, root))
            {
                continue;
            }

            var symbol = model.GetSymbolInfo(name, cancellationToken).Symbol;
            if (SymbolEqualityComparer.Default.Equals(symbol?.OriginalDefinition, accessor.OriginalDefinition))
            {
                return true;
            }

            if (symbol is IMethodSymbol { IsStatic: true, MethodKind: MethodKind.Ordinary } helper
                && SymbolEqualityComparer.Default.Equals(helper.ContainingType.OriginalDefinition, type.OriginalDefinition)
                && name.Parent is InvocationExpressionSyntax or MemberAccessExpressionSyntax { Parent: InvocationExpressionSyntax }
                && !helpers.Contains(helper.OriginalDefinition))
            {
                helpers.Add(helper.OriginalDefinition);
            }
        }

        return false;
    }

    /// <summary><paramref name="node"/> is evaluated every time <paramref name="root"/> runs to its end.</summary>
    private static bool RunsWhenever(SyntaxNode node, SyntaxNode root)
    {
        for (var child = node; child != root && child.Parent is { } parent; child = parent)
        {
            switch (parent)
            {
                case ConditionalExpressionSyntax conditional when child != conditional.Condition:
                case BinaryExpressionSyntax binary when child == binary.Right
                    && binary.Kind() is SyntaxKind.CoalesceExpression or SyntaxKind.LogicalAndExpression or SyntaxKind.LogicalOrExpression:
                case AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.CoalesceAssignmentExpression } coalesce when child == coalesce.Right:
                case ConditionalAccessExpressionSyntax access when child == access.WhenNotNull:
                    return false;
                case StatementSyntax when parent != root && parent.Parent != root:
                    // A statement nested in a branch, loop, try or other block.
                    return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A protected field of a type that source types derive from: their code may reset it. (A protected field with no
    /// derived type in the compilation is the type's own, as a private one is.)
    /// </summary>
    private static bool IsAssignableByDerivedTypes(ISymbol storage, Compilation compilation, CancellationToken cancellationToken)
        => storage.DeclaredAccessibility != Accessibility.Private && storage.ContainingType is { } owner
            && SymbolFacts.HasSourceTypesDerivedFrom(compilation, owner.OriginalDefinition, cancellationToken);

    /// <summary>Every assignment to the field's name in the type's code is inside the declaration of <paramref name="accessor"/>.</summary>
    private static bool IsAssignedOnlyIn(ISymbol storage, ISymbol accessor, CancellationToken cancellationToken)
    {
        var accessorSyntax = new List<SyntaxNode>();
        foreach (var reference in accessor.DeclaringSyntaxReferences)
        {
            accessorSyntax.Add(reference.GetSyntax(cancellationToken));
        }

        foreach (var reference in storage.ContainingType.DeclaringSyntaxReferences)
        {
            foreach (var node in reference.GetSyntax(cancellationToken).DescendantNodes())
            {
                if (node is not AssignmentExpressionSyntax assignment || GetAssignedName(assignment.Left) != storage.Name)
                {
                    continue;
                }

                var inside = false;
                foreach (var declaration in accessorSyntax)
                {
                    inside |= declaration.SyntaxTree == assignment.SyntaxTree && declaration.Span.Contains(assignment.Span);
                }

                if (!inside)
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>
    /// Instances of the type live for the process, and the member can run on several threads at once: the host calls
    /// a hosted service's start and stop methods once each, in turn.
    /// </summary>
    private static bool IsShared(Lazy<ProcessLifetimeKind?>? processLifetime, ISymbol member)
        => processLifetime?.Value is { } kind
            && !(kind == ProcessLifetimeKind.HostedService
                && member is IMethodSymbol method && HostedStartHooks.IsHostStepName(method.Name));

    private sealed class Finding(ISymbol storage, IMethodSymbol? privateMethod, Duplicate duplicate, Diagnostic diagnostic, ISymbol? accessor)
    {
        /// <summary>For a race on a private static field, the member (a property, or a method) whose lazy assignment it is.</summary>
        public ISymbol? Accessor { get; } = accessor;

        /// <summary>
        /// Checked, assigned and filled under a lock in a private method: double-checked locking only when a caller
        /// checks the field unset outside the lock before it calls the method.
        /// </summary>
        public bool NeedsAnUnlockedCheckInACaller { get; set; }

        public ISymbol Storage { get; } = storage;

        public IMethodSymbol? PrivateMethod { get; } = privateMethod;

        /// <summary>The internal method the race is in: callers anywhere in the assembly may hold the lock for it.</summary>
        public IMethodSymbol? InternalMethod { get; set; }

        /// <summary>The method (or accessor) the race is in.</summary>
        public IMethodSymbol? Method { get; set; }

        public Duplicate Duplicate { get; } = duplicate;

        public Diagnostic Diagnostic { get; } = diagnostic;
    }

    private enum Race
    {
        None,
        Unsynchronized,
        DoubleChecked,

        /// <summary>Double-checked locking that assigns the field before it fills it: the unlocked check can hand out a half-built value.</summary>
        PublishedBeforeFilled,

        /// <summary>
        /// Checked, assigned and then filled under a lock: double-checked locking that publishes the value before it is
        /// filled when a caller checks the field outside the lock first, which is known at the end of the type.
        /// </summary>
        FilledUnderALock,
    }

    /// <summary>
    /// The check (or <c>??=</c>) is a statement of a block in which an earlier statement of its own assigns the field
    /// unconditionally: the member sets the field every time it runs, and the check only asks whether what it just set
    /// is there.
    /// </summary>
    private static bool IsFallbackForWhatWasJustAssigned(IOperation check, ISymbol storage)
    {
        var statement = check is IConditionalOperation ? check : check.Parent as IExpressionStatementOperation;
        if (statement?.Parent is not IBlockOperation block)
        {
            return false;
        }

        foreach (var earlier in block.Operations)
        {
            if (earlier == statement)
            {
                return false;
            }

            if (earlier is IExpressionStatementOperation { Operation: ISimpleAssignmentOperation { Target: var target } }
                && LazyInitialization.Refers(target, storage))
            {
                return true;
            }
        }

        return false;
    }

    private static Race Classify(IAssignmentOperation assignment, ISymbol storage, ISymbol owner, CancellationToken cancellationToken)
    {
        var checks = LazyInitialization.FindGoverningChecks(assignment, storage);
        IOperation innermost;
        if (assignment is ICoalesceAssignmentOperation)
        {
            innermost = assignment;
        }
        else if (checks.Count > 0)
        {
            innermost = checks[0];
            checks.RemoveAt(0);
        }
        else
        {
            // A plain assignment (a reset, a setter): not check-then-assign.
            return Race.None;
        }

        // `_x = FindCustom(); if (_x == null) _x = new Default();`: a fallback for what was just stored, not a first use.
        if (IsFallbackForWhatWasJustAssigned(innermost, storage))
        {
            return Race.None;
        }

        if (!Synchronization.GetGuard(innermost, owner).IsGuarded)
        {
            return Race.Unsynchronized;
        }

        // Checked and assigned under a lock: fine, unless an unlocked check outside it reads the field.
        var checkedOutsideTheLock = false;
        foreach (var outer in checks)
        {
            if (!Synchronization.GetGuard(outer, owner).IsGuarded)
            {
                checkedOutsideTheLock = true;
                break;
            }
        }

        if (!checkedOutsideTheLock)
        {
            // Filled after it is published, under the lock: a caller that checked the field outside the lock, and
            // skips the call once it is set, reads it half built.
            var gate = innermost is IConditionalOperation { WhenTrue: var whenTrue } conditional && whenTrue.Syntax.Span.Contains(assignment.Syntax.Span)
                ? conditional
                : null;
            return PublicationOrder.IsChangedAfter(assignment, gate, storage, cancellationToken) ? Race.FilledUnderALock : Race.None;
        }

        // The lock holder assigns the field, then fills what it holds: a reader that passes the unlocked check in
        // between gets the empty value, whether or not the field is volatile.
        if (PublicationOrder.IsChangedAfter(assignment, innermost as IConditionalOperation, storage, cancellationToken))
        {
            return Race.PublishedBeforeFilled;
        }

        // A non-volatile field: the unlocked read is safe on the .NET runtime's memory model only.
        return storage is IFieldSymbol { IsVolatile: true } ? Race.None : Race.DoubleChecked;
    }
}
