using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace SharedStateAnalyzers.CodeFixes;

/// <summary>Fixes for SSA002: use the concurrent counterpart of the collection, or guard every use with a lock.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UnsynchronizedCollectionFixer))]
[Shared]
public sealed class UnsynchronizedCollectionFixer : CodeFixProvider
{
    public const string UseConcurrentCollectionKey = RuleIdentifiers.UnsynchronizedCollection + ".UseConcurrentCollection";
    public const string GuardWithLockKey = RuleIdentifiers.UnsynchronizedCollection + ".GuardWithLock";

    private static readonly FieldFixAllProvider FixAll = new(new[] { UseConcurrentCollectionKey, GuardWithLockKey }, ApplyAsync);

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIdentifiers.UnsynchronizedCollection);

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
            foreach (var key in new[] { UseConcurrentCollectionKey, GuardWithLockKey })
            {
                var fixedDocument = await ApplyAsync(key, context.Document, declaration, context.CancellationToken).ConfigureAwait(false);
                if (fixedDocument is not null)
                {
                    context.RegisterCodeFix(
                        CodeAction.Create(key == UseConcurrentCollectionKey ? "Use a concurrent collection" : "Guard every use with a lock", _ => Task.FromResult(fixedDocument), key),
                        diagnostic);
                }
            }
        }
    }

    private static Task<Document?> ApplyAsync(string key, Document document, SyntaxNode declaration, CancellationToken cancellationToken) => key switch
    {
        UseConcurrentCollectionKey => ConcurrentCollectionRewrite.TryApplyAsync(document, declaration, cancellationToken),
        _ => LockGuardRewrite.TryApplyAsync(document, declaration, cancellationToken),
    };
}
