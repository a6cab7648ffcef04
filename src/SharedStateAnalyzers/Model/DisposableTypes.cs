using Microsoft.CodeAnalysis;

namespace SharedStateAnalyzers.Model;

/// <summary>Which types own something to release: <c>IDisposable</c> or <c>IAsyncDisposable</c>, or implementing either. One per compilation.</summary>
internal sealed class DisposableTypes
{
    private readonly INamedTypeSymbol? _disposable;
    private readonly INamedTypeSymbol? _asyncDisposable;

    public DisposableTypes(Compilation compilation)
    {
        _disposable = compilation.GetSpecialType(SpecialType.System_IDisposable);
        _asyncDisposable = compilation.GetTypeByMetadataName("System.IAsyncDisposable");
    }

    public bool IsDisposable(ITypeSymbol? type)
        => type is not null && (Is(type, _disposable) || Is(type, _asyncDisposable));

    /// <summary>
    /// A collection whose elements (a dictionary's values) are disposable, or are collections of disposables:
    /// <c>List&lt;FileSystemWatcher&gt;</c>, <c>Dictionary&lt;string, IList&lt;FileSystemWatcher&gt;&gt;</c>.
    /// </summary>
    public bool HoldsDisposables(ITypeSymbol? collectionType) => SymbolFacts.AnyElementType(collectionType, IsDisposable);

    private static bool Is(ITypeSymbol type, INamedTypeSymbol? @interface)
        => @interface is not null
            && (SymbolEqualityComparer.Default.Equals(type, @interface) || (type is INamedTypeSymbol named && SymbolFacts.Implements(named, @interface)));
}
