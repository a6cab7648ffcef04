using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace SharedStateAnalyzers.Model;

/// <summary>
/// Entries that carry their own expiry: the inserted value holds a time read from the clock
/// (<c>(url, DateTime.UtcNow.AddHours(1))</c>, <c>new Entry(value, DateTimeOffset.UtcNow)</c>), and the member that
/// inserts compares a time with the clock before it trusts what it found (<c>if (expires &gt; DateTime.UtcNow) return
/// url;</c>). Such a memo re-reads each entry after a bounded time, which is what the rules' expiration fix makes.
/// The time may also be stamped by the entry's own class: a source type whose constructor, or one of whose instance
/// field or property initializers (<c>public DateTime Created { get; set; } = DateTime.Now;</c>), reads the clock.
/// </summary>
internal static class Expiry
{
    public static bool IsStampedInsertion(IOperation value, CancellationToken cancellationToken)
    {
        if (!IsStamped(value, cancellationToken))
        {
            return false;
        }

        foreach (var node in value.Root().Descendants())
        {
            if (node is IBinaryOperation
                {
                    OperatorKind: BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual
                        or BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual,
                } comparison
                && (ReadsTheClock(comparison.LeftOperand) != ReadsTheClock(comparison.RightOperand)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The value holds a time read from the clock: it reads it, or creates an entry that stamps itself; also through a
    /// local every definition of which does (<c>var entry = new Lookup { Task = task }; s_pending[host] = entry;</c>).
    /// </summary>
    private static bool IsStamped(IOperation value, CancellationToken cancellationToken)
    {
        if (ReadsTheClock(value) || CreatesAStampedEntry(value, cancellationToken))
        {
            return true;
        }

        if (value.WithoutConversions() is not ILocalReferenceOperation { Local: var local })
        {
            return false;
        }

        var defined = false;
        foreach (var definition in value.Root().LocalDefinitions(local))
        {
            if (!ReadsTheClock(definition) && !CreatesAStampedEntry(definition, cancellationToken))
            {
                return false;
            }

            defined = true;
        }

        return defined;
    }

    /// <summary>The value creates an object of a source type that stamps itself with the time when it is made.</summary>
    private static bool CreatesAStampedEntry(IOperation value, CancellationToken cancellationToken)
    {
        if (value.SemanticModel?.Compilation is not { } compilation)
        {
            return false;
        }

        foreach (var node in value.DescendantsAndSelf())
        {
            if (node is not IObjectCreationOperation { Constructor: { } constructor } || constructor.ContainingType is not { } type
                || type.DeclaringSyntaxReferences.IsEmpty)
            {
                continue;
            }

            foreach (var reference in constructor.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(cancellationToken) is ConstructorDeclarationSyntax declaration
                    && ((SyntaxNode?)declaration.Body ?? declaration.ExpressionBody) is { } body
                    && SemanticModelCache.OperationOf(compilation, body, cancellationToken) is { } operation
                    && ReadsTheClock(operation))
                {
                    return true;
                }
            }

            foreach (var member in type.GetMembers())
            {
                if (member.IsStatic || member is not (IFieldSymbol or IPropertySymbol))
                {
                    continue;
                }

                foreach (var reference in member.DeclaringSyntaxReferences)
                {
                    var initializer = reference.GetSyntax(cancellationToken) switch
                    {
                        VariableDeclaratorSyntax variable => variable.Initializer,
                        PropertyDeclarationSyntax property => property.Initializer,
                        _ => null,
                    };

                    if (initializer is not null
                        && SemanticModelCache.OperationOf(compilation, initializer, cancellationToken) is { } operation
                        && ReadsTheClock(operation))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    /// <summary>The operation reads the current time: <c>DateTime.UtcNow</c>/<c>Now</c>, <c>DateTimeOffset.UtcNow</c>/<c>Now</c>, <c>TimeProvider.GetUtcNow()</c>, <c>Environment.TickCount64</c>, <c>Stopwatch.GetTimestamp()</c>.</summary>
    private static bool ReadsTheClock(IOperation operation)
    {
        foreach (var node in operation.DescendantsAndSelf())
        {
            var (name, type) = node switch
            {
                IPropertyReferenceOperation { Property: { IsStatic: true } property } => (property.Name, property.ContainingType),
                IInvocationOperation { TargetMethod: var method } => (method.Name, method.ContainingType),
                _ => (null, null),
            };

            if (name is null || type?.ContainingNamespace?.ToDisplayString() is not ("System" or "System.Diagnostics"))
            {
                continue;
            }

            switch (type.Name, name)
            {
                case ("DateTime" or "DateTimeOffset", "UtcNow" or "Now"):
                case ("TimeProvider", "GetUtcNow" or "GetLocalNow" or "GetTimestamp"):
                case ("Environment", "TickCount" or "TickCount64"):
                case ("Stopwatch", "GetTimestamp"):
                    return true;
            }
        }

        return false;
    }
}
