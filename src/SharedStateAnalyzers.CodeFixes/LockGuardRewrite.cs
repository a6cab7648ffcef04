using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using SharedStateAnalyzers.Model;

namespace SharedStateAnalyzers.CodeFixes;

/// <summary>
/// "Guard every use with a lock": adds <c>private (static) readonly object &lt;field&gt;Lock = new();</c> after the field
/// — or, when the uses already in <c>lock</c> statements all lock one field of the type, takes that one — and wraps
/// every statement that uses the field (reads and changes, in every member of its type except the code that
/// initializes it) in <c>lock (&lt;field&gt;Lock) { … }</c>. Consecutive statements share one lock; a statement that
/// declares a local used further down takes those statements in with it; an expression-bodied member gets a block
/// body. Not offered when a use is outside the type or in another document, when a statement to wrap awaits or
/// yields (a lock cannot span an <c>await</c>), when a use sits in an expression-bodied lambda (it may run later,
/// outside the lock), when the collection itself or a live view of it (<c>Keys</c>, a deferred LINQ query) leaves
/// the lock (returned, assigned, stored), or when the result does not compile.
/// </summary>
internal static class LockGuardRewrite
{
    public static async Task<Document?> TryApplyAsync(Document document, SyntaxNode storageDeclaration, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        MemberDeclarationSyntax? member = storageDeclaration switch
        {
            VariableDeclaratorSyntax { Parent.Parent: FieldDeclarationSyntax field } => field,
            PropertyDeclarationSyntax property => property,
            _ => null,
        };
        if (root is null || model is null || member?.Parent is not TypeDeclarationSyntax owner
            || model.GetDeclaredSymbol(storageDeclaration, cancellationToken) is not { } storage)
        {
            return null;
        }

        var references = await CacheFieldReferences.FindAsync(document, root, storage, cancellationToken).ConfigureAwait(false);
        if (references is null)
        {
            return null;
        }

        var uses = new List<ExpressionSyntax>();
        foreach (var name in references.Names)
        {
            var reference = CacheFieldReferences.GetQualifiedReference(model, name, cancellationToken);
            if (!owner.Span.Contains(reference.Span))
            {
                return null;
            }

            if (!member.Span.Contains(reference.Span) && !reference.IsPartOfStructuredTrivia() && !SyntaxHelpers.IsInNameOf(reference)
                && !Initialization.IsInitialization(GetEnclosingMember(model, reference, cancellationToken), storage))
            {
                uses.Add(reference);
            }
        }

        // Some uses already locked, all on one field of the type: the others take the same lock (a second lock nested
        // in the first would invite lock-order deadlocks). Otherwise a new lock object.
        var existingLock = FindExistingLock(model, uses, storage, cancellationToken);
        var lockName = existingLock?.Name ?? GetLockName(owner, storage);
        var plan = new Plan();
        foreach (var reference in uses)
        {
            if (existingLock is not null && GetEnclosingLock(model, reference, cancellationToken) is { } held
                && SymbolEqualityComparer.Default.Equals(held, existingLock))
            {
                continue;
            }

            if (Escapes(model, reference, cancellationToken) || !plan.Add(reference))
            {
                return null;
            }
        }

        var regions = plan.GetRegions(model, cancellationToken);
        if (regions is null || (regions.Count == 0 && plan.ExpressionBodies.Count == 0))
        {
            return null;
        }

        var editor = new SyntaxEditor(root, document.Project.Solution.Services);

        // Deepest lists first, so that an enclosing edit sees the inner ones.
        foreach (var group in regions.GroupBy(r => r.Owner).OrderByDescending(g => g.Key.Ancestors().Count()))
        {
            var ranges = group.OrderBy(r => r.Start).ToList();
            editor.ReplaceNode(group.Key, (current, _) => WrapRanges(current, ranges, lockName));
        }

        foreach (var arrow in plan.ExpressionBodies)
        {
            if (GetExpressionBody(arrow.Parent) != arrow || HoldsAwait(arrow.Expression))
            {
                return null;
            }

            editor.ReplaceNode(arrow.Parent!, (current, _) => ToLockedBlockBody(current, lockName));
        }

        if (existingLock is null)
        {
            editor.InsertAfter(member, CreateLockField(member, storage, lockName, SyntaxHelpers.GetNewLine(root)));
        }

        var changed = document.WithSyntaxRoot(editor.GetChangedRoot());
        changed = await Formatter.FormatAsync(changed, Formatter.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
        return await CompileCheck.AddsNoErrorsAsync(document, changed, cancellationToken).ConfigureAwait(false) ? changed : null;
    }

    /// <summary>
    /// The field every already-locked use locks (the innermost <c>lock</c> around it), when there is one and it is a
    /// field of the type with the storage's staticness; null when no use is locked or the locks differ.
    /// </summary>
    private static ISymbol? FindExistingLock(SemanticModel model, List<ExpressionSyntax> uses, ISymbol storage, CancellationToken cancellationToken)
    {
        ISymbol? found = null;
        foreach (var use in uses)
        {
            var held = GetEnclosingLock(model, use, cancellationToken, out var isLocked);
            if (!isLocked)
            {
                continue;
            }

            if (held is not IFieldSymbol field || field.IsStatic != storage.IsStatic
                || !SymbolEqualityComparer.Default.Equals(field.ContainingType, storage.ContainingType)
                || (found is not null && !SymbolEqualityComparer.Default.Equals(found, field)))
            {
                return null;
            }

            found = field;
        }

        return found;
    }

    private static ISymbol? GetEnclosingLock(SemanticModel model, SyntaxNode use, CancellationToken cancellationToken)
        => GetEnclosingLock(model, use, cancellationToken, out _);

    /// <summary>What the innermost <c>lock</c> statement around <paramref name="use"/> locks, up to the enclosing lambda or member.</summary>
    private static ISymbol? GetEnclosingLock(SemanticModel model, SyntaxNode use, CancellationToken cancellationToken, out bool isLocked)
    {
        isLocked = false;
        foreach (var ancestor in use.Ancestors())
        {
            switch (ancestor)
            {
                case LockStatementSyntax @lock when @lock.Statement.Span.Contains(use.Span):
                    isLocked = true;
                    return model.GetSymbolInfo(@lock.Expression, cancellationToken).Symbol?.OriginalDefinition;
                case AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or MemberDeclarationSyntax:
                    return null;
            }
        }

        return null;
    }

    /// <summary><c>&lt;field&gt;Lock</c>, or with a number when the type already uses that name.</summary>
    private static string GetLockName(TypeDeclarationSyntax owner, ISymbol storage)
    {
        var used = new HashSet<string>(owner.DescendantTokens().Where(t => t.IsKind(SyntaxKind.IdentifierToken)).Select(t => t.ValueText));
        foreach (var member in storage.ContainingType.GetMembers())
        {
            used.Add(member.Name);
        }

        var name = storage.Name + "Lock";
        for (var suffix = 2; used.Contains(name); suffix++)
        {
            name = storage.Name + "Lock" + suffix;
        }

        return name;
    }

    private static MemberDeclarationSyntax CreateLockField(MemberDeclarationSyntax member, ISymbol storage, string lockName, string newLine)
    {
        var languageVersion = ((CSharpParseOptions)member.SyntaxTree.Options).LanguageVersion;
        var creation = languageVersion >= LanguageVersion.CSharp9 ? "new()" : "new object()";
        var text = "private " + (storage.IsStatic ? "static " : string.Empty) + "readonly object " + lockName + " = " + creation + ";" + newLine;
        return SyntaxFactory.ParseMemberDeclaration(text)!.WithAdditionalAnnotations(Formatter.Annotation);
    }

    /// <summary>The member a reference is in, looking out of lambdas and local functions.</summary>
    private static ISymbol? GetEnclosingMember(SemanticModel model, SyntaxNode reference, CancellationToken cancellationToken)
    {
        var symbol = model.GetEnclosingSymbol(reference.SpanStart, cancellationToken);
        while (symbol is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LambdaMethod or MethodKind.LocalFunction })
        {
            symbol = symbol.ContainingSymbol;
        }

        return symbol;
    }

