using System;
using System.Collections.Generic;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace SharedStateAnalyzers.Model;

/// <summary>
/// Check-then-assign: the tests that find a field unset (<c>_x == null</c>, <c>_x is null</c>, <c>ReferenceEquals(_x, null)</c>,
/// <c>!_x.HasValue</c>, <c>_x ?? …</c>) and the assignments they gate, within one member body (a lambda or local
/// function is a boundary: its body runs later).
/// </summary>
internal static class LazyInitialization
{
    /// <summary>
    /// The operations that only let <paramref name="assignment"/> run once they have seen <paramref name="storage"/>
    /// unset, innermost first: an <c>if</c> whose condition tests the storage unset (assignment in its true branch)
    /// or set (assignment in its else branch), an earlier <c>if (_x != null) return _x;</c> in an enclosing block (or
    /// as the first statement of the <c>try</c> whose <c>catch</c> makes the assignment), or a <c>_x ?? (_x = …)</c>
    /// around it.
    /// </summary>
    public static List<IOperation> FindGoverningChecks(IOperation assignment, ISymbol storage)
    {
        var checks = new List<IOperation>();
        var child = assignment;
        for (var current = assignment.Parent; current is not null; child = current, current = current.Parent)
        {
            switch (current)
            {
                case IAnonymousFunctionOperation or ILocalFunctionOperation:
                    return checks;

                case IConditionalOperation conditional:
                    if ((child == conditional.WhenTrue && TestsUnset(conditional.Condition, storage))
                        || (child == conditional.WhenFalse && TestsSet(conditional.Condition, storage)))
                    {
                        checks.Add(conditional);
                    }

                    break;

                case ICoalesceOperation coalesce when child == coalesce.WhenNull && Refers(coalesce.Value, storage):
                    checks.Add(coalesce);
                    break;

                // A fallback in a `catch` of a `try` that opens with `if (_x != null) return _x;`: the failure came
                // after the field was seen unset (nothing before the check could throw).
                case ITryOperation attempt when child is ICatchClauseOperation
                    && attempt.Body.Operations.Length > 0
                    && attempt.Body.Operations[0] is IConditionalOperation { WhenFalse: null } opening
                    && AlwaysExits(opening.WhenTrue) && TestsSet(opening.Condition, storage):
                    checks.Add(opening);
                    break;

                case IBlockOperation block:
                    foreach (var statement in block.Operations)
                    {
                        if (statement == child)
                        {
                            break;
                        }

                        if (statement is IConditionalOperation { WhenFalse: null } early && AlwaysExits(early.WhenTrue) && TestsSet(early.Condition, storage))
                        {
                            checks.Add(early);
                        }
                    }

                    break;
            }
        }

        return checks;
    }

    /// <summary>
    /// <c>s_x = s_x ?? e</c>, <c>s_x = s_x != null ? s_x : e</c>, <c>s_x = s_x is null ? e : s_x</c>: the spelled-out
    /// forms of <c>s_x ??= e</c>. Returns <c>e</c>, the value stored when the field is unset.
    /// </summary>
    public static IOperation? SelfCoalescedValue(IAssignmentOperation assignment)
    {
        if (CacheStorage.GetReferencedStorage(assignment.Target) is not { } storage)
        {
            return null;
        }

        return assignment.Value.WithoutConversions() switch
        {
            ICoalesceOperation coalesce when Refers(coalesce.Value, storage) => coalesce.WhenNull,
            IConditionalOperation { WhenFalse: { } whenFalse } conditional
                when TestsSet(conditional.Condition, storage) && Refers(conditional.WhenTrue, storage) => whenFalse,
            IConditionalOperation { WhenFalse: { } whenFalse } conditional
                when TestsUnset(conditional.Condition, storage) && Refers(whenFalse, storage) => conditional.WhenTrue,
            _ => null,
        };
    }

