using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.FindSymbols;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Text;
using SharedStateAnalyzers.Model;

namespace SharedStateAnalyzers.CodeFixes;

/// <summary>
/// The rewrites of a memo into a memory cache with an expiration, where each memo becomes <c>GetOrCreate</c>/
/// <c>GetOrCreateAsync</c>. "Use injected IMemoryCache": the static dictionary becomes an <c>IMemoryCache</c> taken
/// through the constructor; offered only when every use of the field is one of the recognised memo shapes and the
/// owner is built by dependency injection (a single public constructor, or none, that no code calls with
/// <c>new</c>, and no derived classes). "Make the cache invalidatable": the field stays shared but becomes a
/// private <c>MemoryCache</c>, and the class gains static members that evict one key and every key.
/// </summary>
internal static class MemoryCacheRewrite
{
    /// <summary>How long an entry lives unless the user changes it: short enough that updates show up soon.</summary>
    public const string DefaultExpiration = "TimeSpan.FromMinutes(5)";

    private const string MemoryCacheNamespace = "Microsoft.Extensions.Caching.Memory";

    /// <summary>"Use injected IMemoryCache".</summary>
    public static Task<Document?> TryApplyAsync(Document document, SyntaxNode storageDeclaration, CancellationToken cancellationToken)
        => TryApplyAsync(document, storageDeclaration, shared: false, cancellationToken);

    /// <summary>"Make the cache invalidatable".</summary>
    public static Task<Document?> TryApplySharedAsync(Document document, SyntaxNode storageDeclaration, CancellationToken cancellationToken)
        => TryApplyAsync(document, storageDeclaration, shared: true, cancellationToken);

