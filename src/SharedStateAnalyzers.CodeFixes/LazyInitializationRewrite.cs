using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Operations;
using SharedStateAnalyzers.Model;

namespace SharedStateAnalyzers.CodeFixes;

/// <summary>
/// The SSA009 rewrites of one lazily assigned field: <c>Lazy&lt;T&gt;</c> (uses become <c>.Value</c>), or an eager
/// <c>readonly</c> initializer (uses unchanged). Either way the check-then-assign goes: an <c>if (_x == null) _x = …;</c>
/// statement or a <c>_x ??= …;</c> statement is removed, and a <c>_x ??= …</c> or <c>_x ?? (_x = …)</c> expression becomes
/// a read. Offered only when the rewrite is exact: a private field declared alone, of a reference type, in this
/// document; written only by that one lazy assignment; its initializing expression uses no locals, parameters or
/// instance state (nor, for the eager form, other static fields of its type, which may not be initialized yet).
/// </summary>
internal static class LazyInitializationRewrite
{
    public static async Task<Document?> TryApplyAsync(Document document, IFieldSymbol field, bool useLazy, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null || field.DeclaredAccessibility != Accessibility.Private || field.IsReadOnly || field.IsConst
            || !field.Type.IsReferenceType || field.Type.TypeKind == TypeKind.Error || field.DeclaringSyntaxReferences.Length != 1)
        {
            return null;
        }

