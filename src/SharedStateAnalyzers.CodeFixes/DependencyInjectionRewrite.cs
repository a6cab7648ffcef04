using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.FindSymbols;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Text;
using SharedStateAnalyzers.Model;

namespace SharedStateAnalyzers.CodeFixes;

/// <summary>
/// "Register with dependency injection" (SSA004), a change to several documents: the singleton's constructor becomes
/// public; its accessors, the static storage (field, auto-property or <c>Lazy&lt;T&gt;</c>), its set-up methods and a
/// lock object only they used are removed; <c>AddSingleton&lt;T&gt;()</c> joins the registrations of the composition
/// root; every use of an accessor becomes an injected value — <c>this</c> inside the singleton, a constructor
/// parameter (kept in a <c>readonly</c> field) in classes the container builds, a handler parameter in minimal API
/// handlers — and each <c>T.Configure(…);</c> statement is removed.
/// <para>
/// All or nothing: when one use cannot be injected (a static member, a field initializer, top-level code, a class
/// the container does not build), when the constructor takes what the container cannot supply, or when no
/// composition root is found, the fix is not offered.
/// </para>
/// </summary>
internal static class DependencyInjectionRewrite
{
    private const string DependencyInjectionNamespace = "Microsoft.Extensions.DependencyInjection";

    private static readonly HashSet<string> s_registrationMethods = new(StringComparer.Ordinal)
    {
        "AddSingleton", "AddScoped", "AddTransient", "TryAddSingleton", "TryAddScoped", "TryAddTransient",
        "AddKeyedSingleton", "AddKeyedScoped", "AddKeyedTransient", "AddHostedService",
    };

    private static readonly HashSet<string> s_endpointMethods = new(StringComparer.Ordinal)
    {
        "MapGet", "MapPost", "MapPut", "MapDelete", "MapPatch", "MapMethods", "Map", "MapFallback",
    };

    /// <summary>The solution with the singleton whose accessor is declared at <paramref name="span"/> registered and injected, or null.</summary>
    public static async Task<Solution?> TryApplyAsync(Document document, TextSpan span, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return null;
        }

        var declaration = root.FindToken(span.Start).Parent;
        var accessor = declaration is null ? null : model.GetDeclaredSymbol(declaration, cancellationToken);
        if (accessor?.ContainingType is not { } type)
        {
            return null;
        }

