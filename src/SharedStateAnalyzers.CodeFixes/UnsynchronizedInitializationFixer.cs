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

namespace SharedStateAnalyzers.CodeFixes;

/// <summary>Fixes for SSA009: hold the instance in a <c>Lazy&lt;T&gt;</c>, or build it eagerly in a <c>readonly</c> field initializer.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UnsynchronizedInitializationFixer))]
[Shared]
public sealed class UnsynchronizedInitializationFixer : CodeFixProvider
{
    public const string UseLazyKey = RuleIdentifiers.UnsynchronizedInitialization + ".UseLazy";
    public const string UseStaticReadonlyInitializerKey = RuleIdentifiers.UnsynchronizedInitialization + ".UseStaticReadonlyInitializer";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIdentifiers.UnsynchronizedInitialization);

    public override FixAllProvider GetFixAllProvider() => FixAll.Instance;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            var field = await FindFieldAsync(context.Document, diagnostic, context.CancellationToken).ConfigureAwait(false);
            if (field is null)
            {
                continue;
            }

            // Offered in this order: dotnet format applies the first fix a diagnostic offers.
            foreach (var key in new[] { UseLazyKey, UseStaticReadonlyInitializerKey })
            {
                var fixedDocument = await LazyInitializationRewrite.TryApplyAsync(context.Document, field, key == UseLazyKey, context.CancellationToken).ConfigureAwait(false);
                if (fixedDocument is not null)
                {
                    context.RegisterCodeFix(CodeAction.Create(GetTitle(key, field), _ => Task.FromResult(fixedDocument), key), diagnostic);
                }
            }
        }
    }

    private static string GetTitle(string key, IFieldSymbol field) => key == UseLazyKey
        ? "Use Lazy<T>"
        : field.IsStatic
            ? "Initialize in a static readonly field (construction must be cheap and side-effect free)"
            : "Initialize in a readonly field (construction must be cheap and side-effect free)";

    /// <summary>The field a diagnostic's assignment writes; null for properties.</summary>
    private static async Task<IFieldSymbol?> FindFieldAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null
            || root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not AssignmentExpressionSyntax assignment)
        {
            return null;
        }

        return model.GetSymbolInfo(assignment.Left, cancellationToken).Symbol as IFieldSymbol;
    }

    /// <summary>
    /// Applies the chosen fix to every diagnostic of a document, one field at a time: each rewrite sees the result of
    /// the previous one. A field with several diagnostics is rewritten once.
    /// </summary>
    private sealed class FixAll : DocumentBasedFixAllProvider
    {
        public static readonly FixAll Instance = new();

        protected override async Task<Document?> FixAllAsync(FixAllContext fixAllContext, Document document, ImmutableArray<Diagnostic> diagnostics)
        {
            var key = fixAllContext.CodeActionEquivalenceKey;
            if (key is not (UseLazyKey or UseStaticReadonlyInitializerKey))
            {
                return document;
            }

            var cancellationToken = fixAllContext.CancellationToken;
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return document;
            }

            var annotations = new Dictionary<SyntaxNode, SyntaxAnnotation>();
            foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
            {
                var field = await FindFieldAsync(document, diagnostic, cancellationToken).ConfigureAwait(false);
                var reference = field?.DeclaringSyntaxReferences.FirstOrDefault();
                if (reference is null || reference.SyntaxTree != root.SyntaxTree)
                {
                    continue;
                }

                var declarator = root.FindNode(reference.Span);
                if (declarator is VariableDeclaratorSyntax && !annotations.ContainsKey(declarator))
                {
                    annotations[declarator] = new SyntaxAnnotation();
                }
            }

            document = document.WithSyntaxRoot(root.ReplaceNodes(annotations.Keys, (original, current) => current.WithAdditionalAnnotations(annotations[original])));
            foreach (var annotation in annotations.Values)
            {
                var currentRoot = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
                var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
                var declarator = currentRoot?.GetAnnotatedNodes(annotation).FirstOrDefault();
                if (declarator is null || model?.GetDeclaredSymbol(declarator, cancellationToken) is not IFieldSymbol field)
                {
                    continue;
                }

                document = await LazyInitializationRewrite.TryApplyAsync(document, field, key == UseLazyKey, cancellationToken).ConfigureAwait(false) ?? document;
            }

            return document;
        }
    }
}
