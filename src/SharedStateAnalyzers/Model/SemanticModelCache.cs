using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace SharedStateAnalyzers.Model;

/// <summary>
/// The semantic models of one search over a few files (the callers of a method, found by name): each file's model is
/// made once, on first use. Not thread-safe: one search, one cache.
/// </summary>
internal sealed class SemanticModelCache(Compilation compilation)
{
    private readonly Dictionary<SyntaxTree, SemanticModel> _models = new();

    /// <summary>The operation tree of <paramref name="node"/>, or null when it is not in <paramref name="compilation"/>.</summary>
    public static IOperation? OperationOf(Compilation compilation, SyntaxNode node, System.Threading.CancellationToken cancellationToken)
    {
        if (!compilation.ContainsSyntaxTree(node.SyntaxTree))
        {
            return null;
        }

#pragma warning disable RS1030 // Asked for declarations a model follows (a called method, a field's initializer); the driver's semantic models are cached and shared.
        return compilation.GetSemanticModel(node.SyntaxTree).GetOperation(node, cancellationToken);
#pragma warning restore RS1030
    }

    public SemanticModel For(SyntaxTree tree)
    {
        if (!_models.TryGetValue(tree, out var model))
        {
#pragma warning disable RS1030 // Asked only for the few files a search visits, when a report is about to be made or a singleton stores a parameter.
            _models[tree] = model = compilation.GetSemanticModel(tree);
#pragma warning restore RS1030
        }

        return model;
    }
}
