using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using SharedStateAnalyzers.Configuration;
using SharedStateAnalyzers.Model;

namespace SharedStateAnalyzers.Rules;

/// <summary>
/// SSA004: a class that keeps its own single instance — non-public constructors, one static field, auto-property or
/// <c>Lazy&lt;T&gt;</c> of its own type, handed out by <c>Instance</c>/<c>Current</c>/<c>Default</c>/<c>GetInstance()</c>
/// (built eagerly, lazily, by double-checked locking, or by a <c>Configure(…)</c> set-up method) — and that has state:
/// a mutable field, or code that reads a database, files, the network, configuration or the environment. The fields
/// of a base class that is not its alone (a preset of a general type) count only where the singleton's methods or
/// callers through the accessor change them after construction. Immutable,
/// stateless shared instances (null objects, comparers, <c>Empty</c> values) are left alone. Reported on the accessor,
/// once per class: Info, or Warning when the compilation references <c>Microsoft.Extensions.DependencyInjection</c>.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class HandRolledSingletonAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        Descriptors.HandRolledSingleton, Descriptors.HandRolledSingletonWithDependencyInjection);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        ProductCodeAnalysis.RegisterCompilationStart(context, static start =>
        {
            var compilation = start.Compilation;
            var descriptor = ServiceRegistrations.For(compilation).IsAvailable
                ? Descriptors.HandRolledSingletonWithDependencyInjection
                : Descriptors.HandRolledSingleton;
            var options = start.Options;
            var external = new System.Lazy<ExternalDataModel>(
                () => new ExternalDataModel(compilation, AnalyzerSettings.Read(options, compilation).ExternalDataTypes, appFilesAreData: true),
                System.Threading.LazyThreadSafetyMode.ExecutionAndPublication);
            var collections = new MutableCollections(compilation);
            start.RegisterSymbolStartAction(symbolStart => AnalyzeType(symbolStart, collections, external, descriptor), SymbolKind.NamedType);
        });
    }

    private static void AnalyzeType(SymbolStartAnalysisContext context, MutableCollections collections, System.Lazy<ExternalDataModel> external, DiagnosticDescriptor descriptor)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        var shape = HandRolledSingletons.FindShape(type, context.Compilation, context.CancellationToken);
        if (shape is null || TestCode.IsInTestFixture(type))
        {
            return;
        }

        var hasMutableField = HandRolledSingletons.FindMutableField(shape, collections, context.Compilation, context.CancellationToken, out var inherited) is not null;
        var state = new TypeState(shape, hasMutableField, inherited.IsEmpty ? null : new InheritedState(inherited, context.Compilation), external);
        context.RegisterOperationBlockAction(state.AnalyzeBlock);
        context.RegisterSymbolEndAction(end => state.Report(end, descriptor));
    }

    /// <summary>What the type's members do: build instances outside the singleton's own members, read external data.</summary>
    private sealed class TypeState
    {
        private readonly HandRolledSingletonShape _shape;
        private readonly InheritedState? _inherited;
        private readonly System.Lazy<ExternalDataModel> _external;
        private readonly object _gate = new();
        private bool _hasState;
        private bool _hasOtherFactory;

        /// <summary>The only state found is what the code reads from outside (no mutable field, no change to a base's).</summary>
        private bool _readsOnly;

        public TypeState(
            HandRolledSingletonShape shape, bool hasMutableField, InheritedState? inherited, System.Lazy<ExternalDataModel> external)
        {
            _shape = shape;
            _hasState = hasMutableField;
            _readsOnly = !hasMutableField;
            _inherited = inherited;
            _external = external;
        }

        public void AnalyzeBlock(OperationBlockAnalysisContext context)
        {
            var owner = context.OwningSymbol;
            var isSingletonMember = IsSingletonMember(owner);
            var createsInstance = false;
            var assignsStorage = false;
            var changesInherited = false;
            var inherited = owner is IMethodSymbol { MethodKind: MethodKind.Constructor } ? null : _inherited;
            foreach (var block in context.OperationBlocks)
            {
                foreach (var operation in block.DescendantsAndSelf())
                {
                    switch (operation)
                    {
                        case IObjectCreationOperation creation when HandRolledSingletons.IsOwnType(creation.Type, _shape.Type):
                            createsInstance = true;
                            break;
                        case IAssignmentOperation assignment when IsStorage(assignment.Target):
                            assignsStorage = true;
                            break;
                    }

                    // A base's field set once by the constructor is the preset's value; changed later, it is state.
                    if (inherited is not null && !changesInherited && inherited.IsChange(operation, context.CancellationToken))
                    {
                        changesInherited = true;
                    }
                }
            }

            if (createsInstance && !isSingletonMember && !assignsStorage)
            {
                // Instances are also made elsewhere (a Clone, a With…, a factory): not one shared instance.
                lock (_gate)
                {
                    _hasOtherFactory = true;
                }
            }

            lock (_gate)
            {
                _hasState |= changesInherited;
                _readsOnly &= !changesInherited;
                if (_hasState || _hasOtherFactory)
                {
                    return;
                }
            }

            foreach (var block in context.OperationBlocks)
            {
                if (_external.Value.FindSource(block, block, context.CancellationToken) is { } source && IsInputOutput(source.Kind))
                {
                    lock (_gate)
                    {
                        _hasState = true;
                    }

                    return;
                }
            }
        }

        public void Report(SymbolAnalysisContext context, DiagnosticDescriptor descriptor)
        {
            bool hasState;
            bool readsOnly;
            lock (_gate)
            {
                if (_hasOtherFactory)
                {
                    return;
                }

                hasState = _hasState;
                readsOnly = _readsOnly;
            }

            // A type with no instance fields that only does I/O per call, whose one instance the app hands to the
            // container (`TryAddSingleton<IResolver>(Resolver.Instance)`): consumers take it by injection, and tests can
            // replace it there; nothing is kept between calls.
            if (hasState && readsOnly && !HasInstanceFields(_shape.Type) && IsHandedToTheContainer(context.Compilation, context.CancellationToken))
            {
                return;
            }

            // Fields of a shared base count only where callers change them on the one instance.
            if (!hasState && (_inherited is null || !_inherited.IsChangedThroughAccessor(_shape, context.CancellationToken)))
            {
                return;
            }

            var accessor = _shape.PrimaryAccessor;
            if (accessor.Locations.IsEmpty || !accessor.Locations[0].IsInSource)
            {
                return;
            }

            var name = accessor is IMethodSymbol ? accessor.Name + "()" : accessor.Name;
            context.ReportDiagnostic(Diagnostic.Create(descriptor, accessor.Locations[0], _shape.Type.Name + "." + name, _shape.Type.Name));
        }

        private static bool HasInstanceFields(INamedTypeSymbol type)
        {
            foreach (var member in type.GetMembers())
            {
                if (member is IFieldSymbol { IsStatic: false, IsConst: false })
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// The compilation registers the one instance with the container: an instance registration of the type (its
        /// constructors are not public, so the instance is the one it keeps), or a factory whose body is an accessor
        /// (<c>_ =&gt; Resolver.Instance</c>).
        /// </summary>
        private bool IsHandedToTheContainer(Compilation compilation, System.Threading.CancellationToken cancellationToken)
        {
            var registrations = ServiceRegistrations.For(compilation);
            SemanticModelCache? models = null;
            foreach (var registration in registrations.Registrations)
            {
                if (registration.Form == RegistrationForm.Instance
                    && SymbolEqualityComparer.Default.Equals(registration.ImplementationType?.OriginalDefinition, _shape.Type))
                {
                    return true;
                }

                if (registration.Form == RegistrationForm.Factory && registration.Factory is { ExpressionBody: { } body })
                {
                    models ??= new SemanticModelCache(compilation);
                    var returned = models.For(body.SyntaxTree).GetSymbolInfo(body, cancellationToken).Symbol;
                    foreach (var accessor in _shape.Accessors)
                    {
                        if (SymbolEqualityComparer.Default.Equals(returned, accessor))
                        {
                            return true;
                        }
                    }
                }
            }

            return false;
        }

        /// <summary>The storage's initializer, an accessor, a set-up method, or the static constructor.</summary>
        private bool IsSingletonMember(ISymbol owner)
        {
            if (owner is IMethodSymbol { MethodKind: MethodKind.StaticConstructor })
            {
                return true;
            }

            var member = owner is IMethodSymbol { AssociatedSymbol: { } associated } ? associated : owner;
            if (SymbolEqualityComparer.Default.Equals(member, _shape.Storage))
            {
                return true;
            }

            foreach (var accessor in _shape.Accessors)
            {
                if (SymbolEqualityComparer.Default.Equals(member, accessor))
                {
                    return true;
                }
            }

            foreach (var method in _shape.SetUpMethods)
            {
                if (SymbolEqualityComparer.Default.Equals(member, method))
                {
                    return true;
                }
            }

            return false;
        }

        private bool IsStorage(IOperation target) => target switch
        {
            IFieldReferenceOperation field => SymbolEqualityComparer.Default.Equals(field.Field, _shape.Storage),
            IPropertyReferenceOperation property => SymbolEqualityComparer.Default.Equals(property.Property, _shape.Storage),
            _ => false,
        };

        /// <summary>Reads of the outside world. Request data and calls through abstractions are what a stateless helper is handed.</summary>
        private static bool IsInputOutput(ExternalSourceKind kind)
            => kind is ExternalSourceKind.Database or ExternalSourceKind.FileSystem or ExternalSourceKind.Network
                or ExternalSourceKind.Configuration or ExternalSourceKind.Environment or ExternalSourceKind.Configured;
    }
}
