using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;

namespace SharedStateAnalyzers.CodeFixes;

/// <summary>
/// "Use a concurrent collection": <c>Dictionary&lt;K,V&gt;</c> becomes <c>ConcurrentDictionary&lt;K,V&gt;</c>,
/// <c>Queue&lt;T&gt;</c> <c>ConcurrentQueue&lt;T&gt;</c>, <c>Stack&lt;T&gt;</c> <c>ConcurrentStack&lt;T&gt;</c> — in the field's
/// type and in every <c>new</c> assigned to it — and the calls whose names change are rewritten (<c>Add(k, v)</c> to
/// <c>TryAdd(k, v)</c>, <c>Remove(k)</c> to <c>TryRemove(k, out _)</c>, <c>Remove(k, out v)</c> to
/// <c>TryRemove(k, out v)</c>); a collection initializer becomes an index initializer. An interface-typed field
/// (<c>IDictionary&lt;K,V&gt;</c>) keeps its type and its calls; only what it is assigned changes. Offered when every
/// use of the field is in this document, no indexer is read and written in one step (<c>d[k]++</c>, <c>d[k] += n</c>:
/// the concurrent collection would still lose updates), and the result compiles: a call with no counterpart
/// (<c>Dequeue()</c>, <c>Pop()</c>, <c>EnsureCapacity</c>), a constructor argument the counterpart does not take, or
/// the field passed where a <c>Dictionary&lt;,&gt;</c> is expected means no fix.
/// </summary>
internal static class ConcurrentCollectionRewrite
{
    private const string ConcurrentNamespace = "System.Collections.Concurrent";

    public static async Task<Document?> TryApplyAsync(Document document, SyntaxNode storageDeclaration, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return null;
        }

