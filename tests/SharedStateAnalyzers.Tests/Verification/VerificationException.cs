namespace SharedStateAnalyzers.Tests.Verification;

/// <summary>A verification found a difference between what a test expects and what the analyzer or fix did.</summary>
public sealed class VerificationException(string message) : Exception(message);
