using System;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace SharedStateAnalyzers.Model;

/// <summary>What a collection type is, for rules that ask whether code changes a collection's contents.</summary>
internal readonly struct CollectionShape
{
    public CollectionShape(ITypeSymbol? keyType, bool isThreadSafe)
    {
        KeyType = keyType;
        IsThreadSafe = isThreadSafe;
    }

    /// <summary>The key type of a dictionary, the element type of any other collection; null when unknown (<c>Hashtable</c>, <c>ArrayList</c>).</summary>
    public ITypeSymbol? KeyType { get; }

    /// <summary>A <c>System.Collections.Concurrent</c> collection: safe to change from several threads.</summary>
    public bool IsThreadSafe { get; }
}

/// <summary>
/// Collections whose contents can change: arrays, and types that implement <c>ICollection&lt;T&gt;</c>,
/// <c>ICollection</c> or <c>IProducerConsumerCollection&lt;T&gt;</c> (lists, sets, dictionaries, queues, stacks, the
/// concurrent collections), except the immutable and frozen collections. Resolved once per compilation.
/// </summary>
internal sealed class MutableCollections
{
    private readonly INamedTypeSymbol? _genericCollection;
    private readonly INamedTypeSymbol? _genericDictionary;
    private readonly INamedTypeSymbol? _genericEnumerable;
    private readonly INamedTypeSymbol? _collection;
    private readonly INamedTypeSymbol? _producerConsumer;

    public MutableCollections(Compilation compilation)
    {
        _genericCollection = compilation.GetTypeByMetadataName("System.Collections.Generic.ICollection`1");
        _genericDictionary = compilation.GetTypeByMetadataName("System.Collections.Generic.IDictionary`2");
        _genericEnumerable = compilation.GetTypeByMetadataName("System.Collections.Generic.IEnumerable`1");
        _collection = compilation.GetTypeByMetadataName("System.Collections.ICollection");
        _producerConsumer = compilation.GetTypeByMetadataName("System.Collections.Concurrent.IProducerConsumerCollection`1");
    }

    /// <summary>The methods that change a collection's contents, by name (shared by SSA002 and SSA003).</summary>
    public static readonly ImmutableHashSet<string> MutatingMethods = ImmutableHashSet.Create(
        StringComparer.Ordinal,
        "Add", "AddRange", "AddFirst", "AddLast", "AddBefore", "AddAfter", "TryAdd", "AddOrUpdate", "GetOrAdd", "TryUpdate",
        "Insert", "InsertRange", "SetRange", "SetByIndex", "SetValue",
        "Remove", "RemoveAt", "RemoveAll", "RemoveRange", "RemoveWhere", "RemoveFirst", "RemoveLast", "TryRemove",
        "Clear", "Enqueue", "EnqueueRange", "Dequeue", "TryDequeue", "EnqueueDequeue", "DequeueEnqueue",
        "Push", "PushRange", "Pop", "TryPop", "TryPopRange", "Take", "TryTake", "Sort", "Reverse",
        "UnionWith", "IntersectWith", "ExceptWith", "SymmetricExceptWith",
        "TrimExcess", "TrimToSize", "EnsureCapacity", "SetCount", "GetValueRefOrAddDefault");

    /// <summary>The parameter names that carry the value a mutating method inserts.</summary>
    public static readonly ImmutableHashSet<string> InsertedValueParameterNames = ImmutableHashSet.Create(
        StringComparer.Ordinal,
        "value", "valueFactory", "addValue", "addValueFactory", "updateValueFactory", "item", "items", "collection", "newValue");

    /// <summary>True when <paramref name="type"/> is a collection whose contents can change.</summary>
    public bool TryGetShape(ITypeSymbol type, out CollectionShape shape)
    {
        shape = default;
        if (type is IArrayTypeSymbol array)
        {
            shape = new CollectionShape(array.ElementType, isThreadSafe: false);
            return true;
        }

        if (type is not INamedTypeSymbol named || named.TypeKind is not (TypeKind.Class or TypeKind.Struct or TypeKind.Interface))
        {
            return false;
        }

        var ns = named.ContainingNamespace?.ToDisplayString() ?? string.Empty;
        // Immutable and frozen collections return changed copies; their builders are mutable.
        if (((ns.StartsWith("System.Collections.Immutable", StringComparison.Ordinal) && named.Name != "Builder") || ns.StartsWith("System.Collections.Frozen", StringComparison.Ordinal))
            || (ns == "System.Collections.ObjectModel" && named.Name.StartsWith("ReadOnly", StringComparison.Ordinal)))
        {
            return false;
        }

        ITypeSymbol? key = null;
        ITypeSymbol? element = null;
        var isCollection = false;
        var isThreadSafe = ns == "System.Collections.Concurrent";
        foreach (var candidate in SelfAndInterfaces(named))
        {
            var definition = candidate.OriginalDefinition;
            if (Is(definition, _genericDictionary))
            {
                key ??= candidate.TypeArguments[0];
                isCollection = true;
            }
            else if (Is(definition, _genericCollection))
            {
                element ??= candidate.TypeArguments[0];
                isCollection = true;
            }
            else if (Is(definition, _producerConsumer))
            {
                element ??= candidate.TypeArguments[0];
                isCollection = true;
                isThreadSafe = true;
            }
            else if (Is(definition, _collection))
            {
                isCollection = true;
            }
            else if (Is(definition, _genericEnumerable))
            {
                element ??= candidate.TypeArguments[0];
            }
        }

        if (!isCollection)
        {
            return false;
        }

        shape = new CollectionShape(key ?? element, isThreadSafe);
        return true;
    }

    private static ImmutableArray<INamedTypeSymbol> SelfAndInterfaces(INamedTypeSymbol type)
        => type.TypeKind == TypeKind.Interface ? type.AllInterfaces.Insert(0, type) : type.AllInterfaces;

    private static bool Is(INamedTypeSymbol definition, INamedTypeSymbol? wellKnown)
        => wellKnown is not null && SymbolEqualityComparer.Default.Equals(definition, wellKnown);
}
