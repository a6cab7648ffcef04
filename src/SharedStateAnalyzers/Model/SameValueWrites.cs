using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace SharedStateAnalyzers.Model;

/// <summary>
/// Static fields that every write in their type sets to one and the same value built from constants alone
/// (<c>s_migrated = true</c>, <c>_sample = new Movie { Title = "The Movie", Year = 2010 }</c>), and whose contents
/// nothing changes: whichever instance writes, the field holds what one instance would have put there. A one-way
/// latch (<c>if (s_migrated) return; s_migrated = true; Migrate();</c>) and sample data set up in a constructor are
/// such fields. The writes are compared by syntax within the field's type (and the analyzed type, for a base type's
/// field); a same-named local or parameter written elsewhere only makes the answer "no". One instance per analyzed
/// type; safe for concurrent use. Also answers, for one write, whether a plain value is what the process has rather
/// than what the instance chose (<see cref="IsPlainValueTheProcessHas"/>).
/// </summary>
internal sealed class SameValueWrites
{
    private const int MaxLocalDepth = 2;

    private readonly INamedTypeSymbol _analyzedType;
    private readonly DisposableTypes _disposables;
    private readonly ConcurrentDictionary<ISymbol, bool> _fields = new(SymbolEqualityComparer.Default);

    public SameValueWrites(INamedTypeSymbol analyzedType, DisposableTypes disposables)
    {
        _analyzedType = analyzedType;
        _disposables = disposables;
    }

    /// <summary>The assignment stores in <paramref name="field"/> the one constant-built value every write of it stores.</summary>
    public bool IsSameValueWrite(ISymbol field, IAssignmentOperation assignment, CancellationToken cancellationToken)
    {
        if (assignment is not ISimpleAssignmentOperation || assignment.Syntax is not AssignmentExpressionSyntax syntax
            || !IsBuiltFromConstants(assignment.Value, assignment.Root(), 0))
        {
            return false;
        }

        return _fields.GetOrAdd(field, _ => AllWritesAre(field, syntax.Right, cancellationToken));
    }

    /// <summary>
    /// Literals, <c>typeof</c>, static fields, the program's own static properties, and objects built from those with
    /// <c>new</c> and collection initializers (not disposable ones: each is a resource of its own), also through locals
    /// so built; a lambda that captures nothing (the same code whoever stores it); a reflection lookup with such
    /// arguments (<c>Type.GetType("Vendor.Connection, Vendor")</c>, <c>typeof(T).GetMethod("Parse")</c>: the same member
    /// for the life of the process). Not: <c>this</c>, parameters, other calls (<c>Guid.NewGuid()</c>), the framework's
    /// static properties (<c>DateTime.Now</c>), lambdas that capture state.
    /// </summary>
    private bool IsBuiltFromConstants(IOperation value, IOperation root, int depth)
    {
        var pending = new Stack<IOperation>();
        pending.Push(value);
        while (pending.Count > 0)
        {
            var node = pending.Pop();
            switch (node)
            {
                case IAnonymousFunctionOperation function:
                    if (Captures(function))
                    {
                        return false;
                    }

                    // Its body is code, run later: not looked into.
                    continue;
                case IInvocationOperation { Instance: IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ImplicitReceiver } }:
                    // A collection initializer's Add on the object being built.
                    break;
                case IInvocationOperation lookup when SymbolFacts.IsReflectionObject(lookup.Type):
                    // Its receiver and arguments are checked as the walk goes on.
                    break;
                case IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance }:
                case IParameterReferenceOperation:
                case IInvocationOperation:
                case IDelegateCreationOperation { Target: not IAnonymousFunctionOperation }:
                case IAwaitOperation:
                case IInvalidOperation:
                    return false;
                case IPropertyReferenceOperation { Property: { IsStatic: true } property } when SymbolFacts.IsFrameworkAssembly(property.ContainingAssembly):
                    return false;
                case IObjectCreationOperation creation when _disposables.IsDisposable(creation.Type):
                    return false;
                case ILocalReferenceOperation local:
                    if (depth >= MaxLocalDepth || !LocalIsBuiltFromConstants(local.Local, root, depth))
                    {
                        return false;
                    }

                    break;
            }

