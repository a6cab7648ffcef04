using System;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace SharedStateAnalyzers.Model;

/// <summary>
/// The parts of a class that keeps its own single instance: where the instance is stored, the members that hand it
/// out, and the static methods that set it up. Found from symbols and syntax only (no binding), so the analyzer can
/// ask it before any operation tree is built and the fix can ask it again on the code it rewrites.
/// </summary>
internal sealed class HandRolledSingletonShape
{
    public HandRolledSingletonShape(INamedTypeSymbol type, ISymbol storage, bool isLazy, ImmutableArray<ISymbol> accessors, ImmutableArray<IMethodSymbol> setUpMethods)
    {
        Type = type;
        Storage = storage;
        IsLazy = isLazy;
        Accessors = accessors;
        SetUpMethods = setUpMethods;
    }

    public INamedTypeSymbol Type { get; }

    /// <summary>The static field or auto-property that holds the instance (or its <c>Lazy&lt;T&gt;</c>).</summary>
    public ISymbol Storage { get; }

    /// <summary>The storage is a <c>Lazy&lt;T&gt;</c>.</summary>
    public bool IsLazy { get; }

    /// <summary>
    /// The non-private static members that hand the instance out: properties and parameterless methods of the type's
    /// own type, and the storage itself when it is not private. In source order; never empty.
    /// </summary>
    public ImmutableArray<ISymbol> Accessors { get; }

    /// <summary>Static methods returning nothing that assign the storage: <c>Configure(…)</c>, <c>Initialize(…)</c>.</summary>
    public ImmutableArray<IMethodSymbol> SetUpMethods { get; }

    /// <summary>The member the diagnostic sits on: the first accessor.</summary>
    public ISymbol PrimaryAccessor => Accessors[0];
}

/// <summary>Which classes are hand-rolled singletons (SSA004), and which of those keep state.</summary>
internal static class HandRolledSingletons
{
    /// <summary>
    /// The singleton shape of <paramref name="type"/>, or null: a non-static, non-abstract class (not a record) whose
    /// instance constructors only it uses (<see cref="IsConstructedOnlyByItself"/>), with exactly one static field or
    /// auto-property holding an instance of its own type (directly or in a <c>Lazy&lt;T&gt;</c>; several make an enum-like set of values), at least one
    /// non-private static member handing it out, and no other non-private static factory (a static method returning
    /// the type that takes arguments and is not a set-up method).
    /// </summary>
    public static HandRolledSingletonShape? FindShape(INamedTypeSymbol type, Compilation compilation, CancellationToken cancellationToken)
    {
        // An EventSource must be a single instance per process: the static Log field is the runtime's idiom, not a
        // lifetime the container should own. So is a shared pool or clock (a MemoryPool<T> subclass's Shared).
        if (type is not { TypeKind: TypeKind.Class, IsStatic: false, IsAbstract: false, IsRecord: false, IsImplicitlyDeclared: false }
            || SymbolFacts.IsEventSource(type)
            || SymbolFacts.IsSharedRuntimeService(type)
            || !IsConstructedOnlyByItself(type, compilation, cancellationToken))
        {
            return null;
        }

        ISymbol? storage = null;
        var isLazy = false;
        foreach (var member in type.GetMembers())
        {
            ITypeSymbol? held;
            switch (member)
            {
                case IFieldSymbol { IsStatic: true, IsConst: false } field:
                    // An auto-property's backing field is found through the property. A `[ThreadStatic]` instance is
                    // each thread's own, not the process's one.
                    if (field.IsImplicitlyDeclared || field.AssociatedSymbol is not null || IsThreadStatic(field))
                    {
                        continue;
                    }

                    held = field.Type;
                    break;
                case IPropertySymbol { IsStatic: true, IsIndexer: false } property when CacheStorage.IsAutoProperty(property):
                    held = property.Type;
                    break;
                default:
                    continue;
            }

            if (!HoldsOwnInstance(held, type, out var lazy))
            {
                continue;
            }

            if (storage is not null)
            {
                // Several static instances: an enum-like set of values, not a singleton.
                return null;
            }

            storage = member;
            isLazy = lazy;
        }

        if (storage is null)
        {
            return null;
        }

        var accessors = ImmutableArray.CreateBuilder<ISymbol>();
        var setUp = ImmutableArray.CreateBuilder<IMethodSymbol>();
        foreach (var member in type.GetMembers())
        {
            if (!member.IsStatic || member.IsImplicitlyDeclared)
            {
                continue;
            }

            switch (member)
            {
                case IPropertySymbol { IsIndexer: false, GetMethod: not null } property when IsOwnType(property.Type, type) && IsExposed(property):
                    accessors.Add(property);
                    break;
                case IFieldSymbol field when SymbolEqualityComparer.Default.Equals(field, storage) && IsExposed(field) && !isLazy:
                    accessors.Add(field);
                    break;
                case IMethodSymbol { MethodKind: MethodKind.Ordinary } method:
                    if (IsOwnType(method.ReturnType, type) && IsExposed(method))
                    {
                        if (method.Parameters.Length > 0)
                        {
                            // A factory taking arguments: not one shared instance.
                            return null;
                        }

                        accessors.Add(method);
                    }
                    else if (method.ReturnsVoid && AssignsByName(method, storage.Name, cancellationToken))
                    {
                        setUp.Add(method);
                    }

                    break;
            }
        }

        if (accessors.Count == 0)
        {
            return null;
        }

        accessors.Sort(static (a, b) => SourceOrder(a).CompareTo(SourceOrder(b)));
        return new HandRolledSingletonShape(type, storage, isLazy, accessors.ToImmutable(), setUp.ToImmutable());
    }

