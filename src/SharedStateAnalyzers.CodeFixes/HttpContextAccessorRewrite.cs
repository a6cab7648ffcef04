using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;

namespace SharedStateAnalyzers.CodeFixes;

/// <summary>"Use injected IHttpContextAccessor".</summary>
internal static class HttpContextAccessorRewrite
{
    public static Task<Document?> TryApplyAsync(Document document, SyntaxNode storageDeclaration, CancellationToken cancellationToken)
        => Task.FromResult<Document?>(null);
}
