using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SharedStateAnalyzers.Model;

/// <summary>
/// Types whose instances take part in composing the app: they declare an instance method that takes the service
/// collection or one of the host, app or MVC builders (a plugin manager's <c>ConfigureServices(IServiceCollection)</c>,
/// a module's <c>Configure(IApplicationBuilder)</c>). Such an object's state is filled while the app is being set up,
/// once and on one thread, before the first request: the composition root drives it, not the requests. A static
/// registration helper (<c>public static void AddJobs(IServiceCollection services)</c> on a service class) says
/// nothing about what the instances do later, and does not count.
/// <para>
/// Also, per method: whether every call the compilation makes to it is made while the app is composed (see
/// <see cref="IsCalledOnlyWhileComposing"/>). Asked only when a change is about to be reported; answers are kept per
/// method; safe for concurrent use.
/// </para>
/// </summary>
internal sealed class CompositionTime
{
    private static readonly string[] s_builderTypeNames =
    [
        "Microsoft.Extensions.DependencyInjection.IServiceCollection",
        "Microsoft.Extensions.DependencyInjection.IMvcBuilder",
        "Microsoft.Extensions.DependencyInjection.IMvcCoreBuilder",
        "Microsoft.Extensions.Hosting.IHostBuilder",

        // The app's configuration sources, added while the host is built (`AddJsonFile`, a custom source's `AddX`).
        "Microsoft.Extensions.Configuration.IConfigurationBuilder",
        "Microsoft.Extensions.Hosting.IHostApplicationBuilder",

        // The built host, between `Build()` and `Run()`: `host.MigrateDatabase()`, `host.UseServiceStack(appHost)`.
        "Microsoft.Extensions.Hosting.IHost",
        "Microsoft.AspNetCore.Builder.WebApplicationBuilder",
        "Microsoft.AspNetCore.Builder.IApplicationBuilder",
        "Microsoft.AspNetCore.Hosting.IWebHostBuilder",
        "Microsoft.AspNetCore.Routing.IEndpointRouteBuilder",

        // The route table `UseRouter(routes => …)` and `UseMvc(routes => …)` hand their callback, once, as the pipeline is built.
        "Microsoft.AspNetCore.Routing.IRouteBuilder",
        "Autofac.ContainerBuilder",

        // Classic ASP.NET and OWIN start-up: Application_Start's RegisterRoutes(RouteCollection), filters, bundles,
        // Web API's HttpConfiguration, an OWIN Startup's Configuration(IAppBuilder).
        "System.Web.Routing.RouteCollection",
        "System.Web.Mvc.AreaRegistrationContext",
        "System.Web.Mvc.GlobalFilterCollection",
        "System.Web.Optimization.BundleCollection",
        "System.Web.Http.HttpConfiguration",
        "Owin.IAppBuilder",
    ];

    /// <summary>
    /// How many callers up from the changing method the search goes: a seeder's store call, the seeder, its base's
    /// <c>Apply</c>, the migration service, a <c>SeedData</c> extension and <c>Main</c> are six.
    /// </summary>
    private const int MaxCallerDepth = 6;

    /// <summary>How many calls of a common name one question binds before it gives up (and the change is reported).</summary>
    private const int MaxBoundCalls = 256;

    private readonly Compilation _compilation;
    private readonly ImmutableArray<INamedTypeSymbol> _builderTypes;

    /// <summary><c>IHostedService.StartAsync</c> and <c>IHostedLifecycleService.StartingAsync</c>, where referenced.</summary>
    private readonly ImmutableArray<IMethodSymbol> _hostStartSteps;
    private readonly ConcurrentDictionary<IMethodSymbol, bool> _answers = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<INamedTypeSymbol, bool> _serviceCollectionCarriers = new(SymbolEqualityComparer.Default);

    /// <summary>Per type, the names of its instance fields and properties (and primary constructor parameters) that hold a builder.</summary>
    private readonly ConcurrentDictionary<INamedTypeSymbol, ImmutableArray<string>> _builderMembers = new(SymbolEqualityComparer.Default);

