using System;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace SharedStateAnalyzers.Model;

/// <summary>When building a shared value twice is a problem, not just wasted work.</summary>
internal enum Duplicate
{
    /// <summary>
    /// Always: a disposable (the second one is never disposed), the type's own instance (the singleton itself), or a
    /// new instance of another class of the compilation (its constructor runs twice; callers hold different instances).
    /// </summary>
    Always,

    /// <summary>Only when the owner changes the value or locks on it: what went into the lost copy is lost.</summary>
    WhenUsedAsState,

    /// <summary>
    /// A collection or <c>StringBuilder</c>: when the owner changes it or locks on it, or hands it out from a non-private
    /// member, where callers can fill the copy that is then replaced.
    /// </summary>
    WhenUsedAsStateOrHandedOut,

    /// <summary>
    /// An HTTP client or handler built with <c>new</c>: only when the owner configures it after building it (a property
    /// set, a header added) or disposes it, or hands it out (a field that is not private, or a non-private member
    /// returning it). A client that only sends requests is meant to live for the process, and a second one is dropped
    /// like any unreachable object.
    /// </summary>
    WhenConfiguredOrHandedOut,
}

/// <summary>
/// Whether two threads that both build a lazily-initialized value leave a problem behind. A second
/// <c>JsonSerializerOptions</c>, <c>Regex</c> or read-only table is wasted work, and the last one stored wins; a second
/// timer, connection or HTTP client leaks, a second singleton runs its constructor again and callers hold different
/// instances, and entries added to a collection that was then replaced are gone.
/// </summary>
internal sealed class Duplicates
{
    /// <summary>Methods that change a <c>StringBuilder</c>, besides the collection-changing ones.</summary>
    private static readonly ImmutableHashSet<string> s_builderMethods = ImmutableHashSet.Create(
        StringComparer.Ordinal, "Append", "AppendLine", "AppendFormat", "AppendJoin", "Replace");

    private readonly DisposableTypes _disposables;
    private readonly INamedTypeSymbol? _stringBuilder;
    private readonly MutableCollections _collections;
    private readonly Compilation _compilation;
    private readonly INamedTypeSymbol? _httpMessageInvoker;
    private readonly INamedTypeSymbol? _httpMessageHandler;

    public Duplicates(Compilation compilation)
    {
        _compilation = compilation;
        _httpMessageInvoker = compilation.GetTypeByMetadataName("System.Net.Http.HttpMessageInvoker");
        _httpMessageHandler = compilation.GetTypeByMetadataName("System.Net.Http.HttpMessageHandler");
        _disposables = new DisposableTypes(compilation);
        _stringBuilder = compilation.GetTypeByMetadataName("System.Text.StringBuilder");
        _collections = new MutableCollections(compilation);
    }

    /// <summary>
    /// What building <paramref name="value"/> twice for <paramref name="storage"/> costs, or null when nothing is built:
    /// the value is an object that already exists (<c>LogLevel.Info</c>, <c>Settings.Default</c>).
    /// </summary>
    public Duplicate? Classify(IOperation value, ISymbol storage, INamedTypeSymbol owner, CancellationToken cancellationToken)
    {
        value = value.WithoutConversions();

        if (value is IFieldReferenceOperation or IPropertyReferenceOperation { Property.IsIndexer: false } || IsFromAnInstanceCache(value)
            || IsTheContainersSingleton(value))
        {
            return null;
        }

        if (value is IObjectCreationOperation { Type: INamedTypeSymbol created } creation && IsDeclaredClass(created))
        {
            // An object that only keeps what it was given: two threads that each build one get interchangeable copies.
            return IsInterchangeable(creation, cancellationToken) ? Duplicate.WhenUsedAsState : Duplicate.Always;
        }

        if (value is IObjectCreationOperation { Type: INamedTypeSymbol http } && IsHttpClientOrHandler(http))
        {
            return Duplicate.WhenConfiguredOrHandedOut;
        }

        var storageType = CacheStorage.GetDeclaredType(storage);
        var container = false;
        foreach (var type in new[] { value.Type, storageType })
        {
            if (type is null || type.TypeKind == TypeKind.Error)
            {
                continue;
            }

            if ((SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, owner.OriginalDefinition) && value is not IObjectCreationOperation)
                || IsDisposable(type))
            {
                return Duplicate.Always;
            }

            container |= IsContainer(type);
        }