    private static int SourceOrder(ISymbol symbol) => symbol.Locations.IsEmpty ? int.MaxValue : symbol.Locations[0].SourceSpan.Start;

    /// <summary>
    /// State of its own, seen from its fields: a writable instance field, an instance field holding a mutable collection
    /// or array, or (besides the instance's storage) a writable static field. A static readonly collection is a table
    /// of the type, not state of the instance, and a memo keyed by <c>Type</c> or a reflection member is a cache of
    /// code, not data. Fields of base classes count too, unless the base is not the singleton's alone
    /// (<see cref="InheritedState.IsSharedBase"/>): those are returned in <paramref name="inherited"/>, state only where
    /// something changes them on the singleton.
    /// </summary>
    public static ISymbol? FindMutableField(
        HandRolledSingletonShape shape, MutableCollections collections, Compilation compilation, CancellationToken cancellationToken, out ImmutableArray<ISymbol> inherited)
    {
        inherited = ImmutableArray<ISymbol>.Empty;
        var shared = false;
        var depth = 0;
        for (var current = shape.Type; current is not null && depth < 8 && !SymbolFacts.IsFrameworkAssembly(current.ContainingAssembly); current = current.BaseType, depth++)
        {
            foreach (var member in current.GetMembers())
            {
                if (member is not IFieldSymbol field || !IsMutableField(field, current, shape, collections, compilation, cancellationToken))
                {
                    continue;
                }

                if (!shared && depth > 0)
                {
                    // Decided once, at the first base with state: the bases above a shared one are shared too.
                    shared = InheritedState.IsSharedBase(current, shape.Type, compilation, cancellationToken);
                }

                if (!shared)
                {
                    return field.AssociatedSymbol ?? field;
                }

                inherited = inherited.Add(field);
                if (field.AssociatedSymbol is { } property)
                {
                    inherited = inherited.Add(property);
                }
            }
        }

        return null;
    }

    private static bool IsMutableField(
        IFieldSymbol field, INamedTypeSymbol declaringType, HandRolledSingletonShape shape, MutableCollections collections, Compilation compilation, CancellationToken cancellationToken)
    {
        if (field.IsConst || SymbolEqualityComparer.Default.Equals(field, shape.Storage)
            || (field.AssociatedSymbol is not null && SymbolEqualityComparer.Default.Equals(field.AssociatedSymbol, shape.Storage)))
        {
            return false;
        }

        if (field.IsStatic && !SymbolEqualityComparer.Default.Equals(declaringType, shape.Type))
        {
            return false;
        }

        // A logger slot (a property-injected `Logger { get; set; }`) is written to, never read back from. A
        // `[ThreadStatic]` static (a re-entrancy guard) is each thread's own, not the shared instance's.
        if (SymbolFacts.IsLogger(field.Type) || (field.IsStatic && IsThreadStatic(field)) || IsReflectionMemo(field.Type))
        {
            return false;
        }

        // A static readonly table (the types a converter handles) belongs to the type, not to the one
        // instance: it is shared the same whether or not the container owns the instance.
        if (!field.IsReadOnly && !IsSetOnlyWhileConstructing(field, declaringType, cancellationToken)
            && !(field.IsStatic && IsInterlockedCounter(field, declaringType, cancellationToken)))
        {
            return true;
        }

        return !field.IsStatic && collections.TryGetShape(field.Type, out _)
            && !IsTableFilledWhileConstructing(field, declaringType, compilation, cancellationToken);
    }

