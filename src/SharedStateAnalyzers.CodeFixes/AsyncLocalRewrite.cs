using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;

namespace SharedStateAnalyzers.CodeFixes;

/// <summary>
/// "Use AsyncLocal&lt;T&gt;": a static field (plain or <c>[ThreadStatic]</c>) becomes
/// <c>static readonly AsyncLocal&lt;T&gt; f = new();</c> and every use <c>f</c> becomes <c>f.Value</c>; a
/// <c>ThreadLocal&lt;T&gt;</c> field created without a value factory becomes an <c>AsyncLocal&lt;T&gt;</c> and its
/// <c>.Value</c> uses stay. The value then belongs to the current execution flow: it follows <c>await</c>s and
/// flows into work started from it (tasks, timers, thread-pool items), and a value set inside an awaited async
/// method does not flow back to its caller.
/// <para>
/// Offered only where the rewrite is exact: a field declared alone, whose every use is in its own type (or that
/// is private) and in this document, none passed by <c>ref</c>/<c>out</c>/<c>in</c>; with no initializer (or a
/// <c>null</c>/<c>default</c> one) — an <c>AsyncLocal</c> has no initial value; for a <c>ThreadLocal</c>, created
/// with no arguments and used only through <c>Value</c>.
/// </para>
/// </summary>
internal static class AsyncLocalRewrite
{
    private const string ThreadingNamespace = "System.Threading";

    public static async Task<Document?> TryApplyAsync(Document document, SyntaxNode storageDeclaration, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is not null && model is not null && storageDeclaration is PropertyDeclarationSyntax property)
        {
            return TryApplyToProperty(document, root, model, property, cancellationToken);
        }

