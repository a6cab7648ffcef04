using System;
using Microsoft.CodeAnalysis.Diagnostics;
using SharedStateAnalyzers.Configuration;
using SharedStateAnalyzers.Model;

namespace SharedStateAnalyzers.Rules;

/// <summary>How every rule starts its compilation: nothing is registered for a test project.</summary>
internal static class ProductCodeAnalysis
{
    /// <summary>
    /// Runs <paramref name="start"/> for each compilation that is not a test project (xUnit, NUnit, MSTest, TUnit: their
    /// fakes and hosts share state between tests on purpose). First the compilation's registration model learns the
    /// app's registration helpers from <c>.editorconfig</c>, so that every model built from it sees them.
    /// </summary>
    public static void RegisterCompilationStart(AnalysisContext context, Action<CompilationStartAnalysisContext> start)
    {
        context.RegisterCompilationStartAction(compilationStart =>
        {
            if (!TestCode.IsTestProject(compilationStart.Compilation))
            {
                ServiceRegistrations.Configure(
                    compilationStart.Compilation,
                    AnalyzerSettings.Read(compilationStart.Options, compilationStart.Compilation).RegistrationMethods);
                start(compilationStart);
            }
        });
    }
}