    /// <summary>
    /// True when the collection, or a live view of it (<c>Keys</c>, <c>Values</c>, a deferred query, an enumerator),
    /// leaves the statement: returned, assigned, stored or captured. A lock around the statement would not cover the
    /// code that later reads it.
    /// </summary>
    private static bool Escapes(SemanticModel model, ExpressionSyntax reference, CancellationToken cancellationToken)
    {
        var value = reference;
        while (true)
        {
            switch (value.Parent)
            {
                case ParenthesizedExpressionSyntax or CastExpressionSyntax or PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.SuppressNullableWarningExpression }:
                case BinaryExpressionSyntax { RawKind: (int)SyntaxKind.AsExpression or (int)SyntaxKind.CoalesceExpression }:
                case ConditionalExpressionSyntax conditional when conditional.Condition != value:
                case SwitchExpressionArmSyntax:
                    value = value.Parent is SwitchExpressionArmSyntax { Parent: SwitchExpressionSyntax switchExpression } ? switchExpression : (ExpressionSyntax)value.Parent!;
                    continue;

                case MemberAccessExpressionSyntax access when access.Expression == value:
                    value = access.Parent is InvocationExpressionSyntax invocation && invocation.Expression == access ? invocation : access;
                    if (!IsLiveView(model, value, cancellationToken))
                    {
                        return false;
                    }

                    continue;

                case ConditionalAccessExpressionSyntax conditionalAccess when conditionalAccess.Expression == value:
                    value = conditionalAccess;
                    if (!IsLiveView(model, value, cancellationToken))
                    {
                        return false;
                    }

                    continue;
            }

            break;
        }

