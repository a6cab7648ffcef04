using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace SharedStateAnalyzers.Model;

/// <summary>
/// A map of the last value seen per key, kept to notice changes: the member reads the current value first, on every
/// pass, then looks up the previous one only to compare it with what it just read, and stores the new one
/// (<c>var now = await ReadAsync(host); if (s_last.TryGetValue(host, out var before) &amp;&amp; before == now) continue;
/// s_last[host] = now;</c>). A hit never stands in for the read, so the map is no memo and cannot go stale.
/// </summary>
internal static class ChangeDetection
{
    /// <summary>
    /// True when <paramref name="inserted"/> is a local that holds a value read once, in a statement of a block that
    /// runs before every lookup of <paramref name="storage"/> in the same member, and each of those lookups only
    /// compares the stored entry with that local (<c>==</c>, <c>!=</c>, <c>Equals</c>).
    /// </summary>
    public static bool IsLastValueSeen(IOperation inserted, ISymbol storage, CancellationToken cancellationToken)
    {
        if (inserted.WithoutConversions() is not ILocalReferenceOperation { Local: var fresh } || inserted.IsInsideLambda())
        {
            return false;
        }

        var root = inserted.Root();
        IOperation? definition = null;
        foreach (var candidate in root.LocalDefinitions(fresh))
        {
            if (definition is not null)
            {
                return false;
            }

            definition = candidate;
        }

        if (definition?.Syntax.FirstAncestorOrSelf<StatementSyntax>() is not { Parent: BlockSyntax block } readStatement)
        {
            return false;
        }

        var lookups = 0;
        foreach (var operation in root.Descendants())
        {
            cancellationToken.ThrowIfCancellationRequested();
            IOperation? lookup = operation switch
            {
                IInvocationOperation invocation when KeyedCollections.ClassifyMethod(invocation.TargetMethod.Name) == CollectionAccess.Lookup
                    && IsStorage(invocation.Receiver(), storage)
                    => invocation,
                IPropertyReferenceOperation { Property.IsIndexer: true } indexer when IsStorage(indexer.Instance, storage)
                    && !(indexer.Parent is IAssignmentOperation assignment && assignment.Target == indexer)
                    => indexer,
                _ => null,
            };

            if (lookup is null)
            {
                continue;
            }

            if (!block.Span.Contains(lookup.Syntax.Span) || lookup.Syntax.SpanStart < readStatement.Span.End || !OnlyCompares(lookup, fresh, root))
            {
                return false;
            }

            lookups++;
        }

        return lookups > 0;
    }

    private static bool IsStorage(IOperation? receiver, ISymbol storage)
        => CacheStorage.GetReferencedStorage(receiver) is { } referenced && SymbolEqualityComparer.Default.Equals(referenced, storage);

    /// <summary>The lookup's entry is used only in comparisons with <paramref name="fresh"/>.</summary>
    private static bool OnlyCompares(IOperation lookup, ILocalSymbol fresh, IOperation root)
    {
        if (lookup is IInvocationOperation { TargetMethod.Name: "TryGetValue" } tryGet)
        {
            var entry = KeyedCollections.OutLocal(tryGet);
            if (entry is null)
            {
                return false;
            }

            var compared = false;
            foreach (var operation in root.Descendants())
            {
                if (operation is not ILocalReferenceOperation reference || !SymbolEqualityComparer.Default.Equals(reference.Local, entry)
                    || reference.Parent is IDeclarationExpressionOperation || reference.Parent is IArgumentOperation { Parent: var call } && call == tryGet)
                {
                    continue;
                }

                if (!IsComparedWith(reference, fresh))
                {
                    return false;
                }

                compared = true;
            }

            return compared;
        }

        return lookup is IPropertyReferenceOperation || lookup is IInvocationOperation { TargetMethod.Name: "GetValueOrDefault" }
            ? IsComparedWith(lookup, fresh)
            : false;
    }

    /// <summary><paramref name="operand"/> is one side of <c>==</c>, <c>!=</c> or an <c>Equals</c> call whose other side mentions <paramref name="fresh"/>.</summary>
    private static bool IsComparedWith(IOperation operand, ILocalSymbol fresh)
    {
        var current = operand;
        while (current.Parent is IConversionOperation conversion)
        {
            current = conversion;
        }

        switch (current.Parent)
        {
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } binary:
                return (binary.LeftOperand == current ? binary.RightOperand : binary.LeftOperand).Mentions(fresh);
            case IInvocationOperation { TargetMethod.Name: "Equals" } equals when equals.Instance == current:
                return equals.Arguments.Length > 0 && equals.Arguments[0].Value.Mentions(fresh);
            case IArgumentOperation { Parent: IInvocationOperation { TargetMethod: { Name: "Equals", IsStatic: true } } equals }:
                foreach (var argument in equals.Arguments)
                {
                    if (argument.Value != current && argument.Value.Mentions(fresh))
                    {
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }
}
