using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
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
/// Fixes for SSA006: register the consumer as scoped (its registration call changes); or inject
/// <c>IServiceScopeFactory</c> into the consumer and create a scope in each method that used the dependency (the
/// consumer's file changes, which may be another file than the registration's).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(CaptiveDependencyFixer))]
[Shared]
public sealed class CaptiveDependencyFixer : CodeFixProvider
{
    public const string RegisterAsScopedKey = RuleIdentifiers.CaptiveDependency + ".RegisterAsScoped";
    public const string InjectScopeFactoryKey = RuleIdentifiers.CaptiveDependency + ".InjectScopeFactory";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIdentifiers.CaptiveDependency);

    public override FixAllProvider GetFixAllProvider() => CaptiveDependencyFixAllProvider.Instance;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            var invocation = CaptiveDependencyRewrite.FindInvocation(root, diagnostic.Location.SourceSpan);
            if (invocation is null)
            {
                continue;
            }

            // Offered in this order: dotnet format applies the first fix a diagnostic offers.
            var consumer = GetConsumerName(diagnostic);
            var scoped = await ScopedRegistrationRewrite.RegisterAsync(context.Document, invocation, context.CancellationToken).ConfigureAwait(false);
            if (scoped is not null)
            {
                context.RegisterCodeFix(CodeAction.Create($"Register '{consumer}' as scoped", _ => Task.FromResult(scoped), RegisterAsScopedKey), diagnostic);
            }

            var parameter = await GetParameterNameAsync(context.Document, invocation, diagnostic, context.CancellationToken).ConfigureAwait(false);
            var injected = parameter is null
                ? null
                : await CaptiveDependencyRewrite.InjectScopeFactoryAsync(context.Document, invocation, parameter, context.CancellationToken).ConfigureAwait(false);
            if (injected is not null)
            {
                context.RegisterCodeFix(CodeAction.Create($"Inject IServiceScopeFactory into '{consumer}' and create a scope at each use", _ => Task.FromResult(injected), InjectScopeFactoryKey), diagnostic);
            }
        }
    }

    internal static string GetTitle(string key) => key == RegisterAsScopedKey
        ? "Register the consumers as scoped"
        : "Inject IServiceScopeFactory into the consumers";

    /// <summary>The consumer's name as the message gives it: <c>Singleton 'X' depends on …</c>.</summary>
    private static string GetConsumerName(Diagnostic diagnostic)
    {
        var message = diagnostic.GetMessage(CultureInfo.InvariantCulture);
        var start = message.IndexOf('\'');
        var end = start < 0 ? -1 : message.IndexOf('\'', start + 1);
        return end > start ? message.Substring(start + 1, end - start - 1) : "the service";
    }

    internal static async Task<string?> GetParameterNameAsync(Document document, InvocationExpressionSyntax invocation, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (!diagnostic.Properties.TryGetValue(CaptiveDependencyAnalyzer.ParameterOrdinalProperty, out var text)
            || !int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ordinal))
        {
            return null;
        }

        return await CaptiveDependencyRewrite.GetParameterNameAsync(document, invocation, ordinal, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>
/// Fix All for SSA006: every diagnostic in scope, one after another on the solution as it stands after the previous
/// fix (a consumer's second dependency joins the scope the first one opened; a registration is renamed once). The
/// registrations are found again through annotations, the constructor parameters by name.
/// </summary>
internal sealed class CaptiveDependencyFixAllProvider : FixAllProvider
{
    public static readonly CaptiveDependencyFixAllProvider Instance = new();

    public override IEnumerable<FixAllScope> GetSupportedFixAllScopes()
        => new[] { FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution };

    public override async Task<CodeAction?> GetFixAsync(FixAllContext fixAllContext)
    {
        var key = fixAllContext.CodeActionEquivalenceKey;
        if (key is not (CaptiveDependencyFixer.RegisterAsScopedKey or CaptiveDependencyFixer.InjectScopeFactoryKey))
        {
            return null;
        }

        var diagnostics = new List<(Document Document, Diagnostic Diagnostic)>();
        IEnumerable<Document> documents = fixAllContext.Scope switch
        {
            FixAllScope.Document when fixAllContext.Document is not null => new[] { fixAllContext.Document },
            FixAllScope.Project => fixAllContext.Project.Documents,
            FixAllScope.Solution => fixAllContext.Solution.Projects.SelectMany(p => p.Documents),
            _ => Enumerable.Empty<Document>(),
        };

        foreach (var document in documents)
        {
            foreach (var diagnostic in await fixAllContext.GetDocumentDiagnosticsAsync(document).ConfigureAwait(false))
            {
                diagnostics.Add((document, diagnostic));
            }
        }

        return CodeAction.Create(
            CaptiveDependencyFixer.GetTitle(key),
            cancellationToken => FixAllAsync(fixAllContext.Solution, key, diagnostics, cancellationToken),
            key);
    }

    private static async Task<Solution> FixAllAsync(Solution solution, string key, List<(Document Document, Diagnostic Diagnostic)> diagnostics, CancellationToken cancellationToken)
    {
        // What to fix, found on the original solution: the registration call (annotated) and, for the scope factory, the parameter's name.
        var targets = new List<(DocumentId Document, SyntaxAnnotation Annotation, string? Parameter)>();
        var annotations = new Dictionary<DocumentId, Dictionary<SyntaxNode, SyntaxAnnotation>>();
        foreach (var (document, diagnostic) in diagnostics.OrderBy(d => d.Document.FilePath, System.StringComparer.Ordinal).ThenBy(d => d.Diagnostic.Location.SourceSpan.Start))
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var invocation = root is null ? null : CaptiveDependencyRewrite.FindInvocation(root, diagnostic.Location.SourceSpan);
            if (invocation is null)
            {
                continue;
            }

            string? parameter = null;
            if (key == CaptiveDependencyFixer.InjectScopeFactoryKey)
            {
                parameter = await CaptiveDependencyFixer.GetParameterNameAsync(document, invocation, diagnostic, cancellationToken).ConfigureAwait(false);
                if (parameter is null)
                {
                    continue;
                }
            }

            if (!annotations.TryGetValue(document.Id, out var byNode))
            {
                byNode = new Dictionary<SyntaxNode, SyntaxAnnotation>();
                annotations.Add(document.Id, byNode);
            }

            if (!byNode.TryGetValue(invocation, out var annotation))
            {
                annotation = new SyntaxAnnotation();
                byNode.Add(invocation, annotation);
            }
            else if (key == CaptiveDependencyFixer.RegisterAsScopedKey)
            {
                continue;
            }

            targets.Add((document.Id, annotation, parameter));
        }

        foreach (var pair in annotations)
        {
            var document = solution.GetDocument(pair.Key)!;
            var root = (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
            solution = document.WithSyntaxRoot(root.ReplaceNodes(pair.Value.Keys, (original, current) => current.WithAdditionalAnnotations(pair.Value[original]))).Project.Solution;
        }

        foreach (var (documentId, annotation, parameter) in targets)
        {
            var document = solution.GetDocument(documentId);
            var root = document is null ? null : await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (document is null || root?.GetAnnotatedNodes(annotation).FirstOrDefault() is not InvocationExpressionSyntax invocation)
            {
                continue;
            }

            var changed = parameter is null
                ? await ScopedRegistrationRewrite.RegisterAsync(document, invocation, cancellationToken).ConfigureAwait(false)
                : await CaptiveDependencyRewrite.InjectScopeFactoryAsync(document, invocation, parameter, cancellationToken).ConfigureAwait(false);
            solution = changed ?? solution;
        }

        return solution;
    }
}