    private static async Task<Document?> TryApplyAsync(Document document, SyntaxNode storageDeclaration, bool shared, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null
            || storageDeclaration is not VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Variables.Count: 1, Parent: FieldDeclarationSyntax fieldDeclaration } } declarator)
        {
            return null;
        }

        var memoryCache = model.Compilation.GetTypeByMetadataName(MemoryCacheNamespace + ".IMemoryCache");
        var memoryCacheClass = model.Compilation.GetTypeByMetadataName(MemoryCacheNamespace + ".MemoryCache");
        if (memoryCache is null || memoryCacheClass is null || model.Compilation.GetTypeByMetadataName(MemoryCacheNamespace + ".CacheExtensions") is null)
        {
            return null;
        }

        if (model.GetDeclaredSymbol(declarator, cancellationToken) is not IFieldSymbol { IsStatic: true, DeclaredAccessibility: Accessibility.Private } field
            || field.Type is not INamedTypeSymbol { TypeArguments.Length: 2 } dictionaryType
            || fieldDeclaration.Parent is not ClassDeclarationSyntax owner)
        {
            return null;
        }

        var references = await CacheFieldReferences.FindAsync(document, root, field, cancellationToken).ConfigureAwait(false);
        if (references is null || references.Names.IsEmpty)
        {
            return null;
        }

        return shared
            ? await ApplySharedAsync(document, root, model, fieldDeclaration, declarator, field, dictionaryType, owner, memoryCacheClass, references, cancellationToken).ConfigureAwait(false)
            : await ApplyInjectedAsync(document, root, model, fieldDeclaration, declarator, field, dictionaryType, owner, memoryCache, references, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<Document?> ApplyInjectedAsync(
        Document document,
        SyntaxNode root,
        SemanticModel model,
        FieldDeclarationSyntax fieldDeclaration,
        VariableDeclaratorSyntax declarator,
        IFieldSymbol field,
        INamedTypeSymbol dictionaryType,
        ClassDeclarationSyntax owner,
        INamedTypeSymbol memoryCache,
        CacheFieldReferences references,
        CancellationToken cancellationToken)
    {
        var type = field.ContainingType;
        if (type is not { TypeKind: TypeKind.Class, IsStatic: false } || Lifetimes.IsHandRolledSingleton(type, model.Compilation)
            || owner.ParameterList is not null || !references.AreAllInInstanceMembers(model, type, cancellationToken))
        {
            return null;
        }

        var constructor = await ConstructorInjection.FindInjectableConstructorAsync(document, type, cancellationToken).ConfigureAwait(false);
        if (constructor is null)
        {
            return null;
        }

        // Entries of every cache share one IMemoryCache: keys are paired with the field's full name.
        var fieldName = SyntaxHelpers.InstanceFieldName(field);
        var editor = await RewriteMemosAsync(document, root, model, fieldDeclaration, field, fieldName, dictionaryType, owner, references, type.ToDisplayString() + "." + fieldName, cancellationToken).ConfigureAwait(false);
        if (editor is null)
        {
            return null;
        }

        var newLine = SyntaxHelpers.GetNewLine(root);
        var parameterName = GetParameterName(fieldName);
        if (!ConstructorInjection.TryInject(editor, owner, constructor, "IMemoryCache", parameterName, fieldName, newLine, cancellationToken))
        {
            return null;
        }

        // The field last: a new constructor may have been inserted after it.
        var newField = SyntaxHelpers.EnsureReadOnly(SyntaxHelpers.RemoveModifier(fieldDeclaration, SyntaxKind.StaticKeyword));
        newField = newField.WithDeclaration(newField.Declaration
            .WithType(SyntaxFactory.ParseTypeName("IMemoryCache").WithTriviaFrom(newField.Declaration.Type))
            .WithVariables(SyntaxFactory.SingletonSeparatedList(declarator.WithIdentifier(SyntaxFactory.Identifier(fieldName).WithLeadingTrivia(declarator.Identifier.LeadingTrivia)).WithInitializer(null))));
        editor.ReplaceNode(fieldDeclaration, (current, _) => ((FieldDeclarationSyntax)current).WithModifiers(newField.Modifiers).WithDeclaration(newField.Declaration));

        return await FinishAsync(document, editor, model, fieldDeclaration.SpanStart, "IMemoryCache", memoryCache, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<Document?> ApplySharedAsync(
        Document document,
        SyntaxNode root,
        SemanticModel model,
        FieldDeclarationSyntax fieldDeclaration,
        VariableDeclaratorSyntax declarator,
        IFieldSymbol field,
        INamedTypeSymbol dictionaryType,
        ClassDeclarationSyntax owner,
        INamedTypeSymbol memoryCacheClass,
        CacheFieldReferences references,
        CancellationToken cancellationToken)
    {
        // The members that evict: named after the field, and only where the names are free.
        var stem = GetParameterName(field.Name).TrimStart('@');
        stem = char.ToUpperInvariant(stem[0]) + stem.Substring(1);
        var invalidate = "Invalidate" + stem;
        var clear = "Clear" + stem;
        var type = field.ContainingType;
        if (!type.GetMembers(invalidate).IsEmpty || !type.GetMembers(clear).IsEmpty || type.TypeKind != TypeKind.Class)
        {
            return null;
        }

        // The cache is this field's own: keys need no prefix.
        var editor = await RewriteMemosAsync(document, root, model, fieldDeclaration, field, field.Name, dictionaryType, owner, references, keyPrefix: null, cancellationToken).ConfigureAwait(false);
        if (editor is null)
        {
            return null;
        }

        var newLine = SyntaxHelpers.GetNewLine(root);
        var keyType = dictionaryType.TypeArguments[0].ToMinimalDisplayString(model, fieldDeclaration.SpanStart);
        var evictAll = memoryCacheClass.GetMembers("Clear").Any(m => m is IMethodSymbol { Parameters.Length: 0, DeclaredAccessibility: Accessibility.Public })
            ? field.Name + ".Clear()"
            : field.Name + ".Compact(1.0)";
        var members = new SyntaxNode[]
        {
            SyntaxFactory.ParseMemberDeclaration(
                    newLine
                    + "/// <summary>Evicts one entry: call it after the data behind <paramref name=\"key\"/> changes.</summary>" + newLine
                    + "public static void " + invalidate + "(" + keyType + " key) => " + field.Name + ".Remove(key);" + newLine)!
                .WithAdditionalAnnotations(Formatter.Annotation),
            SyntaxFactory.ParseMemberDeclaration(
                    newLine
                    + "/// <summary>Evicts every entry.</summary>" + newLine
                    + "public static void " + clear + "() => " + evictAll + ";" + newLine)!
                .WithAdditionalAnnotations(Formatter.Annotation),
        };
        // After the class's last field, so that fields stay together.
        editor.InsertAfter(owner.Members.OfType<FieldDeclarationSyntax>().Last(), members);

        var newField = SyntaxHelpers.EnsureReadOnly(fieldDeclaration);
        newField = newField.WithDeclaration(newField.Declaration
            .WithType(SyntaxFactory.ParseTypeName("MemoryCache").WithTriviaFrom(newField.Declaration.Type))
            .WithVariables(SyntaxFactory.SingletonSeparatedList(declarator.WithInitializer(
                SyntaxFactory.EqualsValueClause(SyntaxFactory.ParseExpression("new MemoryCache(new MemoryCacheOptions())"))
                    .WithEqualsToken(SyntaxFactory.Token(SyntaxKind.EqualsToken).WithTrailingTrivia(SyntaxFactory.Space))))));
        editor.ReplaceNode(fieldDeclaration, (current, _) => ((FieldDeclarationSyntax)current).WithModifiers(newField.Modifiers).WithDeclaration(newField.Declaration));

        return await FinishAsync(document, editor, model, fieldDeclaration.SpanStart, "MemoryCache", memoryCacheClass, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Rewrites every memo over the field; null when some use of the field is not a memo the rewrite handles.</summary>
    private static async Task<SyntaxEditor?> RewriteMemosAsync(
        Document document,
        SyntaxNode root,
        SemanticModel model,
        FieldDeclarationSyntax fieldDeclaration,
        IFieldSymbol field,
        string fieldName,
        INamedTypeSymbol dictionaryType,
        ClassDeclarationSyntax owner,
        CacheFieldReferences references,
        string? keyPrefix,
        CancellationToken cancellationToken)
    {
        var valueType = dictionaryType.TypeArguments[1];
        var text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
        var context = new ShapeContext(
            model,
            text,
            SyntaxHelpers.GetNewLine(root),
            GetIndentUnit(text, owner),
            field,
            fieldName,
            valueType.ToMinimalDisplayString(model, fieldDeclaration.SpanStart),
            valueType.IsReferenceType ? "!" : string.Empty,
            keyPrefix,
            cancellationToken);

        var memos = FindMemos(owner, context);
        if (memos is null || !CoversEveryReference(memos, references))
        {
            return null;
        }

        var editor = new SyntaxEditor(root, document.Project.Solution.Services);
        foreach (var memo in memos)
        {
            editor.ReplaceNode(memo.Replaced[0], memo.Replacement.WithLeadingTrivia(memo.Replaced[0].GetLeadingTrivia()).WithTrailingTrivia(memo.Replaced[memo.Replaced.Count - 1].GetTrailingTrivia()));
            for (var i = 1; i < memo.Replaced.Count; i++)
            {
                editor.RemoveNode(memo.Replaced[i], SyntaxRemoveOptions.KeepNoTrivia);
            }
        }

        return editor;
    }

    /// <summary>Adds the usings the rewrite needs and formats what it annotated.</summary>
    private static async Task<Document> FinishAsync(Document document, SyntaxEditor editor, SemanticModel model, int position, string cacheTypeName, INamedTypeSymbol cacheType, CancellationToken cancellationToken)
    {
        var newRoot = editor.GetChangedRoot();
        if (!SyntaxHelpers.IsInScope(model, position, cacheTypeName, cacheType))
        {
            newRoot = SyntaxHelpers.AddUsing(newRoot, MemoryCacheNamespace);
        }

        if (!SyntaxHelpers.IsInScope(model, position, "TimeSpan", model.Compilation.GetTypeByMetadataName("System.TimeSpan")))
        {
            newRoot = SyntaxHelpers.AddUsing(newRoot, "System");
        }

        var newDocument = document.WithSyntaxRoot(newRoot);
        return await Formatter.FormatAsync(newDocument, Formatter.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
    }


    private static string GetParameterName(string fieldName)
    {
        var name = fieldName;
        if (name.StartsWith("s_", System.StringComparison.Ordinal) || name.StartsWith("m_", System.StringComparison.Ordinal))
        {
            name = name.Substring(2);
        }

        name = name.TrimStart('_');
        if (name.Length == 0)
        {
            return "memoryCache";
        }

        name = char.ToLowerInvariant(name[0]) + name.Substring(1);
        return SyntaxFacts.GetKeywordKind(name) == SyntaxKind.None ? name : "@" + name;
    }

    private static bool CoversEveryReference(List<Memo> memos, CacheFieldReferences references)
    {
        foreach (var name in references.Names)
        {
            if (!memos.Any(m => m.Span.Contains(name.Span)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Every memo shape over the field in the class; null when some memo cannot be rewritten exactly.</summary>
    private static List<Memo>? FindMemos(ClassDeclarationSyntax owner, ShapeContext context)
    {
        var memos = new List<Memo>();
        foreach (var block in owner.DescendantNodes().OfType<BlockSyntax>())
        {
            var statements = block.Statements;
            for (var i = 0; i < statements.Count; i++)
            {
                var memo = MatchContainsKey(statements, i, context)
                    ?? MatchTryGetValueEarlyReturn(statements, i, context)
                    ?? MatchTryGetValueThenInsert(statements, i, context);
                if (memo is not null)
                {
                    memos.Add(memo);
                    i += memo.Replaced.Count - 1;
                }
            }
        }

        foreach (var invocation in owner.DescendantNodes().OfType<InvocationExpressionSyntax>())
        {
            if (memos.Any(m => m.Span.Contains(invocation.Span)))
            {
                continue;
            }

            var memo = MatchGetOrAdd(invocation, context);
            if (memo is not null)
            {
                memos.Add(memo);
            }
        }

        return memos;
    }

    /// <summary><c>if (!F.ContainsKey(k)) { …; F[k] = v; } return F[k];</c></summary>
    private static Memo? MatchContainsKey(SyntaxList<StatementSyntax> statements, int index, ShapeContext context)
    {
        if (index + 1 >= statements.Count
            || statements[index] is not IfStatementSyntax { Else: null, Condition: PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalNotExpression, Operand: InvocationExpressionSyntax condition } } ifStatement
            || !IsCall(condition, "ContainsKey", 1, context, out var key)
            || statements[index + 1] is not ReturnStatementSyntax { Expression: ElementAccessExpressionSyntax read }
            || !IsElementOfField(read, key, context))
        {
            return null;
        }

        var body = BodyOf(ifStatement.Statement);
        if (body.Count == 0 || !IsInsertion(body[body.Count - 1], key, context, out var value) || !CanMove(body.Take(body.Count - 1), value, context))
        {
            return null;
        }

        var factory = BuildFactory(body.Take(body.Count - 1), value, null, context, body[body.Count - 1], statements[index + 1]);
        return new Memo(new SyntaxNode[] { statements[index], statements[index + 1] }, SyntaxFactory.ParseStatement("return " + BuildGetOrCreate(statements[index], key, factory, context, factory.IsAsync) + ";"));
    }

    /// <summary><c>if (F.TryGetValue(k, out var x)) return x; …; F[k] = v; return v;</c></summary>
    private static Memo? MatchTryGetValueEarlyReturn(SyntaxList<StatementSyntax> statements, int index, ShapeContext context)
    {
        if (statements[index] is not IfStatementSyntax { Else: null, Condition: InvocationExpressionSyntax condition } ifStatement
            || !IsTryGetValue(condition, context, out var key, out var outVariable)
            || BodyOf(ifStatement.Statement) is not { Count: 1 } earlyBody
            || earlyBody[0] is not ReturnStatementSyntax { Expression: IdentifierNameSyntax returned }
            || returned.Identifier.ValueText != outVariable.Identifier.ValueText)
        {
            return null;
        }

        for (var insertion = index + 1; insertion + 1 < statements.Count; insertion++)
        {
            if (!IsInsertion(statements[insertion], key, context, out var value))
            {
                continue;
            }

            if (statements[insertion + 1] is not ReturnStatementSyntax { Expression: { } result } || !SyntaxFactory.AreEquivalent(result, value))
            {
                return null;
            }

            var moved = statements.Skip(index + 1).Take(insertion - index - 1).ToList();
            if (!CanMove(moved, value, context))
            {
                return null;
            }

            var factory = BuildFactory(moved, value, outVariable.Identifier, context, statements[insertion], statements[insertion + 1]);
            var replaced = statements.Skip(index).Take(insertion - index + 2).Cast<SyntaxNode>().ToArray();
            return new Memo(replaced, SyntaxFactory.ParseStatement("return " + BuildGetOrCreate(statements[index], key, factory, context, factory.IsAsync) + ";"));
        }

        return null;
    }

    /// <summary><c>if (!F.TryGetValue(k, out var x)) { …; x = e; F[k] = x; }</c> — later statements keep using <c>x</c>.</summary>
    private static Memo? MatchTryGetValueThenInsert(SyntaxList<StatementSyntax> statements, int index, ShapeContext context)
    {
        if (statements[index] is not IfStatementSyntax { Else: null, Condition: PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalNotExpression, Operand: InvocationExpressionSyntax condition } } ifStatement
            || !IsTryGetValue(condition, context, out var key, out var outVariable))
        {
            return null;
        }

        var body = BodyOf(ifStatement.Statement);
        if (body.Count < 2 || !IsInsertion(body[body.Count - 1], key, context, out var value)
            || value is not IdentifierNameSyntax inserted || inserted.Identifier.ValueText != outVariable.Identifier.ValueText
            || body[body.Count - 2] is not ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression, Left: IdentifierNameSyntax assigned } lastAssignment }
            || assigned.Identifier.ValueText != outVariable.Identifier.ValueText)
        {
            return null;
        }

        var moved = body.Take(body.Count - 2).ToList();
        if (moved.Any(s => Mentions(s, outVariable.Identifier.ValueText)) || !CanMove(moved, lastAssignment.Right, context))
        {
            return null;
        }

        var factory = BuildFactory(moved, lastAssignment.Right, null, context, body[body.Count - 2], body[body.Count - 1]);
        var declaredType = outVariable.Parent is DeclarationExpressionSyntax { Type: { IsVar: false } explicitType } ? explicitType.ToString() : "var";
        var statement = SyntaxFactory.ParseStatement(declaredType + " " + outVariable.Identifier.ValueText + " = " + BuildGetOrCreate(statements[index], key, factory, context, factory.IsAsync) + ";");
        return new Memo(new SyntaxNode[] { statements[index] }, statement);
    }

    /// <summary><c>F.GetOrAdd(k, factory)</c> with a one-parameter lambda, a method group or a value.</summary>
    private static Memo? MatchGetOrAdd(InvocationExpressionSyntax invocation, ShapeContext context)
    {
        if (!IsCall(invocation, "GetOrAdd", 2, context, out var key))
        {
            return null;
        }

        var argument = invocation.ArgumentList.Arguments[1].Expression;
        Factory factory;
        switch (argument)
        {
            case SimpleLambdaExpressionSyntax or ParenthesizedLambdaExpressionSyntax { ParameterList.Parameters.Count: 1 }:
            {
                var lambda = (LambdaExpressionSyntax)argument;
                var parameter = lambda is SimpleLambdaExpressionSyntax simple ? simple.Parameter : ((ParenthesizedLambdaExpressionSyntax)lambda).ParameterList.Parameters[0];
                if (key is not (IdentifierNameSyntax or LiteralExpressionSyntax) || context.Model.GetDeclaredSymbol(parameter, context.CancellationToken) is not { } parameterSymbol)
                {
                    return null;
                }

                var substituted = SubstituteParameter(lambda, parameterSymbol, key, context);
                var isAsync = lambda.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword);
                factory = substituted.Body switch
                {
                    BlockSyntax block => new Factory(block.Statements.Select(s => s.ToFullString()).ToList(), null, isAsync),
                    ExpressionSyntax expression => new Factory(new List<string>(), expression.ToString(), isAsync),
                    _ => default,
                };

                if (factory.Statements is null)
                {
                    return null;
                }

                break;
            }

            case IdentifierNameSyntax or MemberAccessExpressionSyntax when context.Model.GetSymbolInfo(argument, context.CancellationToken).Symbol is IMethodSymbol:
                factory = new Factory(new List<string>(), argument + "(" + key + ")", false);
                break;
            default:
                if (context.Model.GetTypeInfo(argument, context.CancellationToken).ConvertedType is INamedTypeSymbol { TypeKind: TypeKind.Delegate })
                {
                    return null;
                }

                factory = new Factory(new List<string>(), argument.ToString(), HasAwait(argument));
                break;
        }

        // GetOrAdd returns what the factory returns (a Task for an async lambda): the rewrite keeps GetOrCreate and
        // the lambda's own async modifier. A value argument that awaits is computed before the call: no exact rewrite.
        if (factory.IsAsync && argument is not LambdaExpressionSyntax)
        {
            return null;
        }

        return new Memo(new SyntaxNode[] { invocation }, SyntaxFactory.ParseExpression(BuildGetOrCreate(invocation, key, factory, context, useAsyncApi: false)));
    }

    private static LambdaExpressionSyntax SubstituteParameter(LambdaExpressionSyntax lambda, ISymbol parameter, ExpressionSyntax key, ShapeContext context)
    {
        var uses = lambda.Body.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>()
            .Where(n => SymbolEqualityComparer.Default.Equals(context.Model.GetSymbolInfo(n, context.CancellationToken).Symbol, parameter))
            .ToList();
        return lambda.ReplaceNodes(uses, (original, _) => key.WithoutTrivia().WithTriviaFrom(original));
    }

    /// <summary>
    /// <c>F.GetOrCreate&lt;T&gt;((prefix, key), entry => { expiration; …; return value; })</c>, or with
    /// <paramref name="useAsyncApi"/> <c>(await F.GetOrCreateAsync&lt;T&gt;(…, async entry => …))</c>.
    /// </summary>
    private static string BuildGetOrCreate(SyntaxNode replaced, ExpressionSyntax key, Factory factory, ShapeContext context, bool useAsyncApi)
    {
        // The formatter keeps a block lambda's lines where they are, so the text is laid out here: braces at the
        // indentation of the line the memo starts on, the body one level deeper.
        var indent = LineIndentation(context.Text, replaced.SpanStart);
        var inner = indent + context.IndentUnit;
        var newLine = context.NewLine;
        var entry = factory.Mentions("entry") ? "cacheEntry" : "entry";
        var builder = new StringBuilder();
        builder.Append(useAsyncApi ? "(await " : string.Empty)
            .Append(context.FieldName)
            .Append(useAsyncApi ? ".GetOrCreateAsync<" : ".GetOrCreate<")
            .Append(context.ValueType)
            .Append(">(")
            .Append(context.KeyPrefix is null ? key.WithoutTrivia().ToString() : "(\"" + context.KeyPrefix + "\", " + key.WithoutTrivia() + ")")
            .Append(", ")
            .Append(factory.IsAsync ? "async " : string.Empty)
            .Append(entry).Append(" =>").Append(newLine)
            .Append(indent).Append('{').Append(newLine)
            .Append(inner).Append(entry).Append(".AbsoluteExpirationRelativeToNow = ").Append(DefaultExpiration).Append(';').Append(newLine);
        foreach (var line in Reindent(factory.Statements, inner))
        {
            builder.Append(line).Append(newLine);
        }

        if (factory.Result is not null)
        {
            builder.Append(inner).Append("return ").Append(factory.Result).Append(';').Append(newLine);
        }

        builder.Append(indent).Append('}').Append(')').Append(useAsyncApi ? ")" : string.Empty).Append(context.Suppression);
        return builder.ToString();
    }

    /// <summary>The lines of <paramref name="statements"/> with their common indentation replaced by <paramref name="indent"/>.</summary>
    private static IEnumerable<string> Reindent(IEnumerable<string> statements, string indent)
    {
        var lines = new List<string>();
        foreach (var statement in statements)
        {
            var text = statement.Replace("\r\n", "\n").Trim('\n');
            lines.AddRange(text.Split('\n').Select(l => l.TrimEnd()));
        }

        var common = lines.Where(l => l.Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        foreach (var line in lines)
        {
            yield return line.Length == 0 ? string.Empty : indent + line.Substring(System.Math.Min(common, line.Length - line.TrimStart().Length));
        }
    }

    private static string LineIndentation(SourceText text, int position)
    {
        var line = text.Lines.GetLineFromPosition(position);
        var end = line.Start;
        while (end < line.End && char.IsWhiteSpace(text[end]))
        {
            end++;
        }

        return text.ToString(TextSpan.FromBounds(line.Start, end));
    }

    /// <summary>One level of indentation as the file writes it: a member's indentation less its class's.</summary>
    private static string GetIndentUnit(SourceText text, ClassDeclarationSyntax owner)
    {
        var classIndent = LineIndentation(text, owner.SpanStart);
        var member = owner.Members.FirstOrDefault();
        if (member is not null)
        {
            var memberIndent = LineIndentation(text, member.SpanStart);
            if (memberIndent.Length > classIndent.Length && memberIndent.StartsWith(classIndent, System.StringComparison.Ordinal))
            {
                return memberIndent.Substring(classIndent.Length);
            }
        }

        return "    ";
    }

    /// <summary>
    /// The factory's statements: <paramref name="moved"/>, then the comments of the statements the rewrite removes
    /// (<paramref name="removed"/>), so that no comment is lost; the factory returns <paramref name="value"/>.
    /// </summary>
    private static Factory BuildFactory(IEnumerable<StatementSyntax> moved, ExpressionSyntax value, SyntaxToken? outVariable, ShapeContext context, params SyntaxNode[] removed)
    {
        var statements = new List<string>();
        var movedList = moved.ToList();
        if (outVariable is { } variable && (movedList.Any(s => Mentions(s, variable.ValueText)) || Mentions(value, variable.ValueText)))
        {
            statements.Add(context.ValueType + " " + variable.ValueText + ";");
        }

        statements.AddRange(movedList.Select(s => s.ToFullString()));
        foreach (var node in removed)
        {
            foreach (var trivia in node.GetLeadingTrivia().Concat(node.GetTrailingTrivia()))
            {
                if (trivia.IsKind(SyntaxKind.SingleLineCommentTrivia) || trivia.IsKind(SyntaxKind.MultiLineCommentTrivia))
                {
                    statements.Add(trivia.ToFullString());
                }
            }
        }

        var isAsync = movedList.Any(HasAwait) || HasAwait(value);
        return new Factory(statements, value.ToString(), isAsync);
    }

    private static bool IsTryGetValue(InvocationExpressionSyntax invocation, ShapeContext context, out ExpressionSyntax key, out SingleVariableDesignationSyntax outVariable)
    {
        outVariable = null!;
        if (!IsCall(invocation, "TryGetValue", 2, context, out key)
            || invocation.ArgumentList.Arguments[1] is not { RefKindKeyword.RawKind: (int)SyntaxKind.OutKeyword, Expression: DeclarationExpressionSyntax { Designation: SingleVariableDesignationSyntax designation } })
        {
            return false;
        }

        outVariable = designation;
        return true;
    }

    /// <summary><c>F.Method(key, …)</c> on the field with <paramref name="argumentCount"/> arguments.</summary>
    private static bool IsCall(InvocationExpressionSyntax invocation, string method, int argumentCount, ShapeContext context, out ExpressionSyntax key)
    {
        key = null!;
        if (invocation.Expression is not MemberAccessExpressionSyntax { Name.Identifier.ValueText: var name } access
            || name != method
            || invocation.ArgumentList.Arguments.Count != argumentCount
            || invocation.ArgumentList.Arguments[0].RefKindKeyword.RawKind != 0
            || !CacheFieldReferences.Refers(context.Model, access.Expression, context.Field, context.CancellationToken))
        {
            return false;
        }

        key = invocation.ArgumentList.Arguments[0].Expression;
        return true;
    }

    private static bool IsElementOfField(ElementAccessExpressionSyntax access, ExpressionSyntax key, ShapeContext context)
        => access.ArgumentList.Arguments.Count == 1
            && SyntaxFactory.AreEquivalent(access.ArgumentList.Arguments[0].Expression, key)
            && CacheFieldReferences.Refers(context.Model, access.Expression, context.Field, context.CancellationToken);

    /// <summary><c>F[k] = v;</c>, <c>F.Add(k, v);</c> or <c>F.TryAdd(k, v);</c></summary>
    private static bool IsInsertion(StatementSyntax statement, ExpressionSyntax key, ShapeContext context, out ExpressionSyntax value)
    {
        value = null!;
        if (statement is not ExpressionStatementSyntax { Expression: var expression })
        {
            return false;
        }

        if (expression is AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression, Left: ElementAccessExpressionSyntax target } assignment
            && IsElementOfField(target, key, context))
        {
            value = assignment.Right;
            return true;
        }

        if (expression is InvocationExpressionSyntax invocation
            && (IsCall(invocation, "Add", 2, context, out var addKey) || IsCall(invocation, "TryAdd", 2, context, out addKey))
            && SyntaxFactory.AreEquivalent(addKey, key))
        {
            value = invocation.ArgumentList.Arguments[1].Expression;
            return true;
        }

        return false;
    }

    /// <summary>Statements can move into the factory lambda when they do not touch the field or leave the method early.</summary>
    private static bool CanMove(IEnumerable<StatementSyntax> statements, ExpressionSyntax value, ShapeContext context)
    {
        foreach (var node in statements.Cast<SyntaxNode>().Append(value))
        {
            foreach (var descendant in node.DescendantNodesAndSelf(n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)))
            {
                if (descendant is ReturnStatementSyntax or YieldStatementSyntax or GotoStatementSyntax or BreakStatementSyntax or ContinueStatementSyntax or LocalFunctionStatementSyntax)
                {
                    return false;
                }

                if (descendant is IdentifierNameSyntax name && name.Identifier.ValueText == context.Field.Name
                    && CacheFieldReferences.Refers(context.Model, name, context.Field, context.CancellationToken))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static bool HasAwait(SyntaxNode node)
        => node.DescendantNodesAndSelf(n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)).OfType<AwaitExpressionSyntax>().Any();

    private static bool Mentions(SyntaxNode node, string identifier)
        => node.DescendantTokens().Any(t => t.IsKind(SyntaxKind.IdentifierToken) && t.ValueText == identifier);

    private static SyntaxList<StatementSyntax> BodyOf(StatementSyntax statement)
        => statement is BlockSyntax block ? block.Statements : SyntaxFactory.SingletonList(statement);

    private sealed class ShapeContext
    {
        public ShapeContext(SemanticModel model, SourceText text, string newLine, string indentUnit, IFieldSymbol field, string fieldName, string valueType, string suppression, string? keyPrefix, CancellationToken cancellationToken)
        {
            Model = model;
            Text = text;
            NewLine = newLine;
            IndentUnit = indentUnit;
            Field = field;
            FieldName = fieldName;
            ValueType = valueType;
            Suppression = suppression;
            KeyPrefix = keyPrefix;
            CancellationToken = cancellationToken;
        }

        public SemanticModel Model { get; }

        public SourceText Text { get; }

        public string NewLine { get; }

        public string IndentUnit { get; }

        public IFieldSymbol Field { get; }

        /// <summary>The name the field has after the rewrite (a static <c>s_</c> prefix becomes <c>_</c>).</summary>
        public string FieldName { get; }

        public string ValueType { get; }

        public string Suppression { get; }

        /// <summary>When set, entries share a cache with others: keys are paired with this name (the field's full name).</summary>
        public string? KeyPrefix { get; }

        public CancellationToken CancellationToken { get; }
    }

    private readonly struct Factory
    {
        public Factory(List<string> statements, string? result, bool isAsync)
        {
            Statements = statements;
            Result = result;
            IsAsync = isAsync;
        }

        public List<string> Statements { get; }

        public string? Result { get; }

        public bool IsAsync { get; }

        public bool Mentions(string identifier)
            => Statements.Any(s => s.Contains(identifier)) || (Result?.Contains(identifier) ?? false);
    }

    private sealed class Memo
    {
        public Memo(IReadOnlyList<SyntaxNode> replaced, SyntaxNode replacement)
        {
            Replaced = replaced;
            Replacement = replacement;
            Span = TextSpan.FromBounds(replaced[0].SpanStart, replaced[replaced.Count - 1].Span.End);
        }

        public IReadOnlyList<SyntaxNode> Replaced { get; }

        public SyntaxNode Replacement { get; }

        public TextSpan Span { get; }
    }
}
