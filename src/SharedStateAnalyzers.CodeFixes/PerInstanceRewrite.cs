using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using SharedStateAnalyzers.Model;

namespace SharedStateAnalyzers.CodeFixes;

/// <summary>
/// "Make the cache per-instance": drops <c>static</c>, so the cache lives as long as its owner. Offered for a
/// private field or auto-property of a non-singleton class whose every use is in that class's instance members.
/// </summary>
internal static class PerInstanceRewrite
{
    public static async Task<Document?> TryApplyAsync(Document document, SyntaxNode storageDeclaration, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return null;
        }

        MemberDeclarationSyntax member;
        switch (storageDeclaration)
        {
            case VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Variables.Count: 1, Parent: FieldDeclarationSyntax field } }:
                member = field;
                break;
            case PropertyDeclarationSyntax property:
                member = property;
                break;
            default:
                return null;
        }

        var storage = model.GetDeclaredSymbol(storageDeclaration, cancellationToken);
        if (storage is null || !storage.IsStatic || storage.DeclaredAccessibility != Accessibility.Private)
        {
            return null;
        }

        var type = storage.ContainingType;
        if (type is not { TypeKind: TypeKind.Class, IsStatic: false } || Lifetimes.IsHandRolledSingleton(type, model.Compilation))
        {
            return null;
        }

        var references = await CacheFieldReferences.FindAsync(document, root, storage, cancellationToken).ConfigureAwait(false);
        if (references is null || !references.AreAllInInstanceMembers(model, type, cancellationToken))
        {
            return null;
        }

        var newName = SyntaxHelpers.InstanceFieldName(storage);
        var editor = new SyntaxEditor(root, document.Project.Solution.Services);
        foreach (var name in references.Names)
        {
            var reference = CacheFieldReferences.GetQualifiedReference(model, name, cancellationToken);
            var renamed = name.WithIdentifier(SyntaxFactory.Identifier(newName).WithTriviaFrom(name.Identifier));
            if (reference != name || newName != name.Identifier.ValueText)
            {
                editor.ReplaceNode(reference, renamed.WithTriviaFrom(reference));
            }
        }

        editor.ReplaceNode(member, (current, _) => Rename(SyntaxHelpers.RemoveModifier((MemberDeclarationSyntax)current, SyntaxKind.StaticKeyword), newName));
        return document.WithSyntaxRoot(editor.GetChangedRoot());
    }

    private static MemberDeclarationSyntax Rename(MemberDeclarationSyntax member, string newName) => member switch
    {
        FieldDeclarationSyntax field => field.WithDeclaration(field.Declaration.WithVariables(SyntaxFactory.SingletonSeparatedList(
            field.Declaration.Variables[0].WithIdentifier(SyntaxFactory.Identifier(newName).WithTriviaFrom(field.Declaration.Variables[0].Identifier))))),
        PropertyDeclarationSyntax property => property.WithIdentifier(SyntaxFactory.Identifier(newName).WithTriviaFrom(property.Identifier)),
        _ => member,
    };
}
