using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace SharedStateAnalyzers.CodeFixes;

/// <summary>Fixes for SSA007: read the request through an injected <c>IHttpContextAccessor</c>, or keep the value per flow in an <c>AsyncLocal&lt;T&gt;</c>.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(StaticRequestDataFixer))]
[Shared]
public sealed class StaticRequestDataFixer : CodeFixProvider
{
    public const string UseHttpContextAccessorKey = RuleIdentifiers.StaticRequestData + ".UseHttpContextAccessor";
    public const string UseAsyncLocalKey = RuleIdentifiers.StaticRequestData + ".UseAsyncLocal";

    private static readonly ImmutableArray<string> s_keys = ImmutableArray.Create(UseHttpContextAccessorKey, UseAsyncLocalKey);

    private static readonly DeclarationFixAll s_fixAll = new(
        s_keys,
        (_, root, diagnostic, _) => Task.FromResult(SyntaxHelpers.FindStorageDeclaration(root, diagnostic.Location.SourceSpan)),
        ApplyAsync);

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIdentifiers.StaticRequestData);

    public override FixAllProvider GetFixAllProvider() => s_fixAll;

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
            foreach (var key in s_keys)
            {
                var fixedDocument = await ApplyAsync(key, context.Document, declaration, context.CancellationToken).ConfigureAwait(false);
                if (fixedDocument is not null)
                {
                    context.RegisterCodeFix(CodeAction.Create(GetTitle(key), _ => Task.FromResult(fixedDocument), key), diagnostic);
                }
            }
        }
    }

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

        if (storageType is not null && IsCollection(storageType))
        {
            return null;
        }

        return await AsyncLocalRewrite.TryApplyAsync(document, declaration, cancellationToken).ConfigureAwait(false);
    }

    private static bool IsCollection(ITypeSymbol type)
    {
        if (type.SpecialType == SpecialType.System_String)
        {
            return false;
        }

        foreach (var @interface in type.AllInterfaces)
        {
            if (@interface.SpecialType == SpecialType.System_Collections_IEnumerable)
            {
                return true;
            }
        }

        return false;
    }
}
