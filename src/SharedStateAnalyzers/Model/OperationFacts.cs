using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace SharedStateAnalyzers.Model;

/// <summary>Small facts about operation trees that several models and rules ask.</summary>
internal static class OperationFacts
{
    /// <summary>The operand under any implicit or explicit conversions: what a cast or boxing was applied to.</summary>
    public static IOperation WithoutConversions(this IOperation operation)
    {
        while (operation is IConversionOperation conversion)
        {
            operation = conversion.Operand;
        }

        return operation;
    }

    /// <summary>
    /// The field or property <paramref name="operation"/> changes: the target of an assignment or increment, the owner
    /// of an element or indexer it assigns, the receiver of a mutating collection call, or a field passed by reference.
    /// </summary>
    public static IMemberReferenceOperation? ChangedMember(IOperation operation) => operation switch
    {
        IAssignmentOperation assignment => ChangedTarget(assignment.Target),
        IIncrementOrDecrementOperation increment => ChangedTarget(increment.Target),
        IInvocationOperation { Instance: { } receiver } call when MutableCollections.MutatingMethods.Contains(call.TargetMethod.Name)
            => receiver.WithoutConversions() as IMemberReferenceOperation,
        IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument => argument.Value.WithoutConversions() as IFieldReferenceOperation,
        _ => null,
    };

    private static IMemberReferenceOperation? ChangedTarget(IOperation target) => target.WithoutConversions() switch
    {
        IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } owner } => owner.WithoutConversions() as IMemberReferenceOperation,
        IArrayElementReferenceOperation element => element.ArrayReference.WithoutConversions() as IMemberReferenceOperation,
        IMemberReferenceOperation member => member,
        _ => null,
    };

    /// <summary><c>this</c> (not an object initializer's implicit receiver), through conversions.</summary>
    public static bool IsThis(IOperation operation)
        => operation.WithoutConversions() is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance };

    /// <summary>A member of the instance whose code this is: <c>_items</c>, <c>this.Count</c>.</summary>
    public static bool IsOnThisInstance(IMemberReferenceOperation member) => member.Instance is { } instance && IsThis(instance);

    /// <summary>The values <paramref name="local"/> is given within <paramref name="root"/>: its initializer and the assignments to it.</summary>
    public static IEnumerable<IOperation> LocalDefinitions(this IOperation root, ILocalSymbol local)
    {
        foreach (var node in root.Descendants())
        {
            switch (node)
            {
                case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local) && declarator.Initializer is { } initializer:
                    yield return initializer.Value;
                    break;
                case IAssignmentOperation { Target: ILocalReferenceOperation target } assignment when SymbolEqualityComparer.Default.Equals(target.Local, local):
                    yield return assignment.Value;
                    break;
            }
        }
    }

    /// <summary>Inside a lambda or local function: code that runs later, outside what encloses it.</summary>
    public static bool IsInsideLambda(this IOperation operation)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Inside a lambda or local function that may run at another time: not a lambda passed straight to a <c>ForEach</c>
    /// (<c>list.ForEach(x =&gt; …)</c>), which runs right there, on the calling thread, as part of the member's own body.
    /// </summary>
    public static bool IsInsideDeferredFunction(this IOperation operation)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is ILocalFunctionOperation
                || (current is IAnonymousFunctionOperation lambda
                    && !(lambda.Syntax is AnonymousFunctionExpressionSyntax syntax && CallSites.IsRunInPlaceByForEach(syntax))))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Inside a loop, in its own member or around the lambda or local function that holds it: it may run many times.</summary>
    public static bool IsInsideALoop(this IOperation operation)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is ILoopOperation)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The branch does nothing but leave: <c>return …;</c> or <c>throw …;</c>, alone or in a block.</summary>
    public static bool ExitsOnly(IOperation branch)
        => branch switch
        {
            IReturnOperation or IThrowOperation => true,
            IExpressionStatementOperation { Operation: IThrowOperation } => true,
            IBlockOperation { Operations.Length: 1 } block => ExitsOnly(block.Operations[0]),
            _ => false,
        };

    /// <summary><c>null</c> or <c>default</c>, through conversions.</summary>
    public static bool IsNullOrDefault(IOperation operation)
    {
        operation = operation.WithoutConversions();

        return operation is IDefaultValueOperation || (operation.ConstantValue.HasValue && operation.ConstantValue.Value is null);
    }

    /// <summary>The object a call works on: its instance, or an extension method's first argument (<c>map.GetValueOrDefault(key)</c>).</summary>
    public static IOperation? Receiver(this IInvocationOperation invocation)
        => invocation.Instance ?? (invocation.TargetMethod.IsExtensionMethod && invocation.Arguments.Length > 0 ? invocation.Arguments[0].Value : null);

    /// <summary>The operation reads <paramref name="local"/> (through conversions).</summary>
    public static bool IsReferenceTo(this IOperation operation, ILocalSymbol local)
        => operation.WithoutConversions() is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local);

    /// <summary>The operation, or one inside it, reads <paramref name="local"/>.</summary>
    public static bool Mentions(this IOperation operation, ILocalSymbol local)
    {
        foreach (var node in operation.DescendantsAndSelf())
        {
            if (node is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The outermost operation above <paramref name="operation"/>: the body, initializer or attribute it belongs to.</summary>
    public static IOperation Root(this IOperation operation)
    {
        while (operation.Parent is not null)
        {
            operation = operation.Parent;
        }

        return operation;
    }

    /// <summary>The conditional access whose <c>WhenNotNull</c> part holds <paramref name="instance"/> (<c>x?.M()</c>: the <c>x?</c>).</summary>
    public static IConditionalAccessOperation? ConditionalAccess(this IConditionalAccessInstanceOperation instance)
    {
        IOperation child = instance;
        for (var current = instance.Parent; current is not null; child = current, current = current.Parent)
        {
            if (current is IConditionalAccessOperation access && access.WhenNotNull == child)
            {
                return access;
            }
        }

        return null;
    }
}
