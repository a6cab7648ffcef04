using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;
using SharedStateAnalyzers.Configuration;

namespace SharedStateAnalyzers.Model;

/// <summary>
/// The dependency-injection registrations a compilation makes in source, by lifetime. Gathered once per compilation
/// (shared by every rule that asks), lazily, and only when the compilation references <c>IServiceCollection</c>; the
/// scan binds only the invocations whose name is a registration method.
/// </summary>
internal sealed class ServiceRegistrations
{
    private static readonly ConditionalWeakTable<Compilation, ServiceRegistrations> s_byCompilation = new();

    private static readonly ImmutableHashSet<string> s_singletonRegistrations = ImmutableHashSet.Create(
        StringComparer.Ordinal, "AddSingleton", "TryAddSingleton", "AddKeyedSingleton", "TryAddKeyedSingleton", "AddHostedService");

    private static readonly ImmutableHashSet<string> s_scopedRegistrations = ImmutableHashSet.Create(
        StringComparer.Ordinal, "AddScoped", "TryAddScoped", "AddKeyedScoped", "TryAddKeyedScoped", "AddDbContext", "AddDbContextPool");

    private static readonly ImmutableHashSet<string> s_transientRegistrations = ImmutableHashSet.Create(
        StringComparer.Ordinal, "AddTransient", "TryAddTransient", "AddKeyedTransient", "TryAddKeyedTransient", "AddHttpClient", "AddGrpcClient");

    /// <summary>
    /// The factories of <c>ServiceDescriptor</c> and the lifetime each gives; <c>Describe</c> takes it as an argument.
    /// </summary>
    private static readonly ImmutableDictionary<string, ServiceLifetimeKind?> s_descriptorFactories = new Dictionary<string, ServiceLifetimeKind?>
    {
        ["Singleton"] = ServiceLifetimeKind.Singleton,
        ["KeyedSingleton"] = ServiceLifetimeKind.Singleton,
        ["Scoped"] = ServiceLifetimeKind.Scoped,
        ["KeyedScoped"] = ServiceLifetimeKind.Scoped,
        ["Transient"] = ServiceLifetimeKind.Transient,
        ["KeyedTransient"] = ServiceLifetimeKind.Transient,
        ["Describe"] = null,
        ["DescribeKeyed"] = null,
    }.ToImmutableDictionary(StringComparer.Ordinal);

    /// <summary>The methods of <c>IServiceCollection</c> (and its extensions) that put a descriptor into the collection.</summary>
    private static readonly ImmutableHashSet<string> s_descriptorAdders = ImmutableHashSet.Create(
        StringComparer.Ordinal, "Add", "TryAdd", "TryAddEnumerable", "Replace", "Insert");

    private readonly Compilation _compilation;
    private readonly RegistrationMethods _helpers;
    private readonly Lazy<ScanResult> _scan;