    private CompositionTime(Compilation compilation, ImmutableArray<INamedTypeSymbol> builderTypes, ImmutableArray<IMethodSymbol> hostStartSteps)
    {
        _compilation = compilation;
        _builderTypes = builderTypes;
        _hostStartSteps = hostStartSteps;
    }

    /// <summary>The model for a compilation, or null when it references none of the builder types.</summary>
    public static CompositionTime? Create(Compilation compilation)
    {
        var builder = ImmutableArray.CreateBuilder<INamedTypeSymbol>();
        foreach (var name in s_builderTypeNames)
        {
            if (compilation.GetTypeByMetadataName(name) is { } type)
            {
                builder.Add(type);
            }
        }

        if (builder.Count == 0)
        {
            return null;
        }

        var startSteps = ImmutableArray.CreateBuilder<IMethodSymbol>();
        AddStep(compilation, "Microsoft.Extensions.Hosting.IHostedService", "StartAsync", startSteps);
        AddStep(compilation, "Microsoft.Extensions.Hosting.IHostedLifecycleService", "StartingAsync", startSteps);
        return new CompositionTime(compilation, builder.ToImmutable(), startSteps.ToImmutable());
    }

    private static void AddStep(Compilation compilation, string interfaceName, string stepName, ImmutableArray<IMethodSymbol>.Builder steps)
    {
        if (compilation.GetTypeByMetadataName(interfaceName) is { } hostInterface)
        {
            foreach (var member in hostInterface.GetMembers(stepName))
            {
                if (member is IMethodSymbol step)
                {
                    steps.Add(step);
                }
            }
        }
    }

