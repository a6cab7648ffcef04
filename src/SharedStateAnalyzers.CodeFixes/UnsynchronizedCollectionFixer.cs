using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;

namespace SharedStateAnalyzers.CodeFixes;

/// <summary>Fixes for SSA002: use the concurrent counterpart of the collection, or guard every use with a lock.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UnsynchronizedCollectionFixer))]
[Shared]
public sealed class UnsynchronizedCollectionFixer : CodeFixProvider
{
    public const string UseConcurrentCollectionKey = RuleIdentifiers.UnsynchronizedCollection + ".UseConcurrentCollection";
    public const string GuardWithLockKey = RuleIdentifiers.UnsynchronizedCollection + ".GuardWithLock";

    // Offered in this order: dotnet format applies the first fix a diagnostic offers, and the concurrent collection
    // is offered only where it is exact.
    private static readonly FieldFixAllProvider Fixes = new(new[] { UseConcurrentCollectionKey, GuardWithLockKey }, GetTitle, ApplyAsync);

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIdentifiers.UnsynchronizedCollection);

    public override FixAllProvider GetFixAllProvider() => Fixes;

    public override Task RegisterCodeFixesAsync(CodeFixContext context) => Fixes.RegisterCodeFixesAsync(context);

    private static string GetTitle(string key) => key == UseConcurrentCollectionKey ? "Use a concurrent collection" : "Guard every use with a lock";

    private static Task<Document?> ApplyAsync(string key, Document document, SyntaxNode declaration, CancellationToken cancellationToken) => key switch
    {
        UseConcurrentCollectionKey => ConcurrentCollectionRewrite.TryApplyAsync(document, declaration, cancellationToken),
        _ => LockGuardRewrite.TryApplyAsync(document, declaration, cancellationToken),
    };
}