    private ServiceRegistrations(Compilation compilation, RegistrationMethods helpers)
    {
        _compilation = compilation;
        _helpers = helpers;
        IsAvailable = compilation.GetTypeByMetadataName("Microsoft.Extensions.DependencyInjection.IServiceCollection") is not null;
        CanRegister = IsAvailable || !helpers.IsEmpty;
        _scan = new Lazy<ScanResult>(Scan, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The compilation references <c>Microsoft.Extensions.DependencyInjection</c>: registrations are possible.</summary>
    public bool IsAvailable { get; }

    /// <summary>
    /// Registrations are possible: the compilation references <c>Microsoft.Extensions.DependencyInjection</c>, or
    /// <c>.editorconfig</c> names registration helpers of the app's own (<see cref="RegistrationMethods"/>).
    /// </summary>
    public bool CanRegister { get; }

    /// <summary>
    /// The implementation types of singleton registrations: <c>AddSingleton&lt;TService, TImpl&gt;()</c>,
    /// <c>AddSingleton&lt;T&gt;()</c>, <c>AddSingleton(typeof(T))</c>, <c>AddSingleton(typeof(TService), typeof(TImpl))</c>,
    /// <c>AddHostedService&lt;T&gt;()</c>, their <c>TryAdd</c> and keyed forms, and the class an instance registration
    /// (<c>AddSingleton(new T())</c>) hands over or a factory registration (<c>AddSingleton(sp =&gt; new T(…))</c>) builds.
    /// Registrations inside test classes do not count: a test that registers a type says nothing about the app.
    /// </summary>
    public ImmutableHashSet<INamedTypeSymbol> Singletons => CanRegister ? _scan.Value.Singletons : ImmutableHashSet<INamedTypeSymbol>.Empty;

    /// <summary>
    /// The service and implementation types of scoped registrations: <c>AddScoped&lt;TService, TImpl&gt;()</c>,
    /// <c>AddScoped&lt;T&gt;(…)</c>, <c>AddScoped(typeof(TService), typeof(TImpl))</c>, their <c>TryAdd</c> and keyed forms,
    /// <c>AddDbContext&lt;TContext&gt;</c>/<c>AddDbContextPool&lt;TContext&gt;</c>, and the class a scoped factory
    /// registration builds.
    /// </summary>
    public ImmutableHashSet<INamedTypeSymbol> Scoped => CanRegister ? _scan.Value.Scoped : ImmutableHashSet<INamedTypeSymbol>.Empty;

    /// <summary>
    /// Every registration the compilation makes in source, with its lifetime, service and implementation types and
    /// form (see <see cref="ServiceRegistration"/>), in file order. Gathered by the same walk as
    /// <see cref="Singletons"/> and <see cref="Scoped"/>; registrations inside the program's own
    /// <c>IServiceCollection</c> extension methods are found too. Registrations made in referenced assemblies
    /// (<c>AddControllers</c>, <c>AddOptions</c>, …) are not. A descriptor handed to the collection
    /// (<c>services.TryAdd(ServiceDescriptor.Singleton&lt;IClock, SystemClock&gt;())</c>, <c>Replace</c>, <c>Describe(…, lifetime)</c>)
    /// counts as a registration; one built with <c>new ServiceDescriptor(…)</c> does not yet.
    /// </summary>
    public ImmutableArray<ServiceRegistration> Registrations => CanRegister ? _scan.Value.Index.All : ImmutableArray<ServiceRegistration>.Empty;

    /// <summary>The registration made by <paramref name="invocation"/>, or null.</summary>
    public ServiceRegistration? GetRegistration(InvocationExpressionSyntax invocation)
        => CanRegister && _scan.Value.Index.ByInvocation.TryGetValue(invocation, out var registration) ? registration : null;

    /// <summary>
    /// The registrations of <paramref name="serviceType"/> (unkeyed or keyed, as asked): those of that exact type, and
    /// those of its open generic definition when the type is a construction of one that no closed registration serves.
    /// </summary>
    public ImmutableArray<ServiceRegistration> GetRegistrationsOf(INamedTypeSymbol serviceType, bool keyed = false)
    {
        if (!CanRegister)
        {
            return ImmutableArray<ServiceRegistration>.Empty;
        }

        var index = _scan.Value.Index;
        var closed = index.Get(serviceType, keyed, openGeneric: false);
        if (!closed.IsEmpty || !serviceType.IsGenericType || serviceType.IsUnboundGenericType)
        {
            return closed;
        }

        return index.Get(serviceType.OriginalDefinition, keyed, openGeneric: true);
    }

    /// <summary>
    /// The compilation registers <paramref name="serviceType"/> (unkeyed) and only as a singleton: whoever is handed one
    /// by the container gets its one instance.
    /// </summary>
    public bool IsRegisteredOnlyAsSingleton(INamedTypeSymbol serviceType)
    {
        var registrations = GetRegistrationsOf(serviceType);
        if (registrations.IsEmpty)
        {
            return false;
        }

        foreach (var registration in registrations)
        {
            if (registration.Lifetime != ServiceLifetimeKind.Singleton)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The registrations of <paramref name="compilation"/>, with the registration helpers
    /// <see cref="Configure"/> gave it (none when it was not called: a code fix's compilation).
    /// </summary>
    public static ServiceRegistrations For(Compilation compilation) => s_byCompilation.GetValue(compilation, static c => new ServiceRegistrations(c, RegistrationMethods.None));

    /// <summary>
    /// Makes the model of <paramref name="compilation"/> know the app's own registration helpers, before any rule asks
    /// for it: every rule's compilation start calls this first (<c>ProductCodeAnalysis</c>), with the options every
    /// analyzer of one compilation shares, so that the first call decides and the others find the same model.
    /// </summary>
    public static void Configure(Compilation compilation, RegistrationMethods helpers)
        => s_byCompilation.GetValue(compilation, c => new ServiceRegistrations(c, helpers));

    /// <summary>
    /// A call of this name can register a singleton: the container's methods (<c>AddSingleton</c>, <c>AddHostedService</c>,
    /// …), the app's own singleton helpers (<see cref="RegistrationMethods"/>), and the descriptor factories that can give
    /// one (<c>ServiceDescriptor.Singleton</c>, <c>Describe</c>). A cheap test by name, before <see cref="GetRegistration"/>.
    /// </summary>
    public bool MayRegisterSingleton(string methodName)
        => s_singletonRegistrations.Contains(methodName)
            || (s_descriptorFactories.TryGetValue(methodName, out var descriptorLifetime) && descriptorLifetime is null or ServiceLifetimeKind.Singleton)
            || (_helpers.Lifetimes.TryGetValue(methodName, out var lifetime) && lifetime == ServiceLifetimeKind.Singleton);

    /// <summary>A method of the container's own that <see cref="LifetimeOf"/> knows by name (<c>AddSingleton</c>, <c>TryAddScoped</c>, …).</summary>
    public static bool IsBuiltInRegistrationMethod(string name) => BuiltInLifetimeOf(name) is not null;

    private ScanResult Scan()
    {
        var singletons = ImmutableHashSet.CreateBuilder<INamedTypeSymbol>(SymbolEqualityComparer.Default);
        var scoped = ImmutableHashSet.CreateBuilder<INamedTypeSymbol>(SymbolEqualityComparer.Default);
        var registrations = ImmutableArray.CreateBuilder<ServiceRegistration>();
        var testFixtures = new Dictionary<INamedTypeSymbol, bool>(SymbolEqualityComparer.Default);
        var buffer = new char[ChunkLength];
        foreach (var tree in _compilation.SyntaxTrees)
        {
            SemanticModel? model = null;
            foreach (var (invocation, name) in WithDescriptorCalls(tree, WithHelperCalls(tree, FindRegistrationCalls(tree, buffer))))
            {
                var methodName = name.Identifier.ValueText;
                if (DescriptorAdder(invocation, name) is { } adder)
                {
#pragma warning disable RS1030 // As below: only files that make a registration are bound.
                    model ??= _compilation.GetSemanticModel(tree);
#pragma warning restore RS1030
                    // Describe(…) gives its lifetime as an argument; a helper's ServiceDescriptor.Singleton<TService, TImpl>()
                    // describes no service of its own, but registers what its callers pass as type arguments.
                    var described = Describe(model, invocation, adder, s_descriptorFactories[methodName] ?? ServiceLifetimeKind.Transient, lifetimeArgument: true);
                    if (described is not null)
                    {
                        registrations.Add(described);
                    }

                    if ((described?.Lifetime ?? s_descriptorFactories[methodName]) is { } descriptorLifetime
                        && descriptorLifetime != ServiceLifetimeKind.Transient && !IsInTestFixture(model, invocation, testFixtures))
                    {
                        AddImplementationTypes(model, invocation, name, descriptorLifetime == ServiceLifetimeKind.Singleton, singletons, scoped);
                        if (described is not null)
                        {
                            AddInstanceOrFactoryType(described, singletons, scoped);
                        }
                    }

                    continue;
                }

                if (LifetimeOf(methodName) is not { } lifetime)
                {
                    continue;
                }

#pragma warning disable RS1030 // The registrations of the whole compilation are gathered once, lazily, only from files that make one.
                model ??= _compilation.GetSemanticModel(tree);
#pragma warning restore RS1030
                // A test that registers a type to exercise it says nothing about how the app runs it.
                var definesLifetime = lifetime != ServiceLifetimeKind.Transient && !IsInTestFixture(model, invocation, testFixtures);
                if (BuiltInLifetimeOf(methodName) is null)
                {
                    if (DescribeHelperCall(model, invocation, methodName, lifetime) is { } helperRegistration)
                    {
                        registrations.Add(helperRegistration);
                        if (definesLifetime)
                        {
                            AddHelperTypes(helperRegistration, singletons, scoped);
                        }
                    }

                    continue;
                }

                if (definesLifetime)
                {
                    AddImplementationTypes(model, invocation, name, lifetime == ServiceLifetimeKind.Singleton, singletons, scoped);
                }

                if (Describe(model, invocation, methodName, lifetime) is { } registration)
                {
                    registrations.Add(registration);
                    if (definesLifetime)
                    {
                        AddInstanceOrFactoryType(registration, singletons, scoped);
                    }
                }
            }
        }

        return new ScanResult(singletons.ToImmutable(), scoped.ToImmutable(), new RegistrationIndex(registrations.ToImmutable()));
    }

    /// <summary>
    /// <paramref name="calls"/>, plus the calls of the app's own registration helpers (<see cref="RegistrationMethods"/>)
    /// in <paramref name="tree"/>, all in walk order. Each helper's name is searched for in the text; the token found
    /// there decides, as for the container's methods.
    /// </summary>
    private List<(InvocationExpressionSyntax Invocation, SimpleNameSyntax Name)> WithHelperCalls(
        SyntaxTree tree, List<(InvocationExpressionSyntax Invocation, SimpleNameSyntax Name)> calls)
    {
        if (_helpers.IsEmpty)
        {
            return calls;
        }

        var added = false;
        foreach (var helper in _helpers.Lifetimes.Keys)
        {
            foreach (var name in WordSearch.Names(tree, helper))
            {
                if (InvocationNamed(name) is { } invocation)
                {
                    calls.Add((invocation, name));
                    added = true;
                }
            }
        }

        if (added)
        {
            SortInWalkOrder(calls);
        }

        return calls;
    }

    /// <summary>
    /// <paramref name="calls"/>, plus the descriptors <paramref name="tree"/> hands to the service collection
    /// (<see cref="DescriptorAdder"/>), all in walk order. Only files that write <c>ServiceDescriptor</c> are looked at.
    /// </summary>
    private static List<(InvocationExpressionSyntax Invocation, SimpleNameSyntax Name)> WithDescriptorCalls(
        SyntaxTree tree, List<(InvocationExpressionSyntax Invocation, SimpleNameSyntax Name)> calls)
    {
        var added = false;
        foreach (var type in WordSearch.Names(tree, "ServiceDescriptor"))
        {
            if (type.Parent is MemberAccessExpressionSyntax access && access.Expression == type
                && InvocationNamed(access.Name) is { } invocation && DescriptorAdder(invocation, access.Name) is not null
                && !calls.Exists(call => call.Invocation == invocation))
            {
                calls.Add((invocation, access.Name));
                added = true;
            }
        }

        if (added)
        {
            SortInWalkOrder(calls);
        }

        return calls;
    }

    /// <summary>
    /// The name of the call that puts the descriptor <paramref name="invocation"/> makes into the service collection
    /// (<c>services.TryAdd(ServiceDescriptor.Singleton&lt;IClock, SystemClock&gt;())</c>, <c>Add</c>, <c>TryAddEnumerable</c>,
    /// <c>Replace</c>, <c>Insert</c>); null when it is no such descriptor, or one made for something else (a comparison,
    /// a list of the app's own).
    /// </summary>
    private static string? DescriptorAdder(InvocationExpressionSyntax invocation, SimpleNameSyntax name)
    {
        if (!s_descriptorFactories.ContainsKey(name.Identifier.ValueText)
            || invocation.Expression is not MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.ValueText: "ServiceDescriptor" } }
            || invocation.Parent is not ArgumentSyntax { Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax adder } }
            || GetName(adder.Expression) is not { } adderName
            || !s_descriptorAdders.Contains(adderName.Identifier.ValueText))
        {
            return null;
        }

        return adderName.Identifier.ValueText;
    }

    /// <summary>
    /// What a call of one of the app's registration helpers registers: its type arguments (<c>AddSingletonAs&lt;T&gt;()</c>,
    /// <c>ReplaceSingleton&lt;TService, TImpl&gt;()</c>) or, without them, its <c>typeof</c> arguments; the first names the
    /// service, the last the implementation, as with <c>AddSingleton</c>. The helper need not bind (a package not
    /// restored): the written type arguments are read. Null for a call with none, or more than two.
    /// </summary>
    private static ServiceRegistration? DescribeHelperCall(SemanticModel model, InvocationExpressionSyntax invocation, string methodName, ServiceLifetimeKind lifetime)
    {
        var types = new List<ITypeSymbol?>();
        if (GetName(invocation.Expression) is GenericNameSyntax generic)
        {
            foreach (var typeArgument in generic.TypeArgumentList.Arguments)
            {
                types.Add(model.GetTypeInfo(typeArgument).Type);
            }
        }
        else
        {
            foreach (var argument in invocation.ArgumentList.Arguments)
            {
                if (argument.Expression is TypeOfExpressionSyntax typeOf)
                {
                    types.Add(model.GetTypeInfo(typeOf.Type).Type);
                }
            }
        }

        if (types.Count is 0 or > 2
            || types[0] is not INamedTypeSymbol { TypeKind: not TypeKind.Error } service
            || types[types.Count - 1] is not INamedTypeSymbol { TypeKind: not TypeKind.Error } implementation)
        {
            return null;
        }

        var openGeneric = service.IsUnboundGenericType;
        if (openGeneric)
        {
            service = service.OriginalDefinition;
            implementation = implementation.OriginalDefinition;
        }

        return new ServiceRegistration(
            methodName, lifetime, service, implementation, RegistrationForm.Type, factory: null, isKeyed: false, key: null, openGeneric, invocation, ImmutableArray<ServiceRequest>.Empty);
    }

    /// <summary>The types <see cref="Singletons"/> and <see cref="Scoped"/> take from one registration through an app's helper.</summary>
    private static void AddHelperTypes(
        ServiceRegistration registration,
        ImmutableHashSet<INamedTypeSymbol>.Builder singletons,
        ImmutableHashSet<INamedTypeSymbol>.Builder scoped)
    {
        if (registration.Lifetime == ServiceLifetimeKind.Singleton)
        {
            if (registration.ImplementationType is { TypeKind: TypeKind.Class } implementation)
            {
                singletons.Add(implementation.OriginalDefinition);
            }
        }
        else if (registration.Lifetime == ServiceLifetimeKind.Scoped)
        {
            foreach (var type in new[] { registration.ServiceType, registration.ImplementationType })
            {
                if (type is { TypeKind: TypeKind.Class or TypeKind.Interface })
                {
                    scoped.Add(type.OriginalDefinition);
                }
            }
        }
    }

    /// <summary>The types <see cref="Singletons"/> and <see cref="Scoped"/> take from one singleton or scoped registration call.</summary>
    private static void AddImplementationTypes(
        SemanticModel model,
        InvocationExpressionSyntax invocation,
        SimpleNameSyntax name,
        bool isSingleton,
        ImmutableHashSet<INamedTypeSymbol>.Builder singletons,
        ImmutableHashSet<INamedTypeSymbol>.Builder scoped)
    {
        if (model.GetSymbolInfo(invocation).Symbol is not IMethodSymbol method)
        {
            // An AddDbContext<T> whose options lambda does not bind yet still registers T as scoped.
            if (!isSingleton && name.Identifier.ValueText is "AddDbContext" or "AddDbContextPool" && ContextTypeArgument(model, invocation) is { } context)
            {
                scoped.Add(context.OriginalDefinition);
            }

            return;
        }

        var types = ImmutableArray.CreateBuilder<ITypeSymbol?>();
        if (name is GenericNameSyntax)
        {
            foreach (var typeArgument in method.TypeArguments)
            {
                types.Add(typeArgument);
            }
        }
        else
        {
            foreach (var argument in invocation.ArgumentList.Arguments)
            {
                if (argument.Expression is TypeOfExpressionSyntax typeOf)
                {
                    types.Add(model.GetTypeInfo(typeOf.Type).Type);
                }
            }
        }

        if (isSingleton)
        {
            // The last type names the implementation: the object that lives as long as the process.
            if (types.Count > 0)
            {
                foreach (var type in WithTypeArgumentsOfCalls(types[types.Count - 1], model.Compilation))
                {
                    if (type is INamedTypeSymbol { TypeKind: TypeKind.Class } implementation)
                    {
                        singletons.Add(implementation.OriginalDefinition);
                    }
                }
            }
        }
        else
        {
            // A scoped service is request-scoped under its service type and its implementation type alike.
            foreach (var written in types)
            {
                foreach (var type in WithTypeArgumentsOfCalls(written, model.Compilation))
                {
                    if (type is INamedTypeSymbol { TypeKind: TypeKind.Class or TypeKind.Interface } named)
                    {
                        scoped.Add(named.OriginalDefinition);
                    }
                }
            }
        }
    }

    /// <summary>
    /// The type itself; or, for a type parameter of the app's own generic registration helper
    /// (<c>static void AddCached&lt;TRepo&gt;(this IServiceCollection s) =&gt; s.AddSingleton&lt;ICachedRepository, TRepo&gt;()</c>),
    /// the type arguments its calls in the compilation give it (<c>services.AddCached&lt;ShowRepository&gt;()</c>).
    /// </summary>
    private static IEnumerable<ITypeSymbol?> WithTypeArgumentsOfCalls(ITypeSymbol? type, Compilation compilation)
    {
        if (type is not ITypeParameterSymbol { TypeParameterKind: TypeParameterKind.Method, DeclaringMethod: { } helper } parameter
            || helper.DeclaringSyntaxReferences.IsEmpty)
        {
            yield return type;
            yield break;
        }

        var models = new SemanticModelCache(compilation);
        foreach (var name in MethodNameUses.Find(compilation, helper.OriginalDefinition, CancellationToken.None))
        {
            if (name is not GenericNameSyntax || CallSites.Classify(name, out _) != CallSites.Use.Call)
            {
                continue;
            }

            if (models.For(name.SyntaxTree).GetSymbolInfo(name).Symbol is IMethodSymbol called
                && SymbolEqualityComparer.Default.Equals((called.ReducedFrom ?? called).OriginalDefinition, helper.OriginalDefinition)
                && parameter.Ordinal < called.TypeArguments.Length)
            {
                yield return called.TypeArguments[parameter.Ordinal];
            }
        }
    }

    /// <summary>The registration is made in a test class; the answer is kept per class, which usually makes many.</summary>
    private static bool IsInTestFixture(SemanticModel model, InvocationExpressionSyntax invocation, Dictionary<INamedTypeSymbol, bool> testFixtures)
    {
        if (model.GetEnclosingSymbol(invocation.SpanStart)?.ContainingType is not { } type)
        {
            return false;
        }

        if (!testFixtures.TryGetValue(type, out var isTest))
        {
            testFixtures[type] = isTest = TestCode.IsInTestFixture(type);
        }

        return isTest;
    }

    /// <summary>
    /// The class an instance registration (<c>AddSingleton(new Outbox())</c>) hands over, or a factory registration
    /// (<c>AddSingleton(sp =&gt; new Outbox())</c>) builds: it lives as long as a type-form registration's would.
    /// </summary>
    private static void AddInstanceOrFactoryType(
        ServiceRegistration registration,
        ImmutableHashSet<INamedTypeSymbol>.Builder singletons,
        ImmutableHashSet<INamedTypeSymbol>.Builder scoped)
    {
        if (registration.Form == RegistrationForm.Type
            || registration.ImplementationType is not { TypeKind: TypeKind.Class } implementation
            || registration.IsTypedHttpClient)
        {
            return;
        }

        switch (registration.Lifetime)
        {
            case ServiceLifetimeKind.Singleton:
                singletons.Add(implementation.OriginalDefinition);
                break;
            case ServiceLifetimeKind.Scoped:
                scoped.Add(implementation.OriginalDefinition);
                break;
        }
    }

    /// <summary>The lifetime a call named <paramref name="methodName"/> registers with: the container's methods, then the app's helpers.</summary>
    private ServiceLifetimeKind? LifetimeOf(string methodName)
        => BuiltInLifetimeOf(methodName) ?? (_helpers.Lifetimes.TryGetValue(methodName, out var lifetime) ? lifetime : null);

    private static ServiceLifetimeKind? BuiltInLifetimeOf(string methodName)
    {
        if (s_singletonRegistrations.Contains(methodName))
        {
            return ServiceLifetimeKind.Singleton;
        }

        if (s_scopedRegistrations.Contains(methodName))
        {
            return ServiceLifetimeKind.Scoped;
        }

        return s_transientRegistrations.Contains(methodName) ? ServiceLifetimeKind.Transient : null;
    }

    private const int ChunkLength = 8192;

    /// <summary>Chunks overlap by this much, so that each looks at least half of it before and after the positions it searches.</summary>
    private const int ChunkOverlap = 64;

    /// <summary>The longest registration method name ("TryAddKeyedSingleton").</summary>
    private const int MaxNameLength = 20;

    /// <summary>
    /// The calls in <paramref name="tree"/> named like a registration method, in the order a walk of the tree meets
    /// them. Every registration method's name contains "Add": the text is searched for it, and only the tokens found
    /// there are looked at, rather than every node of every file (most files register nothing). A file that writes a
    /// Unicode escape, which could spell an identifier without its name showing in the text, is walked instead.
    /// </summary>
    private static List<(InvocationExpressionSyntax Invocation, SimpleNameSyntax Name)> FindRegistrationCalls(SyntaxTree tree, char[] buffer)
    {
        var calls = new List<(InvocationExpressionSyntax Invocation, SimpleNameSyntax Name)>();
        var text = tree.GetText();
        var length = text.Length;
        SyntaxNode? root = null;
        for (var chunkStart = 0; chunkStart < length; chunkStart += ChunkLength - ChunkOverlap)
        {
            var count = Math.Min(ChunkLength, length - chunkStart);
            text.CopyTo(chunkStart, buffer, 0, count);
            for (var i = Array.IndexOf(buffer, '\\', 0, count); i >= 0; i = i + 1 < count ? Array.IndexOf(buffer, '\\', i + 1, count - i - 1) : -1)
            {
                if (i + 1 < count && buffer[i + 1] is 'u' or 'U')
                {
                    return WalkForRegistrationCalls(tree, text);
                }
            }

            // Each chunk searches the positions from half the overlap after its start to half the overlap before its
            // end (the first from its start, the last to its end): together every position once, each with the
            // characters around it at hand.
            var last = chunkStart + count >= length;
            var from = chunkStart == 0 ? 0 : ChunkOverlap / 2;
            var to = last ? count : count - (ChunkOverlap / 2);
            for (var i = from < to ? Array.IndexOf(buffer, 'A', from, to - from) : -1; i >= 0; i = i + 1 < to ? Array.IndexOf(buffer, 'A', i + 1, to - i - 1) : -1)
            {
                if (i + 2 >= count || buffer[i + 1] != 'd' || buffer[i + 2] != 'd')
                {
                    continue;
                }

                var wordStart = i >= 3 && buffer[i - 3] == 'T' && buffer[i - 2] == 'r' && buffer[i - 1] == 'y' ? i - 3 : i;
                var wordEnd = i + 3;
                while (wordEnd < count && IsAsciiIdentifierPart(buffer[wordEnd]))
                {
                    wordEnd++;
                }

                if (wordEnd - wordStart > MaxNameLength || (wordStart > 0 && IsAsciiIdentifierPart(buffer[wordStart - 1])))
                {
                    continue;
                }

                var word = new string(buffer, wordStart, wordEnd - wordStart);
                if (BuiltInLifetimeOf(word) is null)
                {
                    continue;
                }

                // The token decides: text in comments, strings and disabled code starts no identifier there, and a
                // longer identifier (a letter beyond ASCII around the word) has another name.
                var tokenStart = chunkStart + (wordStart > 0 && buffer[wordStart - 1] == '@' ? wordStart - 1 : wordStart);
                root ??= tree.GetRoot();
                var token = root.FindToken(chunkStart + wordStart);
                if (token.SpanStart == tokenStart && token.IsKind(SyntaxKind.IdentifierToken) && token.ValueText == word
                    && token.Parent is SimpleNameSyntax name && InvocationNamed(name) is { } invocation)
                {
                    calls.Add((invocation, name));
                }
            }

            if (last)
            {
                break;
            }
        }

        SortInWalkOrder(calls);
        return calls;
    }

    /// <summary>A walk meets a call before the calls in its receiver (<c>a.AddX().AddY()</c> is met at <c>AddY</c> first) and in its arguments.</summary>
    private static void SortInWalkOrder(List<(InvocationExpressionSyntax Invocation, SimpleNameSyntax Name)> calls)
        => calls.Sort(static (x, y) => x.Invocation.SpanStart != y.Invocation.SpanStart
            ? x.Invocation.SpanStart.CompareTo(y.Invocation.SpanStart)
            : y.Invocation.Span.End.CompareTo(x.Invocation.Span.End));

    private static List<(InvocationExpressionSyntax Invocation, SimpleNameSyntax Name)> WalkForRegistrationCalls(SyntaxTree tree, SourceText text)
    {
        var calls = new List<(InvocationExpressionSyntax Invocation, SimpleNameSyntax Name)>();
        if (!MayRegister(text))
        {
            return calls;
        }

        foreach (var node in tree.GetRoot().DescendantNodes())
        {
            if (node is InvocationExpressionSyntax invocation && GetName(invocation.Expression) is { } name && BuiltInLifetimeOf(name.Identifier.ValueText) is not null)
            {
                calls.Add((invocation, name));
            }
        }

        return calls;
    }

    /// <summary>The call <paramref name="name"/> names: <c>name(…)</c> or <c>x.name(…)</c>.</summary>
    private static InvocationExpressionSyntax? InvocationNamed(SimpleNameSyntax name) => name.Parent switch
    {
        InvocationExpressionSyntax invocation when invocation.Expression == name => invocation,
        MemberAccessExpressionSyntax { Parent: InvocationExpressionSyntax invocation } access when access.Name == name && invocation.Expression == access => invocation,
        _ => null,
    };

    private static bool IsAsciiIdentifierPart(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_';

    private static bool MayRegister(SourceText source)
    {
        var text = source.ToString();
        return text.IndexOf("Singleton", StringComparison.Ordinal) >= 0
            || text.IndexOf("Scoped", StringComparison.Ordinal) >= 0
            || text.IndexOf("AddHostedService", StringComparison.Ordinal) >= 0
            || text.IndexOf("AddDbContext", StringComparison.Ordinal) >= 0
            || text.IndexOf("Transient", StringComparison.Ordinal) >= 0
            || text.IndexOf("AddHttpClient", StringComparison.Ordinal) >= 0
            || text.IndexOf("AddGrpcClient", StringComparison.Ordinal) >= 0;
    }

    /// <summary>What one registration call registers, read from its bound arguments; null for a call that is not the container's or cannot be read.</summary>
    /// <param name="lifetimeArgument">A descriptor's <c>Describe(…, ServiceLifetime lifetime)</c>: the argument gives the lifetime.</param>
    private static ServiceRegistration? Describe(SemanticModel model, InvocationExpressionSyntax invocation, string methodName, ServiceLifetimeKind lifetime, bool lifetimeArgument = false)
    {
        if (model.GetOperation(invocation) is not IInvocationOperation operation)
        {
            return DescribeUnboundContext(model, invocation, methodName, lifetime);
        }

        if (operation.TargetMethod.ContainingNamespace?.ToDisplayString() is not { } ns
            || !ns.StartsWith("Microsoft.Extensions.DependencyInjection", StringComparison.Ordinal))
        {
            return null;
        }

        var method = operation.TargetMethod;
        INamedTypeSymbol? service = null;
        INamedTypeSymbol? implementation = null;
        var form = RegistrationForm.Type;
        AnonymousFunctionExpressionSyntax? factory = null;
        var keyed = false;
        object? key = null;
        var typed = false;
        var builtByMethod = false;
        foreach (var argument in operation.Arguments)
        {
            var parameter = argument.Parameter;
            if (parameter is null)
            {
                continue;
            }

            var value = Unwrap(argument.Value);
            switch (parameter.Name)
            {
                case "serviceType" or "service" when value is ITypeOfOperation typeOf:
                    service = typeOf.TypeOperand as INamedTypeSymbol;
                    typed = true;
                    break;
                case "serviceType" or "service":
                    return null;
                case "implementationType" when value is ITypeOfOperation typeOf:
                    implementation = typeOf.TypeOperand as INamedTypeSymbol;
                    break;
                case "implementationType":
                    return null;
                case "implementationFactory":
                    form = RegistrationForm.Factory;
                    if (value is IDelegateCreationOperation { Target: IAnonymousFunctionOperation lambda })
                    {
                        factory = lambda.Syntax as AnonymousFunctionExpressionSyntax;
                    }
                    else if (value is IDelegateCreationOperation { Target: IMethodReferenceOperation { Method.ReturnType: INamedTypeSymbol { TypeKind: TypeKind.Class, IsAbstract: false } returned } })
                    {
                        // A factory method (`TryAddSingleton(CreateClientFactory)`): it builds the class it returns.
                        implementation = returned;
                        builtByMethod = true;
                    }

                    break;
                case "implementationInstance" or "instance":
                    form = RegistrationForm.Instance;
                    implementation = value.Type as INamedTypeSymbol;
                    break;
                case "serviceKey":
                    keyed = true;
                    key = value.ConstantValue.HasValue ? value.ConstantValue.Value : null;
                    break;
                case "lifetime" when lifetimeArgument:
                case "contextLifetime":
                    if (!argument.Value.ConstantValue.HasValue || argument.Value.ConstantValue.Value is not int contextLifetime || contextLifetime is < 0 or > 2)
                    {
                        return null;
                    }

                    lifetime = (ServiceLifetimeKind)contextLifetime;
                    break;
                case "factory" when methodName == "AddHttpClient":
                    // A typed client's factory gets the HttpClient (and the provider) and builds the client.
                    form = RegistrationForm.Factory;
                    if (value is IDelegateCreationOperation { Target: IAnonymousFunctionOperation clientFactory })
                    {
                        factory = clientFactory.Syntax as AnonymousFunctionExpressionSyntax;
                    }

                    break;
            }
        }

        if (!typed)
        {
            var typeArguments = method.TypeArguments;
            if (typeArguments.Length == 0 || typeArguments.Length > 2)
            {
                return null;
            }

            service = typeArguments[0] as INamedTypeSymbol;
            implementation ??= typeArguments[typeArguments.Length - 1] as INamedTypeSymbol;
            if (typeArguments.Length == 1 && form != RegistrationForm.Type)
            {
                // AddSingleton<IFoo>(sp => …) and AddSingleton<IFoo>(instance): the type argument names the service only.
                // A factory method's return type names the class it builds.
                implementation = form == RegistrationForm.Instance || builtByMethod ? implementation : null;
            }
        }
        else if (form == RegistrationForm.Type)
        {
            implementation ??= service;
        }

        if (form == RegistrationForm.Factory && implementation is null && factory is not null)
        {
            implementation = CreatedType(model, factory);

            // `AddSingleton(sp => { …; return client; })`: the service type the call infers is the class the factory
            // returns. Not a factory that hands over what a static member holds (`_ => DashboardRoutes.Routes`): that
            // object is the static member's, and the static-state rules look at it there.
            if (implementation is null && !typed && !HasTypeArgumentList(invocation)
                && service is { TypeKind: TypeKind.Class, IsAbstract: false, IsStatic: false }
                && !ReturnsAStaticMember(model, factory))
            {
                implementation = service;
            }
        }

        if (service is null || service.TypeKind == TypeKind.Error)
        {
            return null;
        }

        var openGeneric = service.IsUnboundGenericType;
        if (openGeneric)
        {
            service = service.OriginalDefinition;
            implementation = implementation?.OriginalDefinition;
        }

        if (implementation is { TypeKind: TypeKind.Error })
        {
            implementation = null;
        }

        var requests = factory is null ? ImmutableArray<ServiceRequest>.Empty : ServiceRequests.InFactory(model, factory);
        return new ServiceRegistration(methodName, lifetime, service, implementation, form, factory, keyed, key, openGeneric, invocation, requests);
    }

    /// <summary>
    /// <c>AddDbContext&lt;TContext&gt;(options => …)</c> whose options lambda does not bind yet (half-typed, or a provider
    /// package not restored): no overload is chosen, but every candidate is the container's and the context is named
    /// by the type argument. The lambda only configures options, so the registration is the context's all the same.
    /// Only the one-lambda form: a lifetime argument could say otherwise.
    /// </summary>
    private static ServiceRegistration? DescribeUnboundContext(SemanticModel model, InvocationExpressionSyntax invocation, string methodName, ServiceLifetimeKind lifetime)
    {
        if (methodName is not ("AddDbContext" or "AddDbContextPool")
            || ContextTypeArgument(model, invocation) is not { } context
            || invocation.ArgumentList.Arguments.Count > 1
            || (invocation.ArgumentList.Arguments.Count == 1 && invocation.ArgumentList.Arguments[0].Expression is not AnonymousFunctionExpressionSyntax))
        {
            return null;
        }

        return new ServiceRegistration(methodName, lifetime, context, context, RegistrationForm.Type, null, false, null, false, invocation, ImmutableArray<ServiceRequest>.Empty);
    }

    /// <summary>The class named by the type argument of an <c>AddDbContext&lt;T&gt;</c> call all of whose candidate methods are the container's.</summary>
    private static INamedTypeSymbol? ContextTypeArgument(SemanticModel model, InvocationExpressionSyntax invocation)
    {
        var name = invocation.Expression switch
        {
            MemberAccessExpressionSyntax access => access.Name,
            SimpleNameSyntax simple => simple,
            _ => null,
        };

        if (name is not GenericNameSyntax { TypeArgumentList.Arguments.Count: 1 } generic)
        {
            return null;
        }

        var candidates = model.GetSymbolInfo(invocation).CandidateSymbols;
        if (candidates.IsEmpty)
        {
            return null;
        }

        foreach (var candidate in candidates)
        {
            if (candidate.ContainingNamespace?.ToDisplayString() is not { } ns
                || !ns.StartsWith("Microsoft.Extensions.DependencyInjection", StringComparison.Ordinal))
            {
                return null;
            }
        }

        return model.GetTypeInfo(generic.TypeArgumentList.Arguments[0]).Type as INamedTypeSymbol is { TypeKind: TypeKind.Class } context ? context : null;
    }

    private static IOperation Unwrap(IOperation value)
    {
        value = value.WithoutConversions();

        return value;
    }

    /// <summary>
    /// The type a factory lambda creates: every expression it returns (<see cref="ReturnedExpressions"/>) is
    /// <c>new T(…)</c>, a conditional between two, or a local the block declares as one, the same <c>T</c> each time.
    /// </summary>
    private static INamedTypeSymbol? CreatedType(SemanticModel model, AnonymousFunctionExpressionSyntax factory)
    {
        INamedTypeSymbol? created = null;
        foreach (var returned in ReturnedExpressions(factory))
        {
            var type = returned is IdentifierNameSyntax local && factory.Block is { } block ? CreatedLocal(block, local) : Created(returned);
            if (type is null || (created is not null && !SymbolEqualityComparer.Default.Equals(created, type)))
            {
                return null;
            }

            created = type;
        }

        return created;

        INamedTypeSymbol? Created(ExpressionSyntax? expression)
            => expression switch
            {
                BaseObjectCreationExpressionSyntax creation => model.GetTypeInfo(creation).Type as INamedTypeSymbol,
                ConditionalExpressionSyntax conditional when Created(conditional.WhenTrue) is { } whenTrue
                    && SymbolEqualityComparer.Default.Equals(whenTrue, Created(conditional.WhenFalse)) => whenTrue,
                _ => null,
            };

        INamedTypeSymbol? CreatedLocal(BlockSyntax block, IdentifierNameSyntax local)
        {
            foreach (var statement in block.Statements)
            {
                if (statement is LocalDeclarationStatementSyntax { Declaration.Variables: var variables })
                {
                    foreach (var variable in variables)
                    {
                        if (variable.Identifier.ValueText == local.Identifier.ValueText)
                        {
                            return Created(variable.Initializer?.Value);
                        }
                    }
                }
            }

            return null;
        }
    }

    /// <summary>
    /// What a factory lambda returns: its expression body, or the expression of each <c>return</c> in its block (outside
    /// nested functions; a <c>return;</c> without one gives null). Empty for a block that returns nothing.
    /// </summary>
    private static IEnumerable<ExpressionSyntax?> ReturnedExpressions(AnonymousFunctionExpressionSyntax factory)
    {
        if (factory.ExpressionBody is { } body)
        {
            yield return body;
            yield break;
        }

        foreach (var node in factory.Block?.DescendantNodes(static node => node is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
            ?? Enumerable.Empty<SyntaxNode>())
        {
            if (node is ReturnStatementSyntax returnStatement)
            {
                yield return returnStatement.Expression;
            }
        }
    }

    /// <summary>The factory returns only what a static field or property holds: <c>_ =&gt; DashboardRoutes.Routes</c>.</summary>
    private static bool ReturnsAStaticMember(SemanticModel model, AnonymousFunctionExpressionSyntax factory)
    {
        var any = false;
        foreach (var returned in ReturnedExpressions(factory))
        {
            if (returned is null || model.GetSymbolInfo(returned).Symbol is not (IFieldSymbol { IsStatic: true } or IPropertySymbol { IsStatic: true }))
            {
                return false;
            }

            any = true;
        }

        return any;
    }

    /// <summary><c>services.AddSingleton&lt;T&gt;(…)</c>: the type arguments are written, not inferred.</summary>
    private static bool HasTypeArgumentList(InvocationExpressionSyntax invocation)
        => invocation.Expression switch
        {
            MemberAccessExpressionSyntax { Name: GenericNameSyntax } => true,
            GenericNameSyntax => true,
            _ => false,
        };

    private sealed class ScanResult
    {
        public ScanResult(ImmutableHashSet<INamedTypeSymbol> singletons, ImmutableHashSet<INamedTypeSymbol> scoped, RegistrationIndex index)
        {
            Singletons = singletons;
            Scoped = scoped;
            Index = index;
        }

        public ImmutableHashSet<INamedTypeSymbol> Singletons { get; }

        public ImmutableHashSet<INamedTypeSymbol> Scoped { get; }

        public RegistrationIndex Index { get; }
    }

    /// <summary>The registrations, by invocation and by service type.</summary>
    private sealed class RegistrationIndex
    {
        private readonly Dictionary<(INamedTypeSymbol Service, bool Keyed, bool OpenGeneric), ImmutableArray<ServiceRegistration>> _byService;

        public RegistrationIndex(ImmutableArray<ServiceRegistration> all)
        {
            All = all;
            var byInvocation = new Dictionary<InvocationExpressionSyntax, ServiceRegistration>();
            var byService = new Dictionary<(INamedTypeSymbol, bool, bool), ImmutableArray<ServiceRegistration>.Builder>(ServiceKeyComparer.Instance);
            foreach (var registration in all)
            {
                byInvocation[registration.Invocation] = registration;
                var key = (registration.ServiceType!, registration.IsKeyed, registration.IsOpenGeneric);
                if (!byService.TryGetValue(key, out var list))
                {
                    list = ImmutableArray.CreateBuilder<ServiceRegistration>();
                    byService.Add(key, list);
                }

                list.Add(registration);
            }

            ByInvocation = byInvocation;
            _byService = new Dictionary<(INamedTypeSymbol, bool, bool), ImmutableArray<ServiceRegistration>>(ServiceKeyComparer.Instance);
            foreach (var pair in byService)
            {
                _byService.Add(pair.Key, pair.Value.ToImmutable());
            }
        }

        public ImmutableArray<ServiceRegistration> All { get; }

        public Dictionary<InvocationExpressionSyntax, ServiceRegistration> ByInvocation { get; }

        public ImmutableArray<ServiceRegistration> Get(INamedTypeSymbol service, bool keyed, bool openGeneric)
            => _byService.TryGetValue((service, keyed, openGeneric), out var list) ? list : ImmutableArray<ServiceRegistration>.Empty;
    }

    private sealed class ServiceKeyComparer : IEqualityComparer<(INamedTypeSymbol Service, bool Keyed, bool OpenGeneric)>
    {
        public static readonly ServiceKeyComparer Instance = new();

        public bool Equals((INamedTypeSymbol Service, bool Keyed, bool OpenGeneric) x, (INamedTypeSymbol Service, bool Keyed, bool OpenGeneric) y)
            => x.Keyed == y.Keyed && x.OpenGeneric == y.OpenGeneric && SymbolEqualityComparer.Default.Equals(x.Service, y.Service);

        public int GetHashCode((INamedTypeSymbol Service, bool Keyed, bool OpenGeneric) obj)
            => SymbolEqualityComparer.Default.GetHashCode(obj.Service) ^ (obj.Keyed ? 1 : 0) ^ (obj.OpenGeneric ? 2 : 0);
    }

    private static SimpleNameSyntax? GetName(ExpressionSyntax expression) => expression switch
    {
        MemberAccessExpressionSyntax access => access.Name,
        SimpleNameSyntax simple => simple,
        _ => null,
    };
}