        // A collection the code builds completely before storing it (a local it filled, a LINQ result, a collection
        // expression with elements) is a finished table: callers handed it do not fill it, and whichever copy they keep
        // is complete. An empty one (`new List<string>()`, `[]`) is there to be filled.
        return container && IsEmptyContainer(value, depth: 0) ? Duplicate.WhenUsedAsStateOrHandedOut : Duplicate.WhenUsedAsState;
    }

    /// <summary>
    /// A new instance that keeps nothing but what it is given: built with arguments, a class of the compilation, neither disposable nor a
    /// collection, whose instance fields (and those of its base classes in the compilation) are all <c>readonly</c>,
    /// initialized, if at all, with constants or <c>typeof</c>, and whose constructors only store their parameters,
    /// constants or <c>this</c> in its own fields (a <c>?? throw</c> or <c>ThrowIfNull</c> guard allowed); built from
    /// arguments that are read, not computed, and with no object initializer. Two such instances built from the same
    /// arguments cannot be told apart except by reference (<c>_tracker ??= new Tracker(this)</c>), so building one twice
    /// matters only when the owner locks on it. Built with no arguments, only a class with no state at all counts.
    /// </summary>
    private bool IsInterchangeable(IObjectCreationOperation creation, CancellationToken cancellationToken)
    {
        if (creation.Initializer is not null || creation.Constructor is null || creation.Type is not INamedTypeSymbol type)
        {
            return false;
        }

        foreach (var argument in creation.Arguments)
        {
            if (!IsReadNotComputed(argument.Value))
            {
                return false;
            }
        }

        // `new X()` with nothing given is the shape the rule exists for: whether its instance is all there is to it
        // is the class's own design, unless the class has no state at all (a comparer, a visitor: no instance field,
        // auto-property or field-like event, here or in its bases, but constants and memos of facts, and constructors
        // that do nothing).
        return KeepsOnlyWhatItIsGiven(type, nothingGiven: creation.Arguments.IsEmpty, depth: 0, cancellationToken);
    }

    /// <summary>
    /// The class and its base classes keep only what they are given (<see cref="IsInterchangeable"/>); with
    /// <paramref name="nothingGiven"/>, they keep nothing: no instance field but <c>readonly</c> constants and memos of
    /// facts (<see cref="IsMemoOfAFact"/>), no field-like event, and constructors with empty bodies that pass nothing to
    /// the base. A library base must be <c>object</c>, or abstract with no field a subclass could change (no instance
    /// field at all, when nothing is given).
    /// </summary>
    private bool KeepsOnlyWhatItIsGiven(INamedTypeSymbol type, bool nothingGiven, int depth, CancellationToken cancellationToken)
    {
        if (depth > 3 || type.TypeKind != TypeKind.Class || IsDisposable(type) || IsContainer(type))
        {
            return false;
        }

        if (type.DeclaringSyntaxReferences.IsEmpty)
        {
            if (type.SpecialType == SpecialType.System_Object)
            {
                return true;
            }

            if (!type.IsAbstract)
            {
                return false;
            }

            foreach (var member in type.GetMembers())
            {
                if (member is IFieldSymbol { IsStatic: false, IsConst: false } field && (nothingGiven || !field.IsReadOnly)
                    || (nothingGiven && member is IEventSymbol { IsStatic: false }))
                {
                    return false;
                }
            }

            return type.BaseType is null || KeepsOnlyWhatItIsGiven(type.BaseType, nothingGiven, depth + 1, cancellationToken);
        }

        foreach (var member in type.GetMembers())
        {
            switch (member)
            {
                case IFieldSymbol { IsStatic: false, IsConst: false, IsImplicitlyDeclared: true, AssociatedSymbol: null }:
                    // A primary constructor's parameter that members use: what it holds is what it was given, unless
                    // code writes it (see OnlyKeepsItsParameters).
                    break;
                case IFieldSymbol { IsStatic: false, IsConst: false } field:
                    if (field.IsReadOnly
                        ? !HasOnlyAConstantInitializer(field, _compilation, cancellationToken, primaryParametersToo: !nothingGiven)
                        : !nothingGiven || !IsMemoOfAFact(field, type, cancellationToken))
                    {
                        return false;
                    }

                    break;
                case IEventSymbol { IsStatic: false } @event when IsFieldLike(@event):
                    return false;
                case IMethodSymbol { MethodKind: MethodKind.Constructor } constructor:
                    foreach (var reference in constructor.DeclaringSyntaxReferences)
                    {
                        var declaration = reference.GetSyntax(cancellationToken);
                        if (declaration is TypeDeclarationSyntax primary)
                        {
                            // A primary constructor: what it keeps is what the field initializers store (above).
                            if (!OnlyKeepsItsParameters(primary, constructor))
                            {
                                return false;
                            }

                            continue;
                        }

                        if (nothingGiven
                            ? !DoesNothing(declaration)
                            : SemanticModelCache.OperationOf(_compilation, declaration, cancellationToken) is not IConstructorBodyOperation body || !OnlyStoresWhatItIsGiven(body))
                        {
                            return false;
                        }
                    }

                    break;
            }
        }

        return type.BaseType is null || KeepsOnlyWhatItIsGiven(type.BaseType, nothingGiven, depth + 1, cancellationToken);
    }

    /// <summary>An event declared like a field (<c>public event EventHandler? Changed;</c>): it keeps its handlers.</summary>
    private static bool IsFieldLike(IEventSymbol @event)
    {
        foreach (var reference in @event.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax() is not EventDeclarationSyntax)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A private field that memoizes a fact: a string, a primitive, an enum or a read-only sequence of those, never
    /// initialized but with a constant, whose every write in the type is a lazy assignment (<c>_pid ??= …</c>,
    /// <c>_pid ?? (_pid = …)</c>, <c>if (_pid == null) _pid = …;</c>) in a member that takes nothing (a property getter, a
    /// method without parameters). What it holds is what the member computes whoever asks, so a second instance of the
    /// class answers the same.
    /// </summary>
    private bool IsMemoOfAFact(IFieldSymbol field, INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        if (field.DeclaredAccessibility != Accessibility.Private || field.AssociatedSymbol is not null
            || !(SymbolFacts.IsSimpleValueType(field.Type)
                || (IsReadOnlySequenceInterface(field.Type) && field.Type is INamedTypeSymbol { TypeArguments.Length: 1 } sequence && SymbolFacts.IsSimpleValueType(sequence.TypeArguments[0])))
            || !HasOnlyAConstantInitializer(field, _compilation, cancellationToken))
        {
            return false;
        }

        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            foreach (var node in reference.GetSyntax(cancellationToken).DescendantNodes())
            {
                if (SyntaxNames.WrittenBy(node) is { } written && SyntaxNames.NamesOrDeconstructsInto(written, field.Name)
                    && (node is not AssignmentExpressionSyntax assignment || !IsLazyWriteInAMemberThatTakesNothing(assignment, field, cancellationToken)))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private bool IsLazyWriteInAMemberThatTakesNothing(AssignmentExpressionSyntax assignment, IFieldSymbol field, CancellationToken cancellationToken)
    {
        if (SemanticModelCache.OperationOf(_compilation, assignment, cancellationToken) is not IAssignmentOperation write
            || CacheStorage.GetReferencedStorage(write.Target.WithoutConversions()) is not IFieldSymbol target)
        {
            return false;
        }

        if (!SymbolEqualityComparer.Default.Equals(target, field))
        {
            // A same-named field of another object or type: not a write of this one.
            return true;
        }

        if (write is not ICoalesceAssignmentOperation && LazyInitialization.FindGoverningChecks(write, field).Count == 0
            && LazyInitialization.SelfCoalescedValue(write) is null)
        {
            return false;
        }

        for (var node = assignment.Parent; node is not null; node = node.Parent)
        {
            switch (node)
            {
                case AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax:
                    return false;
                case AccessorDeclarationSyntax accessor:
                    return accessor.IsKind(SyntaxKind.GetAccessorDeclaration) && accessor.Parent?.Parent is PropertyDeclarationSyntax;
                case PropertyDeclarationSyntax:
                    return true;
                case MethodDeclarationSyntax method:
                    return method.ParameterList.Parameters.Count == 0;
                case MemberDeclarationSyntax:
                    return false;
            }
        }

        return false;
    }

    /// <summary>A constructor with an empty block body that passes nothing to the base (<c>public Comparer() { }</c>).</summary>
    private static bool DoesNothing(SyntaxNode constructor)
        => constructor is ConstructorDeclarationSyntax { ExpressionBody: null, Body.Statements.Count: 0 } declaration
            && declaration.Initializer is not { ArgumentList.Arguments.Count: > 0 };

    /// <summary>
    /// A primary constructor that passes nothing computed to its base (<c>: Base(name)</c>, not <c>: Base(Load())</c>) and
    /// whose parameters no code of the type writes (a parameter captured by members is a field the compiler declares).
    /// </summary>
    private static bool OnlyKeepsItsParameters(TypeDeclarationSyntax declaration, IMethodSymbol constructor)
    {
        if (declaration.BaseList is { Types.Count: > 0 } bases && bases.Types[0] is PrimaryConstructorBaseTypeSyntax { ArgumentList.Arguments: var arguments })
        {
            foreach (var argument in arguments)
            {
                if (argument.Expression is not (IdentifierNameSyntax or LiteralExpressionSyntax or ThisExpressionSyntax))
                {
                    return false;
                }
            }
        }

        if (constructor.Parameters.IsEmpty)
        {
            return true;
        }

        foreach (var node in declaration.DescendantNodes())
        {
            if (SyntaxNames.WrittenBy(node) is { } written)
            {
                foreach (var parameter in constructor.Parameters)
                {
                    if (SyntaxNames.NamesOrDeconstructsInto(written, parameter.Name))
                    {
                        return false;
                    }
                }
            }
        }

        return true;
    }

    /// <summary>
    /// A field (or an auto-property's backing field) with no initializer, or one that is a constant or <c>typeof</c>;
    /// with <paramref name="primaryParametersToo"/>, also one that stores a parameter of the type's primary constructor
    /// (<c>private readonly string _path = path;</c>).
    /// </summary>
    private static bool HasOnlyAConstantInitializer(IFieldSymbol field, Compilation compilation, CancellationToken cancellationToken, bool primaryParametersToo = false)
    {
        var declaration = field.AssociatedSymbol ?? field;
        foreach (var reference in declaration.DeclaringSyntaxReferences)
        {
            var initializer = reference.GetSyntax(cancellationToken) switch
            {
                VariableDeclaratorSyntax variable => variable.Initializer?.Value,
                PropertyDeclarationSyntax property => property.Initializer?.Value,
                _ => null,
            };

            if (initializer is not null
                && SemanticModelCache.OperationOf(compilation, initializer, cancellationToken) is { } value
                && !IsConstantOrTypeOf(value)
                && !(primaryParametersToo && IsPrimaryConstructorParameter(WithoutNullGuard(value, compilation, cancellationToken), field.ContainingType)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A constructor whose chained call passes only read values and whose statements only store parameters,
    /// constants or <c>this</c> in the instance's own fields and properties, or guard a parameter against null.
    /// </summary>
    private static bool OnlyStoresWhatItIsGiven(IConstructorBodyOperation body)
    {
        if (body.Initializer is IExpressionStatementOperation { Operation: IInvocationOperation chained })
        {
            foreach (var argument in chained.Arguments)
            {
                if (!IsReadNotComputed(argument.Value))
                {
                    return false;
                }
            }
        }

        foreach (var statement in body.BlockBody?.Operations ?? body.ExpressionBody?.Operations ?? ImmutableArray<IOperation>.Empty)
        {
            if (statement is not IExpressionStatementOperation { Operation: var operation })
            {
                return false;
            }

            switch (operation)
            {
                case ISimpleAssignmentOperation { Target: IMemberReferenceOperation { Instance: IInstanceReferenceOperation, Member: IFieldSymbol or IPropertySymbol } } store
                    when IsGiven(store.Value):
                    continue;
                case IInvocationOperation { TargetMethod: { IsStatic: true, Name: "ThrowIfNull" or "ThrowIfNullOrEmpty" or "ThrowIfNullOrWhiteSpace" } }:
                    continue;
                default:
                    return false;
            }
        }

        return true;

        static bool IsGiven(IOperation value)
        {
            value = WithoutThrowingCoalesce(value);
            return value is IParameterReferenceOperation or IInstanceReferenceOperation || IsConstantOrTypeOf(value);
        }
    }

    /// <summary>
    /// A value taken as it is, with nothing run to make it: a parameter, a local, a field, <c>this</c>, a constant, an
    /// empty value; or the built-in operators over such values (<c>value is null ? ResultType.Null : type</c>,
    /// <c>name ?? ""</c>), which give every thread the same result.
    /// </summary>
    private static bool IsReadNotComputed(IOperation value) => IsReadNotComputed(value, depth: 0);

    private static bool IsReadNotComputed(IOperation value, int depth)
    {
        value = value.WithoutConversions();
        if (value is IParameterReferenceOperation or ILocalReferenceOperation or IInstanceReferenceOperation or IFieldReferenceOperation
            || IsConstantOrTypeOf(value) || IsEmptyValue(value))
        {
            return true;
        }

        if (depth >= 3)
        {
            return false;
        }

        return value switch
        {
            IConditionalOperation { WhenFalse: { } whenFalse } conditional => IsReadNotComputed(conditional.Condition, depth + 1)
                && IsReadNotComputed(conditional.WhenTrue, depth + 1) && IsReadNotComputed(whenFalse, depth + 1),
            ICoalesceOperation coalesce => IsReadNotComputed(coalesce.Value, depth + 1) && IsReadNotComputed(coalesce.WhenNull, depth + 1),
            IBinaryOperation { OperatorMethod: null } binary => IsReadNotComputed(binary.LeftOperand, depth + 1) && IsReadNotComputed(binary.RightOperand, depth + 1),
            IUnaryOperation { OperatorMethod: null } unary => IsReadNotComputed(unary.Operand, depth + 1),
            IIsPatternOperation { Pattern: IConstantPatternOperation or ITypePatternOperation or INegatedPatternOperation { Pattern: IConstantPatternOperation or ITypePatternOperation } } test
                => IsReadNotComputed(test.Value, depth + 1),
            _ => false,
        };
    }

    /// <summary>
    /// An empty value, the same whichever thread builds it: <c>Array.Empty&lt;T&gt;()</c>, <c>Enumerable.Empty&lt;T&gt;()</c>, a
    /// framework type's static <c>Empty</c> property, <c>new T[0]</c>, or <c>[]</c> given as an array or a read-only sequence.
    /// </summary>
    private static bool IsEmptyValue(IOperation value) => value switch
    {
        IInvocationOperation { Instance: null, Arguments.IsEmpty: true, TargetMethod: { Name: "Empty", ContainingType: var type } }
            => type.ContainingNamespace?.ToDisplayString() is "System" or "System.Linq" && type.Name is "Array" or "Enumerable",
        IPropertyReferenceOperation { Instance: null, Property: { Name: "Empty", ContainingAssembly: var assembly } } => SymbolFacts.IsFrameworkAssembly(assembly),
        IArrayCreationOperation { Initializer: null or { ElementValues.IsEmpty: true } } creation => AllZero(creation.DimensionSizes),
        ICollectionExpressionOperation { Elements.IsEmpty: true, Type: var type } => type is IArrayTypeSymbol || IsReadOnlySequenceInterface(type),
        _ => false,
    };

    /// <summary><c>IEnumerable&lt;T&gt;</c>, <c>IReadOnlyCollection&lt;T&gt;</c>, <c>IReadOnlyList&lt;T&gt;</c>: an empty <c>[]</c> of them is <c>Array.Empty&lt;T&gt;()</c>.</summary>
    private static bool IsReadOnlySequenceInterface(ITypeSymbol? type)
        => type is INamedTypeSymbol { TypeKind: TypeKind.Interface, Name: "IEnumerable" or "IReadOnlyCollection" or "IReadOnlyList", Arity: 1 } sequence
            && sequence.ContainingNamespace?.ToDisplayString() == "System.Collections.Generic";

    private static bool AllZero(ImmutableArray<IOperation> sizes)
    {
        foreach (var size in sizes)
        {
            if (size.ConstantValue is not { HasValue: true, Value: 0 })
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A parameter of <paramref name="type"/>'s primary constructor, read as it is.</summary>
    /// <summary>
    /// The value a null guard lets through: <c>path ?? throw new ArgumentNullException(…)</c>, or a call of a project
    /// guard method that returns its first argument once it has checked it (<c>repository.NotNull()</c> with
    /// <c>NotNull&lt;T&gt;(this T value) =&gt; value ?? throw …</c>, <c>Guard.NotNull(value)</c>); otherwise the value itself.
    /// </summary>
    private static IOperation WithoutNullGuard(IOperation value, Compilation compilation, CancellationToken cancellationToken)
    {
        value = value.WithoutConversions();
        if (value is ICoalesceOperation)
        {
            return WithoutThrowingCoalesce(value);
        }

        if (value is IInvocationOperation { TargetMethod: { IsStatic: true, Parameters.Length: > 0 } guard } call
            && IsNullGuard(guard.OriginalDefinition, compilation, cancellationToken))
        {
            foreach (var argument in call.Arguments)
            {
                if (argument.Parameter?.Ordinal == 0)
                {
                    return argument.Value.WithoutConversions();
                }
            }
        }

        return value;
    }

    /// <summary>
    /// A source method that returns its first parameter and does nothing else but check it: every statement is a
    /// <c>ThrowIfNull</c> call, an <c>if</c> that throws, or a return of the parameter (or of <c>value ?? throw …</c>).
    /// </summary>
    private static bool IsNullGuard(IMethodSymbol method, Compilation compilation, CancellationToken cancellationToken)
    {
        var first = method.Parameters[0];
        var returns = false;
        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is not MethodDeclarationSyntax declaration
                || ((SyntaxNode?)declaration.Body ?? declaration.ExpressionBody) is not { } body
                || SemanticModelCache.OperationOf(compilation, body, cancellationToken) is not IBlockOperation block)
            {
                return false;
            }

            foreach (var statement in block.Operations)
            {
                switch (statement)
                {
                    case IReturnOperation { ReturnedValue: { } returned } when IsFirst(returned):
                        returns = true;
                        continue;
                    case IExpressionStatementOperation { Operation: IInvocationOperation { TargetMethod: { IsStatic: true, Name: "ThrowIfNull" or "ThrowIfNullOrEmpty" or "ThrowIfNullOrWhiteSpace" } } }:
                    case IConditionalOperation { WhenFalse: null, WhenTrue: var whenTrue } when Throws(whenTrue):
                        continue;
                    default:
                        return false;
                }
            }
        }

        return returns;

        static bool Throws(IOperation operation)
            => operation is IThrowOperation or IExpressionStatementOperation { Operation: IThrowOperation }
                || (operation is IBlockOperation { Operations.Length: 1 } only && Throws(only.Operations[0]));

        bool IsFirst(IOperation returned)
        {
            return WithoutThrowingCoalesce(returned) is IParameterReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Parameter, first);
        }
    }

    /// <summary>The value of <c>value ?? throw …</c> (without conversions); any other value as it is.</summary>
    private static IOperation WithoutThrowingCoalesce(IOperation value)
    {
        value = value.WithoutConversions();
        return value is ICoalesceOperation guarded && guarded.WhenNull.WithoutConversions() is IThrowOperation
            ? guarded.Value.WithoutConversions()
            : value;
    }

    private static bool IsPrimaryConstructorParameter(IOperation value, INamedTypeSymbol type)
        => value.WithoutConversions() is IParameterReferenceOperation { Parameter.ContainingSymbol: IMethodSymbol constructor }
            && SymbolEqualityComparer.Default.Equals(constructor.ContainingType.OriginalDefinition, type.OriginalDefinition)
            && SymbolFacts.IsPrimaryConstructor(constructor);

    private static bool IsConstantOrTypeOf(IOperation value)
    {
        value = value.WithoutConversions();
        return value.ConstantValue.HasValue || value is ITypeOfOperation or IDefaultValueOperation;
    }

    private static bool ReturnsOnlyAnEmptyCollection(IMethodSymbol method)
    {
        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax() is MethodDeclarationSyntax { ExpressionBody.Expression: var returned })
            {
                return returned switch
                {
                    BaseObjectCreationExpressionSyntax creation => creation.Initializer is null && creation.ArgumentList is not { Arguments.Count: > 0 },
                    CollectionExpressionSyntax collection => collection.Elements.Count == 0,
                    _ => false,
                };
            }
        }

        return false;
    }

    /// <summary>
    /// A new collection with nothing in it: an object creation with no collection initializer and no argument that
    /// could fill it (a capacity or a comparer), any new <c>StringBuilder</c>, an empty collection expression, or a
    /// local holding one that the method never adds to, a new array without elements (<c>new byte[size]</c>). What a
    /// call returns (a LINQ <c>ToList()</c>, <c>File.ReadAllBytes</c>, a loader) is built; anything else — a parameter,
    /// a value of unknown origin — may be empty, and counts as empty.
    /// </summary>
    private bool IsEmptyContainer(IOperation value, int depth)
    {
        switch (value.WithoutConversions())
        {
            case IObjectCreationOperation creation:
                // A StringBuilder's initial text is a start: it is there to be appended to.
                if (creation.Type is { } created && SymbolEqualityComparer.Default.Equals(created, _stringBuilder))
                {
                    return true;
                }

                if (creation.Initializer is { Initializers.Length: > 0 })
                {
                    return false;
                }

                foreach (var argument in creation.Arguments)
                {
                    if (argument.Value.WithoutConversions().Type is { } argumentType
                        && (IsContainer(argumentType) || SymbolFacts.IsCollection(argumentType)))
                    {
                        return false;
                    }
                }

                return true;
            case ICollectionExpressionOperation collection:
                return collection.Elements.IsEmpty;
            case IArrayCreationOperation array:
                // `new byte[size]` is there to be filled; `new[] { … }` is built.
                return array.Initializer is null;
            case IInvocationOperation invocation:
                // What a method returns (a LINQ ToList(), File.ReadAllBytes, a loader) is built by the time it is stored,
                // unless it is one of the project's own methods that only makes an empty one (`Load() => new();`).
                return ReturnsOnlyAnEmptyCollection(invocation.TargetMethod);
            case IConditionalAccessOperation access:
                // `_hostList?.Split(…)`: what the call returns, when there is something to call it on.
                return IsEmptyContainer(access.WhenNotNull, depth);
            case ICoalesceOperation coalesce when IsEmptyValue(coalesce.WhenNull.WithoutConversions()):
                // `… ?? []`, `… ?? Array.Empty<string>()`: an empty value no caller can fill stands in for the built one.
                return IsEmptyContainer(coalesce.Value, depth);
            case ILocalReferenceOperation local when depth < 3:
                var root = value.Root();
                foreach (var node in root.Descendants())
                {
                    // Filled through the local: `map.Add(key, value)`, `text.Append(…)`, or `map[key] = value`.
                    if ((node is IInvocationOperation { Instance: { } instance } call
                            && instance.IsReferenceTo(local.Local)
                            && (MutableCollections.MutatingMethods.Contains(call.TargetMethod.Name) || s_builderMethods.Contains(call.TargetMethod.Name)))
                        || (node is IAssignmentOperation { Target: IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } indexed } }
                            && indexed.IsReferenceTo(local.Local)))
                    {
                        return false;
                    }
                }

                foreach (var definition in root.LocalDefinitions(local.Local))
                {
                    if (!IsEmptyContainer(definition, depth + 1))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return true;
        }
    }

    /// <summary>
    /// A factory documented to hand out one cached instance per name: <c>IMeterFactory.Create(…)</c> (and its extension
    /// overloads) returns the same <c>Meter</c> for the same name and version, so racing threads get one object.
    /// </summary>
    private static bool IsFromAnInstanceCache(IOperation value)
    {
        if (value is not IInvocationOperation { TargetMethod: { Name: "Create" } method } invocation)
        {
            return false;
        }

        var factory = method.IsExtensionMethod && invocation.Arguments.Length > 0 ? invocation.Arguments[0].Value.WithoutConversions().Type : method.ContainingType;
        return factory is { Name: "IMeterFactory" } && factory.ContainingNamespace?.ToDisplayString() == "System.Diagnostics.Metrics";
    }

    /// <summary>
    /// The storage whose value a non-private member hands out as a collection callers can change: it returns the
    /// field, or the lazy assignment or <c>??</c> over it, typed as a mutable collection or <c>StringBuilder</c> (not
    /// as <c>IReadOnlyDictionary</c> or <c>IEnumerable</c>).
    /// </summary>
    public ISymbol? GetHandedOut(IOperation operation, ISymbol owningSymbol)
    {
        if (operation is not IReturnOperation { ReturnedValue: { } returned }
            || owningSymbol is not IMethodSymbol { DeclaredAccessibility: not Accessibility.Private } method
            || !(IsContainer(method.ReturnType) || IsHttpClientOrHandler(method.ReturnType)))
        {
            return null;
        }

        returned = returned.WithoutConversions();
        return returned switch
        {
            IAssignmentOperation assignment => CacheStorage.GetReferencedStorage(assignment.Target.WithoutConversions()),
            ICoalesceOperation coalesce => CacheStorage.GetReferencedStorage(coalesce.Value.WithoutConversions()),
            _ => CacheStorage.GetReferencedStorage(returned),
        };
    }

    /// <summary>
    /// A service resolved from the container (<c>services.GetRequiredService&lt;Broadcaster&gt;()</c>,
    /// <c>GetService(typeof(Broadcaster))</c>) that the compilation registers only as a singleton: every thread gets the
    /// container's one instance, so nothing is built twice.
    /// </summary>
    private bool IsTheContainersSingleton(IOperation value)
    {
        if (value is not IInvocationOperation resolve
            || (resolve.TargetMethod.ReducedFrom ?? resolve.TargetMethod).ContainingType is not { Name: "ServiceProviderServiceExtensions" or "IServiceProvider" }
            || ServiceRequests.OfCall(resolve) is not { IsEnumerable: false, IsKeyed: false, Type: var named })
        {
            return false;
        }

        return ServiceRegistrations.For(_compilation).IsRegisteredOnlyAsSingleton(named);
    }

    /// <summary>
    /// The storage (a field or property) whose value this operation configures or disposes: a member assigned through
    /// it (<c>s_client.Timeout = …</c>, <c>Client.DefaultRequestHeaders.Authorization = …</c>), a call on one of its
    /// members (<c>s_client.DefaultRequestHeaders.Add(…)</c>), or its own <c>Dispose</c>/<c>DisposeAsync</c>/
    /// <c>CancelPendingRequests</c>. A call on the value itself (<c>s_client.GetAsync(…)</c>) only uses it.
    /// </summary>
    public static ISymbol? GetConfigured(IOperation operation)
    {
        switch (operation)
        {
            case IInvocationOperation { TargetMethod.Name: "Dispose" or "DisposeAsync" or "CancelPendingRequests", Instance: { } disposed }:
                return CacheStorage.GetReferencedStorage(Receiver(disposed));
            case IInvocationOperation { Instance: IMemberReferenceOperation { Instance: { } owner } }:
                return RootOf(owner);
            case IAssignmentOperation { Target: IMemberReferenceOperation { Instance: { } owner } }:
                return RootOf(owner);
            default:
                return null;
        }
    }

    /// <summary>The field or property a chain of member reads starts from: <c>s_client</c> in <c>s_client.DefaultRequestHeaders.Accept</c>.</summary>
    private static ISymbol? RootOf(IOperation operation)
    {
        operation = Receiver(operation);
        while (operation is IMemberReferenceOperation { Instance: { } instance } and (IPropertyReferenceOperation or IFieldReferenceOperation)
            && Receiver(instance) is not IInstanceReferenceOperation)
        {
            operation = Receiver(instance);
        }

        return CacheStorage.GetReferencedStorage(operation);
    }

    /// <summary>The value a member is read or called on: for <c>s_client?.Dispose()</c>, <c>s_client</c>.</summary>
    private static IOperation Receiver(IOperation instance)
    {
        instance = instance.WithoutConversions();
        return instance is IConditionalAccessInstanceOperation conditional && conditional.ConditionalAccess() is { } access
            ? access.Operation.WithoutConversions()
            : instance;
    }

    /// <summary>
    /// A method of the project named like a change (<c>SetValue</c>, <c>Add</c>) whose body neither changes a field or
    /// property of its own object (<see cref="OperationFacts.ChangedMember"/>, or a builder's append; a write also
    /// counts when it sets a member of what a field holds) nor calls its own methods: an accessor's <c>SetValue(target, name, value) =&gt;
    /// _members[name].SetValue(target, value)</c> writes the target it is given. A method without a body here
    /// (abstract, an interface's, another assembly's) may change anything.
    /// </summary>
    private static bool LeavesItsObjectAsItIs(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod.OriginalDefinition;
        if (method.IsStatic || method.IsAbstract || method.DeclaringSyntaxReferences.Length != 1
            || invocation.SemanticModel?.Compilation is not { } compilation
            || SemanticModelCache.OperationOf(compilation, method.DeclaringSyntaxReferences[0].GetSyntax(), CancellationToken.None) is not IMethodBodyOperation body)
        {
            return false;
        }

        foreach (var node in body.DescendantsAndSelf())
        {
            var changed = OperationFacts.ChangedMember(node)
                ?? (node is IInvocationOperation { Instance: { } appendedTo } append && s_builderMethods.Contains(append.TargetMethod.Name)
                    ? appendedTo.WithoutConversions() as IMemberReferenceOperation
                    : null);
            // A write may also reach into what a field holds (`_inner.Count = …`); a changing call on an element
            // (`_members[name].SetValue(…)`) changes the element, not the field.
            if ((changed is not null
                    && (IsOwn(changed)
                        || (node is IAssignmentOperation or IIncrementOrDecrementOperation
                            && changed.Instance?.WithoutConversions() is IMemberReferenceOperation holder && IsOwn(holder))))
                || (node is IInvocationOperation { Instance: { } receiver } && OperationFacts.IsThis(receiver)))
            {
                return false;
            }
        }

        return true;

        static bool IsOwn(IMemberReferenceOperation member) => member.Member.IsStatic || OperationFacts.IsOnThisInstance(member);
    }

    /// <summary>
    /// The storage whose value this operation changes or locks on, when <paramref name="watched"/> takes it: a
    /// collection-changing call on it (for a method of the project, one whose body changes its object), a
    /// <c>StringBuilder</c> append, an indexer or member assignment through it, <c>lock</c> or <c>Monitor.Enter</c> on it.
    /// </summary>
    public static ISymbol? GetStateUse(IOperation operation, Func<ISymbol, bool> watched)
    {
        var (storage, call) = operation switch
        {
            ILockOperation @lock => (CacheStorage.GetReferencedStorage(@lock.LockedValue.WithoutConversions()), null),
            IInvocationOperation { TargetMethod: { Name: "Enter" or "TryEnter", ContainingType.Name: "Monitor" }, Arguments.Length: > 0 } enter
                => (CacheStorage.GetReferencedStorage(enter.Arguments[0].Value.WithoutConversions()), null),
            IInvocationOperation { Instance: { } instance } invocation
                when MutableCollections.MutatingMethods.Contains(invocation.TargetMethod.Name) || s_builderMethods.Contains(invocation.TargetMethod.Name)
                => (CacheStorage.GetReferencedStorage(instance.WithoutConversions()), invocation),
            IAssignmentOperation { Target: IPropertyReferenceOperation { Instance: { } instance } } => (CacheStorage.GetReferencedStorage(instance.WithoutConversions()), null),
            IAssignmentOperation { Target: IFieldReferenceOperation { Instance: { } instance } } => (CacheStorage.GetReferencedStorage(instance.WithoutConversions()), null),
            _ => ((ISymbol?)null, (IInvocationOperation?)null),
        };

        // The body of a project method is looked at only for storage the caller watches.
        return storage is not null && watched(storage) && (call is null || !LeavesItsObjectAsItIs(call)) ? storage : null;
    }

    /// <summary>
    /// A class of the compilation (not a record): what its constructor does and whether callers may hold different
    /// instances is the project's own design, which the rule cannot judge harmless.
    /// </summary>
    private static bool IsDeclaredClass(INamedTypeSymbol type)
        => type is { TypeKind: TypeKind.Class, IsRecord: false, IsStatic: false } && !type.DeclaringSyntaxReferences.IsEmpty;

    private bool IsContainer(ITypeSymbol type)
        => SymbolEqualityComparer.Default.Equals(type, _stringBuilder) || _collections.TryGetShape(type, out _);

    /// <summary>
    /// <c>System.Net.Http</c>'s <c>HttpClient</c>, <c>HttpMessageInvoker</c> or a handler of it (<c>HttpClientHandler</c>,
    /// <c>SocketsHttpHandler</c>): types built to be shared for the life of the process.
    /// </summary>
    private bool IsHttpClientOrHandler(ITypeSymbol type)
        => type is INamedTypeSymbol named
            && (IsOrDerivesFrom(named, _httpMessageInvoker) || IsOrDerivesFrom(named, _httpMessageHandler))
            && named.ContainingNamespace?.ToDisplayString() == "System.Net.Http";

    private static bool IsOrDerivesFrom(INamedTypeSymbol type, INamedTypeSymbol? baseType)
        => baseType is not null && (SymbolEqualityComparer.Default.Equals(type, baseType) || SymbolFacts.DerivesFrom(type, baseType));

    /// <summary>A Task is IDisposable only for its wait handle, which a completed task never allocates; nobody disposes one.</summary>
    private bool IsDisposable(ITypeSymbol type) => !IsTask(type) && _disposables.IsDisposable(type);

    private static bool IsTask(ITypeSymbol type)
    {
        for (var current = type as INamedTypeSymbol; current is not null; current = current.BaseType)
        {
            if (current.Name == "Task" && current.ContainingNamespace?.ToDisplayString() == "System.Threading.Tasks")
            {
                return true;
            }
        }

        return false;
    }
}