        return await TryApplyAsync(document.Project.Solution, type, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<Solution?> TryApplyAsync(Solution solution, INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        var project = type.DeclaringSyntaxReferences.Length == 1 ? solution.GetDocument(type.DeclaringSyntaxReferences[0].SyntaxTree)?.Project : null;
        var compilation = project is null ? null : await project.GetCompilationAsync(cancellationToken).ConfigureAwait(false);
        if (compilation is null)
        {
            return null;
        }

        var shape = HandRolledSingletons.FindShape(type, compilation, cancellationToken);
        if (shape is null || type.IsGenericType || type.DeclaringSyntaxReferences.Length != 1 || type.ContainingType is not null
            || type.InstanceConstructors.Length != 1)
        {
            return null;
        }

        var typeSyntax = (TypeDeclarationSyntax)await type.DeclaringSyntaxReferences[0].GetSyntaxAsync(cancellationToken).ConfigureAwait(false);
        var document = solution.GetDocument(typeSyntax.SyntaxTree);
        var constructor = type.InstanceConstructors[0];
        if (document is null || typeSyntax is not ClassDeclarationSyntax { ParameterList: null } classSyntax
            || constructor.DeclaringSyntaxReferences.Length != 1
            || await constructor.DeclaringSyntaxReferences[0].GetSyntaxAsync(cancellationToken).ConfigureAwait(false) is not ConstructorDeclarationSyntax constructorSyntax
            || !constructor.Parameters.All(IsContainerSuppliable))
        {
            return null;
        }

        var plan = new Plan(solution);
        var typeModel = compilation.GetSemanticModel(typeSyntax.SyntaxTree);

        // The members that go: accessors, storage, set-up methods, and lock objects only they use.
        var removed = new List<SyntaxNode>();
        var removedSymbols = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (var member in shape.Accessors.Concat(new[] { shape.Storage }).Concat(shape.SetUpMethods))
        {
            if (!removedSymbols.Add(member))
            {
                continue;
            }

            var node = GetRemovableNode(member, cancellationToken);
            if (node is null)
            {
                return null;
            }

            removed.Add(node);
        }

        foreach (var field in type.GetMembers().OfType<IFieldSymbol>())
        {
            if (field is { IsStatic: true, IsReadOnly: true, DeclaredAccessibility: Accessibility.Private } && field.Type.SpecialType == SpecialType.System_Object
                && !removedSymbols.Contains(field) && IsUsedOnlyWithin(field, typeSyntax, typeModel, removed, cancellationToken)
                && GetRemovableNode(field, cancellationToken) is { } node)
            {
                removedSymbols.Add(field);
                removed.Add(node);
            }
        }

        // The storage and set-up methods may be used only by what goes (set-up calls are removed as statements).
        foreach (var member in removedSymbols)
        {
            var isSetUp = member is IMethodSymbol method && shape.SetUpMethods.Contains(method, SymbolEqualityComparer.Default);
            var isAccessor = shape.Accessors.Contains(member, SymbolEqualityComparer.Default);
            foreach (var location in await FindReferenceLocationsAsync(member, solution, cancellationToken).ConfigureAwait(false))
            {
                var node = await GetNodeAsync(solution, location, cancellationToken).ConfigureAwait(false);
                if (node is null)
                {
                    return null;
                }

                if (IsInside(node, removed))
                {
                    continue;
                }

                if (isSetUp)
                {
                    if (!plan.RemoveSetUpCall(node))
                    {
                        return null;
                    }
                }
                else if (!isAccessor || !await plan.AddUseAsync(node, type, classSyntax, cancellationToken).ConfigureAwait(false))
                {
                    return null;
                }
            }
        }

        // Where the container learns about the singleton.
        var registration = await FindCompositionRootAsync(solution, document.Project, cancellationToken).ConfigureAwait(false);
        if (registration is null)
        {
            return null;
        }

        foreach (var node in removed)
        {
            plan.Editor(document.Id, node.SyntaxTree).RemoveNode(node, SyntaxRemoveOptions.KeepUnbalancedDirectives);
        }

        plan.Editor(document.Id, constructorSyntax.SyntaxTree).ReplaceNode(constructorSyntax, (current, _) => MakePublic((ConstructorDeclarationSyntax)current));

        if (!await plan.AddRegistrationAsync(registration.Value, type, cancellationToken).ConfigureAwait(false)
            || !plan.ApplyInjections(type))
        {
            return null;
        }

        return await plan.BuildAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A parameter the container can fill: of a class or interface type (not <c>string</c>, an array or a delegate), by value, with no default.</summary>
    private static bool IsContainerSuppliable(IParameterSymbol parameter)
        => parameter is { RefKind: RefKind.None, HasExplicitDefaultValue: false, IsParams: false }
            && parameter.Type is INamedTypeSymbol { TypeKind: TypeKind.Class or TypeKind.Interface, SpecialType: SpecialType.None } named
            && named.TypeKind != TypeKind.Delegate
            && named.SpecialType != SpecialType.System_Object;

    /// <summary>The declaration to remove for a member: a whole field declaration of one variable, a property, a method.</summary>
    private static SyntaxNode? GetRemovableNode(ISymbol member, CancellationToken cancellationToken)
    {
        if (member.DeclaringSyntaxReferences.Length != 1)
        {
            return null;
        }

        var node = member.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken);
        return node switch
        {
            VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Variables.Count: 1, Parent: FieldDeclarationSyntax field } } => field,
            PropertyDeclarationSyntax or MethodDeclarationSyntax => node,
            _ => null,
        };
    }

    private static bool IsUsedOnlyWithin(IFieldSymbol field, SyntaxNode typeSyntax, SemanticModel model, List<SyntaxNode> removed, CancellationToken cancellationToken)
    {
        var used = false;
        foreach (var identifier in typeSyntax.DescendantNodes().OfType<IdentifierNameSyntax>())
        {
            if (identifier.Identifier.ValueText != field.Name
                || !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(identifier, cancellationToken).Symbol, field))
            {
                continue;
            }

            if (!IsInside(identifier, removed))
            {
                return false;
            }

            used = true;
        }

        return used;
    }

    private static bool IsInside(SyntaxNode node, List<SyntaxNode> containers)
        => containers.Any(c => c.SyntaxTree == node.SyntaxTree && c.FullSpan.Contains(node.Span));

    private static async Task<List<ReferenceLocation>> FindReferenceLocationsAsync(ISymbol symbol, Solution solution, CancellationToken cancellationToken)
    {
        var locations = new List<ReferenceLocation>();
        foreach (var reference in await SymbolFinder.FindReferencesAsync(symbol, solution, cancellationToken).ConfigureAwait(false))
        {
            if (!SymbolEqualityComparer.Default.Equals(reference.Definition.OriginalDefinition, symbol.OriginalDefinition))
            {
                continue;
            }

            locations.AddRange(reference.Locations.Where(l => !l.IsImplicit));
        }

        return locations;
    }

    private static async Task<SyntaxNode?> GetNodeAsync(Solution solution, ReferenceLocation location, CancellationToken cancellationToken)
    {
        var root = await location.Document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || !location.Location.IsInSource || solution.GetDocument(location.Document.Id) is null)
        {
            return null;
        }

        return root.FindNode(location.Location.SourceSpan, getInnermostNodeForTie: true);
    }

    private static ConstructorDeclarationSyntax MakePublic(ConstructorDeclarationSyntax constructor)
    {
        var modifiers = constructor.Modifiers;
        var accessibility = modifiers.Where(HandRolledSingletons.IsAccessibilityModifier).ToList();
        if (accessibility.Count == 0)
        {
            return constructor;
        }

        var first = accessibility[0];
        var publicKeyword = SyntaxFactory.Token(first.LeadingTrivia, SyntaxKind.PublicKeyword, accessibility[accessibility.Count - 1].TrailingTrivia);
        var index = modifiers.IndexOf(first);
        var remaining = modifiers.Where(m => !HandRolledSingletons.IsAccessibilityModifier(m)).ToList();
        remaining.Insert(Math.Min(index, remaining.Count), publicKeyword);
        return constructor.WithModifiers(SyntaxFactory.TokenList(remaining));
    }

    // ---------------------------------------------------------------- composition root

    /// <summary>Where to add the registration: after a statement, or at the end of a block; and the service collection's expression.</summary>
    internal readonly struct RegistrationSite
    {
        public RegistrationSite(DocumentId document, StatementSyntax? after, BlockSyntax? block, string receiver)
        {
            Document = document;
            After = after;
            Block = block;
            Receiver = receiver;
        }

        public DocumentId Document { get; }

        public StatementSyntax? After { get; }

        public BlockSyntax? Block { get; }

        public string Receiver { get; }
    }

    /// <summary>
    /// The composition root of the singleton's project, or of a project that depends on it: the host builder's
    /// <c>Services</c> (in <c>Program.cs</c> or a method that builds the app), then a <c>ConfigureServices(IServiceCollection)</c>
    /// method, then an <c>IServiceCollection</c> extension method. The registration goes after the last registration
    /// statement there.
    /// </summary>
    private static async Task<RegistrationSite?> FindCompositionRootAsync(Solution solution, Project project, CancellationToken cancellationToken)
    {
        var projects = new List<Project> { project };
        projects.AddRange(solution.GetProjectDependencyGraph().GetProjectsThatTransitivelyDependOnThisProject(project.Id)
            .Select(solution.GetProject).OfType<Project>().OrderBy(p => p.Name, StringComparer.Ordinal));

        foreach (var candidate in projects)
        {
            RegistrationSite? configureServices = null;
            RegistrationSite? extension = null;
            foreach (var document in candidate.Documents.OrderBy(d => d.FilePath ?? d.Name, StringComparer.Ordinal))
            {
                var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
                if (root is null || root.ToFullString().IndexOf("Services", StringComparison.Ordinal) < 0
                    && root.ToFullString().IndexOf("IServiceCollection", StringComparison.Ordinal) < 0)
                {
                    continue;
                }

                var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
                if (model is null)
                {
                    continue;
                }

                if (FindHostBuilderSite(document, root, model, cancellationToken) is { } host)
                {
                    return host;
                }

                foreach (var method in root.DescendantNodes().OfType<MethodDeclarationSyntax>())
                {
                    if (method.Body is null || method.ParameterList.Parameters.Count == 0)
                    {
                        continue;
                    }

                    var first = method.ParameterList.Parameters[0];
                    if (model.GetDeclaredSymbol(first, cancellationToken) is not { } parameter || !IsServiceCollection(parameter.Type))
                    {
                        continue;
                    }

                    var isExtension = first.Modifiers.Any(SyntaxKind.ThisKeyword);
                    if (!isExtension && method.Identifier.ValueText != "ConfigureServices")
                    {
                        continue;
                    }

                    var site = SiteInBody(document.Id, method.Body, parameter.Name, model, cancellationToken, isExtension);
                    if (site is null)
                    {
                        continue;
                    }

                    if (isExtension)
                    {
                        extension ??= site;
                    }
                    else
                    {
                        configureServices ??= site;
                    }
                }
            }

            if (configureServices is not null || extension is not null)
            {
                return configureServices ?? extension;
            }
        }

        return null;
    }

    /// <summary>The last <c>x.Services.AddY(…);</c> statement on a host builder, in a statement list.</summary>
    private static RegistrationSite? FindHostBuilderSite(Document document, SyntaxNode root, SemanticModel model, CancellationToken cancellationToken)
    {
        StatementSyntax? last = null;
        string? receiver = null;
        foreach (var access in root.DescendantNodes().OfType<MemberAccessExpressionSyntax>())
        {
            if (access.Name.Identifier.ValueText != "Services" || access.Expression is not IdentifierNameSyntax builder
                || model.GetSymbolInfo(access, cancellationToken).Symbol is not IPropertySymbol property
                || !IsServiceCollection(property.Type)
                || property.ContainingType.Name.IndexOf("Builder", StringComparison.Ordinal) < 0)
            {
                continue;
            }

            var statement = GetRegistrationStatement(access);
            if (statement is null)
            {
                continue;
            }

            last = statement;
            receiver = builder.Identifier.ValueText + ".Services";
        }

        return last is null ? null : new RegistrationSite(document.Id, last, null, receiver!);
    }

    /// <summary>The statement <c>receiver.AddY(…)…;</c> whose chain starts at <paramref name="receiver"/>, when it stands in a block or at the top level.</summary>
    private static StatementSyntax? GetRegistrationStatement(ExpressionSyntax receiver)
    {
        SyntaxNode current = receiver;
        var registers = false;
        while (current.Parent is MemberAccessExpressionSyntax access && access.Expression == current && access.Parent is InvocationExpressionSyntax invocation)
        {
            registers |= s_registrationMethods.Contains(access.Name.Identifier.ValueText) || access.Name.Identifier.ValueText.StartsWith("Add", StringComparison.Ordinal);
            current = invocation;
        }

        return registers && current.Parent is ExpressionStatementSyntax statement && statement.Parent is BlockSyntax or GlobalStatementSyntax
            ? statement
            : null;
    }

    private static RegistrationSite? SiteInBody(DocumentId document, BlockSyntax body, string parameterName, SemanticModel model, CancellationToken cancellationToken, bool isExtension)
    {
        StatementSyntax? last = null;
        foreach (var statement in body.Statements)
        {
            if (statement is ExpressionStatementSyntax { Expression: InvocationExpressionSyntax invocation } && RootIdentifier(invocation) is { } identifier
                && identifier.Identifier.ValueText == parameterName && model.GetSymbolInfo(identifier, cancellationToken).Symbol is IParameterSymbol)
            {
                last = statement;
            }
        }

        if (last is not null)
        {
            return new RegistrationSite(document, last, null, parameterName);
        }

        if (isExtension)
        {
            // No registration statement: before the final `return services;`.
            if (body.Statements.LastOrDefault() is ReturnStatementSyntax && body.Statements.Count >= 2)
            {
                return new RegistrationSite(document, body.Statements[body.Statements.Count - 2], null, parameterName);
            }

            return null;
        }

        return new RegistrationSite(document, body.Statements.LastOrDefault() is ReturnStatementSyntax ? null : body.Statements.LastOrDefault(), body, parameterName);
    }

    private static IdentifierNameSyntax? RootIdentifier(ExpressionSyntax expression)
    {
        while (true)
        {
            switch (expression)
            {
                case InvocationExpressionSyntax invocation:
                    expression = invocation.Expression;
                    break;
                case MemberAccessExpressionSyntax access:
                    expression = access.Expression;
                    break;
                case IdentifierNameSyntax identifier:
                    return identifier;
                default:
                    return null;
            }
        }
    }

    private static bool IsServiceCollection(ITypeSymbol? type)
        => type is INamedTypeSymbol { Name: "IServiceCollection" } named && named.ContainingNamespace?.ToDisplayString() == DependencyInjectionNamespace;

    // ---------------------------------------------------------------- the edits

    /// <summary>All edits of one fix, by document, applied together at the end.</summary>
    private sealed class Plan
    {
        private readonly Solution _solution;
        private readonly Dictionary<DocumentId, SyntaxEditor> _editors = new();
        private readonly Dictionary<ClassDeclarationSyntax, List<(SyntaxNode Use, bool InConstructor)>> _classUses = new();
        private readonly Dictionary<LambdaExpressionSyntax, List<SyntaxNode>> _handlerUses = new();
        private readonly List<SyntaxNode> _selfUses = new();
        private readonly Dictionary<DocumentId, SemanticModel> _models = new();
        private readonly HashSet<DocumentId> _needsUsing = new();

        public Plan(Solution solution)
        {
            _solution = solution;
        }

        public SyntaxEditor Editor(DocumentId id, SyntaxTree tree)
        {
            if (!_editors.TryGetValue(id, out var editor))
            {
                editor = new SyntaxEditor(tree.GetRoot(), _solution.Workspace.Services);
                _editors[id] = editor;
            }

            return editor;
        }

        /// <summary><c>T.Configure(…);</c> as a statement of its own, with arguments that only read: removed.</summary>
        public bool RemoveSetUpCall(SyntaxNode reference)
        {
            var invocation = reference.AncestorsAndSelf().OfType<InvocationExpressionSyntax>().FirstOrDefault();
            if (invocation?.Parent is not ExpressionStatementSyntax statement
                || statement.Parent is not (BlockSyntax or GlobalStatementSyntax)
                || invocation.ArgumentList.Arguments.Any(a => a.Expression.DescendantNodesAndSelf().Any(n => n is InvocationExpressionSyntax or ObjectCreationExpressionSyntax or ImplicitObjectCreationExpressionSyntax or AssignmentExpressionSyntax)))
            {
                return false;
            }

            var document = _solution.GetDocument(statement.SyntaxTree);
            if (document is null)
            {
                return false;
            }

            var target = statement.Parent is GlobalStatementSyntax global ? (SyntaxNode)global : statement;
            Editor(document.Id, statement.SyntaxTree).RemoveNode(target, SyntaxRemoveOptions.KeepUnbalancedDirectives);
            return true;
        }

        /// <summary>A use of an accessor: <c>T.Instance</c>, <c>Instance</c> inside T, <c>T.GetInstance()</c>. False when it cannot be injected.</summary>
        public async Task<bool> AddUseAsync(SyntaxNode reference, INamedTypeSymbol type, ClassDeclarationSyntax singletonSyntax, CancellationToken cancellationToken)
        {
            var use = GetUseExpression(reference);
            if (use is null || SyntaxHelpers.IsInNameOf(use))
            {
                return false;
            }

            var document = _solution.GetDocument(use.SyntaxTree);
            if (document is null)
            {
                return false;
            }

            if (!_models.TryGetValue(document.Id, out var model))
            {
                model = (await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false))!;
                _models[document.Id] = model;
            }

            // The innermost member or handler lambda that holds the use.
            foreach (var ancestor in use.Ancestors())
            {
                switch (ancestor)
                {
                    case LambdaExpressionSyntax lambda when IsEndpointHandler(lambda, model, cancellationToken):
                        if (lambda is not ParenthesizedLambdaExpressionSyntax parenthesized || parenthesized.ParameterList.Parameters.Any(p => p.Type is null))
                        {
                            return false;
                        }

                        Add(_handlerUses, lambda, use);
                        Editor(document.Id, use.SyntaxTree);
                        return true;
                    case AnonymousFunctionExpressionSyntax function when function.Modifiers.Any(SyntaxKind.StaticKeyword):
                        return false;
                    case LocalFunctionStatementSyntax local when local.Modifiers.Any(SyntaxKind.StaticKeyword):
                        return false;
                    case MemberDeclarationSyntax member:
                        return AddMemberUse(member, use, type, singletonSyntax, model, cancellationToken, document.Id);
                }
            }

            return false;
        }

        private bool AddMemberUse(MemberDeclarationSyntax member, SyntaxNode use, INamedTypeSymbol type, ClassDeclarationSyntax singletonSyntax, SemanticModel model, CancellationToken cancellationToken, DocumentId document)
        {
            var isStatic = member switch
            {
                BaseMethodDeclarationSyntax method => method.Modifiers.Any(SyntaxKind.StaticKeyword),
                BasePropertyDeclarationSyntax property => property.Modifiers.Any(SyntaxKind.StaticKeyword),
                _ => true,
            };

            // Field initializers, static members, and uses in a constructor initializer cannot see an injected value.
            if (isStatic || member is FieldDeclarationSyntax || member.Parent is not ClassDeclarationSyntax owner
                || use.Ancestors().Any(a => a is ConstructorInitializerSyntax or EqualsValueClauseSyntax { Parent: PropertyDeclarationSyntax or ParameterSyntax }))
            {
                return false;
            }

            Editor(document, use.SyntaxTree);
            if (owner == singletonSyntax)
            {
                _selfUses.Add(use);
                return true;
            }

            if (model.GetDeclaredSymbol(owner, cancellationToken) is not { } consumer || !IsBuiltByTheContainer(consumer, model.Compilation, cancellationToken))
            {
                return false;
            }

            if (!_classUses.TryGetValue(owner, out var uses))
            {
                uses = new List<(SyntaxNode, bool)>();
                _classUses[owner] = uses;
            }

            uses.Add((use, member is ConstructorDeclarationSyntax));
            return true;
        }

        private static void Add<TKey>(Dictionary<TKey, List<SyntaxNode>> map, TKey key, SyntaxNode value)
            where TKey : notnull
        {
            if (!map.TryGetValue(key, out var list))
            {
                list = new List<SyntaxNode>();
                map[key] = list;
            }

            list.Add(value);
        }

        /// <summary>The expression that yields the instance: the member access (or the bare name), or the call of a method accessor.</summary>
        private static ExpressionSyntax? GetUseExpression(SyntaxNode reference)
        {
            var name = reference as SimpleNameSyntax ?? reference.DescendantNodesAndSelf().OfType<SimpleNameSyntax>().FirstOrDefault();
            if (name is null)
            {
                return null;
            }

            ExpressionSyntax expression = name.Parent is MemberAccessExpressionSyntax access && access.Name == name ? access : name;
            if (expression.Parent is InvocationExpressionSyntax invocation && invocation.Expression == expression)
            {
                return invocation.ArgumentList.Arguments.Count == 0 ? invocation : null;
            }

            return expression.Parent is AssignmentExpressionSyntax assignment && assignment.Left == expression ? null : expression;
        }

        /// <summary>A lambda passed as the handler of <c>MapGet</c>, <c>MapPost</c>, … on an endpoint route builder.</summary>
        private static bool IsEndpointHandler(LambdaExpressionSyntax lambda, SemanticModel model, CancellationToken cancellationToken)
        {
            if (lambda.Parent is not ArgumentSyntax { Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax invocation } }
                || invocation.Expression is not MemberAccessExpressionSyntax access
                || !s_endpointMethods.Contains(access.Name.Identifier.ValueText))
            {
                return false;
            }

            return model.GetSymbolInfo(invocation, cancellationToken).Symbol is IMethodSymbol method
                && method.ContainingNamespace?.ToDisplayString() == "Microsoft.AspNetCore.Builder";
        }

        /// <summary>
        /// A class the container builds: registered in its compilation (<c>AddSingleton</c>, <c>AddScoped</c>,
        /// <c>AddTransient</c>, <c>AddHostedService</c>, their <c>TryAdd</c> and keyed forms), an MVC controller, a Razor
        /// page model, or a conventional middleware.
        /// </summary>
        private static bool IsBuiltByTheContainer(INamedTypeSymbol type, Compilation compilation, CancellationToken cancellationToken)
        {
            if (type.IsStatic || type.IsAbstract)
            {
                return false;
            }

            for (var current = type.BaseType; current is not null; current = current.BaseType)
            {
                if (current.Name is "ControllerBase" or "Controller" or "PageModel" && current.ContainingNamespace?.ToDisplayString().StartsWith("Microsoft.AspNetCore.Mvc", StringComparison.Ordinal) == true)
                {
                    return true;
                }
            }

            if (type.InstanceConstructors.Any(c => c.Parameters.Any(p => p.Type.Name == "RequestDelegate"))
                && type.GetMembers().Any(m => m is IMethodSymbol { Name: "Invoke" or "InvokeAsync" }))
            {
                return true;
            }

            foreach (var tree in compilation.SyntaxTrees)
            {
                var text = tree.GetText(cancellationToken).ToString();
                if (text.IndexOf(type.Name, StringComparison.Ordinal) < 0 || text.IndexOf("Add", StringComparison.Ordinal) < 0)
                {
                    continue;
                }

                var model = compilation.GetSemanticModel(tree);
                foreach (var invocation in tree.GetRoot(cancellationToken).DescendantNodes().OfType<InvocationExpressionSyntax>())
                {
                    var name = invocation.Expression switch
                    {
                        MemberAccessExpressionSyntax access => access.Name,
                        SimpleNameSyntax simple => simple,
                        _ => null,
                    };

                    if (name is null || !s_registrationMethods.Contains(name.Identifier.ValueText))
                    {
                        continue;
                    }

                    var registered = name is GenericNameSyntax generic
                        ? generic.TypeArgumentList.Arguments.LastOrDefault() is { } last ? model.GetTypeInfo(last, cancellationToken).Type : null
                        : invocation.ArgumentList.Arguments.Select(a => a.Expression).OfType<TypeOfExpressionSyntax>().LastOrDefault() is { } typeOf
                            ? model.GetTypeInfo(typeOf.Type, cancellationToken).Type
                            : null;
                    if (SymbolEqualityComparer.Default.Equals(registered?.OriginalDefinition, type.OriginalDefinition))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        public async Task<bool> AddRegistrationAsync(RegistrationSite site, INamedTypeSymbol type, CancellationToken cancellationToken)
        {
            var document = _solution.GetDocument(site.Document)!;
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            var anchor = (SyntaxNode?)site.After ?? site.Block;
            if (model is null || anchor is null)
            {
                return false;
            }

            var typeName = type.ToMinimalDisplayString(model, anchor.SpanStart);
            var statement = SyntaxFactory.ParseStatement(site.Receiver + ".AddSingleton<" + typeName + ">();")
                .WithAdditionalAnnotations(Formatter.Annotation);

            var inScope = model.LookupSymbols(anchor.SpanStart, name: "AddSingleton", includeReducedExtensionMethods: true)
                .Any(s => s.ContainingNamespace?.ToDisplayString() == DependencyInjectionNamespace)
                || model.LookupNamespacesAndTypes(anchor.SpanStart, name: "ServiceCollectionServiceExtensions").Any();
            if (!inScope)
            {
                _needsUsing.Add(site.Document);
            }

            var editor = Editor(site.Document, anchor.SyntaxTree);
            if (site.After is { Parent: GlobalStatementSyntax global })
            {
                editor.InsertAfter(global, SyntaxFactory.GlobalStatement(statement.WithLeadingTrivia(site.After.GetLeadingTrivia()).WithTrailingTrivia(site.After.GetTrailingTrivia())));
            }
            else if (site.After is not null)
            {
                editor.InsertAfter(site.After, statement.WithLeadingTrivia(site.After.GetLeadingTrivia().Where(t => t.IsKind(SyntaxKind.WhitespaceTrivia))).WithTrailingTrivia(site.After.GetTrailingTrivia()));
            }
            else
            {
                var block = site.Block!;
                editor.ReplaceNode(block, (current, _) => ((BlockSyntax)current).AddStatements(statement));
            }

            return true;
        }

        /// <summary>Replaces every use, and adds the parameters and fields the uses need.</summary>
        public bool ApplyInjections(INamedTypeSymbol type)
        {
            var parameterName = char.ToLowerInvariant(type.Name[0]) + type.Name.Substring(1);
            var fieldName = "_" + parameterName;

            foreach (var use in _selfUses)
            {
                var document = _solution.GetDocument(use.SyntaxTree)!;
                Editor(document.Id, use.SyntaxTree).ReplaceNode(use, SyntaxFactory.ThisExpression().WithTriviaFrom(use));
            }

            foreach (var pair in _handlerUses)
            {
                var lambda = (ParenthesizedLambdaExpressionSyntax)pair.Key;
                if (lambda.DescendantTokens().Any(t => t.IsKind(SyntaxKind.IdentifierToken) && t.ValueText == parameterName))
                {
                    return false;
                }

                var document = _solution.GetDocument(lambda.SyntaxTree)!;
                var model = _models[document.Id];
                var editor = Editor(document.Id, lambda.SyntaxTree);
                foreach (var use in pair.Value)
                {
                    editor.ReplaceNode(use, SyntaxFactory.IdentifierName(parameterName).WithTriviaFrom(use));
                }

                var typeName = type.ToMinimalDisplayString(model, lambda.SpanStart);
                editor.ReplaceNode(lambda, (current, _) =>
                {
                    var updated = (ParenthesizedLambdaExpressionSyntax)current;
                    var parameter = SyntaxFactory.Parameter(SyntaxFactory.Identifier(parameterName))
                        .WithType(SyntaxFactory.ParseTypeName(typeName).WithTrailingTrivia(SyntaxFactory.Space));
                    return updated.WithParameterList(AddParameter(updated.ParameterList, parameter));
                });
            }

            foreach (var pair in _classUses)
            {
                if (!InjectIntoClass(pair.Key, pair.Value, type, parameterName, fieldName))
                {
                    return false;
                }
            }

            return true;
        }

        private bool InjectIntoClass(ClassDeclarationSyntax owner, List<(SyntaxNode Use, bool InConstructor)> uses, INamedTypeSymbol type, string parameterName, string fieldName)
        {
            var document = _solution.GetDocument(owner.SyntaxTree)!;
            var model = _models[document.Id];
            if (model.GetDeclaredSymbol(owner) is not INamedTypeSymbol symbol || !symbol.GetMembers(fieldName).IsEmpty || !symbol.GetMembers(parameterName).IsEmpty
                || symbol.DeclaringSyntaxReferences.Length != 1)
            {
                return false;
            }

            var editor = Editor(document.Id, owner.SyntaxTree);
            var typeName = type.ToMinimalDisplayString(model, owner.SpanStart);
            var newLine = SyntaxHelpers.GetNewLine(owner.SyntaxTree.GetRoot());

            // A primary constructor: a new parameter, used as it is.
            if (owner.ParameterList is { } primary)
            {
                if (primary.Parameters.Any(p => p.Identifier.ValueText == parameterName) || owner.DescendantTokens().Any(t => t.IsKind(SyntaxKind.IdentifierToken) && t.ValueText == parameterName))
                {
                    return false;
                }

                foreach (var (use, _) in uses)
                {
                    editor.ReplaceNode(use, SyntaxFactory.IdentifierName(parameterName).WithTriviaFrom(use));
                }

                editor.ReplaceNode(owner, (current, _) =>
                {
                    var updated = (ClassDeclarationSyntax)current;
                    var parameter = SyntaxFactory.Parameter(SyntaxFactory.Identifier(parameterName))
                        .WithType(SyntaxFactory.ParseTypeName(typeName).WithTrailingTrivia(SyntaxFactory.Space));
                    return updated.WithParameterList(AddParameter(updated.ParameterList!, parameter));
                });
                return true;
            }

            if (symbol.InstanceConstructors.Length != 1 || symbol.InstanceConstructors[0].DeclaredAccessibility != Accessibility.Public)
            {
                return false;
            }

            var constructor = symbol.InstanceConstructors[0];
            foreach (var (use, inConstructor) in uses)
            {
                editor.ReplaceNode(use, SyntaxFactory.IdentifierName(inConstructor ? parameterName : fieldName).WithTriviaFrom(use));
            }

            var field = SyntaxFactory.ParseMemberDeclaration("private readonly " + typeName + " " + fieldName + ";" + newLine)!
                .WithAdditionalAnnotations(Formatter.Annotation);
            var lastField = owner.Members.OfType<FieldDeclarationSyntax>().LastOrDefault();

            if (constructor.IsImplicitlyDeclared)
            {
                var text = "public " + owner.Identifier.ValueText + "(" + typeName + " " + parameterName + ")" + newLine
                    + "{" + newLine + fieldName + " = " + parameterName + ";" + newLine + "}" + newLine;
                var newConstructor = SyntaxFactory.ParseMemberDeclaration(text)!
                    .WithLeadingTrivia(SyntaxFactory.EndOfLine(newLine))
                    .WithAdditionalAnnotations(Formatter.Annotation);
                if (lastField is not null)
                {
                    editor.InsertAfter(lastField, new SyntaxNode[] { field, newConstructor });
                }
                else if (owner.Members.FirstOrDefault() is { } firstMember)
                {
                    editor.InsertBefore(firstMember, new SyntaxNode[] { field, newConstructor.WithTrailingTrivia(SyntaxFactory.EndOfLine(newLine), SyntaxFactory.EndOfLine(newLine)) });
                }
                else
                {
                    return false;
                }

                return true;
            }

            var constructorSyntax = constructor.DeclaringSyntaxReferences.Length == 1 ? constructor.DeclaringSyntaxReferences[0].GetSyntax() as ConstructorDeclarationSyntax : null;
            if (constructorSyntax?.Body is null || constructorSyntax.ParameterList.Parameters.Any(p => p.Default is not null || p.Modifiers.Any(SyntaxKind.ParamsKeyword) || p.Identifier.ValueText == parameterName)
                || constructorSyntax.Body.DescendantTokens().Any(t => t.IsKind(SyntaxKind.IdentifierToken) && t.ValueText == parameterName && !uses.Any(u => u.Use.Span.Contains(t.Span))))
            {
                return false;
            }

            var assignment = SyntaxFactory.ParseStatement(fieldName + " = " + parameterName + ";" + newLine).WithAdditionalAnnotations(Formatter.Annotation);
            editor.ReplaceNode(constructorSyntax, (current, _) =>
            {
                var ctor = (ConstructorDeclarationSyntax)current;
                var parameter = SyntaxFactory.Parameter(SyntaxFactory.Identifier(parameterName))
                    .WithType(SyntaxFactory.ParseTypeName(typeName).WithTrailingTrivia(SyntaxFactory.Space));
                return ctor
                    .WithParameterList(ctor.ParameterList.AddParameters(parameter))
                    .WithBody(ctor.Body!.WithStatements(ctor.Body.Statements.Add(assignment)));
            });

            if (lastField is not null)
            {
                editor.InsertAfter(lastField, field);
            }
            else
            {
                editor.InsertBefore(owner.Members.First(), field.WithTrailingTrivia(SyntaxFactory.EndOfLine(newLine), SyntaxFactory.EndOfLine(newLine)));
            }

            return true;
        }

        /// <summary>Appends a parameter after the others, separated by <c>", "</c>.</summary>
        private static ParameterListSyntax AddParameter(ParameterListSyntax list, ParameterSyntax parameter)
        {
            var nodes = list.Parameters.ToList();
            var separators = list.Parameters.GetSeparators().ToList();
            if (nodes.Count > 0)
            {
                separators.Add(SyntaxFactory.Token(SyntaxKind.CommaToken).WithTrailingTrivia(SyntaxFactory.Space));
            }

            nodes.Add(parameter);
            return list.WithParameters(SyntaxFactory.SeparatedList(nodes, separators));
        }

        public async Task<Solution?> BuildAsync(CancellationToken cancellationToken)
        {
            var solution = _solution;
            foreach (var pair in _editors)
            {
                var original = solution.GetDocument(pair.Key)!;
                var root = pair.Value.GetChangedRoot();
                if (_needsUsing.Contains(pair.Key))
                {
                    root = SyntaxHelpers.AddUsing(root, DependencyInjectionNamespace);
                }

                var changed = original.WithSyntaxRoot(root);
                changed = await Formatter.FormatAsync(changed, Formatter.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
                solution = changed.Project.Solution;
            }

            foreach (var id in _editors.Keys)
            {
                if (!await CompileCheck.AddsNoErrorsAsync(_solution.GetDocument(id)!, solution.GetDocument(id)!, cancellationToken).ConfigureAwait(false))
                {
                    return null;
                }
            }

            return solution;
        }
    }
}