        if (root is null || model is null
            || storageDeclaration is not VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Variables.Count: 1, Parent: FieldDeclarationSyntax fieldDeclaration } } declarator
            || model.GetDeclaredSymbol(declarator, cancellationToken) is not IFieldSymbol { IsConst: false } field
            || model.Compilation.GetTypeByMetadataName("System.Threading.AsyncLocal`1") is not { } asyncLocal)
        {
            return null;
        }

        var threadLocal = model.Compilation.GetTypeByMetadataName("System.Threading.ThreadLocal`1");
        var isThreadLocal = threadLocal is not null && SymbolEqualityComparer.Default.Equals(field.Type.OriginalDefinition, threadLocal);
        TypeSyntax valueType;
        if (isThreadLocal)
        {
            // new ThreadLocal<T>() or new(): no value factory, no trackAllValues.
            if (declarator.Initializer is { } threadLocalInitializer
                && (threadLocalInitializer.Value is not BaseObjectCreationExpressionSyntax creation || creation.ArgumentList?.Arguments.Count > 0 || creation.Initializer is not null))
            {
                return null;
            }

            valueType = fieldDeclaration.Declaration.Type is GenericNameSyntax { TypeArgumentList.Arguments.Count: 1 } generic
                ? generic.TypeArgumentList.Arguments[0]
                : SyntaxFactory.ParseTypeName(((INamedTypeSymbol)field.Type).TypeArguments[0].ToMinimalDisplayString(model, fieldDeclaration.SpanStart));
        }
        else
        {
            // A volatile field cannot become readonly (and an AsyncLocal needs no fence of its own).
            if (!field.IsStatic || field.IsReadOnly || field.IsVolatile || !IsDefaultInitializer(declarator.Initializer))
            {
                return null;
            }

            valueType = fieldDeclaration.Declaration.Type.WithoutTrivia();
            if (field.Type.IsReferenceType && valueType is not NullableTypeSyntax
                && model.GetNullableContext(fieldDeclaration.SpanStart).AnnotationsEnabled())
            {
                valueType = SyntaxFactory.NullableType(valueType);
            }
        }

        var references = await CacheFieldReferences.FindAsync(document, root, field, cancellationToken).ConfigureAwait(false);
        if (references is null)
        {
            return null;
        }

        var editor = new SyntaxEditor(root, document.Project.Solution.Services);
        foreach (var name in references.Names)
        {
            var reference = CacheFieldReferences.GetQualifiedReference(model, name, cancellationToken);
            if (!IsInOwnType(model, name, field, cancellationToken) || IsPassedByReference(reference))
            {
                return null;
            }

            if (SyntaxHelpers.IsInNameOf(reference))
            {
                continue;
            }

            if (isThreadLocal)
            {
                if (reference.Parent is not MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Value" } access || access.Expression != reference)
                {
                    return null;
                }

                continue;
            }

            if (reference.Parent is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Value" } valueAccess && valueAccess.Expression == reference
                && field.Type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T })
            {
                // s_x.Value on a Nullable<T> would read AsyncLocal<T?>.Value, not the nullable's value.
                return null;
            }

            editor.ReplaceNode(reference, (current, _) => SyntaxFactory.MemberAccessExpression(
                    SyntaxKind.SimpleMemberAccessExpression,
                    ((ExpressionSyntax)current).WithoutTrivia(),
                    SyntaxFactory.IdentifierName("Value"))
                .WithTriviaFrom(current));
        }

        var languageVersion = (fieldDeclaration.SyntaxTree.Options as CSharpParseOptions)?.LanguageVersion ?? LanguageVersion.Latest;
        var asyncLocalType = SyntaxFactory.GenericName(SyntaxFactory.Identifier("AsyncLocal"), SyntaxFactory.TypeArgumentList(SyntaxFactory.SingletonSeparatedList(valueType.WithoutTrivia())));
        ExpressionSyntax creationExpression = languageVersion >= LanguageVersion.CSharp9
            ? SyntaxFactory.ImplicitObjectCreationExpression()
            : SyntaxFactory.ObjectCreationExpression(asyncLocalType.WithLeadingTrivia(SyntaxFactory.Space), SyntaxFactory.ArgumentList(), null);

        var newField = RemoveThreadStatic(fieldDeclaration, model, cancellationToken);
        newField = SyntaxHelpers.EnsureReadOnly(newField);
        var newDeclarator = newField.Declaration.Variables[0];
        newDeclarator = newDeclarator
            .WithIdentifier(newDeclarator.Identifier.WithTrailingTrivia(SyntaxFactory.Space))
            .WithInitializer(SyntaxFactory.EqualsValueClause(
                    SyntaxFactory.Token(SyntaxKind.EqualsToken).WithTrailingTrivia(SyntaxFactory.Space),
                    creationExpression)
                .WithTrailingTrivia(declarator.Initializer?.GetTrailingTrivia() ?? declarator.Identifier.TrailingTrivia.Where(t => !t.IsKind(SyntaxKind.WhitespaceTrivia))));
        newField = newField.WithDeclaration(newField.Declaration
            .WithType(asyncLocalType.WithTriviaFrom(newField.Declaration.Type))
            .WithVariables(SyntaxFactory.SingletonSeparatedList(newDeclarator)));
        editor.ReplaceNode(fieldDeclaration, (current, _) => ((FieldDeclarationSyntax)current)
            .WithAttributeLists(newField.AttributeLists)
            .WithModifiers(newField.Modifiers)
            .WithDeclaration(newField.Declaration));

        var newRoot = editor.GetChangedRoot();
        if (!model.LookupNamespacesAndTypes(fieldDeclaration.SpanStart, name: "AsyncLocal").Any(s => SymbolEqualityComparer.Default.Equals(s.OriginalDefinition, asyncLocal)))
        {
            newRoot = SyntaxHelpers.AddUsing(newRoot, ThreadingNamespace);
        }

        return document.WithSyntaxRoot(newRoot);
    }

    /// <summary>
    /// A static auto-property keeps its name and its uses: its accessors read and write the <c>Value</c> of a new
    /// private <c>AsyncLocal&lt;T&gt;</c> field declared just before it (<c>s_</c> and the property's name).
    /// </summary>
    private static Document? TryApplyToProperty(Document document, SyntaxNode root, SemanticModel model, PropertyDeclarationSyntax property, CancellationToken cancellationToken)
    {
        if (model.GetDeclaredSymbol(property, cancellationToken) is not IPropertySymbol { IsStatic: true, SetMethod: { IsInitOnly: false }, GetMethod: not null } symbol
            || property.AccessorList is not { } accessors
            || accessors.Accessors.Count != 2
            || accessors.Accessors.Any(a => a.Body is not null || a.ExpressionBody is not null || a.AttributeLists.Count > 0)
            || property.Initializer is { } initializer && !IsDefaultInitializer(initializer)
            || model.Compilation.GetTypeByMetadataName("System.Threading.AsyncLocal`1") is not { } asyncLocal)
        {
            return null;
        }

        var fieldName = "s_" + char.ToLowerInvariant(symbol.Name[0]) + symbol.Name.Substring(1);
        if (!symbol.ContainingType.GetMembers(fieldName).IsEmpty || SyntaxFacts.GetKeywordKind(fieldName) != SyntaxKind.None)
        {
            return null;
        }

        var valueType = property.Type.WithoutTrivia();
        if (symbol.Type.IsReferenceType && valueType is not NullableTypeSyntax && model.GetNullableContext(property.SpanStart).AnnotationsEnabled())
        {
            valueType = SyntaxFactory.NullableType(valueType);
        }

        var newLine = SyntaxHelpers.GetNewLine(root);
        var leading = property.GetLeadingTrivia();
        var firstComment = 0;
        while (firstComment < leading.Count && (leading[firstComment].IsKind(SyntaxKind.WhitespaceTrivia) || leading[firstComment].IsKind(SyntaxKind.EndOfLineTrivia)))
        {
            firstComment++;
        }

        var prefix = SyntaxFactory.TriviaList(leading.Take(firstComment));
        var indentation = firstComment > 0 && leading[firstComment - 1].IsKind(SyntaxKind.WhitespaceTrivia) ? leading[firstComment - 1] : SyntaxFactory.Whitespace(string.Empty);
        var languageVersion = (property.SyntaxTree.Options as CSharpParseOptions)?.LanguageVersion ?? LanguageVersion.Latest;
        var typeText = "AsyncLocal<" + valueType.ToString() + ">";
        var field = SyntaxFactory.ParseMemberDeclaration(
                "private static readonly " + typeText + " " + fieldName + " = " + (languageVersion >= LanguageVersion.CSharp9 ? "new()" : "new " + typeText + "()") + ";")!
            .WithLeadingTrivia(prefix)
            .WithTrailingTrivia(prefix.Any(SyntaxKind.EndOfLineTrivia)
                ? SyntaxFactory.TriviaList(SyntaxFactory.EndOfLine(newLine), SyntaxFactory.EndOfLine(newLine))
                : SyntaxFactory.TriviaList(SyntaxFactory.EndOfLine(newLine)));

        var arrow = SyntaxFactory.Token(SyntaxKind.EqualsGreaterThanToken).WithLeadingTrivia(SyntaxFactory.Space).WithTrailingTrivia(SyntaxFactory.Space);
        var newAccessors = accessors.WithAccessors(SyntaxFactory.List(accessors.Accessors.Select(accessor => accessor
            .WithExpressionBody(SyntaxFactory.ArrowExpressionClause(arrow, SyntaxFactory.ParseExpression(
                accessor.IsKind(SyntaxKind.GetAccessorDeclaration) ? fieldName + ".Value" : fieldName + ".Value = value")))
            .WithKeyword(accessor.Keyword.WithTrailingTrivia()))));
        var newProperty = property
            .WithAccessorList(newAccessors.WithTrailingTrivia(property.Initializer is null ? accessors.GetTrailingTrivia() : property.SemicolonToken.TrailingTrivia))
            .WithInitializer(null)
            .WithSemicolonToken(default)
            .WithLeadingTrivia(SyntaxFactory.TriviaList(indentation).AddRange(leading.Skip(firstComment)));

        var editor = new SyntaxEditor(root, document.Project.Solution.Services);
        editor.InsertBefore(property, field);
        editor.ReplaceNode(property, newProperty);
        var newRoot = editor.GetChangedRoot();
        if (!model.LookupNamespacesAndTypes(property.SpanStart, name: "AsyncLocal").Any(s => SymbolEqualityComparer.Default.Equals(s.OriginalDefinition, asyncLocal)))
        {
            newRoot = SyntaxHelpers.AddUsing(newRoot, ThreadingNamespace);
        }

        return document.WithSyntaxRoot(newRoot);
    }

    private static bool IsDefaultInitializer(EqualsValueClauseSyntax? initializer)
        => initializer is null
            || initializer.Value is LiteralExpressionSyntax { RawKind: (int)SyntaxKind.NullLiteralExpression or (int)SyntaxKind.DefaultLiteralExpression }
            || initializer.Value is DefaultExpressionSyntax;

    /// <summary>The use sits in the field's type (or a type nested in it).</summary>
    private static bool IsInOwnType(SemanticModel model, SyntaxNode name, IFieldSymbol field, CancellationToken cancellationToken)
    {
        if (field.DeclaredAccessibility == Accessibility.Private)
        {
            return true;
        }

        for (var type = model.GetEnclosingSymbol(name.SpanStart, cancellationToken)?.ContainingType; type is not null; type = type.ContainingType)
        {
            if (SymbolEqualityComparer.Default.Equals(type, field.ContainingType))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsPassedByReference(ExpressionSyntax reference)
    {
        SyntaxNode current = reference;
        while (current.Parent is ParenthesizedExpressionSyntax)
        {
            current = current.Parent;
        }

        return current.Parent is ArgumentSyntax { RefKindKeyword.RawKind: not (int)SyntaxKind.None }
            || current.Parent is RefExpressionSyntax
            || (current.Parent is EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Type: RefTypeSyntax } } });
    }

    /// <summary>Removes <c>[ThreadStatic]</c>, and its attribute list when it held nothing else, keeping the comments and indentation before it.</summary>
    private static FieldDeclarationSyntax RemoveThreadStatic(FieldDeclarationSyntax field, SemanticModel model, CancellationToken cancellationToken)
    {
        foreach (var list in field.AttributeLists)
        {
            foreach (var attribute in list.Attributes)
            {
                if (model.GetSymbolInfo(attribute, cancellationToken).Symbol?.ContainingType?.ToDisplayString() != "System.ThreadStaticAttribute")
                {
                    continue;
                }

                if (list.Attributes.Count > 1)
                {
                    return field.ReplaceNode(list, list.WithAttributes(list.Attributes.Remove(attribute)));
                }

                var next = list.GetLastToken().GetNextToken();
                var withTrivia = field.ReplaceToken(next, next.WithLeadingTrivia(list.GetLeadingTrivia()));
                var index = field.AttributeLists.IndexOf(list);
                return withTrivia.WithAttributeLists(withTrivia.AttributeLists.RemoveAt(index));
            }
        }

        return field;
    }
}
