using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SharedStateAnalyzers.Model;

namespace SharedStateAnalyzers.CodeFixes;

/// <summary>
/// The rewrites of SSA006 that are its own: find the registration a diagnostic sits on; take an
/// <c>IServiceScopeFactory</c> instead of the dependency. Registering the consumer as scoped is
/// <see cref="ScopedRegistrationRewrite"/>'s, shared with SSA005.
/// </summary>
internal static class CaptiveDependencyRewrite
{
    private const string DependencyInjectionNamespace = "Microsoft.Extensions.DependencyInjection";
    private const string ScopeFactoryField = "_scopeFactory";
    private const string ScopeFactoryParameter = "scopeFactory";
    private const string ScopeLocal = "scope";

    /// <summary>The registration call a diagnostic sits on (its span runs from the method's name to the end of the call).</summary>
    public static InvocationExpressionSyntax? FindInvocation(SyntaxNode root, Microsoft.CodeAnalysis.Text.TextSpan span)
    {
        if (span.End > root.FullSpan.End)
        {
            return null;
        }

        for (SyntaxNode? node = root.FindNode(span); node is not null; node = node.Parent)
        {
            if (node is InvocationExpressionSyntax invocation && invocation.Span.End == span.End)
            {
                return invocation;
            }
        }

        return null;
    }

    private static async Task<(ServiceRegistration Registration, Compilation Compilation)?> GetRegistrationAsync(
        Document document, InvocationExpressionSyntax invocation, CancellationToken cancellationToken)
    {
        var compilation = await document.Project.GetCompilationAsync(cancellationToken).ConfigureAwait(false);
        if (compilation is null)
        {
            return null;
        }

        return ServiceRegistrations.For(compilation).GetRegistration(invocation) is { Lifetime: ServiceLifetimeKind.Singleton } registration
            ? (registration, compilation)
            : null;
    }

    // ---------------------------------------------------------------- Inject IServiceScopeFactory

    /// <summary>The name of the consumer's constructor parameter that takes the dependency, for a diagnostic's parameter ordinal.</summary>
    public static async Task<string?> GetParameterNameAsync(Document document, InvocationExpressionSyntax invocation, int ordinal, CancellationToken cancellationToken)
    {
        if (await GetRegistrationAsync(document, invocation, cancellationToken).ConfigureAwait(false) is not var (registration, _)
            || registration.Form != RegistrationForm.Type
            || ContainerActivation.GetConstructor(registration.ImplementationType) is not { } constructor
            || ordinal < 0 || ordinal >= constructor.Parameters.Length)
        {
            return null;
        }

        return constructor.Parameters[ordinal].Name;
    }

    /// <summary>
    /// In the consumer's constructor, the parameter becomes <c>IServiceScopeFactory scopeFactory</c> stored in
    /// <c>_scopeFactory</c>; every method that used the field the parameter was stored in starts with
    /// <c>using var scope = _scopeFactory.CreateScope();</c> and takes the service from
    /// <c>scope.ServiceProvider.GetRequiredService&lt;T&gt;()</c> into a local that replaces the field.
    /// A second dependency of the same class (Fix All) reuses the factory and the scope.
    /// <para>
    /// Null unless that is exact: the consumer is a class of this solution declared once, built by its constructor
    /// (not a factory); the parameter is neither keyed nor a collection, and its only use is one statement
    /// <c>_field = parameter;</c> in the constructor's block body; the field is private, of the parameter's type,
    /// written nowhere else, and every read of it is in a block-bodied method of the class (not in a lambda, a local
    /// function, a property or another constructor); the local's name and <c>scope</c> are free in those methods.
    /// </para>
    /// </summary>
    public static async Task<Solution?> InjectScopeFactoryAsync(Document document, InvocationExpressionSyntax invocation, string parameterName, CancellationToken cancellationToken)
    {
        if (await GetRegistrationAsync(document, invocation, cancellationToken).ConfigureAwait(false) is not var (registration, compilation)
            || registration.Form != RegistrationForm.Type
            || compilation.GetTypeByMetadataName(DependencyInjectionNamespace + ".IServiceScopeFactory") is not { } scopeFactoryType
            || registration.ImplementationType is not { DeclaringSyntaxReferences.Length: 1 } consumer
            || ContainerActivation.GetConstructor(consumer) is not { DeclaringSyntaxReferences.Length: 1 } constructor)
        {
            return null;
        }

        var parameter = constructor.Parameters.FirstOrDefault(p => p.Name == parameterName);
        if (parameter?.Type is not INamedTypeSymbol dependencyType || dependencyType.TypeKind == TypeKind.Error
            || dependencyType.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T
            || parameter.GetAttributes().Any(a => a.AttributeClass?.Name is "FromKeyedServicesAttribute" or "ServiceKeyAttribute"))
        {
            return null;
        }

        var classReference = consumer.DeclaringSyntaxReferences[0];
        var consumerDocument = document.Project.Solution.GetDocument(classReference.SyntaxTree);
        if (consumerDocument is null)
        {
            return null;
        }

        var root = await consumerDocument.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await consumerDocument.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null
            || root.FindNode(classReference.Span) is not ClassDeclarationSyntax { ParameterList: null } owner
            || root.FindNode(constructor.DeclaringSyntaxReferences[0].Span) is not ConstructorDeclarationSyntax { Body: { } constructorBody } constructorSyntax
            || !ReferenceEquals(constructorSyntax.Parent, owner))
        {
            return null;
        }

