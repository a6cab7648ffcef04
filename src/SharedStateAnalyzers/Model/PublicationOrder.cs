using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace SharedStateAnalyzers.Model;

/// <summary>
/// Whether a lazily assigned field is changed after the assignment that publishes it, within the code its check
/// gates: its contents filled (<c>_map[key] = value</c>, <c>_map.Add(…)</c>) or a member of its value set
/// (<c>_settings.Name = …</c>), there or in a method of the field's own type called there (one call deep, read from
/// syntax). Until the change, any thread that reads the field sees the value half built.
/// </summary>
internal static class PublicationOrder
{
    public static bool IsChangedAfter(IAssignmentOperation assignment, IConditionalOperation? check, ISymbol storage, CancellationToken cancellationToken)
    {
        var region = check?.WhenTrue ?? EnclosingBlock(assignment);
        if (region is null)
        {
            return false;
        }

        var published = assignment.Syntax.Span.End;
        foreach (var operation in region.Descendants())
        {
            if (operation.Syntax.SpanStart < published)
            {
                continue;
            }

            switch (operation)
            {
                case IFieldReferenceOperation or IPropertyReferenceOperation when LazyInitialization.Refers(operation, storage):
                    if (ThreadUnsafeCollections.IsMutatedBy(operation) || IsMemberSet(operation))
                    {
                        return true;
                    }

                    break;

                case IInvocationOperation invocation when IsOwnHelper(invocation, storage) && HelperChanges(invocation.TargetMethod, storage.Name, cancellationToken):
                    return true;

                case IInvalidOperation { Syntax: InvocationExpressionSyntax call } when storage.ContainingType is { } owner:
                    // A call that does not bind (an argument of a type the compilation cannot resolve): the type's
                    // own methods of that name are read instead.
                    foreach (var method in SymbolFacts.OwnMethodsNamedBy(call, owner))
                    {
                        if (!method.IsAbstract && HelperChanges(method, storage.Name, cancellationToken))
                        {
                            return true;
                        }
                    }

                    break;
            }
        }

        return false;
    }

    private static IOperation? EnclosingBlock(IOperation operation)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is IBlockOperation)
            {
                return current;
            }

            if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return null;
            }
        }

        return null;
    }

    /// <summary><c>_settings.Name = …</c>: a member of the referenced value is assigned.</summary>
    private static bool IsMemberSet(IOperation reference)
    {
        var operation = reference;
        while (operation.Parent is IConversionOperation conversion)
        {
            operation = conversion;
        }

        return operation.Parent is IMemberReferenceOperation member && member.Parent is IAssignmentOperation assignment && assignment.Target == member
            && member switch
            {
                IPropertyReferenceOperation property => property.Instance == operation,
                IFieldReferenceOperation field => field.Instance == operation,
                _ => false,
            };
    }

    /// <summary>A method of the field's own type, declared in source, called on the type or on this instance.</summary>
    private static bool IsOwnHelper(IInvocationOperation invocation, ISymbol storage)
        => SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.ContainingType?.OriginalDefinition, storage.ContainingType?.OriginalDefinition)
            && !invocation.TargetMethod.IsAbstract
            && invocation.Instance is null or IInstanceReferenceOperation
            && invocation.TargetMethod.DeclaringSyntaxReferences.Length > 0;

    /// <summary>The method's body changes the contents of the field named <paramref name="name"/> or sets one of its members.</summary>
    private static bool HelperChanges(IMethodSymbol method, string name, CancellationToken cancellationToken)
    {
        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            foreach (var node in reference.GetSyntax(cancellationToken).DescendantNodes())
            {
                if (node is not IdentifierNameSyntax identifier || identifier.Identifier.ValueText != name)
                {
                    continue;
                }

                // `_map`, `this._map` or `Owner._map`, also as `_map!` or `(_map)`
                ExpressionSyntax field = identifier.Parent is MemberAccessExpressionSyntax qualified && qualified.Name == identifier ? qualified : identifier;
                while (field.Parent is ParenthesizedExpressionSyntax or PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.SuppressNullableWarningExpression })
                {
                    field = (ExpressionSyntax)field.Parent;
                }

                switch (field.Parent)
                {
                    case ElementAccessExpressionSyntax element when element.Expression == field
                        && element.Parent is AssignmentExpressionSyntax elementWrite && elementWrite.Left == element:
                        return true;

                    case MemberAccessExpressionSyntax access when access.Expression == field:
                        if ((access.Parent is InvocationExpressionSyntax call && call.Expression == access && MutableCollections.MutatingMethods.Contains(access.Name.Identifier.ValueText))
                            || (access.Parent is AssignmentExpressionSyntax memberWrite && memberWrite.Left == access))
                        {
                            return true;
                        }

                        break;
                }
            }
        }

        return false;
    }
}