    /// <summary>True when <paramref name="condition"/> being true means the storage was seen unset (null or default).</summary>
    public static bool TestsUnset(IOperation? condition, ISymbol storage)
    {
        // (A comparison whose operand's type does not resolve is converted to bool.)
        switch (condition?.WithoutConversions())
        {
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals } equals:
                return IsNullComparison(equals, storage);
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd } and:
                return TestsUnset(and.LeftOperand, storage) || TestsUnset(and.RightOperand, storage);
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                return TestsSet(not.Operand, storage) || IsHasValue(not.Operand, storage);
            case IIsPatternOperation isPattern when Refers(isPattern.Value, storage):
                return IsNullPattern(isPattern.Pattern) || (isPattern.Pattern is INegatedPatternOperation negated && IsNotNullPattern(negated.Pattern));
            case IInvocationOperation invocation:
                return IsReferenceEqualsNull(invocation, storage);
            default:
                return false;
        }
    }

    /// <summary>True when <paramref name="condition"/> being false means the storage was seen unset.</summary>
    public static bool TestsSet(IOperation? condition, ISymbol storage)
    {
        condition = condition?.WithoutConversions();
        switch (condition)
        {
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.NotEquals } notEquals:
                return IsNullComparison(notEquals, storage);
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr } or:
                return TestsSet(or.LeftOperand, storage) || TestsSet(or.RightOperand, storage);
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                return TestsUnset(not.Operand, storage);
            case IIsPatternOperation isPattern when Refers(isPattern.Value, storage):
                return IsNotNullPattern(isPattern.Pattern) || (isPattern.Pattern is INegatedPatternOperation negated && IsNullPattern(negated.Pattern));
            default:
                return IsHasValue(condition, storage);
        }
    }

    /// <summary>The operation reads <paramref name="storage"/> (of this instance, for an instance field), through conversions.</summary>
    public static bool Refers(IOperation? operation, ISymbol storage)
    {
        operation = operation?.WithoutConversions();

        var referenced = CacheStorage.GetReferencedStorage(operation);
        if (referenced is null || !SymbolEqualityComparer.Default.Equals(referenced, storage))
        {
            return false;
        }

        var instance = operation switch
        {
            IFieldReferenceOperation field => field.Instance,
            IPropertyReferenceOperation property => property.Instance,
            _ => null,
        };

        return storage.IsStatic || instance is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance };
    }

    /// <summary>
    /// Values that are cheap and the same whichever thread computes them, so building them twice is harmless: constants,
    /// strings, primitives and enums, delegates made from a lambda or method, anything derived from <c>typeof(…)</c>,
    /// <c>Array.Empty&lt;T&gt;()</c>; and a parameter
    /// (a "first caller wins" registration, not a construction).
    /// </summary>
    public static bool IsHarmlessToBuildTwice(IOperation value)
    {
        value = value.WithoutConversions();

        // A delegate built twice from the same lambda or method behaves the same. A parameter, or the object itself
        // (`s_current ??= this` in a constructor), is stored, not built.
        if (value.ConstantValue.HasValue || value is IParameterReferenceOperation or IInstanceReferenceOperation or IDelegateCreationOperation or IAnonymousFunctionOperation
            || value.Type is null || SymbolFacts.IsSimpleValueType(value.Type))
        {
            return true;
        }

        if (value is IInvocationOperation { TargetMethod: { Name: "Empty", ContainingType: { Name: "Array", ContainingNamespace.Name: "System" } } })
        {
            return true;
        }

        // typeof(X).Name, typeof(X).GetMethod("M"), typeof(X).Assembly.GetName()
        var current = value;
        while (true)
        {
            switch (current)
            {
                case ITypeOfOperation:
                    return true;
                case IConversionOperation conversion:
                    current = conversion.Operand;
                    continue;
                case IPropertyReferenceOperation { Instance: { } instance }:
                    current = instance;
                    continue;
                case IFieldReferenceOperation { Instance: { } instance }:
                    current = instance;
                    continue;
                case IInvocationOperation { Instance: { } instance }:
                    current = instance;
                    continue;
                case IInvocationOperation { TargetMethod.IsExtensionMethod: true, Arguments.Length: > 0 } extension:
                    current = extension.Arguments[0].Value;
                    continue;
                default:
                    return false;
            }
        }
    }

    private static bool IsNullComparison(IBinaryOperation binary, ISymbol storage)
        => (Refers(binary.LeftOperand, storage) && IsUnsetValue(binary.RightOperand, storage))
            || (Refers(binary.RightOperand, storage) && IsUnsetValue(binary.LeftOperand, storage));

    /// <summary>
    /// Null or default; for a number or an enum, also the constant the field starts with (<c>static long s_size = -1;</c>
    /// … <c>if (s_size == -1)</c>, <c>static OsType s_os = OsType.Unknown;</c> … <c>if (s_os == OsType.Unknown)</c>): a
    /// sentinel that means "not computed yet".
    /// </summary>
    private static bool IsUnsetValue(IOperation operation, ISymbol storage)
    {
        if (OperationFacts.IsNullOrDefault(operation))
        {
            return true;
        }

        operation = operation.WithoutConversions();
        if (operation.ConstantValue is not { HasValue: true, Value: { } sentinel } || !IsNumber(sentinel)
            || CacheStorage.GetDeclaredType(storage) is not { } type || storage.DeclaringSyntaxReferences.Length != 1)
        {
            return false;
        }

        var initializer = storage.DeclaringSyntaxReferences[0].GetSyntax() switch
        {
            VariableDeclaratorSyntax variable => variable.Initializer,
            PropertyDeclarationSyntax property => property.Initializer,
            _ => null,
        };

        if (initializer is null)
        {
            // Starts at its default: 0, or the enum member worth 0.
            return (SymbolFacts.IsNumeric(type) || type.TypeKind == TypeKind.Enum) && Convert.ToDecimal(sentinel, CultureInfo.InvariantCulture) == 0m;
        }

        if (type.TypeKind == TypeKind.Enum)
        {
            // The same member, written the same way: `OsType.Unknown`.
            return operation.Syntax is MemberAccessExpressionSyntax or IdentifierNameSyntax
                && SyntaxFactory.AreEquivalent(operation.Syntax, initializer.Value);
        }

        return SymbolFacts.IsNumeric(type) && InitialLiteral(initializer.Value) is { } initial
            && Convert.ToDecimal(sentinel, CultureInfo.InvariantCulture) == initial;
    }

    /// <summary>A numeric literal, optionally negated.</summary>
    private static decimal? InitialLiteral(ExpressionSyntax value)
    {
        var negate = false;
        if (value is PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.UnaryMinusExpression } minus)
        {
            negate = true;
            value = minus.Operand;
        }

        return value is LiteralExpressionSyntax { Token.Value: { } literal } && IsNumber(literal)
            ? (negate ? -1 : 1) * Convert.ToDecimal(literal, CultureInfo.InvariantCulture)
            : null;
    }

    private static bool IsNumber(object value)
        => value is sbyte or byte or short or ushort or int or uint or long or ulong or float or double or decimal;

    private static bool IsNullPattern(IPatternOperation pattern)
        => pattern is IConstantPatternOperation constant && OperationFacts.IsNullOrDefault(constant.Value);

    /// <summary><c>{ }</c>, <c>{ } x</c>, <c>not null</c> or <c>object</c>: matches any non-null value.</summary>
    private static bool IsNotNullPattern(IPatternOperation pattern) => pattern switch
    {
        IRecursivePatternOperation { DeconstructionSubpatterns.Length: 0, PropertySubpatterns.Length: 0 } => true,
        INegatedPatternOperation negated => IsNullPattern(negated.Pattern),
        ITypePatternOperation { MatchedType.SpecialType: SpecialType.System_Object } => true,
        _ => false,
    };

    private static bool IsHasValue(IOperation? operation, ISymbol storage)
        => operation is IPropertyReferenceOperation { Property.Name: "HasValue" } hasValue && Refers(hasValue.Instance, storage);

    private static bool IsReferenceEqualsNull(IInvocationOperation invocation, ISymbol storage)
        => invocation.TargetMethod is { Name: "ReferenceEquals", ContainingType.SpecialType: SpecialType.System_Object }
            && invocation.Arguments.Length == 2
            && ((Refers(invocation.Arguments[0].Value, storage) && OperationFacts.IsNullOrDefault(invocation.Arguments[1].Value))
                || (Refers(invocation.Arguments[1].Value, storage) && OperationFacts.IsNullOrDefault(invocation.Arguments[0].Value)));

    private static bool AlwaysExits(IOperation operation)
    {
        while (operation is IBlockOperation { Operations.Length: > 0 } block)
        {
            operation = block.Operations[block.Operations.Length - 1];
        }

        return operation is IReturnOperation or IThrowOperation || (operation is IExpressionStatementOperation { Operation: IThrowOperation });
    }
}
