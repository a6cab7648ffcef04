using System.Collections.Immutable;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace SharedStateAnalyzers.Tests.Verification;

/// <summary>
/// Runs analyzers, and optionally a code fix, over C# sources in an <see cref="AdhocWorkspace"/> and checks the
/// result exactly: every expected diagnostic by ID, span and (when stated) message, no unexpected one, the fixed
/// text of every document after single fixes and after Fix All in each scope, and that fixed code compiles.
/// </summary>
public sealed class AnalyzerTest
{
    private const string ProjectFolder = "/0/";
    private const int MaxFixIterations = 20;
    private const int MaxFixAllIterations = 5;

    private readonly List<DiagnosticAnalyzer> _analyzers = [];
    private readonly List<(string Name, string Markup)> _sources = [];
    private readonly List<DiagnosticResult> _expected = [];
    private readonly Dictionary<string, string> _fixed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _batchFixed = new(StringComparer.Ordinal);
    private readonly List<(string? Name, string Markup)> _pendingFixed = [];
    private readonly List<(string? Name, string Markup)> _pendingBatchFixed = [];
    private CodeFixProvider? _codeFix;
    private string? _editorConfig;
    private References _references = References.Net;
    private OutputKind _outputKind = OutputKind.DynamicallyLinkedLibrary;
    private LanguageVersion _languageVersion = LanguageVersion.Latest;
    private bool _allowCompilerErrors;
    private bool _allowUnexpectedDiagnostics;
    private bool _shouldNotOfferFix;
    private string? _equivalenceKey;
    private FixAllScope[] _fixAllScopes = [FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution];

    private AnalyzerTest()
    {
    }

    public static AnalyzerTest Create<TAnalyzer>()
        where TAnalyzer : DiagnosticAnalyzer, new()
        => new AnalyzerTest().WithAnalyzer<TAnalyzer>();

    public AnalyzerTest WithAnalyzer<TAnalyzer>()
        where TAnalyzer : DiagnosticAnalyzer, new()
    {
        _analyzers.Add(new TAnalyzer());
        return this;
    }

    public AnalyzerTest WithCodeFix<TCodeFix>()
        where TCodeFix : CodeFixProvider, new()
    {
        _codeFix = new TCodeFix();
        return this;
    }

    /// <summary>Adds a document named <c>Test{n}.cs</c>.</summary>
    public AnalyzerTest WithSource(string markup) => WithSource($"Test{_sources.Count}.cs", markup);

    public AnalyzerTest WithSource(string fileName, string markup)
    {
        _sources.Add((fileName, markup));
        return this;
    }

    /// <summary>An <c>.editorconfig</c> at the project's root; write the <c>[*.cs]</c> section header yourself.</summary>
    public AnalyzerTest WithEditorConfig(string text)
    {
        _editorConfig = text;
        return this;
    }

    public AnalyzerTest WithReferences(References references)
    {
        _references = references;
        return this;
    }

    public AnalyzerTest WithOutputKind(OutputKind outputKind)
    {
        _outputKind = outputKind;
        return this;
    }

    public AnalyzerTest WithLanguageVersion(LanguageVersion languageVersion)
    {
        _languageVersion = languageVersion;
        return this;
    }

    /// <summary>Lets the sources have compiler errors (half-typed code); fixed code still must not add any.</summary>
    public AnalyzerTest AllowCompilerErrors()
    {
        _allowCompilerErrors = true;
        return this;
    }

    /// <summary>Diagnostics the test does not expect are ignored; expected ones must still be reported.</summary>
    public AnalyzerTest AllowUnexpectedDiagnostics()
    {
        _allowUnexpectedDiagnostics = true;
        return this;
    }

    public AnalyzerTest ExpectDiagnostic(DiagnosticResult diagnostic)
    {
        _expected.Add(diagnostic);
        return this;
    }

    /// <summary>The fix to apply; without it, the first action offered is applied, as <c>dotnet format</c> does.</summary>
    public AnalyzerTest WithCodeFixEquivalenceKey(string equivalenceKey)
    {
        _equivalenceKey = equivalenceKey;
        return this;
    }

    /// <summary>The expected text of the single source after fixing; markup in it names diagnostics that remain.</summary>
    public AnalyzerTest ShouldFixCodeWith(string markup) => AddFixed(_pendingFixed, null, markup);