        TypeSyntax typeSyntax;
        ExpressionSyntax? initializer;
        switch (storageDeclaration)
        {
            case VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Variables.Count: 1 } declaration } declarator:
                typeSyntax = declaration.Type;
                initializer = declarator.Initializer?.Value;
                break;
            case PropertyDeclarationSyntax property:
                typeSyntax = property.Type;
                initializer = property.Initializer?.Value;
                break;
            default:
                return null;
        }

        var storage = model.GetDeclaredSymbol(storageDeclaration, cancellationToken);
        var storageType = storage switch
        {
            IFieldSymbol field => field.Type,
            IPropertySymbol property => property.Type,
            _ => null,
        };
        if (storage is null || storageType is not INamedTypeSymbol { IsGenericType: true } namedType)
        {
            return null;
        }

        var references = await CacheFieldReferences.FindAsync(document, root, storage, cancellationToken).ConfigureAwait(false);
        if (references is null)
        {
            return null;
        }

        // What the field holds: its own type, or, for an interface-typed field, what every `new` assigned to it makes.
        var creations = new List<ExpressionSyntax>();
        if (initializer is not null)
        {
            creations.Add(initializer);
        }

        foreach (var name in references.Names)
        {
            var reference = CacheFieldReferences.GetQualifiedReference(model, name, cancellationToken);
            if (reference.Parent is AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression } assignment && assignment.Left == reference)
            {
                creations.Add(assignment.Right);
            }
        }

        var declaredConcrete = GetCounterpart(namedType) is not null;
        var collectionType = declaredConcrete ? namedType : GetCreatedType(model, creations, cancellationToken);
        var counterpartName = collectionType is null ? null : GetCounterpart(collectionType);
        if (counterpartName is null
            || model.Compilation.GetTypeByMetadataName(ConcurrentNamespace + "." + counterpartName + "`" + collectionType!.Arity) is not { } counterpart)
        {
            return null;
        }

        var editor = new SyntaxEditor(root, document.Project.Solution.Services);
        if (declaredConcrete)
        {
            if (Rename(typeSyntax, counterpartName) is not { } newType)
            {
                return null;
            }

            editor.ReplaceNode(typeSyntax, newType);
        }

        // Through an interface, the calls stay: the counterpart implements them.
        foreach (var name in references.Names)
        {
            if (!RewriteUse(editor, CacheFieldReferences.GetQualifiedReference(model, name, cancellationToken), renameCalls: declaredConcrete))
            {
                return null;
            }
        }

        foreach (var creation in creations)
        {
            if (!RewriteCreation(editor, model, creation, collectionType, counterpartName, cancellationToken))
            {
                return null;
            }
        }

        var newRoot = editor.GetChangedRoot();
        if (!SyntaxHelpers.IsInScope(model, storageDeclaration.SpanStart, counterpartName, counterpart.OriginalDefinition))
        {
            newRoot = SyntaxHelpers.AddUsing(newRoot, ConcurrentNamespace);
        }

        var changed = document.WithSyntaxRoot(newRoot);
        return await CompileCheck.AddsNoErrorsAsync(document, changed, cancellationToken).ConfigureAwait(false) ? changed : null;
    }

    /// <summary>The concurrent counterpart's name for <c>Dictionary&lt;,&gt;</c>, <c>Queue&lt;&gt;</c> and <c>Stack&lt;&gt;</c>; null for anything else.</summary>
    private static string? GetCounterpart(INamedTypeSymbol type)
    {
        if (type.ContainingNamespace?.ToDisplayString() != "System.Collections.Generic")
        {
            return null;
        }

        return (type.Name, type.Arity) switch
        {
            ("Dictionary", 2) => "ConcurrentDictionary",
            ("Queue", 1) => "ConcurrentQueue",
            ("Stack", 1) => "ConcurrentStack",
            _ => null,
        };
    }

    /// <summary>The collection every creation makes, when they all make the same one with <c>new T(…)</c>.</summary>
    private static INamedTypeSymbol? GetCreatedType(SemanticModel model, List<ExpressionSyntax> creations, CancellationToken cancellationToken)
    {
        INamedTypeSymbol? created = null;
        foreach (var creation in creations)
        {
            if (creation is not ObjectCreationExpressionSyntax
                || model.GetTypeInfo(creation, cancellationToken).Type is not INamedTypeSymbol type
                || (created is not null && !SymbolEqualityComparer.Default.Equals(created, type)))
            {
                return null;
            }

            created = type;
        }

        return created;
    }

    /// <summary><c>Dictionary&lt;K, V&gt;</c> (also qualified, or nullable) written as <c>ConcurrentDictionary&lt;K, V&gt;</c>.</summary>
    private static TypeSyntax? Rename(TypeSyntax type, string newName)
    {
        switch (type)
        {
            case NullableTypeSyntax nullable:
                return Rename(nullable.ElementType, newName) is { } element ? nullable.WithElementType(element) : null;
            case GenericNameSyntax generic:
                return generic.WithIdentifier(SyntaxFactory.Identifier(newName).WithTriviaFrom(generic.Identifier));
            case QualifiedNameSyntax { Right: GenericNameSyntax right }:
                return right.WithIdentifier(SyntaxFactory.Identifier(newName)).WithTriviaFrom(type);
            case AliasQualifiedNameSyntax { Name: GenericNameSyntax name }:
                return name.WithIdentifier(SyntaxFactory.Identifier(newName)).WithTriviaFrom(type);
            default:
                return null;
        }
    }

    /// <summary>
    /// Rewrites one use of the field whose calls change name; false when the use has no exact counterpart (an indexer
    /// read and written in one step).
    /// </summary>
    private static bool RewriteUse(SyntaxEditor editor, ExpressionSyntax reference, bool renameCalls)
    {
        if (reference.Parent is ElementAccessExpressionSyntax element && element.Expression == reference)
        {
            // d[k] = v stays; d[k]++, d[k] += n and d[k] ??= v read and write in one step.
            return element.Parent switch
            {
                AssignmentExpressionSyntax assignment when assignment.Left == element => assignment.IsKind(SyntaxKind.SimpleAssignmentExpression),
                PrefixUnaryExpressionSyntax or PostfixUnaryExpressionSyntax => element.Parent.IsKind(SyntaxKind.SuppressNullableWarningExpression),
                _ => true,
            };
        }

        if (!renameCalls
            || reference.Parent is not MemberAccessExpressionSyntax { Parent: InvocationExpressionSyntax invocation } access
            || access.Expression != reference
            || invocation.Expression != access)
        {
            return true;
        }

        var arguments = invocation.ArgumentList.Arguments;
        switch (access.Name.Identifier.ValueText)
        {
            case "Add" when arguments.Count == 2:
                RenameMethod(editor, access.Name, "TryAdd");
                break;
            case "Remove" when arguments.Count == 1:
                RenameMethod(editor, access.Name, "TryRemove");
                // Parsed, so that `_` is a discard rather than a name.
                editor.ReplaceNode(invocation.ArgumentList, static (current, _) => ((ArgumentListSyntax)current).AddArguments(
                    SyntaxFactory.ParseArgumentList("(out _)").Arguments[0]));
                break;
            case "Remove" when arguments.Count == 2 && arguments[1].RefKindKeyword.IsKind(SyntaxKind.OutKeyword):
                RenameMethod(editor, access.Name, "TryRemove");
                break;
        }

        return true;
    }

    private static void RenameMethod(SyntaxEditor editor, SimpleNameSyntax name, string newName)
        => editor.ReplaceNode(name, (current, _) =>
        {
            var currentName = (SimpleNameSyntax)current;
            return currentName.WithIdentifier(SyntaxFactory.Identifier(newName).WithTriviaFrom(currentName.Identifier));
        });

    /// <summary>
    /// <c>new Dictionary&lt;K, V&gt;(…)</c> becomes <c>new ConcurrentDictionary&lt;K, V&gt;(…)</c> (a target-typed <c>new()</c>
    /// stays), and <c>{ { k, v }, … }</c> becomes <c>{ [k] = v, … }</c>. False for a value that is not a creation of
    /// the collection.
    /// </summary>
    private static bool RewriteCreation(SyntaxEditor editor, SemanticModel model, ExpressionSyntax creation, INamedTypeSymbol collectionType, string counterpartName, CancellationToken cancellationToken)
    {
        if (creation is not BaseObjectCreationExpressionSyntax baseCreation
            || !SymbolEqualityComparer.Default.Equals(model.GetTypeInfo(creation, cancellationToken).Type, collectionType))
        {
            return false;
        }

        if (baseCreation is ObjectCreationExpressionSyntax explicitCreation)
        {
            if (Rename(explicitCreation.Type, counterpartName) is not { } newType)
            {
                return false;
            }

            editor.ReplaceNode(explicitCreation.Type, newType);
        }

        if (baseCreation.Initializer is { } collectionInitializer)
        {
            if (!collectionInitializer.IsKind(SyntaxKind.CollectionInitializerExpression) || ToIndexInitializer(collectionInitializer) is not { } indexInitializer)
            {
                return collectionInitializer.IsKind(SyntaxKind.ObjectInitializerExpression);
            }

            editor.ReplaceNode(collectionInitializer, indexInitializer);
        }

        return true;
    }

    /// <summary><c>{ { k, v }, … }</c> as <c>{ [k] = v, … }</c>; null when an element is not a key and a value.</summary>
    private static InitializerExpressionSyntax? ToIndexInitializer(InitializerExpressionSyntax initializer)
    {
        var elements = new List<ExpressionSyntax>();
        foreach (var expression in initializer.Expressions)
        {
            if (expression is not InitializerExpressionSyntax { RawKind: (int)SyntaxKind.ComplexElementInitializerExpression, Expressions.Count: 2 } pair)
            {
                return null;
            }

            var key = pair.Expressions[0];
            var value = pair.Expressions[1];
            elements.Add(SyntaxFactory.AssignmentExpression(
                    SyntaxKind.SimpleAssignmentExpression,
                    SyntaxFactory.ImplicitElementAccess(SyntaxFactory.BracketedArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(key.WithoutTrivia())))),
                    SyntaxFactory.Token(SyntaxKind.EqualsToken).WithLeadingTrivia(SyntaxFactory.Space).WithTrailingTrivia(SyntaxFactory.Space),
                    value.WithoutTrivia())
                .WithTriviaFrom(pair));
        }

        return SyntaxFactory.InitializerExpression(
            SyntaxKind.ObjectInitializerExpression,
            initializer.OpenBraceToken,
            SyntaxFactory.SeparatedList(elements, initializer.Expressions.GetSeparators()),
            initializer.CloseBraceToken);
    }
}