    /// <summary>
    /// A hosted service's start: its implementation of <c>IHostedService.StartAsync</c> or of
    /// <c>IHostedLifecycleService.StartingAsync</c>. The host runs these once each, one service after another, before
    /// the server takes requests (the web server is itself a hosted service, started after the app's own).
    /// </summary>
    private bool IsHostStartStep(IMethodSymbol method)
    {
        if (method.IsStatic || method.Name is not ("StartAsync" or "StartingAsync") || method.ContainingType is not { } type)
        {
            return false;
        }

        foreach (var step in _hostStartSteps)
        {
            if (step.Name != method.Name || type.FindImplementationForInterfaceMember(step) is not IMethodSymbol implementation)
            {
                continue;
            }

            // The implementation found may be a base class's virtual method that this one overrides
            // (`BackgroundService.StartAsync`).
            if (SymbolEqualityComparer.Default.Equals(implementation.OriginalDefinition, method.OriginalDefinition)
                || SymbolFacts.Overrides(method, implementation))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A call made while the app starts: in a method that composes it (<see cref="TakesABuilder"/>), or in a hosted
    /// service's start before that start hands work to other threads (<see cref="EntryPoints.IsBeforeWorkStarts"/>).
    /// </summary>
    private bool IsStartingTheApp(IMethodSymbol caller, MethodDeclarationSyntax callerDeclaration, SyntaxNode call)
        => TakesABuilder(caller) || (IsHostStartStep(caller) && EntryPoints.IsBeforeWorkStarts(callerDeclaration, call));

    /// <summary>
    /// True when <paramref name="type"/> declares an instance method (not a constructor) with a parameter of a builder
    /// type. The configuration builder does not count: every configuration source's <c>Build(IConfigurationBuilder)</c>
    /// takes one, and a source may also be the provider that reloads its data while the app runs.
    /// </summary>
    public bool IsCompositionTimeType(INamedTypeSymbol type)
    {
        foreach (var member in type.GetMembers())
        {
            if (member is not IMethodSymbol { MethodKind: MethodKind.Ordinary, IsStatic: false } method)
            {
                continue;
            }

            foreach (var parameter in method.Parameters)
            {
                if (IsBuilder(parameter.Type) && parameter.Type.Name != "IConfigurationBuilder")
                {
                    return true;
                }
            }
        }

        return false;
    }

    private bool IsBuilder(ITypeSymbol type)
    {
        foreach (var builder in _builderTypes)
        {
            if (SymbolEqualityComparer.Default.Equals(type, builder))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A builder type, or a class that implements or derives from one (<c>ServiceCollection</c>, <c>WebApplication</c>).</summary>
    private bool IsBuilderOrImplementation(ITypeSymbol type)
    {
        if (IsBuilder(type))
        {
            return true;
        }

        if (type is INamedTypeSymbol { TypeKind: TypeKind.Class or TypeKind.Interface } carrier && CarriesTheServiceCollection(carrier))
        {
            return true;
        }

        if (type is not INamedTypeSymbol { TypeKind: TypeKind.Class } named)
        {
            return false;
        }

        foreach (var implemented in named.AllInterfaces)
        {
            if (IsBuilder(implemented))
            {
                return true;
            }
        }

        for (var current = named.BaseType; current is not null; current = current.BaseType)
        {
            if (IsBuilder(current))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A library's own set-up builder: the type, or an interface it implements, has an instance property that holds the
    /// service collection (<c>IServiceCollection Services { get; }</c>, as <c>IMvcBuilder</c> and
    /// <c>IHealthChecksBuilder</c> do) or the configuration builder (<c>IConfigurationBuilder ConfigurationBuilder {
    /// get; }</c>, as WebJobs' <c>IWebJobsConfigurationBuilder</c> does). Code that takes one is composing the app.
    /// </summary>
    private bool CarriesTheServiceCollection(INamedTypeSymbol type)
        => _serviceCollectionCarriers.GetOrAdd(type.OriginalDefinition, t =>
        {
            if (HasServiceCollectionProperty(t))
            {
                return true;
            }

            foreach (var implemented in t.AllInterfaces)
            {
                if (HasServiceCollectionProperty(implemented))
                {
                    return true;
                }
            }

            return false;
        });

    private bool HasServiceCollectionProperty(INamedTypeSymbol type)
    {
        foreach (var member in type.GetMembers())
        {
            if (member is IPropertySymbol { IsStatic: false, IsIndexer: false, Type: { Name: "IServiceCollection" or "IConfigurationBuilder" } propertyType } && IsBuilder(propertyType))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// True when <paramref name="member"/> is a method that only the composition of the app calls: every call the
    /// compilation makes to it is made, outside lambdas and local functions, in a method that takes the service
    /// collection or a host, app, endpoint or container builder (<c>ConfigureServices(IHostApplicationBuilder)</c>, an
    /// <c>AddX(this IServiceCollection)</c> extension), in a hosted service's <c>StartAsync</c> (or
    /// <c>StartingAsync</c>) before any statement that starts work alongside it, in a method only such methods call (up
    /// to six callers up), or in the program's entry point before it runs the app. The composition and the hosted
    /// services' starts run once, on one thread after another, before the first request. Calls of the interface
    /// members a method implements (the app's own interfaces) count as its calls, and must be made there too. A
    /// method that is never called in the compilation, overrides a method the framework declares, or is used as a
    /// delegate, is not such a method. A virtual method, or an override, is searched through its first declaration
    /// (the method its calls bind to); an override's <c>base.M()</c> is part of the call that reached the override. Calls are found by name in the files
    /// that can make them (for an instance or static method, the files that name its type) and bound only where the
    /// caller is not composition code.
    /// </summary>
    public bool IsCalledOnlyWhileComposing(ISymbol member, CancellationToken cancellationToken)
    {
        if (!IsSearchable(member, out var method))
        {
            return false;
        }

        return _answers.GetOrAdd(method, m => new CallerSearch(this, cancellationToken).IsComposition(m, depth: 0));
    }

    /// <summary>
    /// True when the composition of the app reads <paramref name="accessor"/> (a property, or a method that returns a
    /// value, which it calls): a
    /// method that takes the service collection or a builder (<c>Startup.Configure(IApplicationBuilder app)</c>), or one
    /// only such methods call (a <c>UseJobs(this IServiceProvider)</c> extension that <c>Configure</c> calls), reads it in
    /// its own body, outside lambdas and local functions. The composition runs once, on one thread, before the server
    /// takes requests: a lazy accessor it reads is built by then. Reads are found by name in the files that name its type (<see cref="MethodNameUses"/>), and bound there.
    /// </summary>
    public bool IsReadWhileComposing(ISymbol accessor, CancellationToken cancellationToken)
    {
        // A method counts as an accessor when it returns what it built (`GetAssemblies()`, `Get(IConfiguration
        // configuration)` that loads a certificate the first time): whatever the first call passes, later calls find the
        // field set. One that does work and returns nothing (`StartWatching()`) is judged by who calls it, not by who
        // calls it first.
        if (accessor is not (IPropertySymbol or IMethodSymbol { MethodKind: MethodKind.Ordinary, ReturnsVoid: false }))
        {
            return false;
        }

        var models = new SemanticModelCache(_compilation);
        var bound = 0;
        foreach (var name in MethodNameUses.Find(_compilation, accessor, cancellationToken))
        {
            if (Caller(name, out var declaration) != Site.Method || declaration is null
                || (accessor is IMethodSymbol && CallSites.Classify(name, out _) != CallSites.Use.Call))
            {
                continue;
            }

            if (++bound > MaxBoundCalls)
            {
                return false;
            }

            var model = models.For(name.SyntaxTree);
            if (MethodNameUses.Binds(model, name, accessor, cancellationToken) == true
                && model.GetDeclaredSymbol(declaration, cancellationToken) is { } method
                && (IsStartingTheApp(method, declaration, name) || IsCalledOnlyWhileComposing(method, cancellationToken)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsSearchable(ISymbol member, out IMethodSymbol method)
    {
        method = null!;
        if (member is not IMethodSymbol { MethodKind: MethodKind.Ordinary, IsExtern: false } candidate
            || candidate.DeclaringSyntaxReferences.Length == 0)
        {
            return false;
        }

        // An override runs when the method it overrides is called: C# binds `host.Init()` to the first declaration of
        // `Init` whatever the receiver's type, so that declaration's calls are the ones searched. One the framework
        // declares (`ToString`, `OnModelCreating`) is called where no search can see it.
        method = SymbolFacts.FirstDeclaration(candidate.OriginalDefinition);
        if (method.DeclaringSyntaxReferences.Length == 0)
        {
            return false;
        }

        // A method that implements an interface is searched under the interface's name too (`CallTargets`): a
        // composition calls a store's `Add`, a seeder's `Apply` or a settings object's `LoadFromConfig` through the
        // interface the container hands out. Each question binds at most `MaxBoundCalls` names, so a common name
        // costs a bounded search and, past the bound, a report.
        return true;
    }

    /// <summary>
    /// The methods whose calls reach <paramref name="method"/>: itself, and the interface members it implements (a
    /// registrar's <c>Register</c> is called through <c>IRegistrar</c>).
    /// </summary>
    private static List<IMethodSymbol> CallTargets(IMethodSymbol method)
    {
        var targets = new List<IMethodSymbol> { method };
        if (method.DeclaredAccessibility != Accessibility.Private)
        {
            foreach (var implemented in SymbolFacts.ImplementedInterfaceMethods(method))
            {
                // The app's own interfaces only: a framework's (IDisposable.Dispose, IHostedService.StartAsync) is
                // called by the framework, where no search can see it, and naming it would bind calls everywhere.
                if (!implemented.DeclaringSyntaxReferences.IsEmpty)
                {
                    targets.Add(implemented);
                }
            }
        }

        return targets;
    }

    private ImmutableArray<string> BuilderMemberNames(INamedTypeSymbol type)
    {
        var names = ImmutableArray.CreateBuilder<string>();
        foreach (var member in type.GetMembers())
        {
            var memberType = member switch
            {
                IPropertySymbol { IsStatic: false } property => property.Type,
                IFieldSymbol { IsStatic: false, IsImplicitlyDeclared: false } field => field.Type,
                _ => null,
            };

            if (memberType is not null && IsBuilderOrImplementation(memberType))
            {
                names.Add(member.Name);
            }

            // A primary constructor's parameter, which the members use as a field (`class Catalog(IServiceCollection services)`).
            if (member is IMethodSymbol { IsStatic: false } constructor && SymbolFacts.IsPrimaryConstructor(constructor))
            {
                foreach (var parameter in constructor.Parameters)
                {
                    if (IsBuilderOrImplementation(parameter.Type))
                    {
                        names.Add(parameter.Name);
                    }
                }
            }
        }

        return names.ToImmutable();
    }

    /// <summary>
    /// A method that takes the service collection or a builder, or registers services through a builder its own type
    /// holds (an options object's <c>UseFeature()</c> calling <c>Services.TryAddSingleton(…)</c>): it composes the app.
    /// </summary>
    public bool TakesABuilder(IMethodSymbol method)
    {
        foreach (var parameter in method.Parameters)
        {
            if (IsBuilderOrImplementation(parameter.Type))
            {
                return true;
            }
        }

        return !method.IsStatic && UsesItsTypesBuilder(method);
    }

    private bool UsesItsTypesBuilder(IMethodSymbol method)
    {
        var names = _builderMembers.GetOrAdd(method.ContainingType.OriginalDefinition, BuilderMemberNames);
        if (names.IsEmpty)
        {
            return false;
        }

        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            foreach (var node in reference.GetSyntax().DescendantNodes())
            {
                if (node is IdentifierNameSyntax identifier && names.Contains(identifier.Identifier.ValueText)
                    && identifier.Parent is MemberAccessExpressionSyntax { Expression: var receiver } access && receiver == identifier
                    && access.Parent is InvocationExpressionSyntax)
                {
                    // `Services.TryAddSingleton(…)`: a call on the builder it holds.
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>One question's search: the semantic models it opened and how many calls it bound.</summary>
    private sealed class CallerSearch(CompositionTime owner, CancellationToken cancellationToken)
    {
        private readonly SemanticModelCache _models = new(owner._compilation);
        private readonly HashSet<IMethodSymbol> _visiting = new(SymbolEqualityComparer.Default);
        private int _bound;

        public bool IsComposition(IMethodSymbol method, int depth)
        {
            if (owner.TakesABuilder(method))
            {
                return true;
            }

            if (depth >= MaxCallerDepth || (depth > 0 && !IsSearchable(method, out method)) || !_visiting.Add(method))
            {
                return false;
            }

            var found = false;
            foreach (var target in CallTargets(method))
            {
                if (!AreCallsComposing(target, depth, ref found))
                {
                    return false;
                }
            }

            _visiting.Remove(method);
            return found;
        }

        /// <summary>
        /// False when some call of <paramref name="target"/> is made outside the composition, or the method is taken as
        /// a delegate; <paramref name="found"/> becomes true once a call is seen.
        /// </summary>
        private bool AreCallsComposing(IMethodSymbol target, int depth, ref bool found)
        {
            foreach (var name in MethodNameUses.Find(owner._compilation, target, cancellationToken))
            {
                var use = CallSites.Classify(name, out var invocation);
                if (use != CallSites.Use.Call)
                {
                    // The method taken as a delegate: its calls cannot all be seen.
                    if (use == CallSites.Use.Reference && Refers(name, target) != false)
                    {
                        return false;
                    }

                    continue;
                }

                var site = Caller(invocation!, out var callerDeclaration);
                var caller = callerDeclaration is null ? null : DeclaredMethod(callerDeclaration);
                if (caller is not null && IsBaseCallOfTheSameMethod(invocation!, caller, target))
                {
                    // `base.Init()` in an override of `Init`: it runs as part of the call that reached the override.
                    continue;
                }

                if (site == Site.EntryPointBeforeRun || (caller is not null && owner.IsStartingTheApp(caller, callerDeclaration!, invocation!)))
                {
                    // A call made while composing: bound only to learn that the method is called at all.
                    if (!found)
                    {
                        var composing = Refers(name, target);
                        if (composing is null)
                        {
                            return false;
                        }

                        found = composing.Value;
                    }

                    continue;
                }

                // Elsewhere: a call of this method there is composition only if its caller is only called while composing.
                var refers = Refers(name, target);
                if (refers == false)
                {
                    continue;
                }

                if (refers is null || caller is null)
                {
                    return false;
                }

                if (IsUncalledOverload(caller, target))
                {
                    // `AddJob<T>() => AddJob(typeof(T))`, which nothing calls: it says nothing about when the API runs.
                    continue;
                }

                if (!IsComposition(caller, depth + 1))
                {
                    return false;
                }

                found = true;
            }

            return true;
        }

        private static bool IsBaseCallOfTheSameMethod(ExpressionSyntax invocation, IMethodSymbol caller, IMethodSymbol target)
            => invocation is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Expression: BaseExpressionSyntax } }
                && caller.IsOverride
                && SymbolEqualityComparer.Default.Equals(SymbolFacts.FirstDeclaration(caller.OriginalDefinition), target);

        /// <summary>
        /// A convenience overload of <paramref name="target"/> that nothing in the compilation calls or takes as a
        /// delegate, its own type included: one in the same type (a generic form) implementing no interface member, or
        /// an extension method of the same name on the target's type (<c>Register(this IRegistrar r, string group,
        /// IEnumerable&lt;string&gt; names)</c>, which the app's plug-ins call).
        /// </summary>
        private bool IsUncalledOverload(IMethodSymbol caller, IMethodSymbol target)
        {
            if (caller.Name != target.Name
                || !(SymbolEqualityComparer.Default.Equals(caller.ContainingType.OriginalDefinition, target.ContainingType.OriginalDefinition)
                    || IsExtensionOf(caller, target.ContainingType))
                || SymbolEqualityComparer.Default.Equals(caller.OriginalDefinition, target.OriginalDefinition)
                || !IsSearchable(caller, out var overload)
                || SymbolFacts.ImplementedInterfaceMethods(overload).Count > 0)
            {
                return false;
            }

            foreach (var name in MethodNameUses.Find(owner._compilation, overload, cancellationToken))
            {
                if (Refers(name, overload) != false)
                {
                    return false;
                }
            }

            return true;
        }

        private static bool IsExtensionOf(IMethodSymbol method, INamedTypeSymbol type)
            => method is { IsExtensionMethod: true, Parameters.Length: > 0 }
                && SymbolEqualityComparer.Default.Equals(method.Parameters[0].Type.OriginalDefinition, type.OriginalDefinition);

        /// <summary>Whether the name binds to the method; null when it cannot be told (too many bound already, or ambiguous).</summary>
        private bool? Refers(SimpleNameSyntax name, IMethodSymbol method)
        {
            if (++_bound > MaxBoundCalls)
            {
                return null;
            }

            return MethodNameUses.Binds(_models.For(name.SyntaxTree), name, method, cancellationToken, throughOverrides: method.IsVirtual || method.IsAbstract);
        }

        private IMethodSymbol? DeclaredMethod(MethodDeclarationSyntax declaration)
            => _models.For(declaration.SyntaxTree).GetDeclaredSymbol(declaration, cancellationToken);
    }

    private enum Site
    {
        /// <summary>In a lambda, a local function, a constructor, an accessor, or elsewhere outside a method's own body.</summary>
        Other,

        /// <summary>In the body of a method, outside lambdas and local functions.</summary>
        Method,

        /// <summary>The program's top-level code or <c>Main</c>, before the statement that runs the app (<see cref="EntryPoints"/>).</summary>
        EntryPointBeforeRun,
    }

    /// <summary>Where the call is made; for <see cref="Site.Method"/>, <paramref name="method"/> is the method whose body holds it.</summary>
    private static Site Caller(ExpressionSyntax invocation, out MethodDeclarationSyntax? method)
    {
        method = null;
        if (EntryPoints.IsBeforeTheAppRuns(invocation))
        {
            return Site.EntryPointBeforeRun;
        }

        method = CallSites.EnclosingMethod(invocation, throughInPlaceForEach: true);
        return method is null ? Site.Other : Site.Method;
    }
}