    /// <summary>The expected text of one document after fixing; documents not named must stay as they were.</summary>
    public AnalyzerTest ShouldFixCodeWith(string fileName, string markup) => AddFixed(_pendingFixed, fileName, markup);

    /// <summary>The expected text after Fix All, when it differs from the one-at-a-time result.</summary>
    public AnalyzerTest ShouldBatchFixCodeWith(string markup) => AddFixed(_pendingBatchFixed, null, markup);

    public AnalyzerTest ShouldBatchFixCodeWith(string fileName, string markup) => AddFixed(_pendingBatchFixed, fileName, markup);

    /// <summary>The Fix All scopes to check (default: document, project and solution); none skips Fix All.</summary>
    public AnalyzerTest WithFixAllScopes(params FixAllScope[] scopes)
    {
        _fixAllScopes = scopes;
        return this;
    }

    /// <summary>No diagnostic gets a fix (with the equivalence key, when one is set).</summary>
    public AnalyzerTest ShouldNotOfferFix()
    {
        _shouldNotOfferFix = true;
        return this;
    }

    private AnalyzerTest AddFixed(List<(string?, string)> target, string? fileName, string markup)
    {
        target.Add((fileName, markup));
        return this;
    }

    public async Task<VerificationResult> ValidateAsync(CancellationToken cancellationToken = default)
    {
        if (_sources.Count == 0)
        {
            throw new InvalidOperationException("The test has no source.");
        }

        ResolvePendingFixedStates();
        var input = _sources.ToDictionary(s => s.Name, s => MarkedSource.Parse(s.Markup), StringComparer.Ordinal);
        var solution = CreateSolution(input.ToDictionary(p => p.Key, p => p.Value.Text));
        var project = solution.Projects.Single();

        var compilation = (await project.GetCompilationAsync(cancellationToken).ConfigureAwait(false))!;
        var compilerDiagnostics = compilation.GetDiagnostics(cancellationToken);
        var inputErrors = compilerDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (!_allowCompilerErrors && inputErrors.Count > 0)
        {
            throw new VerificationException("The test's sources do not compile (use AllowCompilerErrors() for half-typed code):"
                + Environment.NewLine + Render(inputErrors, input));
        }

        var diagnostics = await GetAnalyzerDiagnosticsAsync(project, cancellationToken).ConfigureAwait(false);
        CompareDiagnostics("the sources", diagnostics, ExpectedFrom(input, _expected), input);

        if (_shouldNotOfferFix)
        {
            await VerifyNoFixOfferedAsync(solution, diagnostics, cancellationToken).ConfigureAwait(false);
        }

        var fixedSources = new Dictionary<string, string>(StringComparer.Ordinal);
        if (_fixed.Count > 0)
        {
            var codeFix = _codeFix ?? throw new InvalidOperationException("ShouldFixCodeWith needs WithCodeFix<T>().");
            var afterFixes = await ApplyFixesOneAtATimeAsync(codeFix, solution, cancellationToken).ConfigureAwait(false);
            await VerifyFixedStateAsync("after applying each fix", afterFixes, _fixed, input, inputErrors, cancellationToken).ConfigureAwait(false);
            foreach (var document in afterFixes.Projects.Single().Documents)
            {
                fixedSources[document.Name] = (await document.GetTextAsync(cancellationToken).ConfigureAwait(false)).ToString();
            }

            foreach (var scope in _fixAllScopes)
            {
                var afterFixAll = await ApplyFixAllAsync(codeFix, scope, solution, cancellationToken).ConfigureAwait(false);
                var expected = _batchFixed.Count > 0 ? _batchFixed : _fixed;
                await VerifyFixedStateAsync($"after Fix All in {scope} scope", afterFixAll, expected, input, inputErrors, cancellationToken).ConfigureAwait(false);
            }
        }

        return new VerificationResult(diagnostics, compilerDiagnostics, fixedSources);
    }

