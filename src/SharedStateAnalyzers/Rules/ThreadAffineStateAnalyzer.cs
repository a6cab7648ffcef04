using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using SharedStateAnalyzers.Model;

namespace SharedStateAnalyzers.Rules;

/// <summary>
/// SSA008: a <c>[ThreadStatic]</c> field, or the <c>Value</c> of a <c>ThreadLocal&lt;T&gt;</c> field, read or written in
/// an <c>async</c> method, lambda or local function that awaits, or in request-handling code (controller actions,
/// Razor page handlers, filters, middleware, minimal API handlers, hub methods, gRPC service methods). Reported at
/// the first use in each offending member, once per field. A synchronous lambda (a <c>Parallel.For</c> body) and a
/// synchronous helper merely called from such code are left alone.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ThreadAffineStateAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.ThreadAffineState);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        ProductCodeAnalysis.RegisterCompilationStart(context, static start =>
        {
            var threadStatic = start.Compilation.GetTypeByMetadataName("System.ThreadStaticAttribute");
            var threadLocal = start.Compilation.GetTypeByMetadataName("System.Threading.ThreadLocal`1");
            if (threadStatic is null && threadLocal is null)
            {
                return;
            }

            var shared = new Shared(threadStatic, threadLocal, new RequestHandlers(start.Compilation));
            start.RegisterSymbolStartAction(
                symbolStart =>
                {
                    var state = new TypeState((INamedTypeSymbol)symbolStart.Symbol, shared);
                    symbolStart.RegisterOperationAction(state.AnalyzeField, OperationKind.FieldReference);
                    symbolStart.RegisterOperationAction(state.AnalyzeProperty, OperationKind.PropertyReference);
                    symbolStart.RegisterSymbolEndAction(state.Report);
                },
                SymbolKind.NamedType);
        });
    }

    private sealed class Shared
    {
        private readonly INamedTypeSymbol? _threadStatic;
        private readonly INamedTypeSymbol? _threadLocal;
        private readonly ConcurrentDictionary<IFieldSymbol, bool> _threadStaticFields = new(SymbolEqualityComparer.Default);

        public Shared(INamedTypeSymbol? threadStatic, INamedTypeSymbol? threadLocal, RequestHandlers handlers)
        {
            _threadStatic = threadStatic;
            _threadLocal = threadLocal;
            Handlers = handlers;
        }

        public RequestHandlers Handlers { get; }

        public bool IsThreadStatic(IFieldSymbol field)
        {
            if (!field.IsStatic || _threadStatic is null)
            {
                return false;
            }

            field = field.OriginalDefinition;
            if (_threadStaticFields.TryGetValue(field, out var cached))
            {
                return cached;
            }

            var result = false;
            foreach (var attribute in field.GetAttributes())
            {
                if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, _threadStatic))
                {
                    result = true;
                    break;
                }
            }

            _threadStaticFields.TryAdd(field, result);
            return result;
        }

        public bool IsThreadLocalValue(IPropertySymbol property)
            => property.Name == "Value" && _threadLocal is not null
                && SymbolEqualityComparer.Default.Equals(property.ContainingType?.OriginalDefinition, _threadLocal);
    }

    /// <summary>The uses of thread-affine fields in one type's members. Operation actions run concurrently: guarded by a lock.</summary>
    private sealed class TypeState
    {
        private readonly INamedTypeSymbol _type;
        private readonly Shared _shared;
        private readonly object _gate = new();
        private readonly Dictionary<(ISymbol Member, ISymbol Field), (Location Location, string Where)> _uses = new();
        private readonly ConcurrentDictionary<IOperation, bool> _awaits = new();

        /// <summary>The <c>ThreadLocal&lt;T&gt;</c> fields whose <c>Value</c> the type uses, and those whose <c>Value</c> it assigns.</summary>
        private readonly HashSet<ISymbol> _threadLocals = new(SymbolEqualityComparer.Default);
        private readonly HashSet<ISymbol> _assignedThreadLocals = new(SymbolEqualityComparer.Default);

        /// <summary>
        /// The <c>[ThreadStatic]</c> fields the type takes out of their slot (a one-slot pool), and those it also reads
        /// in any other way.
        /// </summary>
        private readonly HashSet<ISymbol> _takenFields = new(SymbolEqualityComparer.Default);
        private readonly HashSet<ISymbol> _readFields = new(SymbolEqualityComparer.Default);

        public TypeState(INamedTypeSymbol type, Shared shared)
        {
            _type = type;
            _shared = shared;
        }

        public void AnalyzeField(OperationAnalysisContext context)
        {
            var reference = (IFieldReferenceOperation)context.Operation;
            if (_shared.IsThreadStatic(reference.Field))
            {
                var field = reference.Field.OriginalDefinition;
                var use = ClassifyPoolUse(reference);
                if (use != PoolUse.Write)
                {
                    lock (_gate)
                    {
                        (use == PoolUse.Take ? _takenFields : _readFields).Add(field);
                    }
                }

                Analyze(context, field, reference);
            }
        }

        private enum PoolUse
        {
            /// <summary>Any read that sees the value: the slot's content is used where it lies.</summary>
            Read,

            /// <summary>An assignment, <c>??=</c> (a give-back that keeps an object already there), or a null test.</summary>
            Write,

            /// <summary>Copied to a local, and the slot emptied by the next statement: the flow now owns the object.</summary>
            Take,
        }

        /// <summary>
        /// How a use of a <c>[ThreadStatic]</c> field of an object type (not <c>string</c>) treats the slot. A one-slot
        /// per-thread pool — <c>var context = t_cached; t_cached = null;</c> … <c>t_cached ??= context.Reset();</c> — only
        /// takes the object out, tests for null and puts one back.
        /// </summary>
        private static PoolUse ClassifyPoolUse(IFieldReferenceOperation reference)
        {
            switch (reference.Parent)
            {
                case ISimpleAssignmentOperation assignment when assignment.Target == reference:
                case ICoalesceAssignmentOperation coalesce when coalesce.Target == reference:
                    return PoolUse.Write;
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } comparison
                    when OperationFacts.IsNullOrDefault(comparison.LeftOperand == reference ? comparison.RightOperand : comparison.LeftOperand):
                    return PoolUse.Write;
                case IIsPatternOperation { Pattern: IConstantPatternOperation constant } when OperationFacts.IsNullOrDefault(constant.Value):
                case IIsPatternOperation { Pattern: INegatedPatternOperation { Pattern: IConstantPatternOperation negated } } when OperationFacts.IsNullOrDefault(negated.Value):
                    return PoolUse.Write;
            }

            if (reference.Field.Type is not { IsReferenceType: true, SpecialType: not SpecialType.System_String })
            {
                return PoolUse.Read;
            }

            // `var x = t_cached;`, `var x = t_cached ?? new X();`, `x = t_cached;` as a statement of a block.
            IOperation current = reference;
            while (current.Parent is IConversionOperation || (current.Parent is ICoalesceOperation coalesced && coalesced.Value == current))
            {
                current = current.Parent;
            }

            IOperation? statement = current.Parent switch
            {
                IVariableInitializerOperation { Parent: IVariableDeclaratorOperation { Parent: IVariableDeclarationOperation { Parent: IVariableDeclarationGroupOperation group } } } => group,
                ISimpleAssignmentOperation { Target: ILocalReferenceOperation, Parent: IExpressionStatementOperation expression } assignment
                    when assignment.Value == current => expression,
                _ => null,
            };

            if (statement?.Parent is not IBlockOperation block)
            {
                return PoolUse.Read;
            }

            var index = block.Operations.IndexOf(statement);
            return index >= 0 && index + 1 < block.Operations.Length
                && block.Operations[index + 1] is IExpressionStatementOperation { Operation: ISimpleAssignmentOperation { Target: IFieldReferenceOperation emptied } empty }
                && SymbolEqualityComparer.Default.Equals(emptied.Field.OriginalDefinition, reference.Field.OriginalDefinition)
                && OperationFacts.IsNullOrDefault(empty.Value)
                    ? PoolUse.Take
                    : PoolUse.Read;
        }

        public void AnalyzeProperty(OperationAnalysisContext context)
        {
            var reference = (IPropertyReferenceOperation)context.Operation;
            if (_shared.IsThreadLocalValue(reference.Property) && CacheStorage.GetReferencedStorage(reference.Instance) is { } storage)
            {
                var assigned = reference.Parent switch
                {
                    IAssignmentOperation assignment => assignment.Target == reference,
                    IIncrementOrDecrementOperation => true,
                    IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } => true,
                    _ => AccumulatesWithoutReset(reference),
                };
                lock (_gate)
                {
                    _threadLocals.Add(storage);
                    if (assigned)
                    {
                        _assignedThreadLocals.Add(storage);
                    }
                }

                Analyze(context, storage, reference);
            }
        }

        /// <summary>
        /// The member adds to the per-thread value (<c>sb.Append(user)</c>, <c>list.Add(item)</c>) and never empties it
        /// (<c>Clear()</c>, <c>Length = 0</c>): what one use adds is still there for the next use on that thread, as if
        /// it had been assigned. A buffer emptied before use (the <c>StringBuilderCache</c> idiom) is not.
        /// </summary>
        private static bool AccumulatesWithoutReset(IPropertyReferenceOperation value)
        {
            var root = value.Root();
            HashSet<ILocalSymbol>? locals = null;
            foreach (var node in root.Descendants())
            {
                if (node is IVariableDeclaratorOperation { Initializer.Value: { } initial } declarator && IsTheValue(initial, value, null))
                {
                    (locals ??= new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default)).Add(declarator.Symbol);
                }
            }

            var accumulates = false;
            foreach (var node in root.Descendants())
            {
                switch (node)
                {
                    case IInvocationOperation { Instance: { } instance } call when IsTheValue(instance, value, locals):
                        switch (call.TargetMethod.Name)
                        {
                            case "Clear" or "Remove" or "RemoveAll" or "RemoveAt" or "RemoveRange" or "SetLength":
                                return false;
                            case "Append" or "AppendLine" or "AppendFormat" or "AppendJoin" or "Add" or "AddRange" or "Insert"
                                or "Push" or "Enqueue" or "Write" or "WriteLine":
                                accumulates = true;
                                break;
                        }

                        break;
                    case ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.Name: "Length" or "Count", Instance: { } instance } }
                        when IsTheValue(instance, value, locals):
                        return false;
                }
            }

            return accumulates;
        }

        private static bool IsTheValue(IOperation instance, IPropertyReferenceOperation value, HashSet<ILocalSymbol>? locals)
        {
            var receiver = instance.WithoutConversions();
            return receiver == value
                || (receiver is IPropertyReferenceOperation { Property.Name: "Value" } other
                    && SymbolEqualityComparer.Default.Equals(CacheStorage.GetReferencedStorage(other.Instance), CacheStorage.GetReferencedStorage(value.Instance)))
                || (locals is not null && receiver is ILocalReferenceOperation local && locals.Contains(local.Local));
        }

        private void Analyze(OperationAnalysisContext context, ISymbol field, IOperation use)
        {
            var member = context.ContainingSymbol;
            if (member is null || !SymbolEqualityComparer.Default.Equals(member.ContainingType, _type) || IsLentToASynchronousCall(use))
            {
                return;
            }

            // The innermost function decides: a synchronous lambda inside an async method runs where it is called.
            IOperation? function = null;
            IOperation root = use;
            for (var current = use.Parent; current is not null; current = current.Parent)
            {
                if (current is INameOfOperation)
                {
                    return;
                }

                if (function is null && current is IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    function = current;
                }

                root = current;
            }

            // Outside a lambda, only a method's own code counts (not a field initializer or a static constructor).
            if (function is null && member is not IMethodSymbol { MethodKind: MethodKind.Ordinary })
            {
                return;
            }

            var where = Describe(function, member as IMethodSymbol, function ?? root);
            if (where is null || IsInSynchronousSetAndReset(use, field, context.CancellationToken))
            {
                return;
            }

            var location = use.Syntax.GetLocation();
            lock (_gate)
            {
                var key = (member, field);
                if (!_uses.TryGetValue(key, out var existing) || location.SourceSpan.Start < existing.Location.SourceSpan.Start)
                {
                    _uses[key] = (location, where);
                }
            }
        }

        /// <summary>
        /// Passed by <c>ref</c>/<c>in</c>/<c>out</c> to a synchronous method (<c>Interlocked.Increment(ref t_count)</c>,
        /// <c>cache.TryParse(text, ref t_state)</c>): the method takes and returns the per-thread value within one
        /// synchronous call, as a synchronous helper that uses the field itself would. A call that does not bind (a
        /// type not yet written, a package not restored) is read from syntax: a by-reference argument cannot outlive
        /// the call's synchronous part whatever the callee is, since async methods take no by-reference parameters.
        /// </summary>
        private static bool IsLentToASynchronousCall(IOperation use)
        {
            if (use.Parent is IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.In or RefKind.Out, Parent: IInvocationOperation invocation })
            {
                return invocation.Parent is not IAwaitOperation
                    && invocation.TargetMethod.ReturnType.Name is not ("Task" or "ValueTask" or "IAsyncEnumerable");
            }

            if (use.Parent is not IInvalidOperation
                || use.Syntax.Parent is not ArgumentSyntax { RefKindKeyword.RawKind: not 0, Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax call } })
            {
                return false;
            }

            SyntaxNode outer = call;
            while (outer.Parent is ParenthesizedExpressionSyntax parenthesized)
            {
                outer = parenthesized;
            }

            return outer.Parent is not AwaitExpressionSyntax;
        }

        /// <summary>
        /// The use lies in a stretch that sets the slot, works synchronously and empties it in a <c>finally</c>:
        /// <c>t_session = session; try { … } finally { t_session = null; }</c> (or the set first in the <c>try</c>; or
        /// the value before saved to a local just before the set, and put back). No <c>await</c> in between: the flow
        /// cannot leave the thread, no other flow can run on it meanwhile, and nothing is left for its next user.
        /// </summary>
        private static bool IsInSynchronousSetAndReset(IOperation use, ISymbol field, System.Threading.CancellationToken cancellationToken)
        {
            if (use.SemanticModel is not { } model)
            {
                return false;
            }

            for (var node = use.Syntax.Parent; node is not null; node = node.Parent)
            {
                if (node is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or MemberDeclarationSyntax)
                {
                    return false;
                }

                if (node is not StatementSyntax statement || statement.Parent is not BlockSyntax block)
                {
                    continue;
                }

                // The use is in the try itself, or in the set or saved value up to two statements before it.
                var index = block.Statements.IndexOf(statement);
                for (var at = index; at <= index + 2 && at < block.Statements.Count; at++)
                {
                    if (block.Statements[at] is TryStatementSyntax candidate
                        && ScopeStart(block, at, candidate, field, model, cancellationToken) is { } start
                        && start <= index)
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>
        /// Where the set-and-reset stretch ending with <paramref name="tryStatement"/> (statement <paramref name="at"/>
        /// of <paramref name="block"/>) begins, or null when it is not one: the slot is set just before the <c>try</c> or
        /// first in it, emptied (<c>null</c>, <c>default</c>, a constant) or restored from the local saved just before
        /// the set by a statement of the <c>finally</c>, and nothing in the <c>try</c> awaits.
        /// </summary>
        private static int? ScopeStart(BlockSyntax block, int at, TryStatementSyntax tryStatement, ISymbol field, SemanticModel model, System.Threading.CancellationToken cancellationToken)
        {
            if (tryStatement.Finally is not { } @finally || model.GetOperation(tryStatement, cancellationToken) is not { } attempt || ContainsAwait(attempt))
            {
                return null;
            }

            int start;
            if (at > 0 && IsSet(block.Statements[at - 1], field, model, cancellationToken))
            {
                start = at - 1;
            }
            else if (tryStatement.Block.Statements.Count > 0 && IsSet(tryStatement.Block.Statements[0], field, model, cancellationToken))
            {
                start = at;
            }
            else
            {
                return null;
            }

            // The value before, saved to a local by the statement before the set.
            ILocalSymbol? saved = null;
            var savedAt = start == at ? at - 1 : start - 1;
            if (savedAt >= 0
                && block.Statements[savedAt] is LocalDeclarationStatementSyntax { Declaration.Variables: { Count: 1 } variables }
                && variables[0] is { Initializer.Value: { } savedValue } variable
                && IsTheSlot(savedValue, field, model, cancellationToken))
            {
                saved = model.GetDeclaredSymbol(variable, cancellationToken) as ILocalSymbol;
            }

            foreach (var reset in @finally.Block.Statements)
            {
                if (reset is ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression } assignment }
                    && IsTheSlot(assignment.Left, field, model, cancellationToken))
                {
                    var value = Unparenthesized(assignment.Right);
                    if (value is LiteralExpressionSyntax or DefaultExpressionSyntax || model.GetConstantValue(value, cancellationToken).HasValue)
                    {
                        return start;
                    }

                    if (saved is not null && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(value, cancellationToken).Symbol, saved))
                    {
                        return savedAt;
                    }
                }
            }

            return null;
        }

        /// <summary><c>slot = value;</c></summary>
        private static bool IsSet(StatementSyntax statement, ISymbol field, SemanticModel model, System.Threading.CancellationToken cancellationToken)
            => statement is ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression } assignment }
                && IsTheSlot(assignment.Left, field, model, cancellationToken);

        /// <summary>The <c>[ThreadStatic]</c> field itself, or the <c>Value</c> of the <c>ThreadLocal</c> field.</summary>
        private static bool IsTheSlot(ExpressionSyntax expression, ISymbol field, SemanticModel model, System.Threading.CancellationToken cancellationToken)
        {
            expression = Unparenthesized(expression);
            if (expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Value" } value
                && model.GetSymbolInfo(value, cancellationToken).Symbol is IPropertySymbol)
            {
                expression = Unparenthesized(value.Expression);
            }

            return SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(expression, cancellationToken).Symbol?.OriginalDefinition, field);
        }

        private static ExpressionSyntax Unparenthesized(ExpressionSyntax expression)
        {
            while (expression is ParenthesizedExpressionSyntax parenthesized)
            {
                expression = parenthesized.Expression;
            }

            return expression;
        }

        /// <summary>Why the function holding a use is async or request-handling code, in message words; null when it is neither.</summary>
        private string? Describe(IOperation? function, IMethodSymbol? member, IOperation body)
        {
            switch (function)
            {
                case IAnonymousFunctionOperation lambda:
                    if (_shared.Handlers.IsMinimalApiHandler(lambda))
                    {
                        return "a minimal API handler";
                    }

                    return lambda.Symbol.IsAsync && Awaits(lambda.Body) ? "an async lambda" : null;
                case ILocalFunctionOperation local:
                    return local.Symbol.IsAsync && local.Body is { } localBody && Awaits(localBody) ? "the async local function '" + local.Symbol.Name + "'" : null;
            }

            if (member is null)
            {
                return null;
            }

            var kind = _shared.Handlers.Classify(member);
            if (kind is not null)
            {
                return kind switch
                {
                    RequestHandlerKind.ControllerAction => "the controller action '",
                    RequestHandlerKind.PageHandler => "the page handler '",
                    RequestHandlerKind.Filter => "the filter method '",
                    RequestHandlerKind.Middleware => "the middleware method '",
                    RequestHandlerKind.HubMethod => "the hub method '",
                    RequestHandlerKind.GrpcMethod => "the gRPC method '",
                    _ => "the request handler '",
                } + member.Name + "'";
            }

            return member.IsAsync && Awaits(body) ? "the async method '" + member.Name + "'" : null;
        }

        /// <summary>
        /// True when the function's own body awaits (<c>await</c>, <c>await foreach</c>, <c>await using</c>); nested
        /// functions do not count. An <c>async</c> method that never awaits runs to its end on the caller's thread.
        /// </summary>
        private bool Awaits(IOperation body)
        {
            if (_awaits.TryGetValue(body, out var cached))
            {
                return cached;
            }

            var result = ContainsAwait(body);
            _awaits.TryAdd(body, result);
            return result;
        }

        /// <summary>An <c>await</c>, <c>await foreach</c> or <c>await using</c> in <paramref name="body"/>, outside nested functions.</summary>
        private static bool ContainsAwait(IOperation body)
        {
            var stack = new Stack<IOperation>();
            stack.Push(body);
            while (stack.Count > 0)
            {
                var current = stack.Pop();
                foreach (var child in current.ChildOperations)
                {
                    if (child is IAnonymousFunctionOperation or ILocalFunctionOperation)
                    {
                        continue;
                    }

                    if (child is IAwaitOperation
                        || child is IForEachLoopOperation { IsAsynchronous: true }
                        || child is IUsingOperation { IsAsynchronous: true }
                        || child is IUsingDeclarationOperation { IsAsynchronous: true })
                    {
                        return true;
                    }

                    stack.Push(child);
                }
            }

            return false;
        }

        public void Report(SymbolAnalysisContext context)
        {
            List<Diagnostic> diagnostics;
            lock (_gate)
            {
                diagnostics = new List<Diagnostic>(_uses.Count);
                foreach (var pair in _uses)
                {
                    // A ThreadLocal<T> whose values only its factory makes is a per-thread instance cache (a client, a
                    // buffer, a random generator), not per-flow state: nothing one request sets is there for the next.
                    if (_threadLocals.Contains(pair.Key.Field) && !_assignedThreadLocals.Contains(pair.Key.Field))
                    {
                        continue;
                    }

                    // A one-slot pool: each flow takes the object out of the slot (emptying it) before it uses it, so no
                    // other flow on the thread sees it meanwhile, and the slot is otherwise only tested and refilled.
                    if (_takenFields.Contains(pair.Key.Field) && !_readFields.Contains(pair.Key.Field))
                    {
                        continue;
                    }

                    diagnostics.Add(Diagnostic.Create(Descriptors.ThreadAffineState, pair.Value.Location, pair.Key.Field.Name, pair.Value.Where));
                }
            }

            diagnostics.Sort(static (a, b) =>
            {
                var byPath = string.CompareOrdinal(a.Location.SourceTree?.FilePath, b.Location.SourceTree?.FilePath);
                return byPath != 0 ? byPath : a.Location.SourceSpan.Start.CompareTo(b.Location.SourceSpan.Start);
            });
            foreach (var diagnostic in diagnostics)
            {
                context.ReportDiagnostic(diagnostic);
            }
        }
    }
}