        // Where the collection (or view) goes: used up inside the statement, or carried out of it.
        return value.Parent switch
        {
            ElementAccessExpressionSyntax access => access.Expression != value,
            ForEachStatementSyntax or ForEachVariableStatementSyntax or LockStatementSyntax or InterpolationSyntax or SpreadElementSyntax => false,
            BinaryExpressionSyntax or IsPatternExpressionSyntax or PrefixUnaryExpressionSyntax => false,
            AssignmentExpressionSyntax assignment => assignment.Left != value,
            ArgumentSyntax { Parent: ArgumentListSyntax } argument => argument.RefKindKeyword.IsKind(SyntaxKind.OutKeyword),
            _ => true,
        };
    }

    /// <summary>
    /// A value that reads the collection when it is used later: an enumerable, an enumerator or a span — but not a
    /// string, an array or a <c>To…()</c> copy.
    /// </summary>
    private static bool IsLiveView(SemanticModel model, ExpressionSyntax value, CancellationToken cancellationToken)
    {
        var type = model.GetTypeInfo(value, cancellationToken).Type;
        if (type is null)
        {
            return true;
        }

        if (type.SpecialType == SpecialType.System_String || type is IArrayTypeSymbol
            || value is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: var method } } && method.StartsWith("To", System.StringComparison.Ordinal))
        {
            return false;
        }

        return IsEnumerable(type) || type.AllInterfaces.Any(IsEnumerable)
            || (type.IsValueType && type.Name is "Span" or "ReadOnlySpan" or "Memory" or "ReadOnlyMemory");
    }

    private static bool IsEnumerable(ITypeSymbol type)
        => type.SpecialType is SpecialType.System_Collections_IEnumerable or SpecialType.System_Collections_IEnumerator
            || type.OriginalDefinition.SpecialType is SpecialType.System_Collections_Generic_IEnumerable_T or SpecialType.System_Collections_Generic_IEnumerator_T;

    /// <summary>Replaces statements <c>[Start..End]</c> of each range with one <c>lock</c> statement holding them.</summary>
    private static SyntaxNode WrapRanges(SyntaxNode owner, List<Region> ranges, string lockName)
    {
        var statements = owner is BlockSyntax block ? block.Statements : ((SwitchSectionSyntax)owner).Statements;
        var result = new List<StatementSyntax>();
        var index = 0;
        foreach (var range in ranges)
        {
            for (; index < range.Start; index++)
            {
                result.Add(statements[index]);
            }

            var wrapped = new List<StatementSyntax>();
            for (; index <= range.End; index++)
            {
                wrapped.Add(statements[index]);
            }

            result.Add(CreateLock(wrapped, lockName));
        }

        for (; index < statements.Count; index++)
        {
            result.Add(statements[index]);
        }

        var list = SyntaxFactory.List(result);
        return owner is BlockSyntax currentBlock ? currentBlock.WithStatements(list) : ((SwitchSectionSyntax)owner).WithStatements(list);
    }

    /// <summary><c>lock (name) { statements }</c>: the first statement's comments go above the lock; the formatter indents the rest.</summary>
    private static LockStatementSyntax CreateLock(List<StatementSyntax> statements, string lockName)
    {
        var first = statements[0];
        var leading = first.GetLeadingTrivia();
        statements[0] = first.WithLeadingTrivia(SyntaxHelpers.Indentation(first));
        // The last statement keeps its trailing comment; the lock's closing brace only ends the line.
        var endOfLine = statements[statements.Count - 1].GetTrailingTrivia().LastOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
        return SyntaxFactory.LockStatement(SyntaxFactory.IdentifierName(lockName), SyntaxFactory.Block(statements))
            .WithLeadingTrivia(leading)
            .WithTrailingTrivia(endOfLine.IsKind(SyntaxKind.EndOfLineTrivia) ? endOfLine : SyntaxFactory.ElasticLineFeed)
            .WithAdditionalAnnotations(Formatter.Annotation);
    }

    /// <summary>The expression body of a member that can take a block body instead (not a local function's: it may run later).</summary>
    private static ArrowExpressionClauseSyntax? GetExpressionBody(SyntaxNode? member) => member switch
    {
        BaseMethodDeclarationSyntax method => method.ExpressionBody,
        AccessorDeclarationSyntax accessor => accessor.ExpressionBody,
        PropertyDeclarationSyntax property => property.ExpressionBody,
        IndexerDeclarationSyntax indexer => indexer.ExpressionBody,
        _ => null,
    };

    /// <summary>An expression-bodied member with a block body: <c>{ lock (name) { return expression; } }</c> (or the expression as a statement).</summary>
    private static SyntaxNode ToLockedBlockBody(SyntaxNode member, string lockName)
    {
        // The block goes on the next line: the token before `=>` loses its trailing space, and the member ends with
        // what followed the semicolon (the end of the line, a comment).
        var arrow = GetExpressionBody(member)!;
        var beforeArrow = arrow.ArrowToken.GetPreviousToken();
        var trailing = member.GetTrailingTrivia();
        member = member.ReplaceToken(beforeArrow, beforeArrow.WithTrailingTrivia());
        arrow = GetExpressionBody(member)!;

        BlockSyntax Body(bool returns)
        {
            var expression = arrow.Expression.WithoutTrivia();
            StatementSyntax statement = returns ? SyntaxFactory.ReturnStatement(expression) : SyntaxFactory.ExpressionStatement(expression);
            return SyntaxFactory.Block(SyntaxFactory.LockStatement(SyntaxFactory.IdentifierName(lockName), SyntaxFactory.Block(statement)));
        }

        AccessorListSyntax Getter() => SyntaxFactory.AccessorList(SyntaxFactory.SingletonList(
            SyntaxFactory.AccessorDeclaration(SyntaxKind.GetAccessorDeclaration, Body(returns: true))));

        SyntaxNode converted = member switch
        {
            MethodDeclarationSyntax method => method.WithBody(Body(!IsVoid(method.ReturnType) && !method.Modifiers.Any(SyntaxKind.AsyncKeyword)))
                .WithExpressionBody(null).WithSemicolonToken(default),
            OperatorDeclarationSyntax or ConversionOperatorDeclarationSyntax => ((BaseMethodDeclarationSyntax)member).WithBody(Body(returns: true))
                .WithExpressionBody(null).WithSemicolonToken(default),
            BaseMethodDeclarationSyntax method => method.WithBody(Body(returns: false)).WithExpressionBody(null).WithSemicolonToken(default),
            AccessorDeclarationSyntax accessor => accessor.WithBody(Body(accessor.IsKind(SyntaxKind.GetAccessorDeclaration)))
                .WithExpressionBody(null).WithSemicolonToken(default),
            PropertyDeclarationSyntax property => property.WithAccessorList(Getter()).WithExpressionBody(null).WithSemicolonToken(default),
            IndexerDeclarationSyntax indexer => indexer.WithAccessorList(Getter()).WithExpressionBody(null).WithSemicolonToken(default),
            _ => member,
        };

        return converted.WithTrailingTrivia(trailing).WithAdditionalAnnotations(Formatter.Annotation);
    }

    private static bool IsVoid(TypeSyntax type) => type is PredefinedTypeSyntax { Keyword.RawKind: (int)SyntaxKind.VoidKeyword };

    /// <summary>A run of statements of one statement list to wrap in one lock.</summary>
    private sealed class Region
    {
        public Region(SyntaxNode owner, int start, int end)
        {
            Owner = owner;
            Start = start;
            End = end;
        }

        /// <summary>The block or switch section whose statements these are.</summary>
        public SyntaxNode Owner { get; }

        public int Start { get; }

        public int End { get; set; }
    }

    /// <summary>The statements and expression bodies that use the field.</summary>
    private sealed class Plan
    {
        private readonly HashSet<StatementSyntax> _statements = new();

        public HashSet<ArrowExpressionClauseSyntax> ExpressionBodies { get; } = new();

        /// <summary>Records the statement (in a statement list) or expression body a use is in; false when there is none.</summary>
        public bool Add(ExpressionSyntax reference)
        {
            for (var current = reference.Parent; current is not null; current = current.Parent)
            {
                switch (current)
                {
                    case AnonymousFunctionExpressionSyntax:
                    case ArrowExpressionClauseSyntax { Parent: LocalFunctionStatementSyntax }:
                    case MemberDeclarationSyntax:
                        // An expression-bodied lambda or local function may run later; an initializer has no statement.
                        return false;

                    case ArrowExpressionClauseSyntax arrow:
                        ExpressionBodies.Add(arrow);
                        return true;

                    case StatementSyntax statement:
                        return AddStatement(statement);
                }
            }

            return false;
        }

        private bool AddStatement(StatementSyntax statement)
        {
            // `if (c) _items.Add(x);`: the lock goes around the statement that sits in a list, the `if`.
            while (statement.Parent is not (BlockSyntax or SwitchSectionSyntax))
            {
                switch (statement.Parent)
                {
                    case StatementSyntax parent:
                        statement = parent;
                        break;
                    case ElseClauseSyntax { Parent: IfStatementSyntax outer }:
                        statement = outer;
                        break;
                    default:
                        return false;
                }
            }

            _statements.Add(statement);
            return true;
        }

        /// <summary>
        /// The runs of statements to lock, outermost lists first: consecutive statements share one lock, a run grows to
        /// take in the statements that use a local it declares, and a statement inside a run needs no lock of its own.
        /// Null when a run would hold an <c>await</c> or a <c>yield</c>.
        /// </summary>
        public List<Region>? GetRegions(SemanticModel model, CancellationToken cancellationToken)
        {
            var covered = new HashSet<SyntaxNode>();
            var regions = new List<Region>();
            foreach (var group in _statements.GroupBy(s => s.Parent!).OrderBy(g => g.Key.Ancestors().Count()))
            {
                var statements = group.Key is BlockSyntax block ? block.Statements : ((SwitchSectionSyntax)group.Key).Statements;
                var marked = group
                    .Where(s => !s.Ancestors().Any(covered.Contains))
                    .Select(s => statements.IndexOf(s))
                    .OrderBy(i => i)
                    .ToList();

                Region? region = null;
                foreach (var index in marked)
                {
                    if (region is not null && index <= region.End + 1)
                    {
                        region.End = System.Math.Max(region.End, index);
                    }
                    else
                    {
                        region = new Region(group.Key, index, index);
                        regions.Add(region);
                    }

                    region.End = ExtendOverLocals(statements, region.Start, region.End, model, cancellationToken);
                }

                foreach (var r in regions.Where(r => r.Owner == group.Key))
                {
                    for (var i = r.Start; i <= r.End; i++)
                    {
                        if (HoldsAwait(statements[i]))
                        {
                            return null;
                        }

                        covered.Add(statements[i]);
                    }
                }
            }

            return regions;
        }

        /// <summary>The last statement a run must reach so that every local it declares stays in scope where it is used.</summary>
        private static int ExtendOverLocals(SyntaxList<StatementSyntax> statements, int start, int end, SemanticModel model, CancellationToken cancellationToken)
        {
            var declared = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            var scanned = start;
            while (true)
            {
                for (; scanned <= end; scanned++)
                {
                    foreach (var node in statements[scanned].DescendantNodesAndSelf())
                    {
                        if (node is VariableDeclaratorSyntax or SingleVariableDesignationSyntax or LocalFunctionStatementSyntax
                            && model.GetDeclaredSymbol(node, cancellationToken) is { } symbol)
                        {
                            declared.Add(symbol);
                        }
                    }
                }

                var newEnd = end;
                for (var i = end + 1; i < statements.Count && declared.Count > 0; i++)
                {
                    if (statements[i].DescendantNodes().OfType<IdentifierNameSyntax>()
                        .Any(name => model.GetSymbolInfo(name, cancellationToken).Symbol is { } symbol && declared.Contains(symbol)))
                    {
                        newEnd = i;
                    }
                }

                if (newEnd == end)
                {
                    return end;
                }

                end = newEnd;
            }
        }

    }

    /// <summary>An <c>await</c> or <c>yield</c> outside lambdas and local functions: the code cannot go inside a lock.</summary>
    private static bool HoldsAwait(SyntaxNode node)
        => node.DescendantNodesAndSelf(n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)).Any(n =>
            n is AwaitExpressionSyntax or YieldStatementSyntax
            || (n is ForEachStatementSyntax forEach && forEach.AwaitKeyword.IsKind(SyntaxKind.AwaitKeyword))
            || (n is UsingStatementSyntax @using && @using.AwaitKeyword.IsKind(SyntaxKind.AwaitKeyword))
            || (n is LocalDeclarationStatementSyntax declaration && declaration.AwaitKeyword.IsKind(SyntaxKind.AwaitKeyword)));
}
