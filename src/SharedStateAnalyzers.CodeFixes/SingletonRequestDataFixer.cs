using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SharedStateAnalyzers.Rules;

namespace SharedStateAnalyzers.CodeFixes;

/// <summary>
/// Fixes for SSA005: keep a value that one method writes and reads in a local; read the current request through an
/// injected <c>IHttpContextAccessor</c>; register the service as scoped (a solution-level change: it edits the
/// registration, wherever it is in the project).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SingletonRequestDataFixer))]
[Shared]
public sealed class SingletonRequestDataFixer : CodeFixProvider
{
    public const string MoveToLocalKey = RuleIdentifiers.SingletonRequestData + ".MoveToLocal";
    public const string UseHttpContextAccessorKey = RuleIdentifiers.SingletonRequestData + ".UseHttpContextAccessor";
    public const string RegisterScopedKey = RuleIdentifiers.SingletonRequestData + ".RegisterScoped";

    private const string RegisterScopedTitle = "Register as scoped (changes the DI registration)";

    // Offered in this order: dotnet format applies the first fix a diagnostic offers.
    private static readonly FieldFixAllProvider FieldFixes = new(new[] { MoveToLocalKey, UseHttpContextAccessorKey }, GetTitle, ApplyAsync);

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIdentifiers.SingletonRequestData);

    public override FixAllProvider GetFixAllProvider() => Fixes.Instance;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        await FieldFixes.RegisterCodeFixesAsync(context).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (await FindRegisteredTypeAsync(context.Document, diagnostic, context.CancellationToken).ConfigureAwait(false) is not { } type)
            {
                continue;
            }

            var solution = await ScopedRegistrationRewrite.RegisterTypeAsync(context.Document.Project, type, context.CancellationToken).ConfigureAwait(false);
            if (solution is not null)
            {
                context.RegisterCodeFix(CodeAction.Create(RegisterScopedTitle, _ => Task.FromResult(solution), RegisterScopedKey), diagnostic);
            }
        }
    }

    private static string GetTitle(string key) => key == MoveToLocalKey ? "Move to a local" : "Use injected IHttpContextAccessor";

    private static async Task<Document?> ApplyAsync(string key, Document document, SyntaxNode declaration, CancellationToken cancellationToken)
    {
        if (key == MoveToLocalKey)
        {
            return await LocalVariableRewrite.TryApplyAsync(document, declaration, cancellationToken).ConfigureAwait(false);
        }

        // A middleware has the request's context as Invoke's parameter, and hand-rolled singletons are not built by the
        // container; the accessor is used only where the app registers it (or the class already takes it).
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (model?.GetDeclaredSymbol(declaration, cancellationToken) is not IFieldSymbol { IsStatic: false } field
            || IsMiddleware(field.ContainingType)
            || !await IsAccessorAvailableAsync(document.Project, field.ContainingType, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return await HttpContextAccessorRewrite.TryApplyAsync(document, declaration, cancellationToken).ConfigureAwait(false);
    }

    private static bool IsMiddleware(INamedTypeSymbol type)
        => type.InstanceConstructors.Any(c => c.Parameters.Any(p => p.Type is { Name: "RequestDelegate", ContainingNamespace: { } ns } && ns.ToDisplayString() == "Microsoft.AspNetCore.Http"));

    /// <summary>The container can hand out an <c>IHttpContextAccessor</c>: the project calls <c>AddHttpContextAccessor()</c>, or the class's constructor already takes one.</summary>
    private static async Task<bool> IsAccessorAvailableAsync(Project project, INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        if (type.InstanceConstructors.Any(c => c.Parameters.Any(p => p.Type.Name == "IHttpContextAccessor")))
        {
            return true;
        }

        foreach (var document in project.Documents)
        {
            var text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
            if (text.ToString().IndexOf("AddHttpContextAccessor", System.StringComparison.Ordinal) < 0)
            {
                continue;
            }

            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            foreach (var invocation in root!.DescendantNodes().OfType<InvocationExpressionSyntax>())
            {
                if (invocation.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "AddHttpContextAccessor" }
                    && model!.GetSymbolInfo(invocation, cancellationToken).Symbol is IMethodSymbol { ContainingType.Name: "HttpServiceCollectionExtensions" })
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The type a diagnostic's field belongs to, when the rule found it to be a singleton registered in the compilation.</summary>
    private static async Task<INamedTypeSymbol?> FindRegisteredTypeAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (!diagnostic.Properties.TryGetValue(SingletonRequestDataAnalyzer.LifetimeProperty, out var lifetime) || lifetime != nameof(Model.ProcessLifetimeKind.DependencyInjectionSingleton))
        {
            return null;
        }

        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        var declaration = root is null ? null : SyntaxHelpers.FindStorageDeclaration(root, diagnostic.Location.SourceSpan);
        return declaration is null ? null : model?.GetDeclaredSymbol(declaration, cancellationToken)?.ContainingType;
    }

    /// <summary>
    /// Fix All: the field fixes one field at a time per document (<see cref="FieldFixAllProvider"/>); "Register as
    /// scoped" once per type, over the solution, type after type, until no registration changes.
    /// </summary>
    private sealed class Fixes : FixAllProvider
    {
        public static readonly Fixes Instance = new();

        public override IEnumerable<FixAllScope> GetSupportedFixAllScopes()
            => new[] { FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution };

        public override async Task<CodeAction?> GetFixAsync(FixAllContext fixAllContext)
        {
            if (fixAllContext.CodeActionEquivalenceKey != RegisterScopedKey)
            {
                return await FieldFixes.GetFixAsync(fixAllContext).ConfigureAwait(false);
            }

            var diagnostics = await GetDiagnosticsAsync(fixAllContext).ConfigureAwait(false);
            return CodeAction.Create(RegisterScopedTitle, cancellationToken => RegisterAllAsync(fixAllContext.Solution, diagnostics, cancellationToken), RegisterScopedKey);
        }

        private static async Task<List<(Document Document, Diagnostic Diagnostic)>> GetDiagnosticsAsync(FixAllContext context)
        {
            var found = new List<(Document, Diagnostic)>();
            IEnumerable<Project> projects = context.Scope switch
            {
                FixAllScope.Solution => context.Solution.Projects,
                _ => new[] { context.Project },
            };

            foreach (var project in projects)
            {
                foreach (var document in project.Documents)
                {
                    if (context.Scope == FixAllScope.Document && document.Id != context.Document?.Id)
                    {
                        continue;
                    }

                    foreach (var diagnostic in await context.GetDocumentDiagnosticsAsync(document).ConfigureAwait(false))
                    {
                        found.Add((document, diagnostic));
                    }
                }
            }

            return found;
        }

        private static async Task<Solution> RegisterAllAsync(Solution solution, List<(Document Document, Diagnostic Diagnostic)> diagnostics, CancellationToken cancellationToken)
        {
            // The types, by project and metadata name: each rewrite changes the solution, so symbols are looked up again.
            var pending = new List<(ProjectId Project, string MetadataName)>();
            foreach (var (document, diagnostic) in diagnostics.OrderBy(d => d.Document.FilePath, System.StringComparer.Ordinal).ThenBy(d => d.Diagnostic.Location.SourceSpan.Start))
            {
                if (await FindRegisteredTypeAsync(document, diagnostic, cancellationToken).ConfigureAwait(false) is { } type)
                {
                    var key = (document.Project.Id, GetMetadataName(type));
                    if (!pending.Contains(key))
                    {
                        pending.Add(key);
                    }
                }
            }

            // A consumer made scoped first lets its dependency follow: repeat while something changes.
            var progress = true;
            while (progress && pending.Count > 0)
            {
                progress = false;
                foreach (var item in pending.ToList())
                {
                    var project = solution.GetProject(item.Project);
                    var compilation = project is null ? null : await project.GetCompilationAsync(cancellationToken).ConfigureAwait(false);
                    var type = compilation?.GetTypeByMetadataName(item.MetadataName);
                    var changed = type is null ? null : await ScopedRegistrationRewrite.RegisterTypeAsync(project!, type, cancellationToken).ConfigureAwait(false);
                    if (changed is not null)
                    {
                        solution = changed;
                        pending.Remove(item);
                        progress = true;
                    }
                }
            }

            return solution;
        }

        private static string GetMetadataName(INamedTypeSymbol type)
        {
            var name = type.MetadataName;
            for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            {
                name = outer.MetadataName + "+" + name;
            }

            return type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() + "." + name : name;
        }
    }
}
