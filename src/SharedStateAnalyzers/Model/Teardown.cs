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

            // `_callbacks.ForEach(callback => callback(host));`: the same loop, written as a method.
            IExpressionStatementOperation { Operation: IInvocationOperation { TargetMethod.Name: "ForEach", Instance: { } list, Arguments.Length: 1 } forEach }
                => IsOver(list, storage) && ReleasesEachElement(forEach.Arguments[0].Value),

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

    /// <summary>The loop's body calls a releasing member on the iteration variable (or its <c>Value</c>), or invokes it.</summary>
    private static bool ReleasesEachElement(IForEachLoopOperation loop)
        => ReleasesEachElement(loop.Body, loop.Locals.CastArray<ISymbol>());

    /// <summary>A lambda, given to <c>ForEach</c>, that calls a releasing member on its parameter, or invokes it.</summary>
    private static bool ReleasesEachElement(IOperation action)
        => action.WithoutConversions() is IDelegateCreationOperation { Target: IAnonymousFunctionOperation { Symbol.Parameters.Length: 1 } lambda }
            && ReleasesEachElement(lambda.Body, ImmutableArray.Create<ISymbol>(lambda.Symbol.Parameters[0]));

    private static bool ReleasesEachElement(IOperation body, ImmutableArray<ISymbol> elements)
    {
        foreach (var node in body.DescendantsAndSelf())
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

            ISymbol? element = receiver switch
            {
                ILocalReferenceOperation { Local: var local } => local,
                IParameterReferenceOperation { Parameter: var parameter } => parameter,
                _ => null,
            };

            if (element is not null && elements.IndexOf(element, 0, elements.Length, SymbolEqualityComparer.Default) >= 0)
            {
                return true;
            }
        }

        return false;
    }
}
