using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace SharedStateAnalyzers.Model;

/// <summary>
/// The teardown of a collection of resources: a <c>foreach</c> over it that releases each element
/// (<c>registration.Dispose()</c>, <c>timer?.Stop()</c>, <c>unsubscribe()</c>), written in place or in a parameterless
/// method of the type called just before, followed at once by <c>Clear()</c> of the same collection.
/// </summary>
internal static class Teardown
{
    private static readonly ImmutableHashSet<string> s_releasingNames = ImmutableHashSet.Create(
        "Dispose", "DisposeAsync", "Close", "Stop", "StopAsync", "Cancel", "Unregister", "Unsubscribe", "Invoke");

    /// <summary>True when <paramref name="reference"/> is the receiver of a <c>Clear()</c> statement that directly follows a loop releasing each of its elements.</summary>
    public static bool IsClearAfterReleasingEach(IOperation reference, ISymbol storage)
    {
        var operation = reference;
        while (operation.Parent is IConversionOperation conversion)
        {
            operation = conversion;
        }

        if (operation.Parent is not IInvocationOperation { TargetMethod.Name: "Clear", Arguments.Length: 0 } clear || clear.Instance != operation
            || clear.Parent is not IExpressionStatementOperation statement || statement.Parent is not IBlockOperation block)
        {
            return false;
        }

        var index = block.Operations.IndexOf(statement);
        if (index <= 0)
        {
            return false;
        }

        return block.Operations[index - 1] switch
        {
            IForEachLoopOperation loop => IsOver(loop.Collection, storage) && ReleasesEachElement(loop),

            // `Stop(); _subscriptions.Clear();` where the type's own `Stop()` releases each element.
            IExpressionStatementOperation { Operation: IInvocationOperation { Arguments.Length: 0, TargetMethod: { MethodKind: MethodKind.Ordinary } helper } call }
                when SymbolEqualityComparer.Default.Equals(helper.ContainingType?.OriginalDefinition, storage.ContainingType?.OriginalDefinition)
                    && call.SemanticModel is { } model => HelperReleasesEach(helper, storage, model.Compilation),
            _ => false,
        };
    }

    /// <summary>The helper's own body has a loop over the storage that releases each element.</summary>
    private static bool HelperReleasesEach(IMethodSymbol helper, ISymbol storage, Compilation compilation)
    {
        foreach (var reference in helper.OriginalDefinition.DeclaringSyntaxReferences)
        {
            // Asked only for a Clear() right after a call of the type's own method.
            var body = SemanticModelCache.OperationOf(compilation, reference.GetSyntax(), System.Threading.CancellationToken.None);
            if (body is null)
            {
                continue;
            }

            foreach (var node in body.DescendantsAndSelf())
            {
                if (node is IForEachLoopOperation loop && IsOver(loop.Collection, storage) && ReleasesEachElement(loop))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The loop's collection is the storage, or its <c>Values</c> or <c>Keys</c>.</summary>
    private static bool IsOver(IOperation collection, ISymbol storage)
    {
        collection = collection.WithoutConversions();
        if (collection is IPropertyReferenceOperation { Property.Name: "Values" or "Keys", Instance: { } owner })
        {
            collection = owner.WithoutConversions();
        }

        return SymbolEqualityComparer.Default.Equals(CacheStorage.GetReferencedStorage(collection), storage);
    }

    /// <summary>The body calls a releasing member on the iteration variable (or its <c>Value</c>), or invokes it.</summary>
    private static bool ReleasesEachElement(IForEachLoopOperation loop)
    {
        foreach (var node in loop.Body.DescendantsAndSelf())
        {
            if (node is not IInvocationOperation invocation || !s_releasingNames.Contains(invocation.TargetMethod.Name))
            {
                continue;
            }

            var receiver = invocation.Instance?.WithoutConversions();
            if (receiver is IConditionalAccessInstanceOperation instance)
            {
                receiver = instance.ConditionalAccess()?.Operation.WithoutConversions();
            }

            if (receiver is IPropertyReferenceOperation { Property.Name: "Value", Instance: { } pair })
            {
                receiver = pair.WithoutConversions();
            }

            if (receiver is ILocalReferenceOperation { Local: var local })
            {
                foreach (var iterated in loop.Locals)
                {
                    if (SymbolEqualityComparer.Default.Equals(iterated, local))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }
}
