using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;

namespace SharedStateAnalyzers.CodeFixes;

/// <summary>
/// The last check of a rewrite that changes types or wraps code: the changed document must not have a compiler error
/// the original did not have. A fix whose result does not compile is not offered.
/// </summary>
internal static class CompileCheck
{
    public static async Task<bool> AddsNoErrorsAsync(Document original, Document changed, CancellationToken cancellationToken)
    {
        var before = await GetErrorsAsync(original, cancellationToken).ConfigureAwait(false);
        foreach (var error in await GetErrorsAsync(changed, cancellationToken).ConfigureAwait(false))
        {
            if (!before.Remove(error))
            {
                return false;
            }
        }

        return true;
    }

    private static async Task<List<string>> GetErrorsAsync(Document document, CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (model is null)
        {
            return errors;
        }

        foreach (var diagnostic in model.GetDiagnostics(cancellationToken: cancellationToken))
        {
            if (diagnostic.Severity == DiagnosticSeverity.Error)
            {
                errors.Add(diagnostic.Id + ": " + diagnostic.GetMessage());
            }
        }

        return errors;
    }
}
