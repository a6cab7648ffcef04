using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
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

    // Offered in this order: dotnet format applies the first fix a diagnostic offers.
    private static readonly FieldFixAllProvider Fixes = new(new[] { UseMemoryCacheKey, MakePerInstanceKey, MakeInvalidatableKey }, GetTitle, ApplyAsync);

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIdentifiers.StaticCache);

    public override FixAllProvider GetFixAllProvider() => Fixes;

    public override Task RegisterCodeFixesAsync(CodeFixContext context) => Fixes.RegisterCodeFixesAsync(context);

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
