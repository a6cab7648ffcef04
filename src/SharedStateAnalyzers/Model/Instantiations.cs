using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SharedStateAnalyzers.Model;

/// <summary>
/// Whether the compilation shows how many instances of a class there are. A class the program creates with
/// <c>new</c>, registers as scoped or transient, or that the web framework makes per request (a controller, a page
/// model, a hub) has many. A class that only asks for services in its constructors, and that the compilation neither
/// creates nor registers with such a lifetime, is made by a container whose registrations the compilation does not
/// show (assembly scanning, another container's conventions): it may well have one instance for the process.
/// The names of created types are read once per compilation from syntax (<c>new T(…)</c>, and <c>new()</c> where the
/// declaration names the type); safe for concurrent use.
/// </summary>
internal sealed class Instantiations
{
    private static readonly ConditionalWeakTable<Compilation, Instantiations> s_byCompilation = new();

    private readonly Compilation _compilation;
    private readonly Lazy<ImmutableHashSet<string>> _createdNames;

    private Instantiations(Compilation compilation)
    {
        _compilation = compilation;
        _createdNames = new Lazy<ImmutableHashSet<string>>(CollectCreatedNames, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public static Instantiations For(Compilation compilation) => s_byCompilation.GetValue(compilation, static c => new Instantiations(c));

    /// <summary>
    /// The class may have several instances as far as the compilation shows: it is abstract (its derived classes
    /// decide), created with <c>new</c> somewhere, registered as scoped or transient, made per request, or it does
    /// not have the constructor shape of a service a container builds.
    /// </summary>
    public bool MayHaveSeveral(INamedTypeSymbol type, ServiceRegistrations registrations, RequestHandlers handlers)
    {
        if (type.IsAbstract || !AsksForServices(type) || handlers.IsMadePerRequest(type) || _createdNames.Value.Contains(type.Name))
        {
            return true;
        }

        foreach (var registration in registrations.Registrations)
        {
            if (registration.Lifetime != ServiceLifetimeKind.Singleton
                && (SymbolEqualityComparer.Default.Equals(registration.ImplementationType?.OriginalDefinition, type.OriginalDefinition)
                    || SymbolEqualityComparer.Default.Equals(registration.ServiceType?.OriginalDefinition, type.OriginalDefinition)))
            {
                return true;
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

    private ImmutableHashSet<string> CollectCreatedNames()
    {
        var names = ImmutableHashSet.CreateBuilder<string>();
        foreach (var tree in _compilation.SyntaxTrees)
        {
            foreach (var node in tree.GetRoot().DescendantNodes())
            {
                switch (node)
                {
                    case ObjectCreationExpressionSyntax creation when RightmostName(creation.Type) is { } name:
                        names.Add(name);
                        break;
                    case ImplicitObjectCreationExpressionSyntax implicitCreation when DeclaredType(implicitCreation) is { } declared && RightmostName(declared) is { } name:
                        names.Add(name);
                        break;
                }
            }
        }

        return names.ToImmutable();
    }

    private static TypeSyntax? DeclaredType(ImplicitObjectCreationExpressionSyntax creation) => creation.Parent switch
    {
        EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax declaration } } => declaration.Type,
        EqualsValueClauseSyntax { Parent: PropertyDeclarationSyntax property } => property.Type,
        _ => null,
    };

    private static string? RightmostName(TypeSyntax type) => type switch
    {
        SimpleNameSyntax simple => simple.Identifier.ValueText,
        QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
        AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText,
        NullableTypeSyntax nullable => RightmostName(nullable.ElementType),
        _ => null,
    };
}
