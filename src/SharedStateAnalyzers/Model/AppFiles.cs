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
/// through <c>readonly</c> fields set only from such paths (by their initializer or the type's constructors).
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
            case IFieldReferenceOperation { Field: { IsReadOnly: true } field }:
                return AllDefinitions(FieldDefinitions(field, compilation, cancellationToken), compilation, depth, cancellationToken);
            default:
                return false;
        }
    }

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
            if (!IsInAppDirectory(definition, compilation, depth + 1, cancellationToken))
            {
                return false;
            }

            any = true;
        }

        return any;
    }

    /// <summary>A readonly field's initializer and the values its type's constructors assign it.</summary>
    private static System.Collections.Generic.IEnumerable<IOperation> FieldDefinitions(IFieldSymbol field, Compilation compilation, CancellationToken cancellationToken)
    {
        foreach (var reference in field.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is VariableDeclaratorSyntax { Initializer.Value: { } initializer }
                && SemanticModelCache.OperationOf(compilation, initializer, cancellationToken) is { } value)
            {
                yield return value;
            }
        }

        foreach (var constructor in field.IsStatic ? field.ContainingType.StaticConstructors : field.ContainingType.InstanceConstructors)
        {
            foreach (var reference in constructor.DeclaringSyntaxReferences)
            {
                foreach (var node in reference.GetSyntax(cancellationToken).DescendantNodes())
                {
                    if (node is AssignmentExpressionSyntax assignment
                        && SemanticModelCache.OperationOf(compilation, assignment, cancellationToken) is ISimpleAssignmentOperation { Target: IFieldReferenceOperation target } simple
                        && SymbolEqualityComparer.Default.Equals(target.Field.OriginalDefinition, field.OriginalDefinition))
                    {
                        yield return simple.Value;
                    }
                }
            }
        }
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
