using System;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace SharedStateAnalyzers.Model;

/// <summary>
/// The mutable collections that are not safe for concurrent writes (<c>Dictionary&lt;,&gt;</c>, <c>List&lt;&gt;</c>,
/// <c>HashSet&lt;&gt;</c>, …, <c>Hashtable</c>, <c>ArrayList</c>, and classes derived from them), the interfaces a
/// field may hold them through, and the operations that change their contents. Resolved once per compilation.
/// </summary>
internal sealed class ThreadUnsafeCollections
{
    private readonly ImmutableHashSet<INamedTypeSymbol> _concrete;
    private readonly ImmutableHashSet<INamedTypeSymbol> _interfaces;

    private ThreadUnsafeCollections(ImmutableHashSet<INamedTypeSymbol> concrete, ImmutableHashSet<INamedTypeSymbol> interfaces)
    {
        _concrete = concrete;
        _interfaces = interfaces;
    }

    public static ThreadUnsafeCollections? Create(Compilation compilation)
    {
        var concrete = Resolve(
            compilation,
            "System.Collections.Generic.Dictionary`2",
            "System.Collections.Generic.List`1",
            "System.Collections.Generic.HashSet`1",
            "System.Collections.Generic.Queue`1",
            "System.Collections.Generic.Stack`1",
            "System.Collections.Generic.SortedList`2",
            "System.Collections.Generic.SortedDictionary`2",
            "System.Collections.Generic.SortedSet`1",
            "System.Collections.Generic.LinkedList`1",
            "System.Collections.Generic.PriorityQueue`2",
            "System.Collections.ObjectModel.Collection`1",
            "System.Collections.Hashtable",
            "System.Collections.ArrayList",
            "System.Collections.Queue",
            "System.Collections.Stack",
            "System.Collections.SortedList");
        if (concrete.IsEmpty)
        {
            return null;
        }

        var interfaces = Resolve(
            compilation,
            "System.Collections.Generic.IDictionary`2",
            "System.Collections.Generic.IList`1",
            "System.Collections.Generic.ICollection`1",
            "System.Collections.Generic.ISet`1");
        return new ThreadUnsafeCollections(concrete, interfaces);
    }

    private static ImmutableHashSet<INamedTypeSymbol> Resolve(Compilation compilation, params string[] names)
    {
        var builder = ImmutableHashSet.CreateBuilder<INamedTypeSymbol>(SymbolEqualityComparer.Default);
        foreach (var name in names)
        {
            if (compilation.GetTypeByMetadataName(name) is { } type)
            {
                builder.Add(type);
            }
        }

        return builder.ToImmutable();
    }

    /// <summary>True when <paramref name="type"/> is a thread-unsafe collection or a class derived from one.</summary>
    public bool IsThreadUnsafe(ITypeSymbol? type)
    {
        for (var current = type as INamedTypeSymbol; current is not null; current = current.BaseType)
        {
            if (_concrete.Contains(current.OriginalDefinition))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// True for <c>IDictionary&lt;,&gt;</c>, <c>IList&lt;&gt;</c>, <c>ICollection&lt;&gt;</c> and <c>ISet&lt;&gt;</c>: a field of
    /// such a type is thread-unsafe when what it is assigned is.
    /// </summary>
    public bool IsMutableInterface(ITypeSymbol? type)
        => type is INamedTypeSymbol { TypeKind: TypeKind.Interface } named && _interfaces.Contains(named.OriginalDefinition);

    /// <summary>
    /// True when <paramref name="reference"/> (a reference to a collection) is changed by its parent: a mutating
    /// instance call (<c>Add</c>, <c>Remove</c>, <c>Clear</c>, <c>Enqueue</c>, …), the collection passed first to a
    /// mutating helper of <c>CollectionExtensions</c> or <c>CollectionsMarshal</c>, an indexer or <c>Capacity</c>
    /// assignment (plain, compound, <c>??=</c>, <c>++</c>/<c>--</c>).
    /// </summary>
    public static bool IsMutatedBy(IOperation reference)
    {
        var operation = reference;
        while (operation.Parent is IConversionOperation conversion)
        {
            operation = conversion;
        }

        switch (operation.Parent)
        {
            case IInvocationOperation invocation when invocation.Instance == operation:
                return MutableCollections.MutatingMethods.Contains(invocation.TargetMethod.Name);

            case IArgumentOperation { Parent: IInvocationOperation invocation } argument
                when invocation.Instance is null && invocation.Arguments.Length > 0 && invocation.Arguments[0] == argument:
                return MutableCollections.MutatingMethods.Contains(invocation.TargetMethod.Name)
                    && invocation.TargetMethod.ContainingType is { Name: "CollectionExtensions" or "CollectionsMarshal" } helper
                    && helper.ContainingNamespace?.ToDisplayString() is "System.Collections.Generic" or "System.Runtime.InteropServices";

            case IPropertyReferenceOperation property when property.Instance == operation && (property.Property.IsIndexer || property.Property.Name == "Capacity"):
                return IsWritten(property);

            default:
                return false;
        }
    }

    /// <summary>A change that only adds entries: <c>Add</c>, <c>TryAdd</c>, <c>AddRange</c>, <c>Enqueue</c>, <c>Push</c>, <c>Insert</c>, or a plain indexer write.</summary>
    public static bool IsInsertion(IOperation reference)
    {
        var operation = reference;
        while (operation.Parent is IConversionOperation conversion)
        {
            operation = conversion;
        }

        return operation.Parent switch
        {
            IInvocationOperation invocation when invocation.Instance == operation
                => invocation.TargetMethod.Name is "Add" or "TryAdd" or "AddRange" or "Enqueue" or "Push" or "Insert" or "InsertRange" or "UnionWith",
            IPropertyReferenceOperation { Property.IsIndexer: true } property when property.Instance == operation
                => property.Parent is ISimpleAssignmentOperation assignment && assignment.Target == property,
            _ => false,
        };
    }

    private static bool IsWritten(IOperation target) => target.Parent switch
    {
        IAssignmentOperation assignment => assignment.Target == target,
        IIncrementOrDecrementOperation => true,
        _ => false,
    };
}
