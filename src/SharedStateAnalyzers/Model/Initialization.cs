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
            ? IsTypeInitialization(containingSymbol)
            : containingSymbol is IMethodSymbol { MethodKind: MethodKind.Constructor } || (containingSymbol is IFieldSymbol or IPropertySymbol && !containingSymbol.IsStatic);

    /// <summary>The static constructor or a static field or property initializer: code that runs once, while the type is initialized.</summary>
    public static bool IsTypeInitialization(ISymbol? containingSymbol)
        => containingSymbol is IMethodSymbol { MethodKind: MethodKind.StaticConstructor } || (containingSymbol is IFieldSymbol or IPropertySymbol && containingSymbol.IsStatic);
}
