using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace SharedStateAnalyzers.Model;

/// <summary>
/// Paths inside the app's own directories: the application base directory (<c>AppContext.BaseDirectory</c>,
/// <c>AppDomain.CurrentDomain.BaseDirectory</c>) and the host's content and web roots
/// (<c>IHostEnvironment.ContentRootPath</c>, <c>IWebHostEnvironment.WebRootPath</c>). What the app ships there (templates,
/// static assets, its own data files) changes only with a new deployment, which starts new processes: a memo of it
/// cannot go stale while the process runs, and is bounded by the files deployed. A path is recognised by its root, the
/// first part of a <c>Path.Combine</c>/<c>Path.Join</c>, a concatenation or an interpolation, also through locals and
/// through <c>readonly</c> fields set only from such paths (by their initializer or the type's constructors) and private
/// fields that every assignment in their type sets to such a path.
/// </summary>
internal static class AppFiles
{
    private const int MaxDepth = 6;

    /// <summary>
    /// True when <paramref name="call"/> is a file-system call (<c>File.ReadAllText(path)</c>, <c>new StreamReader(path)</c>)
    /// whose path argument lies in the app's own directories.
    /// </summary>
    public static bool ReadsTheAppsOwnFile(IOperation call, Compilation compilation, CancellationToken cancellationToken)
    {
        var arguments = call switch
        {
            IInvocationOperation invocation => invocation.Arguments,
            IObjectCreationOperation creation => creation.Arguments,
            _ => default,
        };

        if (arguments.IsDefaultOrEmpty)
        {
            return false;
        }

        foreach (var argument in arguments)
        {
            if (argument.Parameter is { Name: "path" or "fileName" or "filePath", Type.SpecialType: SpecialType.System_String })
            {
                return IsInAppDirectory(argument.Value, compilation, depth: 0, cancellationToken);
            }
        }

        return false;
    }

