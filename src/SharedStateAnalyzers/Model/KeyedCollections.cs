using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using SharedStateAnalyzers.Configuration;

namespace SharedStateAnalyzers.Model;

/// <summary>How a member of a keyed collection is used by a memo.</summary>
internal enum CollectionAccess
{
    None,

    /// <summary><c>TryGetValue</c>, <c>ContainsKey</c>, <c>GetValueOrDefault</c>, an indexer read.</summary>
    Lookup,

    /// <summary><c>Add</c>, <c>TryAdd</c>, <c>AddOrUpdate</c>, an indexer write.</summary>
    Insert,

    /// <summary><c>GetOrAdd</c>: lookup and insertion in one call.</summary>
    LookupOrInsert,

    /// <summary><c>Remove</c>, <c>TryRemove</c>, <c>Clear</c>: the owner manages invalidation.</summary>
    Evict,
}

/// <summary>
/// The mutable keyed collections that can serve as a memo, and the key types whose key space is
/// derived from code (types, members, enums) rather than from data. Resolved once per compilation.
/// </summary>
internal sealed class KeyedCollections
{
    private readonly ImmutableHashSet<INamedTypeSymbol> _genericDictionaries;
    private readonly ImmutableHashSet<INamedTypeSymbol> _sets;
    private readonly INamedTypeSymbol? _hashtable;
    private readonly ImmutableArray<INamedTypeSymbol> _codeDerivedKeyTypes;

    private KeyedCollections(
        ImmutableHashSet<INamedTypeSymbol> genericDictionaries,
        ImmutableHashSet<INamedTypeSymbol> sets,
        INamedTypeSymbol? hashtable,
        ImmutableArray<INamedTypeSymbol> codeDerivedKeyTypes)
    {
        _genericDictionaries = genericDictionaries;
        _sets = sets;
        _hashtable = hashtable;
        _codeDerivedKeyTypes = codeDerivedKeyTypes;
    }

    /// <param name="extraCodeDerivedKeyTypes">Metadata names of further key types that mark code-derived caches (from configuration).</param>
    public static KeyedCollections? Create(Compilation compilation, ImmutableArray<string> extraCodeDerivedKeyTypes = default)
    {
        var dictionaries = ImmutableHashSet.CreateBuilder<INamedTypeSymbol>(SymbolEqualityComparer.Default);
        foreach (var name in new[]
        {
            "System.Collections.Generic.Dictionary`2",
            "System.Collections.Generic.SortedDictionary`2",
            "System.Collections.Generic.SortedList`2",
            "System.Collections.Generic.IDictionary`2",
            "System.Collections.Concurrent.ConcurrentDictionary`2",
        })
        {
            if (compilation.GetTypeByMetadataName(name) is { } type)
            {
                dictionaries.Add(type);
            }
        }

        var sets = ImmutableHashSet.CreateBuilder<INamedTypeSymbol>(SymbolEqualityComparer.Default);
        foreach (var name in new[] { "System.Collections.Generic.HashSet`1", "System.Collections.Generic.SortedSet`1" })
        {
            if (compilation.GetTypeByMetadataName(name) is { } type)
            {
                sets.Add(type);
            }
        }

        var hashtable = compilation.GetTypeByMetadataName("System.Collections.Hashtable");
        if (dictionaries.Count == 0 && hashtable is null)
        {
            return null;
        }

        var keys = ImmutableArray.CreateBuilder<INamedTypeSymbol>();
        foreach (var name in new[]
        {
            "System.Type",
            "System.Reflection.MemberInfo",
            "System.Reflection.ParameterInfo",
            "System.Reflection.Assembly",
            "System.Reflection.Module",
            "System.RuntimeTypeHandle",
            "System.RuntimeMethodHandle",
            "System.RuntimeFieldHandle",
        })
        {
            if (compilation.GetTypeByMetadataName(name) is { } type)
            {
                keys.Add(type);
            }
        }

        keys.AddRange(AnalyzerSettings.Resolve(compilation, extraCodeDerivedKeyTypes));
        return new KeyedCollections(dictionaries.ToImmutable(), sets.ToImmutable(), hashtable, keys.ToImmutable());
    }

    /// <summary>
    /// True when <paramref name="type"/> is a mutable keyed collection; <paramref name="keyType"/> is its key type
    /// (null for <c>Hashtable</c>; the element type for a set).
    /// </summary>
    public bool IsKeyedCollection(ITypeSymbol type, out ITypeSymbol? keyType) => IsKeyedCollection(type, out keyType, out _);