    private void ResolvePendingFixedStates()
    {
        void Resolve(List<(string? Name, string Markup)> pending, Dictionary<string, string> target)
        {
            foreach (var (name, markup) in pending)
            {
                var fileName = name ?? _sources[0].Name;
                if (name is null && _sources.Count > 1)
                {
                    throw new InvalidOperationException("With several sources, name the file: ShouldFixCodeWith(fileName, markup).");
                }

                target[fileName] = markup;
            }

            pending.Clear();
        }

        Resolve(_pendingFixed, _fixed);
        Resolve(_pendingBatchFixed, _batchFixed);
    }

    private Solution CreateSolution(IReadOnlyDictionary<string, string> sources)
    {
        var workspace = new AdhocWorkspace();
        var projectId = ProjectId.CreateNewId("TestProject");
        var solution = workspace.CurrentSolution.AddProject(ProjectInfo.Create(
            projectId,
            VersionStamp.Default,
            name: "TestProject",
            assemblyName: "TestProject",
            language: LanguageNames.CSharp,
            filePath: ProjectFolder + "TestProject.csproj",
            compilationOptions: new CSharpCompilationOptions(_outputKind, nullableContextOptions: NullableContextOptions.Enable),
            parseOptions: new CSharpParseOptions(_languageVersion),
            metadataReferences: ReferenceAssemblies.Get(_references)));

        foreach (var (name, text) in sources)
        {
            solution = solution.AddDocument(DocumentId.CreateNewId(projectId, name), name, SourceText.From(text, Encoding.UTF8), filePath: ProjectFolder + name);
        }

        if (_editorConfig is not null)
        {
            solution = solution.AddAnalyzerConfigDocument(
                DocumentId.CreateNewId(projectId, ".editorconfig"), ".editorconfig", SourceText.From(_editorConfig, Encoding.UTF8), filePath: ProjectFolder + ".editorconfig");
        }

        return solution;
    }

    /// <summary>The analyzers' diagnostics on a project; any analyzer exception fails the verification.</summary>
    private async Task<ImmutableArray<Diagnostic>> GetAnalyzerDiagnosticsAsync(Project project, CancellationToken cancellationToken)
    {
        var compilation = (await project.GetCompilationAsync(cancellationToken).ConfigureAwait(false))!;
        var exceptions = new List<string>();
        var options = new CompilationWithAnalyzersOptions(
            project.AnalyzerOptions,
            onAnalyzerException: (exception, analyzer, _) =>
            {
                lock (exceptions)
                {
                    exceptions.Add($"{analyzer.GetType().Name}: {exception}");
                }
            },
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false,
            reportSuppressedDiagnostics: false,
            analyzerExceptionFilter: null);
        var diagnostics = await compilation.WithAnalyzers([.. _analyzers], options)
            .GetAnalyzerDiagnosticsAsync(cancellationToken).ConfigureAwait(false);

        exceptions.AddRange(diagnostics.Where(d => d.Id is "AD0001" or "AD0002").Select(d => d.ToString()));
        if (exceptions.Count > 0)
        {
            throw new VerificationException("An analyzer threw (users would see AD0001 and lose the rule):"
                + Environment.NewLine + string.Join(Environment.NewLine, exceptions));
        }

        return diagnostics.Sort(CompareByLocation);
    }

    private static int CompareByLocation(Diagnostic x, Diagnostic y)
    {
        var byFile = string.CompareOrdinal(x.Location.SourceTree?.FilePath, y.Location.SourceTree?.FilePath);
        if (byFile != 0)
        {
            return byFile;
        }

        var byStart = x.Location.SourceSpan.Start.CompareTo(y.Location.SourceSpan.Start);
        return byStart != 0 ? byStart : string.CompareOrdinal(x.Id, y.Id);
    }

    private sealed record Expected(string Id, string File, TextSpan? Span, LinePosition? Start, string? Message, IReadOnlyList<(string File, TextSpan Span)> AdditionalLocations);

