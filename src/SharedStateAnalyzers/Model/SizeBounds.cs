using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace SharedStateAnalyzers.Model;

/// <summary>
/// Caches with an explicit size bound: an insertion into a collection made only when its <c>Count</c> is compared with
/// a limit — under <c>if (cache.Count &lt; MaxEntries)</c>, or after <c>if (cache.Count &gt;= MaxEntries) return …;</c> in
/// the same member. Such a cache does not grow without bound.
/// </summary>
internal static class SizeBounds
{
    public static bool IsInsertionBounded(IOperation insertion, ISymbol collection)
    {
        for (var current = insertion.Parent; current is not null; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return false;
            }

            if (current is IConditionalOperation conditional && ComparesCount(conditional.Condition, collection))
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
                && ComparesCount(guard.Condition, collection))
            {
                return true;
            }
        }

        return false;
    }

    private static bool ComparesCount(IOperation condition, ISymbol collection)
    {
        foreach (var node in condition.DescendantsAndSelf())
        {
            if (node is IBinaryOperation
                {
                    OperatorKind: BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual
                        or BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual,
                } comparison
                && ((IsCountOf(comparison.LeftOperand, collection) && IsLimit(comparison.RightOperand))
                    || (IsCountOf(comparison.RightOperand, collection) && IsLimit(comparison.LeftOperand))))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A limit, not an emptiness test: anything but the constants 0 and 1.</summary>
    private static bool IsLimit(IOperation operand)
        => operand.ConstantValue is not { HasValue: true, Value: 0 or 1 };

    private static bool IsCountOf(IOperation operand, ISymbol collection)
        => operand.WithoutConversions() is IPropertyReferenceOperation { Property.Name: "Count" } count
            && SymbolEqualityComparer.Default.Equals(CacheStorage.GetReferencedStorage(count.Instance), collection);
}
