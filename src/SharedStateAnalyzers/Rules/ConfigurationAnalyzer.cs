using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using SharedStateAnalyzers.Configuration;

namespace SharedStateAnalyzers.Rules;

/// <summary>
/// SSA000: an <c>.editorconfig</c> option of this package has a value the rules cannot use. Reported once per
/// distinct value and project, without a source location; the rules themselves ignore the value and use the default.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ConfigurationAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.InvalidOption);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationAction(static compilationContext =>
        {
            foreach (var problem in AnalyzerSettings.Validate(compilationContext.Options, compilationContext.Compilation))
            {
                compilationContext.ReportDiagnostic(Diagnostic.Create(Descriptors.InvalidOption, Location.None, problem.Key, problem.Reason));
            }
        });
    }
}
