using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace SharedStateAnalyzers.Benchmarks;

/// <summary>
/// Compiles the source set three ways, each time from a fresh compilation and on one thread (so the compiler's time
/// and the analyzers' summed execution time are comparable): alone; with a no-op analyzer (the cost of hosting any
/// analyzer); with every analyzer of the package. The first run warms up the JIT and is not counted.
/// </summary>
internal sealed class Runner
{
    private readonly SourceSet _sources;
    private readonly BenchmarkOptions _options;
    private readonly ImmutableArray<DiagnosticAnalyzer> _analyzers;
    private readonly ImmutableArray<DiagnosticAnalyzer> _calibration = ImmutableArray.Create<DiagnosticAnalyzer>(new CalibrationAnalyzer());

    public Runner(SourceSet sources, BenchmarkOptions options)
    {
        _sources = sources;
        _options = options;
        _analyzers = typeof(RuleIdentifiers).Assembly.GetTypes()
            .Where(type => typeof(DiagnosticAnalyzer).IsAssignableFrom(type) && !type.IsAbstract && type.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
            .OrderBy(type => type.Name, StringComparer.Ordinal)
            .Select(type => (DiagnosticAnalyzer)Activator.CreateInstance(type)!)
            .ToImmutableArray();
    }

    public async Task<Report> RunAsync()
    {
        var report = new Report(_analyzers);
        for (var run = 0; run <= _options.Iterations; run++)
        {
            var measured = run > 0;
            Console.Write(measured ? $"  run {run}/{_options.Iterations}: " : "  warm-up: ");

            var compileMilliseconds = CompileAlone(out var compilerDiagnostics);
            var (baselineMilliseconds, _, _) = await CompileWithAnalyzersAsync(_calibration, report.AnalyzerExceptions);
            var (analyzedMilliseconds, telemetry, diagnostics) = await CompileWithAnalyzersAsync(_analyzers, report.AnalyzerExceptions);
            Console.WriteLine($"compiler {compileMilliseconds:N0} ms, + no-op analyzer {baselineMilliseconds:N0} ms, + rules {analyzedMilliseconds:N0} ms");

            if (measured)
            {
                report.Add(compileMilliseconds, baselineMilliseconds, analyzedMilliseconds, telemetry);
            }
            else
            {
                report.SetDiagnostics(compilerDiagnostics, diagnostics);
            }
        }

        return report;
    }

    private CSharpCompilation CreateCompilation()
        => CSharpCompilation.Create(
            "BenchmarkSources",
            _sources.Trees,
            _sources.References,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                allowUnsafe: true,
                concurrentBuild: false));

    private double CompileAlone(out ImmutableArray<Diagnostic> diagnostics)
    {
        var compilation = CreateCompilation();
        var timer = Stopwatch.StartNew();
        diagnostics = compilation.GetDiagnostics();
        return timer.Elapsed.TotalMilliseconds;
    }

    private async Task<(double Milliseconds, ImmutableDictionary<DiagnosticAnalyzer, TimeSpan> Telemetry, ImmutableArray<Diagnostic> Diagnostics)> CompileWithAnalyzersAsync(
        ImmutableArray<DiagnosticAnalyzer> analyzers, ConcurrentQueue<string> exceptions)
    {
        var compilation = CreateCompilation();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            onAnalyzerException: (exception, analyzer, _) => exceptions.Enqueue($"{analyzer.GetType().Name}: {exception.GetType().Name}: {exception.Message}"),
            concurrentAnalysis: false,
            logAnalyzerExecutionTime: true);

        var timer = Stopwatch.StartNew();
        var withAnalyzers = compilation.WithAnalyzers(analyzers, options);
        var result = await withAnalyzers.GetAnalysisResultAsync(CancellationToken.None);
        var all = result.GetAllDiagnostics();
        var milliseconds = timer.Elapsed.TotalMilliseconds;

        var telemetry = result.AnalyzerTelemetryInfo.ToImmutableDictionary(pair => pair.Key, pair => pair.Value.ExecutionTime);
        var ours = all.Where(diagnostic => diagnostic.Id.StartsWith("SSA", StringComparison.Ordinal) || diagnostic.Id == "AD0001").ToImmutableArray();
        return (milliseconds, telemetry, ours);
    }
}
