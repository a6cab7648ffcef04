using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using SharedStateAnalyzers.Model;

namespace SharedStateAnalyzers.CodeFixes;

/// <summary>The fix for SSA004: register the singleton with dependency injection and inject it where it is used.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(HandRolledSingletonFixer))]
[Shared]
public sealed class HandRolledSingletonFixer : CodeFixProvider
{
    public const string RegisterWithDependencyInjectionKey = RuleIdentifiers.HandRolledSingleton + ".RegisterWithDependencyInjection";

    internal const string Title = "Register with dependency injection (changes the registrations and every use)";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIdentifiers.HandRolledSingleton);

    public override FixAllProvider GetFixAllProvider() => SingletonFixAllProvider.Instance;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            var solution = await DependencyInjectionRewrite.TryApplyAsync(context.Document, diagnostic.Location.SourceSpan, context.CancellationToken).ConfigureAwait(false);
            if (solution is not null)
            {
                context.RegisterCodeFix(CodeAction.Create(Title, _ => Task.FromResult(solution), RegisterWithDependencyInjectionKey), diagnostic);
            }
        }
    }

    /// <summary>
    /// Fixes every singleton the diagnostics in scope name, one after the other on the changing solution: each is found
    /// again by its metadata name, so that a second singleton's registration goes after the first one's.
    /// </summary>
    private sealed class SingletonFixAllProvider : FixAllProvider
    {
        public static readonly SingletonFixAllProvider Instance = new();

        public override IEnumerable<FixAllScope> GetSupportedFixAllScopes()
            => new[] { FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution };

        public override async Task<CodeAction?> GetFixAsync(FixAllContext fixAllContext)
        {
            if (fixAllContext.CodeActionEquivalenceKey != RegisterWithDependencyInjectionKey)
            {
                return null;
            }

            var diagnostics = new List<Diagnostic>();
            switch (fixAllContext.Scope)
            {
                case FixAllScope.Document when fixAllContext.Document is not null:
                    diagnostics.AddRange(await fixAllContext.GetDocumentDiagnosticsAsync(fixAllContext.Document).ConfigureAwait(false));
                    break;
                case FixAllScope.Project:
                    diagnostics.AddRange(await fixAllContext.GetAllDiagnosticsAsync(fixAllContext.Project).ConfigureAwait(false));
                    break;
                case FixAllScope.Solution:
                    foreach (var project in fixAllContext.Solution.Projects)
                    {
                        diagnostics.AddRange(await fixAllContext.GetAllDiagnosticsAsync(project).ConfigureAwait(false));
                    }

                    break;
            }

            // The singletons, by project and metadata name, in a stable order.
            var targets = new List<(ProjectId Project, string MetadataName)>();
            foreach (var diagnostic in diagnostics.Where(d => d.Id == RuleIdentifiers.HandRolledSingleton && d.Location.IsInSource)
                .OrderBy(d => d.Location.SourceTree?.FilePath, System.StringComparer.Ordinal).ThenBy(d => d.Location.SourceSpan.Start))
            {
                var document = fixAllContext.Solution.GetDocument(diagnostic.Location.SourceTree);
                var model = document is null ? null : await document.GetSemanticModelAsync(fixAllContext.CancellationToken).ConfigureAwait(false);
                var root = diagnostic.Location.SourceTree!.GetRoot(fixAllContext.CancellationToken);
                var declaration = root.FindToken(diagnostic.Location.SourceSpan.Start).Parent;
                if (document is null || model is null || declaration is null
                    || model.GetDeclaredSymbol(declaration, fixAllContext.CancellationToken)?.ContainingType is not { } type)
                {
                    continue;
                }

                var target = (document.Project.Id, GetMetadataName(type));
                if (!targets.Contains(target))
                {
                    targets.Add(target);
                }
            }

            if (targets.Count == 0)
            {
                return null;
            }

            return CodeAction.Create(
                Title,
                async cancellationToken =>
                {
                    var solution = fixAllContext.Solution;
                    foreach (var (projectId, metadataName) in targets)
                    {
                        var compilation = solution.GetProject(projectId) is { } project
                            ? await project.GetCompilationAsync(cancellationToken).ConfigureAwait(false)
                            : null;
                        if (compilation?.Assembly.GetTypeByMetadataName(metadataName) is not { } type)
                        {
                            continue;
                        }

                        solution = await DependencyInjectionRewrite.TryApplyAsync(solution, type, cancellationToken).ConfigureAwait(false) ?? solution;
                    }

                    return solution;
                },
                RegisterWithDependencyInjectionKey);
        }

        private static string GetMetadataName(INamedTypeSymbol type)
        {
            var ns = type.ContainingNamespace is { IsGlobalNamespace: false } containing ? containing.ToDisplayString() + "." : string.Empty;
            return ns + type.MetadataName;
        }
    }
}
