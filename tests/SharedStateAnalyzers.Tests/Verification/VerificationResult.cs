using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace SharedStateAnalyzers.Tests.Verification;

/// <summary>What a passing verification saw, for tests that assert more than the verifier does.</summary>
public sealed record VerificationResult(
    ImmutableArray<Diagnostic> AnalyzerDiagnostics,
    ImmutableArray<Diagnostic> CompilerDiagnostics,
    IReadOnlyDictionary<string, string> FixedSources);
