using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SharedStateAnalyzers.Model;

/// <summary>
/// Name matches read from syntax alone, where binding would cost more than the question is worth: a name spelled like a
/// member may be a same-named local, which only makes the callers' answers more cautious.
/// </summary>
internal static class SyntaxNames
{
    /// <summary>The called name of an invocation: <c>M()</c>, <c>x.M()</c>, <c>x?.M()</c>; null for other callees.</summary>
    public static string? CalleeName(InvocationExpressionSyntax invocation) => invocation.Expression switch
    {
        SimpleNameSyntax name => name.Identifier.ValueText,
        MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
        MemberBindingExpressionSyntax binding => binding.Name.Identifier.ValueText,
        _ => null,
    };

    /// <summary>The type's own name without namespace or alias: <c>Cache</c> for <c>Acme.Cache</c>, <c>Cache&lt;T&gt;</c> or <c>Cache?</c>.</summary>
    public static string? RightmostName(TypeSyntax type) => type switch
    {
        SimpleNameSyntax simple => simple.Identifier.ValueText,
        QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
        AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText,
        NullableTypeSyntax nullable => RightmostName(nullable.ElementType),
        _ => null,
    };

    /// <summary><c>name</c> or <c>x.name</c>.</summary>
    public static bool Names(ExpressionSyntax expression, string name) => expression switch
    {
        IdentifierNameSyntax identifier => identifier.Identifier.ValueText == name,
        MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText == name,
        _ => false,
    };

    /// <summary>
    /// The expression <paramref name="node"/> writes: the left side of an assignment (compound and <c>??=</c> included),
    /// the operand of <c>++</c> or <c>--</c>, a <c>ref</c> or <c>out</c> argument; null for a node that writes nothing.
    /// </summary>
    public static ExpressionSyntax? WrittenBy(SyntaxNode node) => node switch
    {
        AssignmentExpressionSyntax assignment => assignment.Left,
        PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PreIncrementExpression or (int)SyntaxKind.PreDecrementExpression } prefix => prefix.Operand,
        PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PostIncrementExpression or (int)SyntaxKind.PostDecrementExpression } postfix => postfix.Operand,
        ArgumentSyntax { RefKindKeyword.RawKind: (int)SyntaxKind.RefKeyword or (int)SyntaxKind.OutKeyword } argument => argument.Expression,
        _ => null,
    };

    /// <summary><see cref="Names"/>, or a tuple that deconstructs into the name: <c>(_width, width) = …</c>.</summary>
    public static bool NamesOrDeconstructsInto(ExpressionSyntax written, string name)
    {
        if (written is TupleExpressionSyntax tuple)
        {
            foreach (var argument in tuple.Arguments)
            {
                if (NamesOrDeconstructsInto(argument.Expression, name))
                {
                    return true;
                }
            }

            return false;
        }

        return Names(written, name);
    }

    /// <summary>The expression is the name, or a member or element of something the name holds.</summary>
    public static bool RootNames(ExpressionSyntax expression, string name)
    {
        for (var current = expression; ;)
        {
            if (Names(current, name))
            {
                return true;
            }

            switch (current)
            {
                case MemberAccessExpressionSyntax access:
                    current = access.Expression;
                    break;
                case ElementAccessExpressionSyntax element:
                    current = element.Expression;
                    break;
                case ParenthesizedExpressionSyntax parenthesized:
                    current = parenthesized.Expression;
                    break;
                default:
                    return false;
            }
        }
    }
}
