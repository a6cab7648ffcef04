using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace SharedStateAnalyzers.Model;

/// <summary>Fields and auto-properties that hold state, and the operations that reference them.</summary>
internal static class CacheStorage
{
    /// <summary>A static field (not const) or static auto-property, or null.</summary>
    public static ISymbol? GetStaticStorage(ISymbol member) => member switch
    {
        IFieldSymbol { IsStatic: true, IsConst: false } field => field,
        IPropertySymbol { IsStatic: true, IsIndexer: false } property when IsAutoProperty(property) => property,
        _ => null,
    };

    /// <summary>A field (not const) or auto-property, static or not, or null.</summary>
    public static ISymbol? GetStorage(ISymbol member) => member switch
    {
        IFieldSymbol { IsConst: false } field => field,
        IPropertySymbol { IsIndexer: false } property when IsAutoProperty(property) => property,
        _ => null,
    };

    /// <summary>
    /// A field (not const) or auto-property declared in source, static or not, that every thread sees: not
    /// <c>[ThreadStatic]</c>. Null otherwise.
    /// </summary>
    public static ISymbol? GetSharedStorage(ISymbol member, INamedTypeSymbol? threadStaticAttribute)
    {
        var storage = GetStorage(member);
        if (storage is null || storage.IsImplicitlyDeclared)
        {
            return null;
        }

        if (threadStaticAttribute is not null)
        {
            foreach (var data in storage.GetAttributes())
            {
                if (SymbolEqualityComparer.Default.Equals(data.AttributeClass, threadStaticAttribute))
                {
                    return null;
                }
            }
        }

        return storage;
    }

    /// <summary>
    /// The declared type of a field (not const) or a non-indexer property, read from the symbol alone: the cheap first
    /// test before <see cref="GetSharedStorage"/>, which binds the member's attributes.
    /// </summary>
    public static ITypeSymbol? GetDeclaredType(ISymbol member) => member switch
    {
        IFieldSymbol { IsConst: false } field => field.Type,
        IPropertySymbol { IsIndexer: false } property => property.Type,
        _ => null,
    };

    /// <summary>An auto-property: its type declares a backing field for it.</summary>
    public static bool IsAutoProperty(IPropertySymbol property)
    {
        // The C# compiler names the backing field <Name>k__BackingField: a lookup by name, not a walk of every member
        // (which made checking all the properties of a type quadratic).
        foreach (var member in property.ContainingType.GetMembers("<" + property.Name + ">k__BackingField"))
        {
            if (member is IFieldSymbol { IsImplicitlyDeclared: true } field && SymbolEqualityComparer.Default.Equals(field.AssociatedSymbol, property))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The field or property an operation reads, through conversions; null for anything else. A property's own backing
    /// field, reached through C# 14's <c>field</c> keyword inside its accessors, is the property.
    /// </summary>
    public static ISymbol? GetReferencedStorage(IOperation? operation)
    {
        operation = operation?.WithoutConversions();

        return operation switch
        {
            IFieldReferenceOperation { Field: { IsImplicitlyDeclared: true, AssociatedSymbol: IPropertySymbol property } } => property.OriginalDefinition,
            IFieldReferenceOperation field => field.Field.OriginalDefinition,
            IPropertyReferenceOperation { Property.IsIndexer: false } property => property.Property.OriginalDefinition,
            _ => null,
        };
    }

    /// <summary>The location of the storage's name in its declaration.</summary>
    public static Location? GetNameLocation(ISymbol storage, CancellationToken cancellationToken)
    {
        foreach (var reference in storage.DeclaringSyntaxReferences)
        {
            switch (reference.GetSyntax(cancellationToken))
            {
                case VariableDeclaratorSyntax declarator:
                    return declarator.Identifier.GetLocation();
                case PropertyDeclarationSyntax property:
                    return property.Identifier.GetLocation();
            }
        }

        return null;
    }
}
