using Microsoft.CodeAnalysis;

namespace SharedStateAnalyzers.Model;

/// <summary>Which objects live as long as the process.</summary>
internal static class Lifetimes
{
    /// <summary>
    /// A type that keeps its own single instance: a static field or auto-property of its own type, in a class that is
    /// not abstract and whose constructors are all private (no other code can make another instance). Its instance
    /// fields live as long as the process, so moving static state onto the instance changes nothing.
    /// </summary>
    public static bool IsHandRolledSingleton(INamedTypeSymbol type)
    {
        if (type.IsAbstract || !HandRolledSingletons.HasOnlyPrivateConstructors(type))
        {
            return false;
        }

        foreach (var member in type.GetMembers())
        {
            var storageType = member switch
            {
                IFieldSymbol { IsStatic: true } field => field.Type,
                IPropertySymbol { IsStatic: true } property => property.Type,
                _ => null,
            };

            if (storageType is null)
            {
                continue;
            }

            if (SymbolEqualityComparer.Default.Equals(storageType.OriginalDefinition, type.OriginalDefinition))
            {
                return true;
            }

            // static readonly Lazy<T> s_instance = new(() => new T());
            if (storageType is INamedTypeSymbol { Name: "Lazy", TypeArguments.Length: 1 } lazy
                && lazy.ContainingNamespace?.ToDisplayString() == "System"
                && SymbolEqualityComparer.Default.Equals(lazy.TypeArguments[0].OriginalDefinition, type.OriginalDefinition))
            {
                return true;
            }
        }

        return false;
    }
}