            foreach (var child in node.ChildOperations)
            {
                pending.Push(child);
            }
        }

        return true;
    }

    /// <summary>The lambda reads <c>this</c>, or a local or parameter of the code around it.</summary>
    private static bool Captures(IAnonymousFunctionOperation function)
    {
        foreach (var node in function.Body.DescendantsAndSelf())
        {
            switch (node)
            {
                case IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance }:
                    return true;
                case ILocalReferenceOperation local when !IsDeclaredWithin(local.Local, function):
                    return true;
                case IParameterReferenceOperation parameter when !IsDeclaredWithin(parameter.Parameter, function):
                    return true;
            }
        }

        return false;
    }

    private static bool IsDeclaredWithin(ISymbol symbol, IAnonymousFunctionOperation function)
    {
        var span = function.Syntax.Span;
        foreach (var reference in symbol.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree == function.Syntax.SyntaxTree && span.Contains(reference.Span))
            {
                return true;
            }
        }

        return false;
    }

    private bool LocalIsBuiltFromConstants(ILocalSymbol local, IOperation root, int depth)
    {
        var found = false;
        foreach (var definition in root.LocalDefinitions(local))
        {
            if (!IsBuiltFromConstants(definition, root, depth + 1))
            {
                return false;
            }

            found = true;
        }

        return found;
    }

    /// <summary>Every assignment of the field's name is <c>= <paramref name="value"/></c>, and nothing changes what it holds.</summary>
    private bool AllWritesAre(ISymbol field, ExpressionSyntax value, CancellationToken cancellationToken)
    {
        var name = field.Name;
        var types = new List<INamedTypeSymbol>(2);
        if (field.ContainingType is { } declaring)
        {
            types.Add(declaring);
        }

        if (types.Count == 0 || !SymbolEqualityComparer.Default.Equals(types[0], _analyzedType))
        {
            types.Add(_analyzedType);
        }

        foreach (var type in types)
        {
            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                foreach (var node in reference.GetSyntax(cancellationToken).DescendantNodes())
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    switch (node)
                    {
                        case AssignmentExpressionSyntax assignment when SyntaxNames.Names(assignment.Left, name):
                            if (!assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) || !assignment.Right.IsEquivalentTo(value, topLevel: false))
                            {
                                return false;
                            }

                            break;
                        case AssignmentExpressionSyntax assignment when SyntaxNames.RootNames(assignment.Left, name):
                            // `s_sample.Title = …`, `s_cache[key] = …`: the contents change.
                            return false;
                        case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access }
                            when MutableCollections.MutatingMethods.Contains(access.Name.Identifier.ValueText) && SyntaxNames.Names(access.Expression, name):
                            return false;
                        case ConditionalAccessExpressionSyntax { WhenNotNull: InvocationExpressionSyntax { Expression: MemberBindingExpressionSyntax binding } } conditional
                            when MutableCollections.MutatingMethods.Contains(binding.Name.Identifier.ValueText) && SyntaxNames.Names(conditional.Expression, name):
                            // `s_queue?.Clear()`, `s_queue?.Enqueue(…)`
                            return false;
                        case PrefixUnaryExpressionSyntax prefix when prefix.Operand is var operand && SyntaxNames.RootNames(operand, name)
                            && (prefix.IsKind(SyntaxKind.PreIncrementExpression) || prefix.IsKind(SyntaxKind.PreDecrementExpression)):
                            return false;
                        case PostfixUnaryExpressionSyntax postfix when SyntaxNames.RootNames(postfix.Operand, name)
                            && (postfix.IsKind(SyntaxKind.PostIncrementExpression) || postfix.IsKind(SyntaxKind.PostDecrementExpression)):
                            // `s_count++`; not the null-forgiving `s_factory!`, which reads.
                            return false;
                        case ArgumentSyntax argument when argument.RefKindKeyword.RawKind != 0 && SyntaxNames.RootNames(argument.Expression, name):
                            return false;
                    }
                }
            }
        }

        return true;
    }

    /// <summary>
    /// A plain value (<see cref="SymbolFacts.IsSimpleValueType"/>) that the writing instance did not choose: read from a
    /// service, the configuration or the machine, or computed by the program (<c>s_apiKey = config.ApiKey</c>,
    /// <c>s_useIPv6 = !HasRoutableIPv4Address()</c>). Whichever instance writes, the field holds what the process has.
    /// Constants are <see cref="IsSameValueWrite"/>'s question: one that differs between writes is a flag set and reset.
    /// </summary>
    public static bool IsPlainValueTheProcessHas(IAssignmentOperation assignment)
        => assignment is ISimpleAssignmentOperation
            && (assignment.Value.WithoutConversions().Type ?? assignment.Target.Type) is { } type && SymbolFacts.IsSimpleValueType(type)
            && !assignment.Value.ConstantValue.HasValue
            && !CarriesInstanceChosenValue(assignment.Value, assignment.Root(), depth: 0, givenOnly: false);

    /// <summary>
    /// The value holds something the writing instance was given or keeps: a plain-typed parameter
    /// (<c>s_culture ??= culture</c>) or a plain field or property of the instance itself, directly or through a local
    /// defined from one. A lazily initialized static that takes it keeps the first instance's choice for every later
    /// instance. The clock, <c>NewGuid</c> and own computations are not counted here: built once, they are meant for all.
    /// </summary>
    public static bool HoldsWhatTheInstanceWasGiven(IOperation value) => CarriesInstanceChosenValue(value, value.Root(), depth: 0, givenOnly: true);

    /// <summary>
    /// The value depends on this instance: a plain-typed parameter (<c>s_connectionString = connectionString</c>), a
    /// plain field or property of the instance itself, a call of its own methods, a framework value that differs at each read (the clock,
    /// <c>Guid.NewGuid()</c>, a random number), or a local defined from those. A parameter that is a service
    /// (<c>config.ApiKey</c>) gives what the process has, not what this instance chose. With
    /// <paramref name="givenOnly"/>, only what the instance was given or keeps counts (parameters, its own fields and
    /// properties, and locals defined from them), not its computations or the clock.
    /// </summary>
    private static bool CarriesInstanceChosenValue(IOperation value, IOperation root, int depth, bool givenOnly)
    {
        HashSet<IOperation>? followed = null;
        foreach (var node in value.DescendantsAndSelf())
        {
            if (followed is not null && followed.Contains(node))
            {
                continue;
            }

            switch (node)
            {
                case IPropertyReferenceOperation { Instance: ILocalReferenceOperation local } property when depth < 3
                    && IsBuiltInPlace(local.Local, root, out var creations):
                    // `details.OsType` of `var details = new LogOnDetails { UserName = _name };`: only what the
                    // creation puts into that property (its arguments, and the initializer's assignment of it) counts;
                    // a property it leaves alone holds the type's own value.
                    (followed ??= new HashSet<IOperation>()).Add(local);
                    foreach (var creation in creations)
                    {
                        if (PutsInto(creation, property.Property, root, depth, givenOnly))
                        {
                            return true;
                        }
                    }

                    break;
                case IParameterReferenceOperation parameter when SymbolFacts.IsSimpleValueType(parameter.Parameter.Type):
                    return true;
                // (`this`'s own, not the new object's in an initializer: `new Options { Indented = false }`.)
                case IMemberReferenceOperation { Instance: IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance }, Member: IFieldSymbol or IPropertySymbol } member
                    when member.Type is { } memberType && SymbolFacts.IsSimpleValueType(memberType):
                    return true;
                case ILocalReferenceOperation when givenOnly && depth >= 3:
                    break;
                case not ILocalReferenceOperation when givenOnly:
                    break;
                case IInvocationOperation { Instance: IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance } } call
                    when depth >= 3 || ComputesFromInstanceState(call, depth):
                    // The instance's own computation (`Render()`, `base.SizeOverhead(1)`) reading its state.
                    return true;
                case IPropertyReferenceOperation { Property.IsStatic: true } property when SymbolFacts.IsFrameworkAssembly(property.Property.ContainingAssembly):
                    return true;
                case IInvocationOperation { TargetMethod.IsStatic: true } call when SymbolFacts.IsFrameworkAssembly(call.TargetMethod.ContainingAssembly)
                    && call.TargetMethod.Name is "NewGuid" or "GetTimestamp" or "StartNew" or "GetInt32" or "GetRandomFileName" or "GetTempFileName":
                    return true;
                case IInvocationOperation { Instance: { } receiver } call when SymbolFacts.IsFrameworkAssembly(call.TargetMethod.ContainingAssembly) && receiver.Type?.Name == "Random":
                    return true;
                case ILocalReferenceOperation local:
                    if (depth >= 3)
                    {
                        return true;
                    }

                    foreach (var definition in root.LocalDefinitions(local.Local))
                    {
                        if (CarriesInstanceChosenValue(definition, root, depth + 1, givenOnly))
                        {
                            return true;
                        }
                    }

                    break;
            }
        }

        return false;
    }

    /// <summary>Every definition of the local is an object creation (<c>var details = new LogOnDetails { … };</c>).</summary>
    private static bool IsBuiltInPlace(ILocalSymbol local, IOperation root, out List<IObjectCreationOperation> creations)
    {
        creations = new List<IObjectCreationOperation>();
        foreach (var definition in root.LocalDefinitions(local))
        {
            if (definition.WithoutConversions() is not IObjectCreationOperation creation)
            {
                return false;
            }

            creations.Add(creation);
        }

        return creations.Count > 0;
    }

    /// <summary>The creation's arguments, or its initializer's assignment of <paramref name="property"/>, carry an instance-chosen value.</summary>
    private static bool PutsInto(IObjectCreationOperation creation, IPropertySymbol property, IOperation root, int depth, bool givenOnly)
    {
        foreach (var argument in creation.Arguments)
        {
            if (CarriesInstanceChosenValue(argument.Value, root, depth + 1, givenOnly))
            {
                return true;
            }
        }

        foreach (var initializer in creation.Initializer?.Initializers ?? ImmutableArray<IOperation>.Empty)
        {
            if (initializer is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation target } assignment)
            {
                if (SymbolEqualityComparer.Default.Equals(target.Property, property)
                    && CarriesInstanceChosenValue(assignment.Value, root, depth + 1, givenOnly))
                {
                    return true;
                }

                continue;
            }

            // Another kind of member initializer (a field, a nested initializer, a collection element): counted whole.
            if (CarriesInstanceChosenValue(initializer, root, depth + 1, givenOnly))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether an instance method of the type computes its result from the instance: its body (in the same file,
    /// where it can be read) refers to the instance other than to make a call whose result is dropped (logging
    /// through <c>_logger.Debug(…)</c>), or calls another such method. A body that cannot be read counts as reading
    /// the instance.
    /// </summary>
    private static bool ComputesFromInstanceState(IInvocationOperation call, int depth)
    {
        var method = call.TargetMethod;
        var model = call.SemanticModel;
        if (model is null || method.DeclaringSyntaxReferences.Length != 1
            || method.DeclaringSyntaxReferences[0].SyntaxTree != model.SyntaxTree
            || method.DeclaringSyntaxReferences[0].GetSyntax() is not BaseMethodDeclarationSyntax declaration
            || (declaration.Body ?? (SyntaxNode?)declaration.ExpressionBody) is not { } bodySyntax
            || model.GetOperation(bodySyntax) is not { } body)
        {
            return true;
        }

        foreach (var node in body.DescendantsAndSelf())
        {
            if (node is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance } && !IsInDroppedCall(node))
            {
                if (node.Parent is IInvocationOperation inner && inner.Instance == node)
                {
                    if (depth >= 2 || ComputesFromInstanceState(inner, depth + 1))
                    {
                        return true;
                    }

                    continue;
                }

                return true;
            }
        }

        return false;
    }

    /// <summary>Inside a statement that is a call whose result is not used (<c>_logger.Debug(…);</c>).</summary>
    private static bool IsInDroppedCall(IOperation operation)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is IExpressionStatementOperation { Operation: IInvocationOperation })
            {
                return true;
            }

            if (current is IBlockOperation)
            {
                return false;
            }
        }

        return false;
    }
}
