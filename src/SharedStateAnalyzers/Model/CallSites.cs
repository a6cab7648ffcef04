using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SharedStateAnalyzers.Model;

/// <summary>
/// The calls of a private or protected method, read from syntax where it can be called from: its type's declarations,
/// and for a protected method of an unsealed type those of the source types derived from it. Calls are matched by
/// name (<c>Helper()</c>, <c>this.Helper()</c>, <c>Helper&lt;T&gt;()</c>); a same-named method only adds call sites,
/// which makes every "all calls are …" answer more cautious.
/// </summary>
internal static class CallSites
{
    /// <summary>
    /// The invocations of <paramref name="method"/>, or null when the method is also used other than by a plain call
    /// (taken as a delegate), so its callers cannot all be seen.
    /// </summary>
    public static List<InvocationExpressionSyntax>? Find(Compilation compilation, IMethodSymbol method, CancellationToken cancellationToken)
    {
        var name = method.Name;
        var calls = new List<InvocationExpressionSyntax>();
        foreach (var declaration in SearchedDeclarations(compilation, method, cancellationToken))
        {
            foreach (var token in declaration.DescendantTokens())
            {
                if (!token.IsKind(SyntaxKind.IdentifierToken) || token.ValueText != name || token.Parent is not SimpleNameSyntax simpleName)
                {
                    continue;
                }

                switch (Classify(simpleName, out var invocation))
                {
                    case Use.Call:
                        calls.Add(invocation!);
                        break;
                    case Use.Reference:
                        return null;
                }
            }
        }

        return calls;
    }

    /// <summary>
    /// The method whose own body holds <paramref name="node"/>; null when it is in a lambda, a local function (code that
    /// may run at another time) or outside a method.
    /// </summary>
    public static MethodDeclarationSyntax? EnclosingMethod(SyntaxNode node, bool throughInPlaceForEach = false)
    {
        for (var current = node.Parent; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case MethodDeclarationSyntax method:
                    return method;
                case AnonymousFunctionExpressionSyntax lambda when throughInPlaceForEach && IsRunInPlaceByForEach(lambda):
                    continue;
                case AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or MemberDeclarationSyntax:
                    return null;
            }
        }

        return null;
    }

    /// <summary>
    /// A lambda passed straight to a <c>ForEach</c> call (<c>list.ForEach(m =&gt; …)</c>, <c>Array.ForEach(items, …)</c>):
    /// it runs right there, once per element, on the calling thread. Not <c>Parallel.ForEach</c>.
    /// </summary>
    public static bool IsRunInPlaceByForEach(AnonymousFunctionExpressionSyntax lambda)
        => lambda.Parent is ArgumentSyntax { Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax call } }
            && call.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ForEach" } access
            && !(access.Expression is IdentifierNameSyntax { Identifier.ValueText: "Parallel" }
                || access.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Parallel" });

    /// <summary>What a use of a method's name is.</summary>
    public enum Use
    {
        /// <summary>A named argument, a qualified type name, a type argument: not the method.</summary>
        Other,

        /// <summary>The callee of an invocation (<c>Helper()</c>, <c>x.Helper()</c>, <c>Helper&lt;T&gt;()</c>).</summary>
        Call,

        /// <summary>Another use that may be the method: taken as a delegate, <c>nameof</c>, a same-named member's use.</summary>
        Reference,
    }

    /// <summary>Whether <paramref name="name"/> is a call's callee (then <paramref name="invocation"/> is the call), another reference, or neither.</summary>
    public static Use Classify(SimpleNameSyntax name, out InvocationExpressionSyntax? invocation)
    {
        ExpressionSyntax callee = name.Parent is MemberAccessExpressionSyntax access && access.Name == name ? access : name;
        if (callee.Parent is InvocationExpressionSyntax call && call.Expression == callee)
        {
            invocation = call;
            return Use.Call;
        }

        invocation = null;
        return name.Parent is NameColonSyntax or NameEqualsSyntax or QualifiedNameSyntax or AliasQualifiedNameSyntax or TypeArgumentListSyntax
            ? Use.Other
            : Use.Reference;
    }

    /// <summary>
    /// Where the method can be called from: the declarations of its type, and for a protected method those of the
    /// source types derived from it.
    /// </summary>
    private static IEnumerable<SyntaxNode> SearchedDeclarations(Compilation compilation, IMethodSymbol method, CancellationToken cancellationToken)
    {
        var owner = method.ContainingType;
        foreach (var reference in owner.DeclaringSyntaxReferences)
        {
            yield return reference.GetSyntax(cancellationToken);
        }

        if (method.DeclaredAccessibility == Accessibility.Private || owner.IsSealed)
        {
            yield break;
        }

        foreach (var type in SymbolFacts.SourceTypesDerivedFrom(compilation, owner, cancellationToken))
        {
            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                yield return reference.GetSyntax(cancellationToken);
            }
        }
    }
}
