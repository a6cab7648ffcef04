using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace SharedStateAnalyzers.Model;

/// <summary>
/// Caches with an explicit size bound: an insertion into a collection made only when its size is compared with a
/// limit — under <c>if (cache.Count &lt; MaxEntries)</c>, or after <c>if (cache.Count &gt;= MaxEntries) return …;</c> in
/// the same member. The size is its <c>Count</c> (or that of its <c>Keys</c> or <c>Values</c>), LINQ's <c>Count()</c>,
/// or a <c>Sum</c> over it (a byte budget: <c>cache.Values.Sum(v =&gt; v.Length) &gt;= MaxBytes</c>); or a flag kept
/// from such a comparison (<c>if (!s_accepting) return data;</c> where every write of the private flag is
/// <c>s_accepting = cache.Count &lt; Max</c>). Such a cache does not grow without bound.
/// </summary>
internal static class SizeBounds
{
    public static bool IsInsertionBounded(IOperation insertion, ISymbol collection, CancellationToken cancellationToken = default)
    {
        for (var current = insertion.Parent; current is not null; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return false;
            }

            if (current is IConditionalOperation conditional && Bounds(conditional.Condition, collection, cancellationToken))
            {
                return true;
            }
        }

        // An early exit before the insertion: `if (cache.Count >= Max) return value;`.
        foreach (var node in insertion.Root().Descendants())
        {
            if (node is IConditionalOperation { WhenFalse: null } guard
                && guard.Syntax.SpanStart < insertion.Syntax.SpanStart
                && OperationFacts.ExitsOnly(guard.WhenTrue)
                && Bounds(guard.Condition, collection, cancellationToken))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Bounds(IOperation condition, ISymbol collection, CancellationToken cancellationToken)
        => ComparesSize(condition, collection) || TestsASizeFlag(condition, collection, cancellationToken);

    private static bool ComparesSize(IOperation condition, ISymbol collection)
    {
        foreach (var node in condition.DescendantsAndSelf())
        {
            if (node is IBinaryOperation
                {
                    OperatorKind: BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual
                        or BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual,
                } comparison
                && ((IsSizeOf(comparison.LeftOperand, collection) && IsLimit(comparison.RightOperand))
                    || (IsSizeOf(comparison.RightOperand, collection) && IsLimit(comparison.LeftOperand))))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A limit, not an emptiness test: anything but the constants 0 and 1 (of any numeric type: <c>Sum(…) &gt; 0</c> compares a <c>long</c>).</summary>
    private static bool IsLimit(IOperation operand)
        => operand.ConstantValue is not { HasValue: true, Value: { } value } || !IsZeroOrOne(value);

    private static bool IsZeroOrOne(object value) => value switch
    {
        int number => number is 0 or 1,
        long number => number is 0 or 1,
        uint number => number is 0 or 1,
        ulong number => number is 0 or 1,
        short number => number is 0 or 1,
        ushort number => number is 0 or 1,
        byte number => number is 0 or 1,
        sbyte number => number is 0 or 1,
        double number => number is 0 or 1,
        float number => number is 0 or 1,
        decimal number => number is 0 or 1,
        _ => false,
    };

    /// <summary><c>cache.Count</c>, <c>cache.Keys.Count</c>, <c>cache.Count()</c>, <c>cache.Values.Sum(…)</c>.</summary>
    private static bool IsSizeOf(IOperation operand, ISymbol collection)
    {
        switch (operand.WithoutConversions())
        {
            case IPropertyReferenceOperation { Property.Name: "Count", Instance: { } counted }:
                return IsTheCollection(counted, collection);
            case IInvocationOperation { TargetMethod.Name: "Count" or "LongCount" or "Sum" } measured:
                var receiver = measured.Receiver();
                return receiver is not null && IsTheCollection(receiver, collection);
            default:
                return false;
        }
    }

    /// <summary>The collection, or its <c>Keys</c> or <c>Values</c>.</summary>
    private static bool IsTheCollection(IOperation operation, ISymbol collection)
    {
        operation = operation.WithoutConversions();
        if (operation is IPropertyReferenceOperation { Property.Name: "Keys" or "Values", Instance: { } owner })
        {
            operation = owner.WithoutConversions();
        }

        return SymbolEqualityComparer.Default.Equals(CacheStorage.GetReferencedStorage(operation), collection);
    }

    /// <summary>
    /// The condition reads a private <c>bool</c> field or property (or one with a private setter) that every write
    /// in its type sets to a comparison of the collection's size with a limit: the flag says whether the budget is
    /// spent. Its initializer may be a constant; a write of anything else (<c>s_accepting = true</c> in a
    /// <c>Resume()</c>) means the flag is not the bound.
    /// </summary>
    private static bool TestsASizeFlag(IOperation condition, ISymbol collection, CancellationToken cancellationToken)
    {
        foreach (var node in condition.DescendantsAndSelf())
        {
            if (node is IFieldReferenceOperation or IPropertyReferenceOperation
                && node.Type?.SpecialType == SpecialType.System_Boolean
                && CacheStorage.GetReferencedStorage(node) is { } flag
                && node.SemanticModel?.Compilation is { } compilation
                && IsSizeFlag(flag, collection, compilation, cancellationToken))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsSizeFlag(ISymbol flag, ISymbol collection, Compilation compilation, CancellationToken cancellationToken)
    {
        var writable = flag switch
        {
            IFieldSymbol field => field.DeclaredAccessibility == Accessibility.Private,
            IPropertySymbol { IsIndexer: false } property => CacheStorage.IsAutoProperty(property)
                && (property.DeclaredAccessibility == Accessibility.Private || property.SetMethod is { DeclaredAccessibility: Accessibility.Private }),
            _ => false,
        };

        if (!writable || flag.ContainingType is not { } type)
        {
            return false;
        }

        var bounded = false;
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            foreach (var node in reference.GetSyntax(cancellationToken).DescendantNodes())
            {
                if (SyntaxNames.WrittenBy(node) is not { } written || !SyntaxNames.NamesOrDeconstructsInto(written, flag.Name))
                {
                    continue;
                }

                if (node is not AssignmentExpressionSyntax assignment || written is TupleExpressionSyntax
                    || SemanticModelCache.OperationOf(compilation, assignment, cancellationToken) is not IAssignmentOperation write)
                {
                    return false;
                }

                if (!SymbolEqualityComparer.Default.Equals(CacheStorage.GetReferencedStorage(write.Target.WithoutConversions()), flag))
                {
                    continue;
                }

                if (write is not ISimpleAssignmentOperation || !ComparesSize(write.Value, collection))
                {
                    return false;
                }

                bounded = true;
            }
        }

        return bounded;
    }
}