        consumer = model.GetDeclaredSymbol(owner, cancellationToken) ?? consumer;
        var parameterSyntax = constructorSyntax.ParameterList.Parameters.FirstOrDefault(p => p.Identifier.ValueText == parameterName);
        if (parameterSyntax is null || constructorSyntax.Initializer is not null && UsesName(constructorSyntax.Initializer, parameterName))
        {
            return null;
        }

        // The parameter's only use: `_field = parameter;` (or `this._field = parameter;`), a statement of the body.
        var uses = constructorBody.DescendantNodes().OfType<IdentifierNameSyntax>()
            .Where(n => n.Identifier.ValueText == parameterName && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(n, cancellationToken).Symbol, model.GetDeclaredSymbol(parameterSyntax, cancellationToken)))
            .ToList();
        if (uses.Count != 1
            || uses[0].Parent is not AssignmentExpressionSyntax { Parent: ExpressionStatementSyntax storeStatement } store
            || store.Right != uses[0] || !ReferenceEquals(storeStatement.Parent, constructorBody)
            || model.GetSymbolInfo(store.Left, cancellationToken).Symbol is not IFieldSymbol { IsStatic: false, DeclaredAccessibility: Accessibility.Private } field
            || !SymbolEqualityComparer.Default.Equals(field.ContainingType, consumer)
            || !SymbolEqualityComparer.Default.Equals(field.Type, dependencyType)
            || field.DeclaringSyntaxReferences.Length != 1
            || root.FindNode(field.DeclaringSyntaxReferences[0].Span) is not VariableDeclaratorSyntax { Initializer: null, Parent: VariableDeclarationSyntax { Variables.Count: 1, Parent: FieldDeclarationSyntax fieldDeclaration } })
        {
            return null;
        }

        // A second dependency of the class reuses the factory the first one brought in.
        var existing = consumer.GetMembers(ScopeFactoryField);
        var reuse = existing.Length == 1 && existing[0] is IFieldSymbol existingField && SymbolEqualityComparer.Default.Equals(existingField.Type, scopeFactoryType)
            && constructor.Parameters.Any(p => p.Name == ScopeFactoryParameter && SymbolEqualityComparer.Default.Equals(p.Type, scopeFactoryType));
        if ((!existing.IsEmpty && !reuse) || (!reuse && constructor.Parameters.Any(p => p.Name == ScopeFactoryParameter)))
        {
            return null;
        }

        var localName = LocalName(field.Name);
        if (localName is null)
        {
            return null;
        }

        // Every other reference to the field: a read in a block-bodied method of the class, outside lambdas and local functions.
        var readsByMethod = new Dictionary<MethodDeclarationSyntax, List<ExpressionSyntax>>();
        foreach (var name in owner.DescendantNodes().OfType<IdentifierNameSyntax>())
        {
            if (name.Identifier.ValueText != field.Name || !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, cancellationToken).Symbol, field))
            {
                continue;
            }

            ExpressionSyntax reference = name.Parent is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } thisAccess && thisAccess.Name == name ? thisAccess : name;
            if (reference == store.Left)
            {
                continue;
            }

            var method = reference.FirstAncestorOrSelf<MemberDeclarationSyntax>() as MethodDeclarationSyntax;
            if (method is not { Body: not null } || !ReferenceEquals(method.Parent, owner) || method.Modifiers.Any(SyntaxKind.StaticKeyword)
                || reference.Ancestors().TakeWhile(a => a != method).Any(a => a is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)
                || IsWritten(reference) || SyntaxHelpers.IsInNameOf(reference))
            {
                return null;
            }

            if (!readsByMethod.TryGetValue(method, out var reads))
            {
                reads = new List<ExpressionSyntax>();
                readsByMethod.Add(method, reads);
            }

            reads.Add(reference);
        }

        foreach (var method in readsByMethod.Keys)
        {
            var opensScope = reuse && OpensScope(method.Body!);
            if (UsesName(method, localName, except: field.Name == localName ? readsByMethod[method] : null) || (!opensScope && UsesName(method, ScopeLocal)))
            {
                return null;
            }
        }

        var typeName = dependencyType.ToMinimalDisplayString(model, parameterSyntax.SpanStart);
        var newLine = SyntaxHelpers.GetNewLine(root);
        var newRoot = root.ReplaceNodes(
            readsByMethod.Keys.Cast<SyntaxNode>().Append(fieldDeclaration).Append(constructorSyntax),
            (original, current) => original switch
            {
                MethodDeclarationSyntax method => RewriteMethod(method, readsByMethod[method], localName, typeName, reuse, newLine),
                FieldDeclarationSyntax => reuse ? current.WithAdditionalAnnotations(s_remove) : RetypeField((FieldDeclarationSyntax)current),
                _ => RewriteConstructor((ConstructorDeclarationSyntax)current, constructorSyntax, parameterSyntax, storeStatement, reuse),
            });
        if (newRoot.GetAnnotatedNodes(s_remove).FirstOrDefault() is { } removedField)
        {
            newRoot = newRoot.RemoveNode(removedField, SyntaxRemoveOptions.KeepUnbalancedDirectives)!;
        }

        if (!SyntaxHelpers.IsInScope(model, owner.SpanStart, "IServiceScopeFactory", scopeFactoryType))
        {
            newRoot = SyntaxHelpers.AddUsing(newRoot, DependencyInjectionNamespace);
        }

        var changed = consumerDocument.WithSyntaxRoot(newRoot);
        return await CompileCheck.AddsNoErrorsAsync(consumerDocument, changed, cancellationToken).ConfigureAwait(false) ? changed.Project.Solution : null;
    }

    private static readonly SyntaxAnnotation s_remove = new("SSA006.Remove");

    private static string? LocalName(string fieldName)
    {
        var name = fieldName.TrimStart('_');
        if (name.StartsWith("m_", StringComparison.Ordinal))
        {
            name = name.Substring(2);
        }

        if (name.Length == 0 || !SyntaxFacts.IsValidIdentifier(name))
        {
            return null;
        }

        name = char.ToLowerInvariant(name[0]) + name.Substring(1);
        return SyntaxFacts.GetKeywordKind(name) == SyntaxKind.None && SyntaxFacts.GetContextualKeywordKind(name) == SyntaxKind.None ? name : null;
    }

    private static bool IsWritten(ExpressionSyntax reference)
        => reference.Parent switch
        {
            AssignmentExpressionSyntax assignment => assignment.Left == reference,
            ArgumentSyntax argument => !argument.RefKindKeyword.IsKind(SyntaxKind.None),
            PrefixUnaryExpressionSyntax or PostfixUnaryExpressionSyntax => true,
            RefExpressionSyntax => true,
            _ => false,
        };

    private static bool UsesName(SyntaxNode node, string name, List<ExpressionSyntax>? except = null)
    {
        foreach (var token in node.DescendantTokens())
        {
            if (token.IsKind(SyntaxKind.IdentifierToken) && token.ValueText == name
                && (except is null || !except.Any(e => e.Span.Contains(token.Span))))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The method already starts with <c>using var scope = _scopeFactory.CreateScope();</c> (an earlier rewrite).</summary>
    private static bool OpensScope(BlockSyntax body)
        => body.Statements.FirstOrDefault() is LocalDeclarationStatementSyntax { UsingKeyword.RawKind: (int)SyntaxKind.UsingKeyword } declaration
            && declaration.Declaration.Variables.Count == 1
            && declaration.Declaration.Variables[0].Identifier.ValueText == ScopeLocal
            && declaration.Declaration.Variables[0].Initializer?.Value.ToString() == ScopeFactoryField + ".CreateScope()";

    /// <summary>Methods are members of the class, none inside another: each is rewritten from its original node.</summary>
    private static MethodDeclarationSyntax RewriteMethod(MethodDeclarationSyntax method, List<ExpressionSyntax> reads, string localName, string typeName, bool reuse, string newLine)
    {
        var rewritten = method.ReplaceNodes(reads, (node, _) => SyntaxFactory.IdentifierName(localName).WithTriviaFrom(node));
        var body = rewritten.Body!;
        var indentation = body.Statements.Count > 0
            ? SyntaxHelpers.Indentation(body.Statements[0])
            : SyntaxFactory.TriviaList(SyntaxFactory.Whitespace("    "));
        var resolve = SyntaxFactory.ParseStatement($"var {localName} = {ScopeLocal}.ServiceProvider.GetRequiredService<{typeName}>();")
            .WithLeadingTrivia(indentation)
            .WithTrailingTrivia(SyntaxFactory.EndOfLine(newLine));
        if (reuse && OpensScope(body))
        {
            // After the scope and the services already taken from it.
            var index = 1;
            while (index < body.Statements.Count && body.Statements[index] is LocalDeclarationStatementSyntax local
                && local.Declaration.Variables.Count == 1
                && local.Declaration.Variables[0].Initializer?.Value.ToString().StartsWith(ScopeLocal + ".ServiceProvider.GetRequiredService<", StringComparison.Ordinal) == true)
            {
                index++;
            }

            return rewritten.WithBody(body.WithStatements(body.Statements.Insert(index, resolve)));
        }

        var open = SyntaxFactory.ParseStatement($"using var {ScopeLocal} = {ScopeFactoryField}.CreateScope();")
            .WithLeadingTrivia(indentation)
            .WithTrailingTrivia(SyntaxFactory.EndOfLine(newLine));
        return rewritten.WithBody(body.WithStatements(body.Statements.InsertRange(0, new[] { open, resolve })));
    }

    private static FieldDeclarationSyntax RetypeField(FieldDeclarationSyntax field)
    {
        var declaration = field.Declaration;
        var variable = declaration.Variables[0];
        return field.WithDeclaration(declaration
            .WithType(SyntaxFactory.IdentifierName("IServiceScopeFactory").WithTriviaFrom(declaration.Type))
            .WithVariables(SyntaxFactory.SingletonSeparatedList(variable.WithIdentifier(SyntaxFactory.Identifier(variable.Identifier.LeadingTrivia, ScopeFactoryField, variable.Identifier.TrailingTrivia)))));
    }

    private static ConstructorDeclarationSyntax RewriteConstructor(ConstructorDeclarationSyntax current, ConstructorDeclarationSyntax original, ParameterSyntax parameter, ExpressionStatementSyntax store, bool reuse)
    {
        var parameterIndex = original.ParameterList.Parameters.IndexOf(parameter);
        var storeIndex = original.Body!.Statements.IndexOf(store);
        var parameters = current.ParameterList.Parameters;
        var statements = current.Body!.Statements;
        if (reuse)
        {
            var removedStore = statements[storeIndex];
            statements = statements.RemoveAt(storeIndex);
            if (storeIndex < statements.Count && removedStore.GetLeadingTrivia().Any(t => !t.IsKind(SyntaxKind.WhitespaceTrivia) && !t.IsKind(SyntaxKind.EndOfLineTrivia)))
            {
                statements = statements.Replace(statements[storeIndex], statements[storeIndex].WithLeadingTrivia(removedStore.GetLeadingTrivia()));
            }

            return current
                .WithParameterList(current.ParameterList.WithParameters(RemoveParameter(parameters, parameterIndex)))
                .WithBody(current.Body.WithStatements(statements));
        }

        var oldParameter = parameters[parameterIndex];
        var newParameter = oldParameter
            .WithType(SyntaxFactory.IdentifierName("IServiceScopeFactory").WithTriviaFrom(oldParameter.Type!))
            .WithIdentifier(SyntaxFactory.Identifier(oldParameter.Identifier.LeadingTrivia, ScopeFactoryParameter, oldParameter.Identifier.TrailingTrivia));
        var oldStore = (ExpressionStatementSyntax)statements[storeIndex];
        var assignment = (AssignmentExpressionSyntax)oldStore.Expression;
        var newTarget = assignment.Left is MemberAccessExpressionSyntax access
            ? (ExpressionSyntax)access.WithName(SyntaxFactory.IdentifierName(ScopeFactoryField).WithTriviaFrom(access.Name))
            : SyntaxFactory.IdentifierName(ScopeFactoryField).WithTriviaFrom(assignment.Left);
        var newStore = oldStore.WithExpression(assignment
            .WithLeft(newTarget)
            .WithRight(SyntaxFactory.IdentifierName(ScopeFactoryParameter).WithTriviaFrom(assignment.Right)));
        return current
            .WithParameterList(current.ParameterList.WithParameters(parameters.Replace(oldParameter, newParameter)))
            .WithBody(current.Body.WithStatements(statements.Replace(oldStore, newStore)));
    }

    private static SeparatedSyntaxList<ParameterSyntax> RemoveParameter(SeparatedSyntaxList<ParameterSyntax> parameters, int index)
    {
        if (index == 0 && parameters.Count > 1)
        {
            // The next parameter takes the removed one's place (and its leading trivia).
            var next = parameters[1].WithLeadingTrivia(parameters[0].GetLeadingTrivia());
            return parameters.Replace(parameters[1], next).RemoveAt(0);
        }

        return parameters.RemoveAt(index);
    }
}
