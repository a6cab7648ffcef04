using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using SharedStateAnalyzers.Model;

namespace SharedStateAnalyzers.Benchmarks;

/// <summary>
/// Compiles the source set three ways, each time from a fresh compilation and on one thread (so the compiler's time
/// and the analyzers' summed execution time are comparable): alone; with the baseline analyzers a build runs anyway
/// (the SDK's defaults, or a no-op analyzer); with the baseline and every analyzer of the package. The first run warms
/// up the JIT and is not counted.
/// </summary>
internal sealed class Runner
{
    private readonly SourceSet _sources;
    private readonly BenchmarkOptions _options;
    private readonly ImmutableArray<DiagnosticAnalyzer> _analyzers;
    private readonly ImmutableArray<DiagnosticAnalyzer> _baseline;
    private readonly ImmutableArray<DiagnosticAnalyzer> _withOurs;

    public Runner(SourceSet sources, BenchmarkOptions options)
    {
        _sources = sources;
        _options = options;
        _analyzers = typeof(RuleIdentifiers).Assembly.GetTypes()
            .Where(type => typeof(DiagnosticAnalyzer).IsAssignableFrom(type) && !type.IsAbstract && type.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
            .OrderBy(type => type.Name, StringComparer.Ordinal)
            .Select(type => (DiagnosticAnalyzer)Activator.CreateInstance(type)!)
            .ToImmutableArray();

        // The baseline is what a build runs anyway: the SDK's default analyzers when they load here, otherwise an
        // analyzer that asks for the same callbacks as ours and does nothing.
        var description = "not requested";
        var sdk = options.SdkAnalyzers ? SdkAnalyzers.Load(out description) : ImmutableArray<DiagnosticAnalyzer>.Empty;
        BaselineDescription = sdk.IsEmpty
            ? $"a no-op analyzer (SDK analyzers {description})"
            : $"the SDK's default analyzers ({description})";
        _baseline = sdk.IsEmpty ? ImmutableArray.Create<DiagnosticAnalyzer>(new CalibrationAnalyzer()) : sdk;
        _withOurs = sdk.IsEmpty ? _analyzers : sdk.AddRange(_analyzers);
    }

    public string BaselineDescription { get; }

    public async Task<Report> RunAsync()
    {
        Console.WriteLine($"Baseline: {BaselineDescription}");
        var report = new Report(_analyzers, BaselineDescription);
        for (var run = 0; run <= _options.Iterations; run++)
        {
            var measured = run > 0;
            Console.Write(measured ? $"  run {run}/{_options.Iterations}: " : "  warm-up: ");

            var compileMilliseconds = CompileAlone(out var compilerDiagnostics);
            var (baselineMilliseconds, _, _) = await CompileWithAnalyzersAsync(_baseline, report.AnalyzerExceptions);
            var (analyzedMilliseconds, telemetry, diagnostics) = await CompileWithAnalyzersAsync(_withOurs, report.AnalyzerExceptions);
            Console.WriteLine($"compiler {compileMilliseconds:N0} ms, + baseline {baselineMilliseconds:N0} ms, + baseline and rules {analyzedMilliseconds:N0} ms");

            if (measured)
            {
                report.Add(compileMilliseconds, baselineMilliseconds, analyzedMilliseconds, telemetry);
                report.AddDependencyInjectionModel(MeasureDependencyInjectionModel(out var registrations), registrations);
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

    /// <summary>
    /// The DI lifetime model on its own (the registrations every rule asks about, gathered once per compilation): on a
    /// fresh compilation whose diagnostics the compiler has already computed, as in a build, the time to gather them.
    /// </summary>
    private double MeasureDependencyInjectionModel(out int registrations)
    {
        var compilation = CreateCompilation();
        compilation.GetDiagnostics();
        var timer = Stopwatch.StartNew();
        registrations = ServiceRegistrations.For(compilation).Registrations.Length;
        return timer.Elapsed.TotalMilliseconds;
    }

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
            onAnalyzerException: (exception, analyzer, _) =>
            {
                if (analyzer.GetType().Assembly == typeof(RuleIdentifiers).Assembly)
                {
                    exceptions.Enqueue($"{analyzer.GetType().Name}: {exception.GetType().Name}: {exception.Message}");
                }
            },
            concurrentAnalysis: false,
            logAnalyzerExecutionTime: true);

        var timer = Stopwatch.StartNew();
        var withAnalyzers = compilation.WithAnalyzers(analyzers, options);
        var result = await withAnalyzers.GetAnalysisResultAsync(CancellationToken.None);
        var all = result.GetAllDiagnostics();
        var milliseconds = timer.Elapsed.TotalMilliseconds;

        var telemetry = result.AnalyzerTelemetryInfo.ToImmutableDictionary(pair => pair.Key, pair => pair.Value.ExecutionTime);
        var ours = all.Where(diagnostic => diagnostic.Id.StartsWith("SSA", StringComparison.Ordinal)
            || (diagnostic.Id == "AD0001" && diagnostic.GetMessage().Contains("SharedStateAnalyzers", StringComparison.Ordinal))).ToImmutableArray();
        return (milliseconds, telemetry, ours);
    }
}
