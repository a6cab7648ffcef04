using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using SharedStateAnalyzers.Model;

namespace SharedStateAnalyzers.CodeFixes;

/// <summary>Fixes for SSA007: read the request through an injected <c>IHttpContextAccessor</c>, or keep the value per flow in an <c>AsyncLocal&lt;T&gt;</c>.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(StaticRequestDataFixer))]
[Shared]
public sealed class StaticRequestDataFixer : CodeFixProvider
{
    public const string UseHttpContextAccessorKey = RuleIdentifiers.StaticRequestData + ".UseHttpContextAccessor";
    public const string UseAsyncLocalKey = RuleIdentifiers.StaticRequestData + ".UseAsyncLocal";

    // Offered in this order: dotnet format applies the first fix a diagnostic offers.
    private static readonly FieldFixAllProvider Fixes = new(new[] { UseHttpContextAccessorKey, UseAsyncLocalKey }, GetTitle, ApplyAsync);

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIdentifiers.StaticRequestData);

    public override FixAllProvider GetFixAllProvider() => Fixes;

    public override Task RegisterCodeFixesAsync(CodeFixContext context) => Fixes.RegisterCodeFixesAsync(context);

    private static string GetTitle(string key) => key == UseHttpContextAccessorKey
        ? "Use injected IHttpContextAccessor"
        : "Use AsyncLocal<T> (flows into work started from this request)";

    private static async Task<Document?> ApplyAsync(string key, Document document, SyntaxNode declaration, CancellationToken cancellationToken)
    {
        if (key == UseHttpContextAccessorKey)
        {
            return await HttpContextAccessorRewrite.TryApplyAsync(document, declaration, cancellationToken).ConfigureAwait(false);
        }

        // A collection that request data is added to would become one collection per flow: not what its users expect.
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        var storageType = model?.GetDeclaredSymbol(declaration, cancellationToken) switch
        {
            IFieldSymbol field => field.Type,
            IPropertySymbol property => property.Type,
            _ => null,
        };

        if (storageType is not null && SymbolFacts.IsCollection(storageType))
        {
            return null;
        }

        return await AsyncLocalRewrite.TryApplyAsync(document, declaration, cancellationToken).ConfigureAwait(false);
    }
}
