using System.Diagnostics;
using SharedStateAnalyzers.Benchmarks;

// Times the C# compiler alone against the compiler plus the SharedStateAnalyzers rules on one source set, and prints
// each analyzer's execution time (from CompilationWithAnalyzers telemetry) as milliseconds and as a share of the
// compile time. See benchmarks/README.md.
var options = BenchmarkOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine(BenchmarkOptions.Usage);
    return 2;
}

var loadTimer = Stopwatch.StartNew();
var sources = options.SourceDirectory is { } directory
    ? SourceSet.FromDirectory(directory, options.ImplicitUsings, options.ReferenceDirectory)
    : SourceSet.Generate(options.GeneratedFiles);
Console.WriteLine($"Source set: {sources.Description}");
Console.WriteLine($"  {sources.Trees.Length} files, {sources.LineCount:N0} lines, parsed in {loadTimer.ElapsedMilliseconds:N0} ms");

var runner = new Runner(sources, options);
var report = await runner.RunAsync();
report.Print(Console.Out, options.ShowDiagnostics);
return report.AnalyzerExceptions.Count == 0 ? 0 : 1;