    /// <summary>
    /// A lookup table that the constructors fill and nothing changes after: a private instance collection (a private
    /// get-only auto-property's too) of strings, primitives, enums or reflection objects, which the type's code
    /// outside its constructors only reads — calls that do not change it (<c>TryGetValue</c>, <c>ContainsKey</c>), an
    /// indexer or property read (<c>Count</c>), a <c>foreach</c>, a LINQ operator over it. Anything else (a change, the
    /// collection returned, passed on or aliased, a use that cannot be bound) makes it state.
    /// </summary>
    private static bool IsTableFilledWhileConstructing(IFieldSymbol field, INamedTypeSymbol type, Compilation compilation, CancellationToken cancellationToken)
    {
        var member = field.AssociatedSymbol ?? field;
        if (member.DeclaredAccessibility != Accessibility.Private
            || (member is IPropertySymbol property && property.SetMethod is not null)
            || !HoldsOnlyValues(field.Type))
        {
            return false;
        }

        var models = new SemanticModelCache(compilation);
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            foreach (var node in reference.GetSyntax(cancellationToken).DescendantNodes())
            {
                if (node is not IdentifierNameSyntax identifier || identifier.Identifier.ValueText != member.Name
                    || CallerLocks.IsInOwnConstructor(identifier, type, isStatic: false, cancellationToken))
                {
                    continue;
                }

                SyntaxNode expression = identifier.Parent is MemberAccessExpressionSyntax access && access.Name == identifier ? access : identifier;
                var operation = models.For(identifier.SyntaxTree).GetOperation(expression, cancellationToken);
                if (operation is IFieldReferenceOperation or IPropertyReferenceOperation
                    && !SymbolEqualityComparer.Default.Equals(CacheStorage.GetReferencedStorage(operation), member.OriginalDefinition))
                {
                    continue;
                }

                if (operation is null || !IsOnlyRead(operation))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>
    /// A collection whose entries (and keys) are values that cannot change: strings, primitives, enums, reflection
    /// objects, and the project's own immutable classes (<see cref="IsImmutableClass"/>).
    /// </summary>
    private static bool HoldsOnlyValues(ITypeSymbol type)
    {
        if (type is IArrayTypeSymbol array)
        {
            return IsValue(array.ElementType);
        }

        if (type is not INamedTypeSymbol { IsGenericType: true } named)
        {
            return false;
        }

        foreach (var argument in named.TypeArguments)
        {
            if (!IsValue(argument))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsValue(ITypeSymbol type) => IsValue(type, depth: 0);

    private static bool IsValue(ITypeSymbol type, int depth)
        => SymbolFacts.IsSimpleValueType(type) || SymbolFacts.IsReflectionObject(type) || IsImmutableClass(type, depth);

    /// <summary>
    /// A sealed class of the project (or a readonly struct) whose instance fields are all readonly and hold values
    /// (<see cref="IsValue(ITypeSymbol, int)"/>, three levels down), with no settable property: a column's metadata with
    /// a get-only name and type mapping. Once built it cannot change.
    /// </summary>
    private static bool IsImmutableClass(ITypeSymbol type, int depth)
    {
        if (depth >= 3 || type is not INamedTypeSymbol named || named.DeclaringSyntaxReferences.IsEmpty
            || !(named is { TypeKind: TypeKind.Class, IsSealed: true, BaseType.SpecialType: SpecialType.System_Object }
                || named is { TypeKind: TypeKind.Struct, IsReadOnly: true }))
        {
            return false;
        }

        foreach (var member in named.GetMembers())
        {
            switch (member)
            {
                case IFieldSymbol { IsStatic: false } field when !field.IsReadOnly || !IsValue(field.Type, depth + 1):
                    return false;
                case IPropertySymbol { IsStatic: false, SetMethod: { IsInitOnly: false } }:
                    return false;
            }
        }

        return true;
    }

    /// <summary>The collection's parent only reads it: see <see cref="IsTableFilledWhileConstructing"/>.</summary>
    private static bool IsOnlyRead(IOperation reference)
    {
        if (reference is not (IFieldReferenceOperation or IPropertyReferenceOperation) || ThreadUnsafeCollections.IsMutatedBy(reference))
        {
            return false;
        }

        var operation = reference;
        while (operation.Parent is IConversionOperation conversion)
        {
            operation = conversion;
        }

        switch (operation.Parent)
        {
            case IInvocationOperation invocation when invocation.Instance == operation:
                // A call that does not change it (a changing one was ruled out above): with values for entries,
                // nothing such a call returns can change the table.
                return true;
            case IPropertyReferenceOperation property when property.Instance == operation:
                return true;
            case IForEachLoopOperation loop when loop.Collection == operation:
                return true;
            case IArgumentOperation { Parent: IInvocationOperation call }
                when call.TargetMethod.ContainingType is { Name: "Enumerable" } enumerable
                    && enumerable.ContainingNamespace?.ToDisplayString() == "System.Linq":
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// A field that only its type's constructors write (its static constructor, for a static field), as if it were
    /// <c>readonly</c>: a private field, or the backing field of an auto-property with a private setter
    /// (<c>public IntPtr Handle { get; private set; }</c> assigned by the constructor). A write in a private setter
    /// that only the constructors use counts as theirs. Any other write — a method, a lambda or local function (run
    /// later), an object initializer, a nested type, <c>ref</c>/<c>out</c>, <c>++</c> — makes it state.
    /// </summary>
    private static bool IsSetOnlyWhileConstructing(IFieldSymbol field, INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        if (field.AssociatedSymbol is IPropertySymbol property)
        {
            if (property.SetMethod is { DeclaredAccessibility: not Accessibility.Private })
            {
                return false;
            }
        }
        else if (field.AssociatedSymbol is not null || field.DeclaredAccessibility != Accessibility.Private)
        {
            return false;
        }

        return IsWrittenOnlyInConstructors((field.AssociatedSymbol ?? field).Name, field.IsStatic, type, throughSetter: true, cancellationToken);
    }

    private static bool IsWrittenOnlyInConstructors(string name, bool isStatic, INamedTypeSymbol type, bool throughSetter, CancellationToken cancellationToken)
    {
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            foreach (var node in reference.GetSyntax(cancellationToken).DescendantNodes())
            {
                var written = SyntaxNames.WrittenBy(node);
                if (written is null || !SyntaxNames.NamesOrDeconstructsInto(written, name) || CallerLocks.IsInOwnConstructor(node, type, isStatic, cancellationToken))
                {
                    continue;
                }

                if (!throughSetter || SetterWritingIt(node, type) is not { } setter
                    || !IsWrittenOnlyInConstructors(setter.Identifier.ValueText, isStatic, type, throughSetter: false, cancellationToken))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>
    /// A private static number that every write changes through <c>Interlocked</c> (<c>"Formatter" +
    /// Interlocked.Increment(ref s_sequence)</c>, the unique names of generated types): a counter of the type, safe for
    /// every thread, not state of the one instance. A plain write anywhere (<c>s_sequence++</c>, <c>= 0</c>) makes it state.
    /// </summary>
    private static bool IsInterlockedCounter(IFieldSymbol field, INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        if (field.AssociatedSymbol is not null || field.DeclaredAccessibility != Accessibility.Private
            || field.Type.SpecialType is not (SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_UInt32 or SpecialType.System_UInt64))
        {
            return false;
        }

        var written = false;
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            foreach (var node in reference.GetSyntax(cancellationToken).DescendantNodes())
            {
                if (SyntaxNames.WrittenBy(node) is not { } target || !SyntaxNames.NamesOrDeconstructsInto(target, field.Name))
                {
                    continue;
                }

                if (node is not ArgumentSyntax { RefKindKeyword.RawKind: (int)SyntaxKind.RefKeyword, Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax call } }
                    || call.Expression is not MemberAccessExpressionSyntax { Expression: var owner }
                    || owner.ToString() is not ("Interlocked" or "System.Threading.Interlocked" or "global::System.Threading.Interlocked"))
                {
                    return false;
                }

                written = true;
            }
        }

        return written;
    }

    /// <summary>The property of the type whose private <c>set</c> accessor makes the write.</summary>
    private static PropertyDeclarationSyntax? SetterWritingIt(SyntaxNode node, INamedTypeSymbol type)
    {
        for (var current = node.Parent; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax:
                    return null;
                case AccessorDeclarationSyntax { RawKind: (int)SyntaxKind.SetAccessorDeclaration } accessor
                    when accessor.Parent?.Parent is PropertyDeclarationSyntax { Parent: TypeDeclarationSyntax declaring, ExplicitInterfaceSpecifier: null } property
                        && declaring.Identifier.ValueText == type.Name
                        && (accessor.Modifiers.Any(SyntaxKind.PrivateKeyword) && !accessor.Modifiers.Any(SyntaxKind.ProtectedKeyword)
                            || (accessor.Modifiers.Count == 0 && IsPrivate(property.Modifiers))):
                    return property;
                case MemberDeclarationSyntax:
                    return null;
            }
        }

        return null;
    }

    private static bool IsPrivate(SyntaxTokenList modifiers)
        => !modifiers.Any(SyntaxKind.PublicKeyword) && !modifiers.Any(SyntaxKind.InternalKeyword) && !modifiers.Any(SyntaxKind.ProtectedKeyword);

    /// <summary>
    /// A map keyed by <c>Type</c> or a reflection member (<c>ConcurrentDictionary&lt;Type, IMessageSerializer&gt;</c>,
    /// an immutable hash map swapped on each addition), or by a tuple of one with strings, primitives or enums
    /// (<c>(Type Type, string Format)</c>); or a map of names (strings, primitives, enums, tuples of them) to reflection
    /// objects (<c>ConcurrentDictionary&lt;string, ConstructorInfo&gt;</c> of loaded module types): each entry is built
    /// from code, so it is the same in every process and for every request.
    /// </summary>
    private static bool IsReflectionMemo(ITypeSymbol type)
        => type is INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 2 } map
            && ClassifyKey(map.TypeArguments[0]) switch
            {
                KeyKind.Code => true,
                KeyKind.Names => SymbolFacts.IsReflectionObject(map.TypeArguments[1]),
                _ => false,
            };

    private enum KeyKind
    {
        /// <summary>Data: an object of the app, or a tuple with one.</summary>
        Other,

        /// <summary>Strings, primitives, enums, or a tuple of them.</summary>
        Names,

        /// <summary>A type or reflection member, alone or in a tuple with names.</summary>
        Code,
    }

    private static KeyKind ClassifyKey(ITypeSymbol key)
    {
        if (key is not INamedTypeSymbol { IsTupleType: true, TupleElements: { Length: > 0 } elements })
        {
            return SymbolFacts.IsReflectionObject(key) ? KeyKind.Code : SymbolFacts.IsSimpleValueType(key) ? KeyKind.Names : KeyKind.Other;
        }

        var kind = KeyKind.Names;
        foreach (var element in elements)
        {
            if (SymbolFacts.IsReflectionObject(element.Type))
            {
                kind = KeyKind.Code;
            }
            else if (!SymbolFacts.IsSimpleValueType(element.Type))
            {
                return KeyKind.Other;
            }
        }

        return kind;
    }

    /// <summary>
    /// A static field that gives each thread its own instance of <paramref name="type"/>: a <c>ThreadLocal&lt;T&gt;</c> of
    /// it, or a <c>[ThreadStatic]</c> field of it.
    /// </summary>
    public static bool HoldsPerThreadInstance(IFieldSymbol field, INamedTypeSymbol type)
        => field.IsStatic
            && ((field.Type is INamedTypeSymbol { Name: "ThreadLocal", TypeArguments.Length: 1 } local
                    && local.ContainingNamespace?.ToDisplayString() == "System.Threading" && IsOwnType(local.TypeArguments[0], type))
                || (IsThreadStatic(field) && IsOwnType(field.Type, type)));

    public static bool IsThreadStatic(IFieldSymbol field)
    {
        foreach (var attribute in field.GetAttributes())
        {
            if (attribute.AttributeClass is { Name: "ThreadStaticAttribute", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Every instance constructor is declared and none is public, and no code outside the type makes another instance:
    /// a private constructor; a protected one (or private protected) of a type no source type derives from; an
    /// internal one that no <c>new</c> outside the type calls (<see cref="Instantiations"/>). A protected constructor of
    /// a type with subclasses, or an internal one the rest of the assembly calls, is how more instances are made (a
    /// <c>static readonly Empty</c> sentinel of a type with many instances is not a singleton). The searches run only
    /// for a type with such a constructor.
    /// </summary>
    public static bool IsConstructedOnlyByItself(INamedTypeSymbol type, Compilation compilation, CancellationToken cancellationToken)
    {
        if (type.InstanceConstructors.IsEmpty)
        {
            return false;
        }

        var derivable = false;
        var assemblyWide = false;
        foreach (var constructor in type.InstanceConstructors)
        {
            if (constructor.IsImplicitlyDeclared)
            {
                return false;
            }

            switch (constructor.DeclaredAccessibility)
            {
                case Accessibility.Private:
                    break;
                case Accessibility.Protected or Accessibility.ProtectedAndInternal:
                    derivable = true;
                    break;
                case Accessibility.Internal:
                    assemblyWide = true;
                    break;
                case Accessibility.ProtectedOrInternal:
                    derivable = assemblyWide = true;
                    break;
                default:
                    return false;
            }
        }

        if (derivable && !type.IsSealed && SymbolFacts.HasSourceTypesDerivedFrom(compilation, type, cancellationToken))
        {
            return false;
        }

        return !assemblyWide || !Instantiations.For(compilation).IsCreatedOutside(type);
    }

    /// <summary>
    /// Storage of <paramref name="held"/>'s type keeps <paramref name="type"/>'s own instance: it is of the type itself,
    /// or a <c>System.Lazy&lt;T&gt;</c> of it (<paramref name="isLazy"/>).
    /// </summary>
    public static bool HoldsOwnInstance(ITypeSymbol? held, INamedTypeSymbol type, out bool isLazy)
    {
        isLazy = held is INamedTypeSymbol { Name: "Lazy", TypeArguments.Length: 1 } lazy
            && lazy.ContainingNamespace?.ToDisplayString() == "System"
            && IsOwnType(lazy.TypeArguments[0], type);
        return isLazy || IsOwnType(held, type);
    }

    public static bool IsOwnType(ITypeSymbol? candidate, INamedTypeSymbol type)
        => candidate is not null && SymbolEqualityComparer.Default.Equals(candidate.OriginalDefinition, type.OriginalDefinition);

    private static bool IsExposed(ISymbol member) => member.DeclaredAccessibility is not (Accessibility.Private or Accessibility.NotApplicable);

    /// <summary>
    /// A member besides the accessor makes further instances, so the static one is a sentinel among many (a
    /// <c>SuccessResult</c> next to <c>CreateError(message)</c>), not the one instance: a non-private static method
    /// returning the type that takes arguments, or a method or property whose code creates the type (<c>Clone()</c>,
    /// <c>WithName(…)</c>) without storing it in <paramref name="storage"/>. Read from syntax: a creation names the
    /// type, or is a target-typed <c>new(…)</c> in a member returning it.
    /// </summary>
    public static bool HasOtherFactory(INamedTypeSymbol type, ISymbol storage, CancellationToken cancellationToken)
    {
        foreach (var member in type.GetMembers())
        {
            var method = member switch
            {
                IMethodSymbol { MethodKind: MethodKind.Ordinary } ordinary => ordinary,
                IPropertySymbol { GetMethod: { } getter } => getter,
                _ => null,
            };

            if (method is null || method.IsImplicitlyDeclared || SymbolEqualityComparer.Default.Equals(member, storage))
            {
                continue;
            }

            if (method.IsStatic && method.MethodKind == MethodKind.Ordinary && method.Parameters.Length > 0
                && IsOwnType(method.ReturnType, type) && IsExposed(method))
            {
                return true;
            }

            if (CreatesOwnType(method, type, cancellationToken) && !AssignsByName(method, storage.Name, cancellationToken))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The method's (or accessor's) own code creates the type; a property's initializer is not looked at.</summary>
    private static bool CreatesOwnType(IMethodSymbol method, INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        var returnsOwnType = IsOwnType(method.ReturnType, type);
        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            foreach (var node in reference.GetSyntax(cancellationToken).DescendantNodes())
            {
                switch (node)
                {
                    case ObjectCreationExpressionSyntax creation when SyntaxNames.RightmostName(creation.Type) == type.Name:
                    case ImplicitObjectCreationExpressionSyntax when returnsOwnType:
                        return true;
                }
            }
        }

        return false;
    }

    /// <summary>The method's body assigns a name spelled like the storage (checked by binding where it matters).</summary>
    private static bool AssignsByName(IMethodSymbol method, string name, CancellationToken cancellationToken)
    {
        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            foreach (var node in reference.GetSyntax(cancellationToken).DescendantNodes())
            {
                if (node is AssignmentExpressionSyntax assignment && SyntaxNames.Names(assignment.Left, name))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The syntax kinds that make an accessibility.</summary>
    public static bool IsAccessibilityModifier(SyntaxToken token)
        => token.IsKind(SyntaxKind.PrivateKeyword) || token.IsKind(SyntaxKind.ProtectedKeyword) || token.IsKind(SyntaxKind.InternalKeyword) || token.IsKind(SyntaxKind.PublicKeyword);
}
