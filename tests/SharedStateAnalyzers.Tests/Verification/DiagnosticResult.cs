using Microsoft.CodeAnalysis;

namespace SharedStateAnalyzers.Tests.Verification;

/// <summary>
/// A diagnostic a test expects: its ID, where it is, and optionally its exact message. Without a location it
/// expects a diagnostic about the project as a whole (<c>Location.None</c>).
/// </summary>
public sealed record DiagnosticResult
{
    private DiagnosticResult(string id) => Id = id;

    public string Id { get; }

    /// <summary>A location named in markup with <c>{|#key:…|}</c>: the diagnostic's span must equal it.</summary>
    public int? LocationKey { get; private init; }

    /// <summary>A position given as file and 1-based line and column: the diagnostic must start there.</summary>
    public (string File, int Line, int Column)? Position { get; private init; }

    /// <summary>Markup keys of the additional locations, in order.</summary>
    public IReadOnlyList<int> AdditionalLocationKeys { get; private init; } = [];

    /// <summary>The exact message, when the test states it.</summary>
    public string? Message { get; private init; }

    /// <summary>Arguments formatted into the descriptor's message format, when the test states them.</summary>
    public IReadOnlyList<object>? MessageArguments { get; private init; }

    public static DiagnosticResult Create(string id) => new(id);

    public DiagnosticResult WithLocation(int markupKey) => this with { LocationKey = markupKey, Position = null };

    public DiagnosticResult WithLocation(string file, int line, int column) => this with { Position = (file, line, column), LocationKey = null };

    public DiagnosticResult WithAdditionalLocation(int markupKey) => this with { AdditionalLocationKeys = [.. AdditionalLocationKeys, markupKey] };

    public DiagnosticResult WithMessage(string message) => this with { Message = message, MessageArguments = null };

    public DiagnosticResult WithArguments(params object[] arguments) => this with { MessageArguments = arguments, Message = null };

    internal string? ExpectedMessage(DiagnosticDescriptor? descriptor)
        => Message ?? (MessageArguments is { } arguments && descriptor is not null
            ? string.Format(descriptor.MessageFormat.ToString(), [.. arguments])
            : null);
}
