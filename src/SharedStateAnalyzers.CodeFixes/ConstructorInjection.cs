using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.FindSymbols;
using Microsoft.CodeAnalysis.Formatting;

namespace SharedStateAnalyzers.CodeFixes;

/// <summary>Taking a service through the constructor, for fixes that turn shared state into an injected dependency.</summary>
internal static class ConstructorInjection
{
    /// <summary>
    /// The constructor the container would call with the new service: the class's only one, public, never called
    /// with <c>new</c> or chained to, in a class that is not abstract and has no derived classes.
    /// </summary>
    public static async Task<IMethodSymbol?> FindInjectableConstructorAsync(Document document, INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        var solution = document.Project.Solution;
        var derived = await SymbolFinder.FindDerivedClassesAsync(type, solution, transitive: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (derived.Any())
        {
            return null;
        }

        if (type.InstanceConstructors.Length != 1)
        {
            return null;
        }

        var constructor = type.InstanceConstructors[0];
        if (constructor.DeclaredAccessibility != Accessibility.Public || type.IsAbstract)
        {
            return null;
        }

        var references = await SymbolFinder.FindReferencesAsync(constructor, solution, cancellationToken).ConfigureAwait(false);
        return references.Any(r => r.Locations.Any()) ? null : constructor;
    }

    /// <summary>
    /// When <paramref name="constructor"/> (declared, with a block body) already takes a <paramref name="type"/>,
    /// appends <c><paramref name="fieldName"/> = thatParameter;</c> to its body instead of adding a second parameter
    /// of the same service. False (and no change) otherwise.
    /// </summary>
    public static bool TryAssignFromExistingParameter(SyntaxEditor editor, IMethodSymbol constructor, ITypeSymbol type, string fieldName, string newLine, CancellationToken cancellationToken)
    {
        var parameter = constructor.Parameters.FirstOrDefault(p => SymbolEqualityComparer.Default.Equals(p.Type, type) && p.RefKind == RefKind.None);
        if (parameter is null || constructor.DeclaringSyntaxReferences.IsEmpty
            || constructor.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is not ConstructorDeclarationSyntax { Body: not null } constructorSyntax)
        {
            return false;
        }

        var assignment = SyntaxFactory.ParseStatement(
                (parameter.Name == fieldName ? "this." : string.Empty) + fieldName + " = " + parameter.Name + ";" + newLine)
            .WithAdditionalAnnotations(Formatter.Annotation);
        editor.ReplaceNode(constructorSyntax, (current, _) =>
        {
            var ctor = (ConstructorDeclarationSyntax)current;
            return ctor.WithBody(ctor.Body!.WithStatements(ctor.Body.Statements.Add(assignment)));
        });
        return true;
    }

    /// <summary>
    /// Adds <c><paramref name="typeName"/> <paramref name="parameterName"/></c> to <paramref name="constructor"/> and
    /// <c><paramref name="fieldName"/> = <paramref name="parameterName"/>;</c> to its body; for the implicit
    /// constructor, adds a public one after the class's last field. False (and no change) when the constructor has
    /// no block body, an optional or <c>params</c> parameter, or a parameter of that name already. The caller
    /// formats the <see cref="Formatter.Annotation"/> it adds.
    /// </summary>
    public static bool TryInject(SyntaxEditor editor, ClassDeclarationSyntax owner, IMethodSymbol constructor, string typeName, string parameterName, string fieldName, string newLine, CancellationToken cancellationToken)
    {
        var assignment = SyntaxFactory.ParseStatement(
                (parameterName == fieldName ? "this." : string.Empty) + fieldName + " = " + parameterName + ";" + newLine)
            .WithAdditionalAnnotations(Formatter.Annotation);

        if (constructor.DeclaringSyntaxReferences.IsEmpty)
        {
            var constructorText = "public " + owner.Identifier.ValueText + "(" + typeName + " " + parameterName + ")" + newLine
                + "{" + newLine + assignment.ToFullString() + "}" + newLine;
            var newConstructor = ((ConstructorDeclarationSyntax)SyntaxFactory.ParseMemberDeclaration(constructorText)!)
                .WithLeadingTrivia(SyntaxFactory.EndOfLine(newLine))
                .WithAdditionalAnnotations(Formatter.Annotation);
            var lastField = owner.Members.OfType<FieldDeclarationSyntax>().LastOrDefault();
            if (lastField is null)
            {
                return false;
            }

            editor.InsertAfter(lastField, newConstructor);
            return true;
        }

        var constructorSyntax = (ConstructorDeclarationSyntax)constructor.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken);
        if (constructorSyntax.Body is null || constructorSyntax.ParameterList.Parameters.Any(p => p.Default is not null || p.Modifiers.Any(SyntaxKind.ParamsKeyword))
            || constructorSyntax.ParameterList.Parameters.Any(p => p.Identifier.ValueText == parameterName))
        {
            return false;
        }

        editor.ReplaceNode(constructorSyntax, (current, _) =>
        {
            var ctor = (ConstructorDeclarationSyntax)current;
            var parameter = SyntaxFactory.Parameter(SyntaxFactory.Identifier(parameterName))
                .WithType(SyntaxFactory.ParseTypeName(typeName).WithTrailingTrivia(SyntaxFactory.Space));
            return ctor
                .WithParameterList(ctor.ParameterList.AddParameters(parameter))
                .WithBody(ctor.Body!.WithStatements(ctor.Body.Statements.Add(assignment)));
        });
        return true;
    }
}
