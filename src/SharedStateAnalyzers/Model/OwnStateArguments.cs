using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace SharedStateAnalyzers.Model;

/// <summary>
/// Whether a private or internal method's parameter is only ever handed the object's own state: every call of the
/// method in the compilation passes, for it, a field or property of <c>this</c> (or a member read from one,
/// <c>Provider.ClientOptions</c>), a constant, a static read-only field, or a local the caller set only to such values.
/// Such a parameter carries nothing a caller brought in (<c>GetSourcesAsync(_client, options, cancellationToken)</c>).
/// </summary>
internal static class OwnStateArguments
{
    /// <summary>How many member reads and locals one argument is followed through.</summary>
    private const int MaxDepth = 4;

    /// <summary>
    /// True when <paramref name="parameter"/> belongs to a private or internal ordinary method (whose calls the
    /// compilation holds), the method is called at least once,
    /// and every call passes the object's own state for it. False when the method is used other than by a call (a
    /// delegate), when a use cannot be bound, or when one call passes anything else.
    /// </summary>
    public static bool IsOnlyHandedOwnState(IParameterSymbol parameter, Compilation compilation, CancellationToken cancellationToken)
    {
        if (parameter.ContainingSymbol is not IMethodSymbol { DeclaredAccessibility: Accessibility.Private or Accessibility.Internal, MethodKind: MethodKind.Ordinary } method)
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
                return IsOwnState(argument.Value, depth: 0);
            }
        }

        return false;
    }

    private static bool IsOwnState(IOperation value, int depth)
    {
        var unwrapped = value.WithoutConversions();
        if (unwrapped.ConstantValue.HasValue)
        {
            return true;
        }

        if (depth >= MaxDepth)
        {
            return false;
        }

        switch (unwrapped)
        {
            case IFieldReferenceOperation { Field.IsStatic: true } field:
                return SymbolFacts.IsSetOnlyByTypeInitialization(field.Field);
            case IMemberReferenceOperation { Member: IFieldSymbol or IPropertySymbol { IsIndexer: false } } member when !member.Member.IsStatic:
                // `_client`, `Provider`, or a member read from one (`Provider.ClientOptions`).
                return member.Instance is { } instance
                    && (OperationFacts.IsThis(instance) || IsOwnState(instance, depth + 1));
            case ILocalReferenceOperation local:
                var defined = false;
                foreach (var definition in local.Root().LocalDefinitions(local.Local))
                {
                    if (!IsOwnState(definition, depth + 1))
                    {
                        return false;
                    }

                    defined = true;
                }

                return defined;
            default:
                return false;
        }
    }
}