    private List<Expected> ExpectedFrom(IReadOnlyDictionary<string, MarkedSource> sources, IEnumerable<DiagnosticResult> explicitResults)
    {
        var expected = new List<Expected>();
        var locations = new Dictionary<int, (string File, TextSpan Span)>();
        foreach (var (file, source) in sources)
        {
            foreach (var span in source.Spans)
            {
                if (span.LocationKey is { } key)
                {
                    if (!locations.TryAdd(key, (file, span.Span)))
                    {
                        throw new InvalidOperationException($"Markup location #{key} is defined twice.");
                    }
                }
                else
                {
                    expected.Add(new Expected(span.DiagnosticId ?? DefaultDiagnosticId(), file, span.Span, null, null, []));
                }
            }
        }

        (string File, TextSpan Span) Location(int key)
            => locations.TryGetValue(key, out var location) ? location : throw new InvalidOperationException($"No markup location {{|#{key}:…|}} in the sources.");

        foreach (var result in explicitResults)
        {
            var message = result.ExpectedMessage(Descriptor(result.Id));
            var additional = result.AdditionalLocationKeys.Select(Location).ToList();
            if (result.LocationKey is { } key)
            {
                var (file, span) = Location(key);
                expected.Add(new Expected(result.Id, file, span, null, message, additional));
            }
            else if (result.Position is var (file, line, column))
            {
                expected.Add(new Expected(result.Id, file, null, new LinePosition(line - 1, column - 1), message, additional));
            }
            else
            {
                // No location given: a diagnostic about the project (Location.None).
                expected.Add(new Expected(result.Id, "", null, null, message, additional));
            }
        }

        return expected;
    }

    private DiagnosticDescriptor? Descriptor(string id)
        => _analyzers.SelectMany(a => a.SupportedDiagnostics).FirstOrDefault(d => d.Id == id);