    /// <summary>
    /// As <see cref="IsKeyedCollection(ITypeSymbol, out ITypeSymbol?)"/>; <paramref name="isSet"/> tells a
    /// <c>HashSet&lt;T&gt;</c> or <c>SortedSet&lt;T&gt;</c> (a seen-set: its memo is the membership) from a dictionary.
    /// </summary>
    public bool IsKeyedCollection(ITypeSymbol type, out ITypeSymbol? keyType, out bool isSet)
    {
        keyType = null;
        isSet = false;
        if (type is not INamedTypeSymbol named)
        {
            return false;
        }

        if (_hashtable is not null && SymbolEqualityComparer.Default.Equals(named, _hashtable))
        {
            return true;
        }

        if (named.IsGenericType && named.TypeArguments.Length == 2 && _genericDictionaries.Contains(named.OriginalDefinition))
        {
            keyType = named.TypeArguments[0];
            return true;
        }

        if (named.IsGenericType && named.TypeArguments.Length == 1 && _sets.Contains(named.OriginalDefinition))
        {
            keyType = named.TypeArguments[0];
            isSet = true;
            return true;
        }

        return false;
    }

    /// <summary>
    /// Keys of type <c>Type</c>, <c>MemberInfo</c>, <c>Assembly</c>, an enum or <c>bool</c> (or a tuple holding one
    /// of those) name things the program's own code defines: such a cache is bounded and cannot go stale.
    /// </summary>
    public bool IsCodeDerivedKey(ITypeSymbol? keyType)
    {
        if (keyType is null)
        {
            return false;
        }

        if (keyType.TypeKind == TypeKind.Enum || keyType.SpecialType == SpecialType.System_Boolean)
        {
            return true;
        }

        if (keyType is INamedTypeSymbol { IsTupleType: true } tuple)
        {
            foreach (var element in tuple.TupleElements)
            {
                if (IsCodeDerivedKey(element.Type))
                {
                    return true;
                }
            }

            return false;
        }

        for (var current = keyType; current is not null; current = current.BaseType)
        {
            foreach (var codeType in _codeDerivedKeyTypes)
            {
                if (SymbolEqualityComparer.Default.Equals(current, codeType))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// A dictionary whose values are code (<c>Type</c>, <c>MemberInfo</c>, <c>Assembly</c>, <c>Module</c>, or a
    /// configured key type that is a class): what it maps to is loaded by the runtime, which keeps it for the process,
    /// so the cache cannot go stale, whatever its keys are.
    /// </summary>
    public bool HoldsCodeValues(ITypeSymbol? storageType)
        => storageType is INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 2 } named
            && _genericDictionaries.Contains(named.OriginalDefinition)
            && named.TypeArguments[1] is { TypeKind: TypeKind.Class } valueType
            && IsCodeDerivedKey(valueType);

    /// <summary>
    /// A key value read from a code-derived object — <c>type.FullName</c>, <c>asm.GetName().FullName</c>,
    /// <c>typeof(T).AssemblyQualifiedName</c>, <c>member.Name ?? type.Name</c> — names a type, member or assembly as
    /// the object itself would: a string-keyed cache filled this way is as bounded as one keyed by the
    /// <c>Type</c>. Only the receiver chain is followed; anything else in the key (an argument, a concatenation) is data.
    /// </summary>
    public bool IsCodeDerivedKeyValue(IOperation key) => IsCodeDerivedKeyValue(key, localsFollowed: 0);

    private bool IsCodeDerivedKeyValue(IOperation key, int localsFollowed)
    {
        var current = key.WithoutConversions();

        // `var name = asm.GetName().FullName; s_docs.GetOrAdd(name, …)`: a local decides by what was stored in it.
        if (current is ILocalReferenceOperation local && localsFollowed < 2)
        {
            var defined = false;
            foreach (var definition in current.Root().LocalDefinitions(local.Local))
            {
                if (!IsCodeDerivedKeyValue(definition, localsFollowed + 1))
                {
                    return false;
                }

                defined = true;
            }

            return defined;
        }

        for (var depth = 0; depth < 8; depth++)
        {
            if (depth > 0 && current.Type is { TypeKind: not TypeKind.Enum, SpecialType: not SpecialType.System_Boolean } type && IsCodeDerivedKey(type))
            {
                return true;
            }

            switch (current)
            {
                case ICoalesceOperation coalesce:
                    // `type.FullName ?? throw …`: a throw gives no key.
                    return IsCodeDerivedKeyValue(coalesce.Value, localsFollowed)
                        && (coalesce.WhenNull.WithoutConversions() is IThrowOperation || IsCodeDerivedKeyValue(coalesce.WhenNull, localsFollowed));
                case ITypeOfOperation:
                    return true;
                case IConditionalAccessOperation { Operation: var receiver, WhenNotNull: var whenNotNull } when IsReadOnReceiver(whenNotNull):
                    // `asm?.GetName().FullName`: the receiver decides, as if the chain were written without `?`.
                    current = receiver.WithoutConversions();
                    break;
                default:
                    if (ReadReceiver(current) is not { } next)
                    {
                        return false;
                    }

                    current = next;
                    break;
            }
        }

        return false;
    }

    /// <summary>The receiver of a member read or a parameterless call (<c>x</c> in <c>x.Name</c>, <c>x.GetName()</c>), or null.</summary>
    private static IOperation? ReadReceiver(IOperation operation) => operation switch
    {
        IPropertyReferenceOperation { Instance: { } instance, Property.IsIndexer: false } => instance.WithoutConversions(),
        IInvocationOperation { Instance: { } instance, Arguments.Length: 0 } => instance.WithoutConversions(),
        _ => null,
    };

    /// <summary><c>?.Name</c>, <c>?.GetName().FullName</c>: member reads and parameterless calls down to the receiver.</summary>
    private static bool IsReadOnReceiver(IOperation operation)
    {
        for (IOperation? current = operation.WithoutConversions(); current is not null; current = ReadReceiver(current))
        {
            if (current is IConditionalAccessInstanceOperation)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The argument passed as the collection method's <c>key</c> parameter, or null.</summary>
    public static IOperation? KeyArgument(IInvocationOperation invocation)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter is { Name: "key" })
            {
                return argument.Value;
            }
        }

        return null;
    }

    /// <summary>The local a key argument reads (<c>cache[path] = …</c> with <c>var path = …</c>), or null.</summary>
    public static ILocalSymbol? KeyLocal(IOperation? key) => (key?.WithoutConversions() as ILocalReferenceOperation)?.Local;

    /// <summary>
    /// The locals the key is made of: the local holding it, and for a tuple key — written in place,
    /// <c>_map[(currency, url)]</c>, or the initializer of that local, <c>var key = (currency, url);</c> — each local
    /// it is built from. A value computed from them alone is a function of the key.
    /// </summary>
    public static ImmutableArray<ILocalSymbol> KeyLocals(IOperation? key)
    {
        var unwrapped = key?.WithoutConversions();
        var locals = ImmutableArray.CreateBuilder<ILocalSymbol>();
        if (unwrapped is ILocalReferenceOperation reference)
        {
            locals.Add(reference.Local);
            unwrapped = null;
            foreach (var definition in key!.Root().LocalDefinitions(reference.Local))
            {
                // One definition only: a key local given two values is not a tuple of these locals.
                unwrapped = unwrapped is null ? definition.WithoutConversions() : null;
                if (unwrapped is null)
                {
                    break;
                }
            }
        }

        if (unwrapped is ITupleOperation tuple)
        {
            foreach (var element in tuple.Elements)
            {
                if (element.WithoutConversions() is ILocalReferenceOperation part)
                {
                    locals.Add(part.Local);
                }
            }
        }

        return locals.ToImmutable();
    }

    /// <summary>Classifies a method called on a keyed collection by its name.</summary>
    public static CollectionAccess ClassifyMethod(string name) => name switch
    {
        "TryGetValue" or "ContainsKey" or "GetValueOrDefault" or "Contains" => CollectionAccess.Lookup,
        "Add" or "TryAdd" or "AddOrUpdate" => CollectionAccess.Insert,
        "GetOrAdd" => CollectionAccess.LookupOrInsert,
        "Remove" or "TryRemove" or "Clear" => CollectionAccess.Evict,
        _ => CollectionAccess.None,
    };

    /// <summary>The local a call's <c>out</c> argument fills (<c>TryGetValue(key, out var cached)</c>, or a declared local), if any.</summary>
    public static ILocalSymbol? OutLocal(IInvocationOperation invocation)
    {
        ILocalSymbol? found = null;
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter is not { RefKind: RefKind.Out })
            {
                continue;
            }

            found = argument.Value switch
            {
                IDeclarationExpressionOperation { Expression: ILocalReferenceOperation declared } => declared.Local,
                var value when value.WithoutConversions() is ILocalReferenceOperation local => local.Local,
                _ => found,
            };
        }

        return found;
    }

    /// <summary>The parameter names that carry the inserted value, for <see cref="CollectionAccess.Insert"/> and <see cref="CollectionAccess.LookupOrInsert"/> calls.</summary>
    public static readonly ImmutableHashSet<string> ValueParameterNames = ImmutableHashSet.Create(
        "value", "valueFactory", "addValue", "addValueFactory");
}
