using Microsoft.CodeAnalysis;

namespace SharedStateAnalyzers.Model;

/// <summary>Which code runs while a field's owner is being set up, before other threads can see the field.</summary>
internal static class Initialization
{
    /// <summary>
    /// Code that runs while the storage's owner is set up: the static constructor and static initializers for
    /// static storage; constructors and instance initializers for an instance's storage.
    /// </summary>
    public static bool IsInitialization(ISymbol? containingSymbol, ISymbol storage)
        => storage.IsStatic
            ? containingSymbol is IMethodSymbol { MethodKind: MethodKind.StaticConstructor } || (containingSymbol is IFieldSymbol or IPropertySymbol && containingSymbol.IsStatic)
            : containingSymbol is IMethodSymbol { MethodKind: MethodKind.Constructor } || (containingSymbol is IFieldSymbol or IPropertySymbol && !containingSymbol.IsStatic);
}