    private string DefaultDiagnosticId()
    {
        var ids = _analyzers.SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id).Distinct().ToList();
        return ids.Count == 1
            ? ids[0]
            : throw new InvalidOperationException($"[|…|] is ambiguous with several diagnostic IDs ({string.Join(", ", ids)}): use {{|ID:…|}}.");
    }

    private void CompareDiagnostics(string state, ImmutableArray<Diagnostic> actual, List<Expected> expected, IReadOnlyDictionary<string, MarkedSource> sources)
    {
        var unmatched = actual.ToList();
        var missed = new List<Expected>();
        foreach (var wanted in expected)
        {
            var match = unmatched.FirstOrDefault(d => Matches(wanted, d));
            if (match is null)
            {
                missed.Add(wanted);
            }
            else
            {
                unmatched.Remove(match);
            }
        }

        if (_allowUnexpectedDiagnostics)
        {
            unmatched.Clear();
        }

        if (missed.Count == 0 && unmatched.Count == 0)
        {
            return;
        }

        var report = new StringBuilder($"Diagnostics on {state} differ from the expected ones.").AppendLine();
        if (missed.Count > 0)
        {
            report.AppendLine().AppendLine("Expected but not reported:");
            foreach (var wanted in missed)
            {
                if (wanted.Span is null && wanted.Start is null)
                {
                    report.AppendLine($"  {wanted.Id} (no location): {wanted.Message ?? "(any message)"}");
                    continue;
                }

                var text = sources[wanted.File].Text;
                var span = wanted.Span ?? new TextSpan(SourceText.From(text).Lines.GetPosition(wanted.Start!.Value), 0);
                report.Append(RenderOne(wanted.Id, wanted.File, span, wanted.Message ?? "(any message)", text));
                foreach (var (file, additional) in wanted.AdditionalLocations)
                {
                    report.AppendLine($"      with additional location {file}({Position(sources[file].Text, additional)})");
                }
            }
        }

        if (unmatched.Count > 0)
        {
            report.AppendLine().AppendLine("Reported but not expected:");
            report.Append(Render(unmatched, sources));
        }

        report.AppendLine().AppendLine("All reported:").Append(actual.IsEmpty ? "  (none)" + Environment.NewLine : Render(actual, sources));
        throw new VerificationException(report.ToString());
    }

    private static bool Matches(Expected wanted, Diagnostic actual)
    {
        if (actual.Id != wanted.Id || FileName(actual.Location) != wanted.File)
        {
            return false;
        }

        if (wanted.Span is null && wanted.Start is null)
        {
            return !actual.Location.IsInSource && (wanted.Message is null || actual.GetMessage() == wanted.Message);
        }

        var spanMatches = wanted.Span is { } span
            ? actual.Location.SourceSpan == span
            : actual.Location.GetLineSpan().StartLinePosition == wanted.Start;
        if (!spanMatches || (wanted.Message is not null && actual.GetMessage() != wanted.Message))
        {
            return false;
        }

        return wanted.AdditionalLocations.Count == 0
            || wanted.AdditionalLocations.SequenceEqual(actual.AdditionalLocations.Select(l => (FileName(l), l.SourceSpan)));
    }

    private static string FileName(Location location) => Path.GetFileName(location.SourceTree?.FilePath ?? "");

    private static string Render(IEnumerable<Diagnostic> diagnostics, IReadOnlyDictionary<string, MarkedSource> sources)
    {
        var output = new StringBuilder();
        foreach (var diagnostic in diagnostics)
        {
            if (!diagnostic.Location.IsInSource)
            {
                output.AppendLine($"  {diagnostic.Id} (no location): {diagnostic.GetMessage()}");
                continue;
            }

            var file = FileName(diagnostic.Location);
            var text = diagnostic.Location.SourceTree?.GetText().ToString() ?? (sources.TryGetValue(file, out var source) ? source.Text : "");
            output.Append(RenderOne(diagnostic.Id, file, diagnostic.Location.SourceSpan, diagnostic.GetMessage(), text));
            foreach (var additional in diagnostic.AdditionalLocations)
            {
                output.AppendLine($"      with additional location {FileName(additional)}({Position(additional.SourceTree?.GetText().ToString() ?? "", additional.SourceSpan)})");
            }
        }

        return output.ToString();
    }

    /// <summary><c>ID File(line,col): message</c>, then the source line with the span underlined.</summary>
    private static string RenderOne(string id, string file, TextSpan span, string message, string text)
    {
        var source = SourceText.From(text);
        var output = new StringBuilder($"  {id} {file}({Position(text, span)}): {message}").AppendLine();
        if (span.End > source.Length)
        {
            return output.ToString();
        }

        var line = source.Lines.GetLineFromPosition(span.Start);
        var lineText = line.ToString();
        var column = span.Start - line.Start;
        var width = Math.Max(1, Math.Min(span.End, line.End) - span.Start);
        output.Append("      ").AppendLine(lineText);
        output.Append("      ").Append(new string(' ', column)).AppendLine(new string('^', width));
        return output.ToString();
    }

    private static string Position(string text, TextSpan span)
    {
        var position = SourceText.From(text).Lines.GetLinePosition(Math.Min(span.Start, text.Length));
        return $"{position.Line + 1},{position.Character + 1}";
    }

    private async Task<List<CodeAction>> GetActionsAsync(CodeFixProvider codeFix, Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var actions = new List<CodeAction>();
        var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), cancellationToken);
        await codeFix.RegisterCodeFixesAsync(context).ConfigureAwait(false);
        return actions.SelectMany(a => a.NestedActions.IsDefaultOrEmpty ? [a] : a.NestedActions).ToList();
    }

    private CodeAction? Choose(List<CodeAction> actions)
        => _equivalenceKey is null ? actions.FirstOrDefault() : actions.FirstOrDefault(a => a.EquivalenceKey == _equivalenceKey);

    /// <summary>The first diagnostic, in document order, that the fix offers the chosen action for.</summary>
    private async Task<(Document Document, CodeAction Action)?> FindFixAsync(CodeFixProvider codeFix, Solution solution, CancellationToken cancellationToken)
    {
        var project = solution.Projects.Single();
        var diagnostics = await GetAnalyzerDiagnosticsAsync(project, cancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in diagnostics.Where(d => d.Location.IsInSource && codeFix.FixableDiagnosticIds.Contains(d.Id)))
        {
            var document = project.GetDocument(diagnostic.Location.SourceTree);
            if (document is null)
            {
                continue;
            }

            if (Choose(await GetActionsAsync(codeFix, document, diagnostic, cancellationToken).ConfigureAwait(false)) is { } action)
            {
                return (document, action);
            }
        }

        return null;
    }

    private async Task VerifyNoFixOfferedAsync(Solution solution, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var codeFix = _codeFix ?? throw new InvalidOperationException("ShouldNotOfferFix needs WithCodeFix<T>().");
        var project = solution.Projects.Single();
        foreach (var diagnostic in diagnostics.Where(d => d.Location.IsInSource && codeFix.FixableDiagnosticIds.Contains(d.Id)))
        {
            var document = project.GetDocument(diagnostic.Location.SourceTree)!;
            var actions = await GetActionsAsync(codeFix, document, diagnostic, cancellationToken).ConfigureAwait(false);
            if (Choose(actions) is not null)
            {
                throw new VerificationException(
                    $"Expected no fix{(_equivalenceKey is null ? "" : $" '{_equivalenceKey}'")}, but {diagnostic.Id} at {FileName(diagnostic.Location)}({diagnostic.Location.GetLineSpan().StartLinePosition}) offers: "
                    + string.Join(", ", actions.Select(a => $"'{a.Title}' ({a.EquivalenceKey})")));
            }
        }
    }

    private async Task<Solution> ApplyFixesOneAtATimeAsync(CodeFixProvider codeFix, Solution solution, CancellationToken cancellationToken)
    {
        var seen = new HashSet<string> { await SnapshotAsync(solution, cancellationToken).ConfigureAwait(false) };
        for (var iteration = 0; iteration < MaxFixIterations; iteration++)
        {
            if (await FindFixAsync(codeFix, solution, cancellationToken).ConfigureAwait(false) is not var (_, action))
            {
                return iteration > 0
                    ? solution
                    : throw new VerificationException($"Expected a fix{(_equivalenceKey is null ? "" : $" '{_equivalenceKey}'")}, but no diagnostic offers one.");
            }

            solution = await ApplyAsync(action, solution, cancellationToken).ConfigureAwait(false);
            if (!seen.Add(await SnapshotAsync(solution, cancellationToken).ConfigureAwait(false)))
            {
                throw new VerificationException($"Applying '{action.Title}' brought the code back to an earlier state: the fixes loop.");
            }
        }

        throw new VerificationException($"Diagnostics still offered fixes after {MaxFixIterations} fixes: the fix does not remove its diagnostic.");
    }

    private async Task<Solution> ApplyFixAllAsync(CodeFixProvider codeFix, FixAllScope scope, Solution solution, CancellationToken cancellationToken)
    {
        var seen = new HashSet<string> { await SnapshotAsync(solution, cancellationToken).ConfigureAwait(false) };
        for (var iteration = 0; iteration < MaxFixAllIterations; iteration++)
        {
            if (await FindFixAsync(codeFix, solution, cancellationToken).ConfigureAwait(false) is not var (document, action))
            {
                return iteration > 0 ? solution : throw new VerificationException($"Fix All in {scope} scope: no diagnostic offers a fix.");
            }

            var provider = codeFix.GetFixAllProvider()
                ?? throw new VerificationException($"{codeFix.GetType().Name} has no FixAllProvider: Fix All in {scope} scope is not available (use WithFixAllScopes() to skip Fix All).");
            if (!provider.GetSupportedFixAllScopes().Contains(scope))
            {
                throw new VerificationException($"{codeFix.GetType().Name}'s FixAllProvider does not support {scope} scope.");
            }

            if (action.EquivalenceKey is null)
            {
                throw new VerificationException($"'{action.Title}' has no equivalence key, so Fix All cannot select it.");
            }

            var context = new FixAllContext(
                document,
                codeFix,
                scope,
                action.EquivalenceKey,
                codeFix.FixableDiagnosticIds,
                new DiagnosticProvider(this),
                cancellationToken);
            var fixAll = await provider.GetFixAsync(context).ConfigureAwait(false)
                ?? throw new VerificationException($"Fix All in {scope} scope returned no action for '{action.Title}'.");
            solution = await ApplyAsync(fixAll, solution, cancellationToken).ConfigureAwait(false);
            if (!seen.Add(await SnapshotAsync(solution, cancellationToken).ConfigureAwait(false)))
            {
                throw new VerificationException($"Fix All in {scope} scope changed nothing, or brought the code back to an earlier state.");
            }
        }

        throw new VerificationException($"Fix All in {scope} scope left fixable diagnostics after {MaxFixAllIterations} rounds.");
    }

    private static async Task<Solution> ApplyAsync(CodeAction action, Solution solution, CancellationToken cancellationToken)
    {
        var operations = await action.GetOperationsAsync(cancellationToken).ConfigureAwait(false);
        var changes = operations.OfType<ApplyChangesOperation>().ToList();
        return changes.Count == 1
            ? changes[0].ChangedSolution
            : throw new VerificationException($"'{action.Title}' produced {changes.Count} solution changes; expected exactly one.");
    }

    private static async Task<string> SnapshotAsync(Solution solution, CancellationToken cancellationToken)
    {
        var snapshot = new StringBuilder();
        foreach (var document in solution.Projects.SelectMany(p => p.Documents).OrderBy(d => d.Name, StringComparer.Ordinal))
        {
            snapshot.Append(document.Name).Append('\0').Append(await document.GetTextAsync(cancellationToken).ConfigureAwait(false)).Append('\0');
        }

        return snapshot.ToString();
    }

    private async Task VerifyFixedStateAsync(
        string state,
        Solution solution,
        IReadOnlyDictionary<string, string> expectedMarkup,
        IReadOnlyDictionary<string, MarkedSource> input,
        IReadOnlyList<Diagnostic> inputErrors,
        CancellationToken cancellationToken)
    {
        var project = solution.Projects.Single();
        var expected = input.Keys.Union(expectedMarkup.Keys).ToDictionary(
            name => name,
            name => expectedMarkup.TryGetValue(name, out var markup) ? MarkedSource.Parse(markup) : input[name],
            StringComparer.Ordinal);

        var actualNames = project.Documents.Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
        if (!actualNames.SetEquals(expected.Keys))
        {
            throw new VerificationException($"Documents {state}: expected [{string.Join(", ", expected.Keys.Order())}], got [{string.Join(", ", actualNames.Order())}].");
        }

        foreach (var document in project.Documents)
        {
            var actualText = (await document.GetTextAsync(cancellationToken).ConfigureAwait(false)).ToString();
            var expectedText = expected[document.Name].Text;
            if (actualText != expectedText)
            {
                var diff = TextDiff.Render(expectedText, actualText);
                throw new VerificationException(
                    $"{document.Name} {state} differs from the expected text (- expected, + actual):" + Environment.NewLine
                    + (diff.Contains("\n-", StringComparison.Ordinal) || diff.Contains("\n+", StringComparison.Ordinal) || diff.StartsWith('-') || diff.StartsWith('+')
                        ? diff
                        : "  (only line endings differ)" + Environment.NewLine)
                    + Environment.NewLine + "Actual text:" + Environment.NewLine + actualText);
            }
        }

        var compilation = (await project.GetCompilationAsync(cancellationToken).ConfigureAwait(false))!;
        var remainingInputErrors = inputErrors.Select(ErrorKey).ToList();
        var newErrors = new List<Diagnostic>();
        foreach (var error in compilation.GetDiagnostics(cancellationToken).Where(d => d.Severity == DiagnosticSeverity.Error))
        {
            if (!remainingInputErrors.Remove(ErrorKey(error)))
            {
                newErrors.Add(error);
            }
        }

        if (newErrors.Count > 0)
        {
            throw new VerificationException($"The code {state} does not compile; new errors:" + Environment.NewLine + Render(newErrors, expected));
        }

        var diagnostics = await GetAnalyzerDiagnosticsAsync(project, cancellationToken).ConfigureAwait(false);
        CompareDiagnostics($"the code {state}", diagnostics, ExpectedFrom(expected, []), expected);
    }

    private static string ErrorKey(Diagnostic diagnostic) => diagnostic.Id + ": " + diagnostic.GetMessage();

    /// <summary>Gives Fix All providers the analyzers' diagnostics of any project they ask for.</summary>
    private sealed class DiagnosticProvider(AnalyzerTest test) : FixAllContext.DiagnosticProvider
    {
        public override async Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken)
            => await test.GetAnalyzerDiagnosticsAsync(project, cancellationToken).ConfigureAwait(false);

        public override async Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken)
        {
            var tree = await document.GetSyntaxTreeAsync(cancellationToken).ConfigureAwait(false);
            var all = await test.GetAnalyzerDiagnosticsAsync(document.Project, cancellationToken).ConfigureAwait(false);
            return all.Where(d => d.Location.SourceTree == tree);
        }

        public override async Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken)
        {
            var all = await test.GetAnalyzerDiagnosticsAsync(project, cancellationToken).ConfigureAwait(false);
            return all.Where(d => !d.Location.IsInSource);
        }
    }
}
