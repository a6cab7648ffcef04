using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace SharedStateAnalyzers.Model;

/// <summary>
/// Whether the compilation shows how many instances of a class there are. A class the program creates with
/// <c>new</c>, registers as scoped or transient, or that the web framework makes per request (a controller, a page
/// model, a hub) has many. A class that only asks for services in its constructors, and that the compilation neither
/// creates nor registers with such a lifetime, is made by a container whose registrations the compilation does not
/// show (assembly scanning, another container's conventions): it may well have one instance for the process.
/// The created types are read once per compilation from syntax (<c>new T(…)</c>, and <c>new()</c> where the
/// declaration names the type), by name with where each creation is; safe for concurrent use.
/// </summary>
internal sealed class Instantiations
{
    private static readonly ConditionalWeakTable<Compilation, Instantiations> s_byCompilation = new();

    private readonly Compilation _compilation;
    private readonly Lazy<Dictionary<string, List<SyntaxNode>>> _creations;

    private Instantiations(Compilation compilation)
    {
        _compilation = compilation;
        _creations = new Lazy<Dictionary<string, List<SyntaxNode>>>(CollectCreations, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public static Instantiations For(Compilation compilation) => s_byCompilation.GetValue(compilation, static c => new Instantiations(c));

    /// <summary>
    /// The class may have several instances as far as the compilation shows: it is abstract (its derived classes
    /// decide), created with <c>new</c> somewhere, registered as scoped or transient, made per request, or it is
    /// neither shaped like a service a container builds nor a composition (MEF) part.
    /// </summary>
    public bool MayHaveSeveral(INamedTypeSymbol type, ServiceRegistrations registrations, RequestHandlers handlers)
    {
        if (type.IsAbstract || !(AsksForServices(type) || IsExportedPart(type)) || handlers.IsMadePerRequest(type) || _creations.Value.ContainsKey(type.Name))
        {
            return true;
        }

        foreach (var registration in registrations.Registrations)
        {
            if (registration.Lifetime != ServiceLifetimeKind.Singleton && Names(registration, type))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The class has the one instance the program's entry point makes: the only <c>new</c> of its name in the
    /// compilation runs once per run of the program (<see cref="EntryPoints.IsRunOnceByTheEntryPoint"/>), no source
    /// type derives from it, and the compilation neither registers it with the container nor makes it per request.
    /// </summary>
    public bool IsCreatedOnceByTheEntryPoint(INamedTypeSymbol type, ServiceRegistrations registrations, RequestHandlers handlers, CancellationToken cancellationToken)
    {
        if (type.IsAbstract || !_creations.Value.TryGetValue(type.Name, out var creations) || creations.Count != 1
            || !EntryPoints.IsRunOnceByTheEntryPoint(creations[0]) || handlers.IsMadePerRequest(type))
        {
            return false;
        }

        return !IsRegistered(type, registrations)
            && (type.IsSealed || !SymbolFacts.HasSourceTypesDerivedFrom(_compilation, type.OriginalDefinition, cancellationToken));
    }

    /// <summary>
    /// The class has the one instance that a one-instance object makes: the only <c>new</c> of it in the compilation
    /// (other classes of the same name aside) sits in an instance constructor of another class, outside loops, lambdas
    /// and local functions, and that class lives for the process (<paramref name="lifetimes"/>: a DI singleton, a
    /// hosted service, a middleware, a hand-rolled singleton) with at most one <c>new</c> of its own, or is made once by
    /// the entry point. No source type derives from the class, and the compilation neither registers it nor makes it
    /// per request. A workflow engine the container keeps makes its one database provider.
    /// </summary>
    public bool IsCreatedOnceByAOneInstanceObject(
        INamedTypeSymbol type, ProcessLifetimeModel lifetimes, ServiceRegistrations registrations, RequestHandlers handlers, CancellationToken cancellationToken)
    {
        if (type.IsAbstract || handlers.IsMadePerRequest(type) || !_creations.Value.ContainsKey(type.Name) || IsRegistered(type, registrations)
            || (!type.IsSealed && SymbolFacts.HasSourceTypesDerivedFrom(_compilation, type.OriginalDefinition, cancellationToken)))
        {
            return false;
        }

        var models = new SemanticModelCache(_compilation);
        if (OnlyCreationOf(type, models, cancellationToken) is not { } creation)
        {
            return false;
        }

        if (IsInALoop(creation) || EnclosingMethod(creation) is not ConstructorDeclarationSyntax constructor
            || constructor.Modifiers.Any(SyntaxKind.StaticKeyword)
            || models.For(constructor.SyntaxTree).GetDeclaredSymbol(constructor, cancellationToken)?.ContainingType is not { } owner
            || SymbolEqualityComparer.Default.Equals(owner.OriginalDefinition, type.OriginalDefinition))
        {
            return false;
        }

        return (lifetimes.Classify(owner) is not null && (!_creations.Value.ContainsKey(owner.Name) || OnlyCreationOf(owner, models, cancellationToken) is not null))
            || IsCreatedOnceByTheEntryPoint(owner, registrations, handlers, cancellationToken);
    }

    /// <summary>
    /// The one <c>new</c> of <paramref name="type"/> among the creations of its name, telling apart classes of the same
    /// name by binding; null when there are several, or none. A creation that does not bind counts as one of it.
    /// </summary>
    private SyntaxNode? OnlyCreationOf(INamedTypeSymbol type, SemanticModelCache models, CancellationToken cancellationToken)
    {
        if (!_creations.Value.TryGetValue(type.Name, out var creations))
        {
            return null;
        }

        SyntaxNode? only = null;
        foreach (var creation in creations)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (models.For(creation.SyntaxTree).GetTypeInfo(creation, cancellationToken).Type is INamedTypeSymbol { TypeKind: not TypeKind.Error } created
                && !SymbolEqualityComparer.Default.Equals(created.OriginalDefinition, type.OriginalDefinition))
            {
                continue;
            }

            if (only is not null)
            {
                return null;
            }

            only = creation;
        }

        return only;
    }

    private static bool IsRegistered(INamedTypeSymbol type, ServiceRegistrations registrations)
    {
        foreach (var registration in registrations.Registrations)
        {
            if (Names(registration, type))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The registration registers <paramref name="type"/> as its service or its implementation.</summary>
    private static bool Names(ServiceRegistration registration, INamedTypeSymbol type)
        => SymbolEqualityComparer.Default.Equals(registration.ImplementationType?.OriginalDefinition, type.OriginalDefinition)
            || SymbolEqualityComparer.Default.Equals(registration.ServiceType?.OriginalDefinition, type.OriginalDefinition);

    /// <summary>A <c>new</c> of a type named like <paramref name="type"/> outside the type's own declarations.</summary>
    public bool IsCreatedOutside(INamedTypeSymbol type)
    {
        if (!_creations.Value.TryGetValue(type.Name, out var creations))
        {
            return false;
        }

        foreach (var creation in creations)
        {
            if (!SymbolFacts.IsInDeclarationOf(type, creation))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether every instance of <paramref name="type"/> (and of the source types derived from it) is created while
    /// <paramref name="type"/> itself is initialized: each <c>new</c> of them sits in a static field or property
    /// initializer or the static constructor of <paramref name="type"/>, outside lambdas, and no constructor is open to
    /// code outside the compilation (a public type with a public constructor). That is a "smart enum" (<c>public static readonly Status Active = new("active");</c>)
    /// whose constructor registers each instance in a static map: the map is complete once the type is initialized,
    /// under the runtime's type-initialization lock.
    /// </summary>
    public bool IsCreatedOnlyWhileInitializing(INamedTypeSymbol type, CancellationToken cancellationToken)
        => IsCreatedOnlyWhileInitializing(type, models: null, cancellationToken);

    /// <summary>
    /// <see cref="IsCreatedOnlyWhileInitializing(INamedTypeSymbol, CancellationToken)"/>; with <paramref name="models"/>,
    /// a <c>new</c> in the factory of a thread-safe <see cref="Lazy{T}"/> the initializer makes counts too (it runs
    /// once, later, when <c>Value</c> is first read).
    /// </summary>
    private bool IsCreatedOnlyWhileInitializing(INamedTypeSymbol type, SemanticModelCache? models, CancellationToken cancellationToken)
    {
        var types = new List<INamedTypeSymbol> { type };
        if (!type.IsSealed && type.TypeKind == TypeKind.Class)
        {
            types.AddRange(SymbolFacts.SourceTypesDerivedFrom(_compilation, type, cancellationToken));
        }

        var found = false;
        foreach (var created in types)
        {
            if (created.DeclaredAccessibility == Accessibility.Public && HasPublicConstructor(created))
            {
                return false;
            }

            if (!_creations.Value.TryGetValue(created.Name, out var creations))
            {
                continue;
            }

            foreach (var creation in creations)
            {
                if (!IsInTypeInitializationOf(creation, type, models, cancellationToken))
                {
                    return false;
                }

                found = true;
            }
        }

        return found;
    }

    /// <summary>
    /// Whether the compilation makes <paramref name="type"/> only in methods <paramref name="accepts"/> takes: there is a
    /// <c>new</c> of it, and each <c>new</c> of its name sits in the body of a method (outside lambdas and local
    /// functions) that binds to a method <paramref name="accepts"/> returns true for.
    /// </summary>
    public bool IsCreatedOnlyIn(INamedTypeSymbol type, Func<IMethodSymbol, bool> accepts, CancellationToken cancellationToken)
    {
        if (!_creations.Value.TryGetValue(type.Name, out var creations))
        {
            return false;
        }

        var models = new SemanticModelCache(_compilation);
        foreach (var creation in creations)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var declaration = EnclosingMethod(creation);
            if (declaration is null
                || models.For(declaration.SyntaxTree).GetDeclaredSymbol(declaration, cancellationToken) is not IMethodSymbol method
                || !accepts(method))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsInALoop(SyntaxNode node)
        => node.Ancestors().Any(static ancestor => ancestor is ForStatementSyntax or ForEachStatementSyntax or WhileStatementSyntax or DoStatementSyntax);

    private static BaseMethodDeclarationSyntax? EnclosingMethod(SyntaxNode node)
    {
        for (var current = node.Parent; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax:
                    return null;
                case BaseMethodDeclarationSyntax method:
                    return method;
                case MemberDeclarationSyntax:
                    return null;
            }
        }

        return null;
    }

    /// <summary>
    /// The class has exactly one instance: <see cref="IsCreatedOnlyWhileInitializing(INamedTypeSymbol, CancellationToken)"/>,
    /// no source type derives from it, and its one <c>new</c> is outside any loop (<c>private static readonly Printer
    /// Only = new();</c> in a private nested class whose implicit constructor only its enclosing type could call), or
    /// in the factory of a thread-safe <see cref="Lazy{T}"/> its static initializer makes
    /// (<c>LazyInstance = new(() =&gt; new ConfigProvider());</c>).
    /// </summary>
    public bool IsCreatedOnceWhileInitializing(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        if (!_creations.Value.TryGetValue(type.Name, out var creations) || creations.Count != 1 || IsInALoop(creations[0]))
        {
            return false;
        }

        return (type.IsSealed || !SymbolFacts.HasSourceTypesDerivedFrom(_compilation, type, cancellationToken))
            && IsCreatedOnlyWhileInitializing(type, new SemanticModelCache(_compilation), cancellationToken);
    }

    /// <summary>A public, non-abstract type with a public constructor: code outside the compilation can make more.</summary>
    private static bool HasPublicConstructor(INamedTypeSymbol type)
    {
        if (type.IsAbstract)
        {
            return false;
        }

        foreach (var constructor in type.InstanceConstructors)
        {
            if (constructor.DeclaredAccessibility == Accessibility.Public && !constructor.IsImplicitlyDeclared)
            {
                return true;
            }
        }

        // A class without declared constructors has a public one.
        return type.TypeKind == TypeKind.Class && type.InstanceConstructors.Length == 1 && type.InstanceConstructors[0].IsImplicitlyDeclared;
    }

    /// <summary>In a static field or property initializer, or the static constructor, of <paramref name="owner"/>'s own declarations or of a type nested in them.</summary>
    private static bool IsInTypeInitializationOf(SyntaxNode creation, INamedTypeSymbol owner, SemanticModelCache? models, CancellationToken cancellationToken)
    {
        for (var current = creation.Parent; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case AnonymousFunctionExpressionSyntax factory when models is not null && IsThreadSafeLazyFactory(factory, models, cancellationToken):
                    break;
                case AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax:
                    return false;
                case FieldDeclarationSyntax or PropertyDeclarationSyntax or ConstructorDeclarationSyntax:
                    var member = (MemberDeclarationSyntax)current;
                    if (!member.Modifiers.Any(SyntaxKind.StaticKeyword)
                        || (current is PropertyDeclarationSyntax property && (property.Initializer is null || !property.Initializer.Span.Contains(creation.Span))))
                    {
                        return false;
                    }

                    // The type's own initialization, or that of a type nested in it (a lazy holder class whose static
                    // initializers build the rarely used instances on first use): each runs once, under its lock.
                    for (var declaration = current.Parent; declaration is TypeDeclarationSyntax; declaration = declaration.Parent)
                    {
                        if (SymbolFacts.IsDeclarationOf(declaration, owner, cancellationToken))
                        {
                            return true;
                        }
                    }

                    return false;
                case MemberDeclarationSyntax:
                    return false;
            }
        }

        return false;
    }

    /// <summary>
    /// The lambda is the factory of a <see cref="Lazy{T}"/> made with the default mode, <c>isThreadSafe: true</c> or
    /// <c>ExecutionAndPublication</c>: it runs once. (<c>PublicationOnly</c> and unsynchronized ones may run it on
    /// several threads at once.)
    /// </summary>
    private static bool IsThreadSafeLazyFactory(AnonymousFunctionExpressionSyntax factory, SemanticModelCache models, CancellationToken cancellationToken)
    {
        if (factory.Parent is not ArgumentSyntax { Parent: ArgumentListSyntax { Parent: BaseObjectCreationExpressionSyntax creation } arguments } argument
            || arguments.Arguments.IndexOf(argument) != 0
            || models.For(creation.SyntaxTree).GetOperation(creation, cancellationToken) is not IObjectCreationOperation { Constructor: { } constructor } operation
            || constructor.ContainingType is not { Name: "Lazy", Arity: 1, ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } })
        {
            return false;
        }

        foreach (var passed in operation.Arguments)
        {
            if (passed.Parameter is { Ordinal: 1 } mode)
            {
                // LazyThreadSafetyMode.ExecutionAndPublication is 2.
                return passed.Value.ConstantValue is { HasValue: true, Value: var value }
                    && (mode.Type.SpecialType == SpecialType.System_Boolean ? value is true : value is 2);
            }
        }

        return constructor.Parameters.Length == 1;
    }

    /// <summary>
    /// A Managed Extensibility Framework part: <c>[Export]</c> from <c>System.Composition</c> or
    /// <c>System.ComponentModel.Composition</c> (or a derived export attribute). The composition container builds it,
    /// whatever its constructors take.
    /// </summary>
    private static bool IsExportedPart(INamedTypeSymbol type)
    {
        foreach (var attribute in type.GetAttributes())
        {
            // Unresolved (the composition package is not restored): named as written.
            if (attribute.AttributeClass is { TypeKind: TypeKind.Error, Name: "Export" or "ExportAttribute" })
            {
                return true;
            }

            for (var current = attribute.AttributeClass; current is not null; current = current.BaseType)
            {
                if (current.Name == "ExportAttribute"
                    && current.ContainingNamespace?.ToDisplayString() is "System.Composition" or "System.ComponentModel.Composition")
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Every constructor is declared, and takes at least one interface or abstract class: a service's dependencies.</summary>
    private static bool AsksForServices(INamedTypeSymbol type)
    {
        if (type.InstanceConstructors.IsEmpty)
        {
            return false;
        }

        foreach (var constructor in type.InstanceConstructors)
        {
            if (constructor.IsImplicitlyDeclared)
            {
                return false;
            }

            var asks = false;
            foreach (var parameter in constructor.Parameters)
            {
                if (parameter.Type is INamedTypeSymbol { TypeKind: TypeKind.Interface } or INamedTypeSymbol { TypeKind: TypeKind.Class, IsAbstract: true })
                {
                    asks = true;
                    break;
                }
            }

            if (!asks)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Every <c>new</c> keyword is the text "new" (a keyword cannot be written with escapes): the text is searched for
    /// the word (<see cref="WordSearch"/>), and only the tokens found there are looked at, rather than every node of
    /// every file.
    /// </summary>
    private Dictionary<string, List<SyntaxNode>> CollectCreations()
    {
        var creations = new Dictionary<string, List<SyntaxNode>>(StringComparer.Ordinal);
        void Add(string name, SyntaxNode creation)
        {
            if (!creations.TryGetValue(name, out var list))
            {
                creations[name] = list = new List<SyntaxNode>();
            }

            list.Add(creation);
        }

        foreach (var tree in _compilation.SyntaxTrees)
        {
            SyntaxNode? root = null;
            foreach (var position in WordSearch.Find(tree.GetText(), "new"))
            {
                root ??= tree.GetRoot();
                var token = root.FindToken(position);
                if (token.SpanStart != position || !token.IsKind(SyntaxKind.NewKeyword))
                {
                    continue;
                }

                switch (token.Parent)
                {
                    case ObjectCreationExpressionSyntax creation when SyntaxNames.RightmostName(creation.Type) is { } name:
                        Add(name, creation);
                        break;
                    case ImplicitObjectCreationExpressionSyntax implicitCreation when DeclaredType(implicitCreation) is { } declared && SyntaxNames.RightmostName(declared) is { } name:
                        Add(name, implicitCreation);
                        break;
                }
            }
        }

        return creations;
    }

    private static TypeSyntax? DeclaredType(ImplicitObjectCreationExpressionSyntax creation) => creation.Parent switch
    {
        EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax declaration } } => declaration.Type,
        EqualsValueClauseSyntax { Parent: PropertyDeclarationSyntax property } => property.Type,
        _ => null,
    };
}