    private static bool IsInAppDirectory(IOperation? path, Compilation compilation, int depth, CancellationToken cancellationToken)
    {
        if (path is null || depth > MaxDepth)
        {
            return false;
        }

        switch (path.WithoutConversions())
        {
            case IPropertyReferenceOperation property:
                return IsAppDirectory(property.Property);
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } concatenation:
                return IsInAppDirectory(concatenation.LeftOperand, compilation, depth + 1, cancellationToken);
            case IInterpolatedStringOperation interpolated:
                return interpolated.Parts.Length > 0 && interpolated.Parts[0] is IInterpolationOperation first
                    && IsInAppDirectory(first.Expression, compilation, depth + 1, cancellationToken);
            case IInvocationOperation { TargetMethod: { Name: "Combine" or "Join" or "GetFullPath", ContainingType: { Name: "Path" } pathType } } combine
                when pathType.ContainingNamespace?.ToDisplayString() == "System.IO" && combine.Arguments.Length > 0:
                return IsInAppDirectory(FirstPart(combine.Arguments[0].Value), compilation, depth + 1, cancellationToken);
            case ILocalReferenceOperation local:
                return AllDefinitions(path.Root()?.LocalDefinitions(local.Local), compilation, depth, cancellationToken);
            case IFieldReferenceOperation { Field: { IsConst: false } field } when field.IsReadOnly || field.DeclaredAccessibility == Accessibility.Private:
                // Only its type can write either: every value it is given is in sight.
                return AllDefinitions(FieldAssignments(field, compilation, cancellationToken), compilation, depth, cancellationToken);
            default:
                return false;
        }
    }

    private static bool IsNoPath(IOperation definition) =>
        definition.WithoutConversions().ConstantValue is { HasValue: true, Value: null or "" };

    /// <summary>The first path of <c>Path.Combine</c>'s arguments, also when they are passed as an array.</summary>
    private static IOperation? FirstPart(IOperation argument) => argument.WithoutConversions() switch
    {
        IArrayCreationOperation { Initializer.ElementValues: { Length: > 0 } elements } => elements[0],
        ICollectionExpressionOperation { Elements: { Length: > 0 } elements } => elements[0],
        var single => single,
    };

    private static bool AllDefinitions(System.Collections.Generic.IEnumerable<IOperation>? definitions, Compilation compilation, int depth, CancellationToken cancellationToken)
    {
        if (definitions is null)
        {
            return false;
        }

        var any = false;
        foreach (var definition in definitions)
        {
            if (IsNoPath(definition))
            {
                // `var path = "";` before the branches that choose the file: no file is read from it.
                continue;
            }

            if (!IsInAppDirectory(definition, compilation, depth + 1, cancellationToken))
            {
                return false;
            }

            any = true;
        }

        return any;
    }

    /// <summary>
    /// A readonly or private field's initializer and every value its type assigns it anywhere; null when something else
    /// changes it (a compound assignment, a <c>ref</c>/<c>out</c> argument, a deconstruction), which leaves its value unknown.
    /// </summary>
    private static System.Collections.Generic.List<IOperation>? FieldAssignments(IFieldSymbol field, Compilation compilation, CancellationToken cancellationToken)
    {
        var values = new System.Collections.Generic.List<IOperation>();
        foreach (var reference in field.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is VariableDeclaratorSyntax { Initializer.Value: { } initializer }
                && SemanticModelCache.OperationOf(compilation, initializer, cancellationToken) is { } value)
            {
                values.Add(value);
            }
        }

        var name = field.Name;
        foreach (var reference in field.ContainingType.DeclaringSyntaxReferences)
        {
            foreach (var node in reference.GetSyntax(cancellationToken).DescendantNodes())
            {
                switch (node)
                {
                    case AssignmentExpressionSyntax assignment when SyntaxNames.RootNames(assignment.Left, name) || assignment.Left is TupleExpressionSyntax:
                        var operation = SemanticModelCache.OperationOf(compilation, assignment, cancellationToken);
                        if (operation is ISimpleAssignmentOperation { Target: IFieldReferenceOperation target } simple
                            && SymbolEqualityComparer.Default.Equals(target.Field.OriginalDefinition, field.OriginalDefinition))
                        {
                            values.Add(simple.Value);
                        }
                        else if (operation is null || WritesField(operation, field))
                        {
                            return null;
                        }

                        break;
                    case ArgumentSyntax argument when argument.RefKindKeyword.RawKind != 0 && SyntaxNames.RootNames(argument.Expression, name):
                        return null;
                }
            }
        }

        return values;
    }

    /// <summary>The assignment writes the field other than as its plain target (<c>+=</c>, <c>??=</c>, a deconstruction).</summary>
    private static bool WritesField(IOperation assignment, IFieldSymbol field)
    {
        var target = assignment switch
        {
            ICompoundAssignmentOperation compound => compound.Target,
            ICoalesceAssignmentOperation coalesce => coalesce.Target,
            IDeconstructionAssignmentOperation deconstruction => deconstruction.Target,
            _ => null,
        };

        if (target is null)
        {
            return false;
        }

        foreach (var part in target.DescendantsAndSelf())
        {
            if (part is IFieldReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Field.OriginalDefinition, field.OriginalDefinition))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsAppDirectory(IPropertySymbol property) => property.Name switch
    {
        "BaseDirectory" => property.ContainingType is { Name: "AppContext" or "AppDomain" } type && type.ContainingNamespace?.ToDisplayString() == "System",
        "ContentRootPath" or "WebRootPath" => IsHostEnvironment(property.ContainingType),
        _ => false,
    };

    private static bool IsHostEnvironment(INamedTypeSymbol? type)
    {
        if (type is null)
        {
            return false;
        }

        if (type.Name is "IHostEnvironment" or "IWebHostEnvironment" or "IHostingEnvironment")
        {
            return true;
        }

        foreach (var implemented in type.AllInterfaces)
        {
            if (implemented.Name is "IHostEnvironment" or "IWebHostEnvironment" or "IHostingEnvironment")
            {
                return true;
            }
        }

        return false;
    }
}
