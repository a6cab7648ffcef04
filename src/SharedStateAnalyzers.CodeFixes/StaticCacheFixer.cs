using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace SharedStateAnalyzers.CodeFixes;

/// <summary>Fixes for SSA001: use an injected <c>IMemoryCache</c>, make the cache per-instance, or make it invalidatable.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(StaticCacheFixer))]
[Shared]
public sealed class StaticCacheFixer : CodeFixProvider
{
    public const string UseMemoryCacheKey = RuleIdentifiers.StaticCache + ".UseMemoryCache";
    public const string MakePerInstanceKey = RuleIdentifiers.StaticCache + ".MakePerInstance";
    public const string MakeInvalidatableKey = RuleIdentifiers.StaticCache + ".MakeInvalidatable";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIdentifiers.StaticCache);

    private static readonly FieldFixAllProvider FixAll = new(new[] { UseMemoryCacheKey, MakePerInstanceKey, MakeInvalidatableKey }, ApplyAsync);

    public override FixAllProvider GetFixAllProvider() => FixAll;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            var declaration = SyntaxHelpers.FindStorageDeclaration(root, diagnostic.Location.SourceSpan);
            if (declaration is null)
            {
                continue;
            }

            // Offered in this order: dotnet format applies the first fix a diagnostic offers.
            foreach (var key in new[] { UseMemoryCacheKey, MakePerInstanceKey, MakeInvalidatableKey })
            {
                var fixedDocument = await ApplyAsync(key, context.Document, declaration, context.CancellationToken).ConfigureAwait(false);
                if (fixedDocument is not null)
                {
                    context.RegisterCodeFix(
                        CodeAction.Create(GetTitle(key), _ => Task.FromResult(fixedDocument), key),
                        diagnostic);
                }
            }
        }
    }

    private static string GetTitle(string key) => key switch
    {
        UseMemoryCacheKey => "Use injected IMemoryCache with an expiration",
        MakePerInstanceKey => "Make the cache per-instance",
        _ => "Make the cache invalidatable (shared MemoryCache with an expiration, and members to evict)",
    };

    private static Task<Document?> ApplyAsync(string key, Document document, SyntaxNode declaration, CancellationToken cancellationToken) => key switch
    {
        UseMemoryCacheKey => MemoryCacheRewrite.TryApplyAsync(document, declaration, cancellationToken),
        MakePerInstanceKey => PerInstanceRewrite.TryApplyAsync(document, declaration, cancellationToken),
        _ => MemoryCacheRewrite.TryApplySharedAsync(document, declaration, cancellationToken),
    };
}
