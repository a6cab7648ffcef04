using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace SharedStateAnalyzers.Model;

/// <summary>
/// Whether a private method's parameter is only ever handed the object's own state: every call of the method in the
/// compilation passes, for it, a field or property of <c>this</c>, a constant, or a static read-only field. Such a
/// parameter carries nothing a caller brought in (<c>GetSourcesAsync(_client, cancellationToken)</c>).
/// </summary>
internal static class OwnStateArguments
{
    /// <summary>
    /// True when <paramref name="parameter"/> belongs to a private ordinary method, the method is called at least once,
    /// and every call passes the object's own state for it. False when the method is used other than by a call (a
    /// delegate), when a use cannot be bound, or when one call passes anything else.
    /// </summary>
    public static bool IsOnlyHandedOwnState(IParameterSymbol parameter, Compilation compilation, CancellationToken cancellationToken)
    {
        if (parameter.ContainingSymbol is not IMethodSymbol { DeclaredAccessibility: Accessibility.Private, MethodKind: MethodKind.Ordinary } method)
        {
            return false;
        }

        var models = new SemanticModelCache(compilation);
        var called = false;
        foreach (var name in MethodNameUses.Find(compilation, method, cancellationToken))
        {
            var model = models.For(name.SyntaxTree);
            var binds = MethodNameUses.Binds(model, name, method, cancellationToken);
            if (binds == false)
            {
                continue;
            }

            if (binds is null || CallSites.Classify(name, out var invocation) != CallSites.Use.Call
                || model.GetOperation(invocation!, cancellationToken) is not IInvocationOperation call
                || !PassesOwnState(call, parameter))
            {
                return false;
            }

            called = true;
        }

        return called;
    }

    private static bool PassesOwnState(IInvocationOperation call, IParameterSymbol parameter)
    {
        foreach (var argument in call.Arguments)
        {
            if (argument.Parameter is { } bound && bound.Ordinal == parameter.Ordinal)
            {
                return IsOwnState(argument.Value);
            }
        }

        return false;
    }

    private static bool IsOwnState(IOperation value)
    {
        var unwrapped = value.WithoutConversions();
        if (unwrapped.ConstantValue.HasValue)
        {
            return true;
        }

        return unwrapped switch
        {
            IFieldReferenceOperation { Field.IsStatic: true } field => field.Field.IsReadOnly || field.Field.IsConst,
            IFieldReferenceOperation field => OperationFacts.IsOnThisInstance(field),
            IPropertyReferenceOperation { Property.IsStatic: false, Property.IsIndexer: false } property => OperationFacts.IsOnThisInstance(property),
            _ => false,
        };
    }
}
