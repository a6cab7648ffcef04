using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace SharedStateAnalyzers.Benchmarks;

/// <summary>The measured runs and the diagnostics of one source set, printed as medians.</summary>
internal sealed class Report
{
    private readonly ImmutableArray<DiagnosticAnalyzer> _analyzers;
    private readonly List<double> _compile = [];
    private readonly List<double> _baseline = [];
    private readonly List<double> _analyzed = [];
    private readonly Dictionary<DiagnosticAnalyzer, List<double>> _perAnalyzer = [];
    private readonly List<double> _dependencyInjectionModel = [];
    private int _registrations;
    private ImmutableArray<Diagnostic> _compilerDiagnostics = ImmutableArray<Diagnostic>.Empty;
    private ImmutableArray<Diagnostic> _diagnostics = ImmutableArray<Diagnostic>.Empty;

    private readonly string _baselineDescription;

    public Report(ImmutableArray<DiagnosticAnalyzer> analyzers, string baselineDescription)
    {
        _analyzers = analyzers;
        _baselineDescription = baselineDescription;
        foreach (var analyzer in analyzers)
        {
            _perAnalyzer[analyzer] = [];
        }
    }

    public ConcurrentQueue<string> AnalyzerExceptions { get; } = new();

    public void Add(double compileMilliseconds, double baselineMilliseconds, double analyzedMilliseconds, ImmutableDictionary<DiagnosticAnalyzer, TimeSpan> telemetry)
    {
        _compile.Add(compileMilliseconds);
        _baseline.Add(baselineMilliseconds);
        _analyzed.Add(analyzedMilliseconds);
        foreach (var pair in telemetry)
        {
            if (_perAnalyzer.TryGetValue(pair.Key, out var times))
            {
                times.Add(pair.Value.TotalMilliseconds);
            }
        }
    }

    public void AddDependencyInjectionModel(double milliseconds, int registrations)
    {
        _dependencyInjectionModel.Add(milliseconds);
        _registrations = registrations;
    }

    public void SetDiagnostics(ImmutableArray<Diagnostic> compilerDiagnostics, ImmutableArray<Diagnostic> diagnostics)
    {
        _compilerDiagnostics = compilerDiagnostics;
        _diagnostics = diagnostics;
    }

    public void Print(TextWriter output, bool showDiagnostics)
    {
        if (_compile.Count == 0)
        {
            PrintDiagnostics(output, showDiagnostics);
            return;
        }

        var compile = Median(_compile);
        var baseline = Median(_baseline);
        var analyzed = Median(_analyzed);
        output.WriteLine();
        output.WriteLine($"Medians of {_compile.Count} runs, one thread:");
        output.WriteLine($"  compiler alone (bind, check, all diagnostics)  {compile,10:N1} ms");
        output.WriteLine($"  compiler + baseline analyzers                  {baseline,10:N1} ms   (baseline: {_baselineDescription})");
        output.WriteLine($"  compiler + baseline + SharedStateAnalyzers    {analyzed,10:N1} ms   ({analyzed - baseline:+#,0.0;-#,0.0} ms over the baseline, {Percent(analyzed - baseline, compile)} of compile)");
        output.WriteLine();
        output.WriteLine("Analyzer execution time (CompilationWithAnalyzers telemetry):");
        output.WriteLine($"  {"analyzer",-36} {"rules",-8} {"ms",10} {"% of compile",13}");
        var total = 0.0;
        foreach (var analyzer in _analyzers)
        {
            var milliseconds = Median(_perAnalyzer[analyzer]);
            total += milliseconds;
            var rules = string.Join(",", analyzer.SupportedDiagnostics.Select(descriptor => descriptor.Id).Distinct());
            output.WriteLine($"  {analyzer.GetType().Name,-36} {rules,-8} {milliseconds,10:N1} {Percent(milliseconds, compile),13}");
        }

        output.WriteLine($"  {"all rules",-36} {"",-8} {total,10:N1} {Percent(total, compile),13}");
        output.WriteLine();
        var model = Median(_dependencyInjectionModel);
        output.WriteLine($"DI lifetime model (registrations gathered once per compilation, shared by the rules; part of the times above):");
        output.WriteLine($"  {_registrations:N0} registrations found in {model:N1} ms ({Percent(model, compile)} of compile)");
        PrintDiagnostics(output, showDiagnostics);
    }

    private void PrintDiagnostics(TextWriter output, bool showDiagnostics)
    {
        output.WriteLine();

        var errors = _compilerDiagnostics.Count(diagnostic => diagnostic.Severity == DiagnosticSeverity.Error);
        output.WriteLine($"Compiler errors in the source set: {errors:N0}{(errors > 0 ? " (usually references this benchmark does not resolve, such as NuGet packages; the analyzers still run on the bound code)" : "")}");
        var counts = _diagnostics.GroupBy(diagnostic => diagnostic.Id).OrderBy(group => group.Key, StringComparer.Ordinal).Select(group => $"{group.Key}: {group.Count()}");
        output.WriteLine($"Rule diagnostics: {(_diagnostics.IsEmpty ? "none" : string.Join(", ", counts))}");
        output.WriteLine($"Analyzer exceptions: {AnalyzerExceptions.Count}");
        foreach (var exception in AnalyzerExceptions.Distinct().Take(20))
        {
            output.WriteLine($"  {exception}");
        }

        if (showDiagnostics)
        {
            output.WriteLine();
            foreach (var diagnostic in _diagnostics.OrderBy(d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal).ThenBy(d => d.Location.SourceSpan.Start))
            {
                var span = diagnostic.Location.GetLineSpan();
                output.WriteLine($"{span.Path}:{span.StartLinePosition.Line + 1}: {diagnostic.Id}: {diagnostic.GetMessage()}");
            }
        }
    }

    private static double Median(List<double> values)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string Percent(double part, double whole) => whole > 0 ? $"{100 * part / whole:N2} %" : "n/a";
}
