using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SharedStateAnalyzers.Model;

/// <summary>
/// The program's entry point before it runs the app: the top-level statements, or the body of a static <c>Main</c>,
/// up to the first statement that runs the app or starts work alongside it (<c>app.Run()</c>, <c>host.RunAsync()</c>,
/// <c>Start…</c>, <c>Task.Run</c>, <c>Task.WhenAll</c>, …). That code runs once, on the main thread, before the first
/// request. Read from syntax; the <c>Main</c> methods of every class count (a code base compiled as one library still
/// shows its programs' entry points).
/// </summary>
internal static class EntryPoints
{
    /// <summary>Per compilation, the entry points' code, found the first time it is asked for.</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Compilation, List<SyntaxNode>> s_bodies = new();

    /// <summary>True when <paramref name="node"/> is a statement's part in the entry point's code before the app runs, outside lambdas and local functions.</summary>
    public static bool IsBeforeTheAppRuns(SyntaxNode node)
    {
        SyntaxNode child = node;
        for (var current = node.Parent; current is not null; child = current, current = current.Parent)
        {
            switch (current)
            {
                case AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax:
                    return false;
                case GlobalStatementSyntax global when global.Parent is CompilationUnitSyntax unit:
                    return IsBeforeRun(unit.Members, global);
                case BlockSyntax block when block.Parent is MethodDeclarationSyntax main && IsMain(main) && child is StatementSyntax statement:
                    return IsBeforeRun(block.Statements, statement);
                case MemberDeclarationSyntax:
                    return false;
            }
        }

        return false;
    }

    /// <summary>
    /// True when <paramref name="node"/> runs once per run of the program: in the top-level statements or a static
    /// <c>Main</c>, outside loops, lambdas and local functions.
    /// </summary>
    public static bool IsRunOnceByTheEntryPoint(SyntaxNode node)
    {
        for (var current = node.Parent; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax
                    or ForStatementSyntax or ForEachStatementSyntax or WhileStatementSyntax or DoStatementSyntax:
                    return false;
                case GlobalStatementSyntax:
                    return true;
                case MethodDeclarationSyntax method:
                    return IsMain(method);
                case MemberDeclarationSyntax:
                    return false;
            }
        }

        return false;
    }

    /// <summary>
    /// True when the entry point reads <paramref name="member"/> (a property, or a method it calls) before the app runs:
    /// <c>var settings = AppSettings.Instance;</c> at the top of <c>Main</c>.
    /// </summary>
    public static bool ReadsBeforeTheAppRuns(Compilation compilation, ISymbol member, CancellationToken cancellationToken)
    {
        var name = member.Name;
        foreach (var body in s_bodies.GetValue(compilation, c => Bodies(c, cancellationToken)))
        {
            SemanticModel? model = null;
            foreach (var token in body.DescendantTokens())
            {
                if (!token.IsKind(SyntaxKind.IdentifierToken) || token.ValueText != name || token.Parent is not SimpleNameSyntax simpleName
                    || !IsBeforeTheAppRuns(simpleName))
                {
                    continue;
                }

#pragma warning disable RS1030 // Asked only when a finding is about to be reported, for the entry point's few statements.
                model ??= compilation.GetSemanticModel(body.SyntaxTree);
#pragma warning restore RS1030
                var symbol = model.GetSymbolInfo(simpleName, cancellationToken).Symbol;
                if (SymbolEqualityComparer.Default.Equals(symbol?.OriginalDefinition, member.OriginalDefinition))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The code of the entry points: each file's top-level statements, and each static <c>Main</c> method's body.</summary>
    private static List<SyntaxNode> Bodies(Compilation compilation, CancellationToken cancellationToken)
    {
        var bodies = new List<SyntaxNode>();
        foreach (var tree in compilation.SyntaxTrees)
        {
            if (tree.GetRoot(cancellationToken) is not CompilationUnitSyntax unit)
            {
                continue;
            }

            foreach (var member in unit.Members)
            {
                if (member is GlobalStatementSyntax)
                {
                    bodies.Add(member);
                }
            }
        }

        foreach (var symbol in compilation.GetSymbolsWithName("Main", SymbolFilter.Member, cancellationToken))
        {
            if (symbol is not IMethodSymbol { IsStatic: true, MethodKind: MethodKind.Ordinary })
            {
                continue;
            }

            foreach (var reference in symbol.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(cancellationToken) is MethodDeclarationSyntax { Body: { } body })
                {
                    bodies.Add(body);
                }
            }
        }

        return bodies;
    }

    private static bool IsMain(MethodDeclarationSyntax method)
        => method.Identifier.ValueText == "Main" && method.Modifiers.Any(SyntaxKind.StaticKeyword);

    /// <summary>
    /// True when nothing in <paramref name="method"/>'s body, up to and including the statement of the body that holds
    /// <paramref name="node"/>, starts work alongside it (<c>Task.Run</c>, <c>timer.Start()</c>, <c>base.StartAsync</c>,
    /// …): a statement inside a loop counts the whole loop, whose later iterations run after what it starts.
    /// </summary>
    public static bool IsBeforeWorkStarts(MethodDeclarationSyntax method, SyntaxNode node)
    {
        if (method.ExpressionBody is { } arrow)
        {
            return !StartsWork(arrow);
        }

        if (method.Body is not { } body)
        {
            return false;
        }

        for (var current = node; current.Parent is not null; current = current.Parent)
        {
            if (current.Parent == body && current is StatementSyntax statement)
            {
                return IsBeforeRun(body.Statements, statement);
            }
        }

        return false;
    }

    private static bool StartsWork(SyntaxNode code)
    {
        foreach (var node in code.DescendantNodesAndSelf())
        {
            if (node is InvocationExpressionSyntax { Expression: var expression } && RunsTheApp(expression))
            {
                return true;
            }

            // `new Timer(Tick, null, 0, 1000)` calls back on another thread from then on.
            if (node is ObjectCreationExpressionSyntax creation && CreatesATimer(creation))
            {
                return true;
            }
        }

        return false;
    }

    private static bool CreatesATimer(ObjectCreationExpressionSyntax creation)
        => creation.Type is QualifiedNameSyntax { Right.Identifier.ValueText: "Timer" } or SimpleNameSyntax { Identifier.ValueText: "Timer" };

    /// <summary>No statement up to and including <paramref name="statement"/> runs the app or starts work alongside it.</summary>
    private static bool IsBeforeRun<T>(SyntaxList<T> statements, T statement)
        where T : SyntaxNode
    {
        foreach (var earlier in statements)
        {
            if (earlier is not (GlobalStatementSyntax or StatementSyntax))
            {
                continue;
            }

            if (StartsWork(earlier))
            {
                return false;
            }

            if (earlier == statement)
            {
                return true;
            }
        }

        return false;
    }

    private static bool RunsTheApp(ExpressionSyntax expression)
    {
        var name = expression switch
        {
            MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
            SimpleNameSyntax simple => simple.Identifier.ValueText,
            _ => string.Empty,
        };

        return name is "Run" or "RunAsync" or "Start" or "StartAsync" or "StartNew" or "WaitForShutdown" or "WaitForShutdownAsync"
            or "RunConsoleAsync" or "WhenAll" or "WhenAny" or "WaitAll" or "QueueUserWorkItem" or "Invoke" or "InvokeAsync" or "ForEach" or "ForEachAsync";
    }
}
