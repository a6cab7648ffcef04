using Microsoft.CodeAnalysis;
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
}
