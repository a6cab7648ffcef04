using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace SharedStateAnalyzers.Model;

/// <summary>
/// Entries that carry their own expiry: the inserted value holds a time read from the clock
/// (<c>(url, DateTime.UtcNow.AddHours(1))</c>, <c>new Entry(value, DateTimeOffset.UtcNow)</c>), and the member that
/// inserts compares a time with the clock before it trusts what it found (<c>if (expires &gt; DateTime.UtcNow) return
/// url;</c>). Such a memo re-reads each entry after a bounded time, which is what the rules' expiration fix makes.
/// </summary>
internal static class Expiry
{
    public static bool IsStampedInsertion(IOperation value)
    {
        if (!ReadsTheClock(value))
        {
            return false;
        }

        foreach (var node in value.Root().Descendants())
        {
            if (node is IBinaryOperation
                {
                    OperatorKind: BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual
                        or BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual,
                } comparison
                && (ReadsTheClock(comparison.LeftOperand) != ReadsTheClock(comparison.RightOperand)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The operation reads the current time: <c>DateTime.UtcNow</c>/<c>Now</c>, <c>DateTimeOffset.UtcNow</c>/<c>Now</c>, <c>TimeProvider.GetUtcNow()</c>, <c>Environment.TickCount64</c>, <c>Stopwatch.GetTimestamp()</c>.</summary>
    private static bool ReadsTheClock(IOperation operation)
    {
        foreach (var node in operation.DescendantsAndSelf())
        {
            var (name, type) = node switch
            {
                IPropertyReferenceOperation { Property: { IsStatic: true } property } => (property.Name, property.ContainingType),
                IInvocationOperation { TargetMethod: var method } => (method.Name, method.ContainingType),
                _ => (null, null),
            };

            if (name is null || type?.ContainingNamespace?.ToDisplayString() is not ("System" or "System.Diagnostics"))
            {
                continue;
            }

            switch (type.Name, name)
            {
                case ("DateTime" or "DateTimeOffset", "UtcNow" or "Now"):
                case ("TimeProvider", "GetUtcNow" or "GetLocalNow" or "GetTimestamp"):
                case ("Environment", "TickCount" or "TickCount64"):
                case ("Stopwatch", "GetTimestamp"):
                    return true;
            }
        }

        return false;
    }
}
