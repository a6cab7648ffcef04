using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace SharedStateAnalyzers.Benchmarks;

/// <summary>
/// An analyzer that asks for the same compilation events as the rules and does nothing with them. Running it alone
/// measures what hosting any analyzer costs (the driver, compilation events), so that the rules' own share of the
/// wall time can be told apart from it.
/// </summary>
internal sealed class CalibrationAnalyzer : DiagnosticAnalyzer
{
    private static readonly DiagnosticDescriptor Descriptor = new(
        "CAL0001", "Calibration", "Calibration", "Benchmark", DiagnosticSeverity.Hidden, isEnabledByDefault: true);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptor);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
            start.RegisterSymbolStartAction(static symbolStart => symbolStart.RegisterOperationAction(static _ => { }, OperationKind.Invocation), SymbolKind.NamedType));
    }
}