        var declaratorReference = field.DeclaringSyntaxReferences[0];
        if (declaratorReference.SyntaxTree != root.SyntaxTree
            || root.FindNode(declaratorReference.Span) is not VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Variables.Count: 1, Parent: FieldDeclarationSyntax declaration } } declarator
            || (declarator.Initializer is { } existing && !IsNullOrDefault(existing.Value)))
        {
            return null;
        }

        var references = await CacheFieldReferences.FindAsync(document, root, field, cancellationToken).ConfigureAwait(false);
        if (references is null)
        {
            return null;
        }

        // The one write, and the check that gates it.
        Site? site = null;
        foreach (var name in references.Names)
        {
            var reference = Qualified(model, name, cancellationToken);
            if (reference.Parent is AssignmentExpressionSyntax assignment && assignment.Left == reference)
            {
                if (site is not null)
                {
                    return null;
                }

                site = FindSite(model, assignment, field, cancellationToken);
                if (site is null)
                {
                    return null;
                }
            }
        }

        if (site is null || !IsMovable(model, site.Value.Initializer, field, eager: !useLazy, cancellationToken))
        {
            return null;
        }

        var uses = new List<ExpressionSyntax>();
        foreach (var name in references.Names)
        {
            var reference = Qualified(model, name, cancellationToken);
            if (site.Value.Consumed.Contains(reference))
            {
                continue;
            }

            if (!IsPlainRead(reference, useLazy))
            {
                return null;
            }

            uses.Add(reference);
        }

        var editor = new SyntaxEditor(root, document.Project.Solution.Services);
        if (useLazy)
        {
            foreach (var use in uses)
            {
                editor.ReplaceNode(use, (current, _) => Value((ExpressionSyntax)current));
            }
        }

        var initializer = site.Value.Initializer;
        if (site.Value.Removed is { Parent: BlockSyntax block } removed)
        {
            var index = block.Statements.IndexOf(removed);
            editor.ReplaceNode(block, (current, _) => RemoveStatement((BlockSyntax)current, index));
        }
        else if (site.Value.Replaced is { } replaced)
        {
            var read = site.Value.Target.WithoutTrivia();
            editor.ReplaceNode(replaced, (useLazy ? Value(read) : read).WithTriviaFrom(replaced));
        }
        else
        {
            return null;
        }

        // A private lock object used only by the removed double-checked lock goes with it. The blank lines that set it
        // apart from the members above stay, on the member that follows it.
        var keptBlankLines = SyntaxTriviaList.Empty;
        MemberDeclarationSyntax? memberAfterGate = null;
        if (site.Value.Gate is { } gate && site.Value.Removed is { } removedLock
            && await FindUnusedGateAsync(document, root, model, gate, removedLock, cancellationToken).ConfigureAwait(false) is { } gateDeclaration)
        {
            editor.RemoveNode(gateDeclaration, SyntaxRemoveOptions.KeepNoTrivia);
            keptBlankLines = SyntaxHelpers.LeadingBlankLines(gateDeclaration);
            memberAfterGate = SyntaxHelpers.MemberAfter(gateDeclaration);
            if (memberAfterGate is not null && (keptBlankLines.Count == 0 || SyntaxHelpers.LeadingBlankLines(memberAfterGate).Count > 0))
            {
                memberAfterGate = null;
            }

            if (memberAfterGate is not null && memberAfterGate != declaration)
            {
                editor.ReplaceNode(memberAfterGate, (current, _) => current.WithLeadingTrivia(keptBlankLines.AddRange(current.GetLeadingTrivia())));
            }
        }

        var useTargetTypedNew = ((CSharpParseOptions)root.SyntaxTree.Options).LanguageVersion >= LanguageVersion.CSharp9;
        editor.ReplaceNode(declaration, (current, _) =>
        {
            var rewritten = RewriteDeclaration((FieldDeclarationSyntax)current, initializer, useLazy, useTargetTypedNew);
            return memberAfterGate == declaration ? rewritten.WithLeadingTrivia(keptBlankLines.AddRange(rewritten.GetLeadingTrivia())) : rewritten;
        });

        var newRoot = editor.GetChangedRoot();
        var lazyInScope = model.LookupNamespacesAndTypes(declaration.SpanStart, name: "Lazy")
            .Any(symbol => symbol is INamedTypeSymbol { Arity: 1, ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } });
        if (useLazy && !lazyInScope)
        {
            newRoot = SyntaxHelpers.AddUsing(newRoot, "System");
        }

        return document.WithSyntaxRoot(newRoot);
    }

    /// <summary>What the rewrite removes or replaces, and the references it consumes.</summary>
    private readonly struct Site
    {
        public Site(ExpressionSyntax target, ExpressionSyntax initializer, StatementSyntax? removed, ExpressionSyntax? replaced, HashSet<ExpressionSyntax> consumed, ExpressionSyntax? gate = null)
        {
            Target = target;
            Initializer = initializer;
            Removed = removed;
            Replaced = replaced;
            Consumed = consumed;
            Gate = gate;
        }

        /// <summary>The object a removed double-checked lock was taken on.</summary>
        public ExpressionSyntax? Gate { get; }

        public ExpressionSyntax Target { get; }

        public ExpressionSyntax Initializer { get; }

        public StatementSyntax? Removed { get; }

        public ExpressionSyntax? Replaced { get; }

        public HashSet<ExpressionSyntax> Consumed { get; }
    }

    private static Site? FindSite(SemanticModel model, AssignmentExpressionSyntax assignment, IFieldSymbol field, CancellationToken cancellationToken)
    {
        var target = assignment.Left;
        var consumed = new HashSet<ExpressionSyntax> { target };
        if (assignment.IsKind(SyntaxKind.CoalesceAssignmentExpression))
        {
            // _x ??= init;  or  … _x ??= init …
            return assignment.Parent is ExpressionStatementSyntax { Parent: BlockSyntax } standalone
                ? new Site(target, assignment.Right, standalone, null, consumed)
                : new Site(target, assignment.Right, null, assignment, consumed);
        }

        if (!assignment.IsKind(SyntaxKind.SimpleAssignmentExpression))
        {
            return null;
        }

        // _x ?? (_x = init)
        if (assignment.Parent is ParenthesizedExpressionSyntax { Parent: BinaryExpressionSyntax coalesce } parenthesized
            && coalesce.IsKind(SyntaxKind.CoalesceExpression) && coalesce.Right == parenthesized
            && LazyInitialization.Refers(model.GetOperation(coalesce.Left, cancellationToken), field))
        {
            consumed.Add(coalesce.Left);
            return new Site(target, assignment.Right, null, coalesce, consumed);
        }

        // if (_x == null) _x = init;  /  if (_x is null) { _x = init; }
        if (assignment.Parent is not ExpressionStatementSyntax statement
            || GetGatingIf(model, statement, field, consumed, cancellationToken) is not { } ifStatement)
        {
            return null;
        }

        // Double-checked locking: if (_x == null) { lock (gate) { if (_x == null) { _x = init; } } }
        var lockBody = ifStatement.Parent is BlockSyntax { Statements.Count: 1 } lockBlock ? (StatementSyntax)lockBlock : ifStatement;
        if (lockBody.Parent is LockStatementSyntax @lock && @lock.Statement == lockBody)
        {
            return GetGatingIf(model, @lock, field, consumed, cancellationToken) is { Parent: BlockSyntax } outer
                ? new Site(target, assignment.Right, outer, null, consumed, @lock.Expression)
                : null;
        }

        return ifStatement.Parent is BlockSyntax ? new Site(target, assignment.Right, ifStatement, null, consumed) : null;
    }

    /// <summary>
    /// The <c>if</c> with no <c>else</c> whose only statement is <paramref name="body"/> and whose condition is just a
    /// test of the field for null; its references to the field join <paramref name="consumed"/>.
    /// </summary>
    private static IfStatementSyntax? GetGatingIf(SemanticModel model, StatementSyntax body, IFieldSymbol field, HashSet<ExpressionSyntax> consumed, CancellationToken cancellationToken)
    {
        var statement = body.Parent is BlockSyntax { Statements.Count: 1 } single ? (StatementSyntax)single : body;
        if (statement.Parent is not IfStatementSyntax { Else: null } ifStatement || ifStatement.Statement != statement)
        {
            return null;
        }

        var condition = model.GetOperation(ifStatement.Condition, cancellationToken);
        if (condition is null || !LazyInitialization.TestsUnset(condition, field) || ContainsConditionalLogic(condition))
        {
            return null;
        }

        foreach (var node in ifStatement.Condition.DescendantNodesAndSelf())
        {
            if (node is ExpressionSyntax expression && LazyInitialization.Refers(model.GetOperation(expression, cancellationToken), field))
            {
                consumed.Add(expression);
            }
        }

        return ifStatement;
    }

    private static async Task<FieldDeclarationSyntax?> FindUnusedGateAsync(Document document, SyntaxNode root, SemanticModel model, ExpressionSyntax gate, StatementSyntax removed, CancellationToken cancellationToken)
    {
        if (model.GetSymbolInfo(gate, cancellationToken).Symbol is not IFieldSymbol { DeclaredAccessibility: Accessibility.Private } gateField
            || gateField.DeclaringSyntaxReferences.Length != 1
            || gateField.DeclaringSyntaxReferences[0].SyntaxTree != root.SyntaxTree
            || root.FindNode(gateField.DeclaringSyntaxReferences[0].Span) is not VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Variables.Count: 1, Parent: FieldDeclarationSyntax declaration } })
        {
            return null;
        }

        var references = await CacheFieldReferences.FindAsync(document, root, gateField, cancellationToken).ConfigureAwait(false);
        return references is not null && references.Names.All(name => removed.Span.Contains(name.Span)) ? declaration : null;
    }

    private static bool ContainsConditionalLogic(IOperation condition)
    {
        foreach (var operation in condition.DescendantsAndSelf())
        {
            if (operation is IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.ConditionalOr })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The initializing expression can move into a field initializer (or a lambda in one): no locals or parameters
    /// from outside it, no <c>this</c>/<c>base</c>, no implicit instance members, no <c>await</c>, not the field itself;
    /// for the eager form, no other non-constant static field or property of the type, which may not be set yet.
    /// </summary>
    private static bool IsMovable(SemanticModel model, ExpressionSyntax initializer, IFieldSymbol field, bool eager, CancellationToken cancellationToken)
    {
        foreach (var node in initializer.DescendantNodesAndSelf())
        {
            switch (node)
            {
                case ThisExpressionSyntax or BaseExpressionSyntax or AwaitExpressionSyntax:
                    return false;

                case SimpleNameSyntax name when name.Parent is NameColonSyntax
                    || (name.Parent is AssignmentExpressionSyntax { Parent: InitializerExpressionSyntax } member && member.Left == name):
                    // A named argument, or a member set by an object initializer: resolved against the new object.
                    break;

                case SimpleNameSyntax name:
                    var symbol = model.GetSymbolInfo(name, cancellationToken).Symbol;
                    switch (symbol)
                    {
                        case null:
                            if (model.GetSymbolInfo(name, cancellationToken).CandidateSymbols.Length > 0)
                            {
                                return false;
                            }

                            break;
                        case ILocalSymbol or IParameterSymbol or IRangeVariableSymbol:
                            if (!symbol.Locations.Any(location => initializer.Span.Contains(location.SourceSpan)))
                            {
                                return false;
                            }

                            break;
                        case IFieldSymbol or IPropertySymbol or IMethodSymbol or IEventSymbol:
                            if (SymbolEqualityComparer.Default.Equals(symbol.OriginalDefinition, field.OriginalDefinition))
                            {
                                return false;
                            }

                            var implicitReceiver = !(name.Parent is MemberAccessExpressionSyntax access && access.Name == name) && name.Parent is not MemberBindingExpressionSyntax;
                            if (!symbol.IsStatic && implicitReceiver && symbol is not IMethodSymbol { MethodKind: MethodKind.Constructor or MethodKind.LocalFunction })
                            {
                                return false;
                            }

                            if (eager && symbol.IsStatic && symbol is IFieldSymbol { IsConst: false } or IPropertySymbol
                                && SymbolEqualityComparer.Default.Equals(symbol.ContainingType.OriginalDefinition, field.ContainingType.OriginalDefinition))
                            {
                                return false;
                            }

                            break;
                    }

                    break;
            }
        }

        return true;
    }

    /// <summary>A read that can become <c>_x.Value</c> (or stay <c>_x</c>): not written, not passed by reference, not in <c>nameof</c>; for Lazy, not tested for null.</summary>
    private static bool IsPlainRead(ExpressionSyntax reference, bool useLazy)
    {
        switch (reference.Parent)
        {
            case AssignmentExpressionSyntax assignment when assignment.Left == reference:
            case ArgumentSyntax argument when !argument.RefKindKeyword.IsKind(SyntaxKind.None):
            case PrefixUnaryExpressionSyntax or PostfixUnaryExpressionSyntax { RawKind: not (int)SyntaxKind.SuppressNullableWarningExpression }:
            case RefExpressionSyntax:
                return false;
        }

        if (SyntaxHelpers.IsInNameOf(reference))
        {
            return false;
        }

        if (!useLazy)
        {
            return true;
        }

        var parent = reference.Parent;
        while (parent is PostfixUnaryExpressionSyntax or ParenthesizedExpressionSyntax)
        {
            parent = parent.Parent;
        }

        return parent switch
        {
            BinaryExpressionSyntax binary when binary.IsKind(SyntaxKind.EqualsExpression) || binary.IsKind(SyntaxKind.NotEqualsExpression) || binary.IsKind(SyntaxKind.CoalesceExpression) => false,
            IsPatternExpressionSyntax or ConditionalAccessExpressionSyntax => false,
            _ => true,
        };
    }

    /// <summary>For <c>T._x</c> and <c>this._x</c>, the whole member access; otherwise the name itself.</summary>
    private static ExpressionSyntax Qualified(SemanticModel model, IdentifierNameSyntax name, CancellationToken cancellationToken)
        => name.Parent is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } access && access.Name == name
            ? access
            : CacheFieldReferences.GetQualifiedReference(model, name, cancellationToken);

    private static ExpressionSyntax Value(ExpressionSyntax reference)
        => SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, reference.WithoutTrivia(), SyntaxFactory.IdentifierName("Value"))
            .WithTriviaFrom(reference);

    private static bool IsNullOrDefault(ExpressionSyntax expression)
        => expression.IsKind(SyntaxKind.NullLiteralExpression) || expression.IsKind(SyntaxKind.DefaultLiteralExpression);

    private static FieldDeclarationSyntax RewriteDeclaration(FieldDeclarationSyntax declaration, ExpressionSyntax initializer, bool useLazy, bool useTargetTypedNew)
    {
        declaration = SyntaxHelpers.RemoveModifier(declaration, SyntaxKind.VolatileKeyword);
        declaration = SyntaxHelpers.EnsureReadOnly(declaration);

        var type = declaration.Declaration.Type;
        var elementType = type is NullableTypeSyntax nullable ? nullable.ElementType : type;
        var valueText = initializer.WithoutTrivia().ToFullString();
        TypeSyntax newType;
        ExpressionSyntax value;
        if (useLazy)
        {
            newType = SyntaxFactory.GenericName(
                SyntaxFactory.Identifier("Lazy"),
                SyntaxFactory.TypeArgumentList(SyntaxFactory.SingletonSeparatedList(elementType.WithoutTrivia())));
            value = SyntaxFactory.ParseExpression(useTargetTypedNew
                ? "new(() => " + valueText + ")"
                : "new Lazy<" + elementType.WithoutTrivia().ToFullString() + ">(() => " + valueText + ")");
        }
        else
        {
            newType = elementType.WithoutTrivia();
            value = SyntaxFactory.ParseExpression(valueText);
        }

        var declarator = declaration.Declaration.Variables[0];
        var equals = SyntaxFactory.EqualsValueClause(
            SyntaxFactory.Token(SyntaxKind.EqualsToken).WithLeadingTrivia(SyntaxFactory.Space).WithTrailingTrivia(SyntaxFactory.Space),
            value);
        declarator = declarator.WithIdentifier(declarator.Identifier.WithTrailingTrivia()).WithInitializer(equals);
        return declaration.WithDeclaration(declaration.Declaration
            .WithType(newType.WithTriviaFrom(type))
            .WithVariables(SyntaxFactory.SingletonSeparatedList(declarator)));
    }

    /// <summary>Removes a statement; a comment before it moves to the next statement, and no blank line is left after <c>{</c>.</summary>
    private static BlockSyntax RemoveStatement(BlockSyntax block, int index)
    {
        var removed = block.Statements[index];
        var statements = block.Statements.RemoveAt(index);
        if (index < statements.Count)
        {
            var next = statements[index];
            var leading = next.GetLeadingTrivia();
            if (removed.GetLeadingTrivia().Any(t => t.IsKind(SyntaxKind.SingleLineCommentTrivia) || t.IsKind(SyntaxKind.MultiLineCommentTrivia)))
            {
                leading = removed.GetLeadingTrivia();
            }
            else if (index == 0)
            {
                var skip = 0;
                while (skip < leading.Count && (leading[skip].IsKind(SyntaxKind.WhitespaceTrivia) || leading[skip].IsKind(SyntaxKind.EndOfLineTrivia)))
                {
                    skip++;
                }

                var indentation = skip > 0 && leading[skip - 1].IsKind(SyntaxKind.WhitespaceTrivia) ? leading[skip - 1] : default;
                var kept = SyntaxFactory.TriviaList(leading.Skip(skip));
                leading = indentation.IsKind(SyntaxKind.None) ? kept : kept.Insert(0, indentation);
            }

            statements = statements.Replace(next, next.WithLeadingTrivia(leading));
        }

        return block.WithStatements(statements);
    }
}
