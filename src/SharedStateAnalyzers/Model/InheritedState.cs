using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace SharedStateAnalyzers.Model;

/// <summary>
/// The fields a hand-rolled singleton inherits from a base class that is not its alone: a preset of a general type
/// (<c>SqlServerMappingSchema.Instance</c> of a <c>MappingSchema</c> every caller can build), or a fixed value of an
/// entity class. The base's fields are the base's design, filled once when the preset is built; they are the
/// singleton's state only where something changes them on the singleton after construction.
/// </summary>
internal sealed class InheritedState
{
    /// <summary>Calls through the accessor looked at before the search gives up (and reports nothing).</summary>
    private const int MaxAccessorUses = 64;

    private readonly ImmutableArray<ISymbol> _fields;
    private readonly Compilation _compilation;

    /// <summary>Per base method, whether its body changes one of the fields: asked by every block that calls it.</summary>
    private readonly ConcurrentDictionary<IMethodSymbol, bool> _changingMethods = new(SymbolEqualityComparer.Default);

    /// <param name="fields">The inherited fields (and the auto-properties they back) that <see cref="HandRolledSingletons.FindMutableField"/> found.</param>
    public InheritedState(ImmutableArray<ISymbol> fields, Compilation compilation)
    {
        _fields = fields;
        _compilation = compilation;
    }

    /// <summary>
    /// Whether <paramref name="baseType"/> is shared with other code: it comes from another assembly, it is a concrete
    /// class created with <c>new</c> outside its own declarations, or another source type (not one between
    /// <paramref name="singleton"/> and it, nor one derived from the singleton) derives from it.
    /// </summary>
    public static bool IsSharedBase(INamedTypeSymbol baseType, INamedTypeSymbol singleton, Compilation compilation, CancellationToken cancellationToken)
    {
        if (baseType.DeclaringSyntaxReferences.IsEmpty)
        {
            return true;
        }

        if (!baseType.IsAbstract && Instantiations.For(compilation).IsCreatedOutside(baseType))
        {
            return true;
        }

        foreach (var derived in SymbolFacts.SourceTypesDerivedFrom(compilation, baseType, cancellationToken))
        {
            if (!SymbolEqualityComparer.Default.Equals(derived, singleton)
                && !SymbolFacts.DerivesFrom(singleton, derived) && !SymbolFacts.DerivesFrom(derived, singleton))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether <paramref name="operation"/> changes one of the fields on the instance whose code it
    /// is (<c>this.Count++</c>, <c>_map[key] = value</c>, <c>Items.Add(item)</c>), or calls a method of the instance
    /// declared in source on a base class whose body does.
    /// </summary>
    public bool IsChange(IOperation operation, CancellationToken cancellationToken)
    {
        if (OperationFacts.ChangedMember(operation) is { } member)
        {
            return OperationFacts.IsOnThisInstance(member) && Contains(member.Member);
        }

        return operation is IInvocationOperation { Instance: { } receiver } call
            && OperationFacts.IsThis(receiver)
            && BaseMethodChanges(call.TargetMethod, cancellationToken);
    }

    /// <summary>
    /// Whether code anywhere in the compilation changes one of the fields through an accessor of the
    /// singleton: <c>Settings.Instance.Theme = theme</c>, <c>Registry.Instance.Items.Add(item)</c>, or a call through the
    /// accessor of a base method that changes them. Gives up (false) after <see cref="MaxAccessorUses"/> uses.
    /// </summary>
    public bool IsChangedThroughAccessor(HandRolledSingletonShape shape, CancellationToken cancellationToken)
    {
        var models = new SemanticModelCache(_compilation);
        var uses = 0;
        foreach (var accessor in shape.Accessors)
        {
            foreach (var name in MethodNameUses.Find(_compilation, accessor, cancellationToken))
            {
                if (++uses > MaxAccessorUses)
                {
                    return false;
                }

                var model = models.For(name.SyntaxTree);
                if (MethodNameUses.Binds(model, name, accessor, cancellationToken) != true)
                {
                    continue;
                }

                // The accessor's value, then what is done with it: `X.Instance.Member = v`, `X.Instance.Items.Add(v)`.
                if (ValueOf(name, accessor) is { Parent: MemberAccessExpressionSyntax access } instance && access.Expression == instance
                    && IsChangeThrough(UseOf(model, access, cancellationToken), cancellationToken))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The expression that evaluates to the accessor's value: <c>X.Instance</c>, <c>Instance</c>, <c>X.GetInstance()</c>.</summary>
    private static ExpressionSyntax? ValueOf(SimpleNameSyntax name, ISymbol accessor)
    {
        if (accessor is IMethodSymbol)
        {
            return CallSites.Classify(name, out var invocation) == CallSites.Use.Call ? invocation : null;
        }

        return name.Parent is MemberAccessExpressionSyntax qualified && qualified.Name == name ? qualified : name;
    }

    /// <summary>The operation of a member access on the accessor's value: the member reference, or the call it names.</summary>
    private static IOperation? UseOf(SemanticModel model, MemberAccessExpressionSyntax access, CancellationToken cancellationToken)
        => access.Parent is InvocationExpressionSyntax invocation && invocation.Expression == access
            ? model.GetOperation(invocation, cancellationToken)
            : model.GetOperation(access, cancellationToken);

    /// <summary>
    /// Whether a use of the accessor's value changes an inherited member: a call of a base method that does, or the
    /// member climbed to the operation that changes it, if one does (the assignment, increment or mutating call on
    /// the member, or on what the member holds).
    /// </summary>
    private bool IsChangeThrough(IOperation? reference, CancellationToken cancellationToken)
    {
        if (reference is IInvocationOperation call)
        {
            return BaseMethodChanges(call.TargetMethod, cancellationToken);
        }

        if (reference is not IMemberReferenceOperation member || !Contains(member.Member))
        {
            return false;
        }

        for (var current = reference; current is not null; current = current.Parent)
        {
            if (OperationFacts.ChangedMember(current) is { } changed)
            {
                return changed == member;
            }

            if (current is not (IMemberReferenceOperation or IConversionOperation or IArrayElementReferenceOperation))
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>
    /// A method declared in source on a base class that holds some of the fields, and that changes one of them on its
    /// instance. Each method's body is read once per singleton.
    /// </summary>
    private bool BaseMethodChanges(IMethodSymbol method, CancellationToken cancellationToken)
    {
        method = method.OriginalDefinition;
        var declaredWithState = false;
        foreach (var symbol in _fields)
        {
            declaredWithState |= SymbolEqualityComparer.Default.Equals(symbol.ContainingType, method.ContainingType);
        }

        return declaredWithState && _changingMethods.GetOrAdd(method, m => BodyChanges(m, cancellationToken));
    }

    private bool BodyChanges(IMethodSymbol method, CancellationToken cancellationToken)
    {
        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            var body = SemanticModelCache.OperationOf(_compilation, reference.GetSyntax(cancellationToken), cancellationToken);
            if (body is null)
            {
                continue;
            }

            foreach (var operation in body.DescendantsAndSelf())
            {
                if (OperationFacts.ChangedMember(operation) is { } member && OperationFacts.IsOnThisInstance(member) && Contains(member.Member))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private bool Contains(ISymbol member)
    {
        foreach (var symbol in _fields)
        {
            if (SymbolEqualityComparer.Default.Equals(symbol, member.OriginalDefinition))
            {
                return true;
            }
        }

        return false;
    }
}
