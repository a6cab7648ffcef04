using Microsoft.CodeAnalysis;

namespace SharedStateAnalyzers;

/// <summary>Every descriptor of the package, made by one factory so that help links and tags stay uniform.</summary>
internal static class Descriptors
{
    private const string Category = "SharedState";

    public static readonly DiagnosticDescriptor InvalidOption = Create(
        RuleIdentifiers.InvalidOption,
        "Invalid SharedStateAnalyzers option",
        "The .editorconfig option '{0}' is ignored: {1}; the rules use their defaults for it",
        DiagnosticSeverity.Warning,
        "An option in .editorconfig that the SharedStateAnalyzers rules read has a value they cannot use. The rules go on with the option's default, so the types it names are not treated as configured.",
        WellKnownDiagnosticTags.CompilationEnd);

    public static readonly DiagnosticDescriptor StaticCache = Create(
        RuleIdentifiers.StaticCache,
        "Process-lifetime collection caches external data",
        "'{0}' caches {1} in a process-wide collection: its entries never expire, are never seen by other processes, and grow without bound",
        DiagnosticSeverity.Warning,
        "A static collection filled on demand with data read from a database, the network, files or configuration lives as long as the process. Updates made elsewhere never reach it, other processes keep their own stale copies, and it grows with every new key. Use an injected IMemoryCache with an expiration, a per-instance cache, or an invalidatable cache.");

    public static readonly DiagnosticDescriptor UnsynchronizedInitialization = Create(
        RuleIdentifiers.UnsynchronizedInitialization,
        "Shared instance is initialized without synchronization",
        "'{0}' {1}",
        DiagnosticSeverity.Warning,
        "A static field, or a field of an object that lives as long as the process, is checked for null and then assigned outside a lock. Concurrent requests can both see it unset and each build an instance: constructors run twice, and callers hold different instances. Use Lazy<T>, or a static readonly initializer when construction is cheap and side-effect free.");

    private static DiagnosticDescriptor Create(
        string id,
        string title,
        string messageFormat,
        DiagnosticSeverity severity,
        string description,
        params string[] customTags)
        => new(
            id,
            title,
            messageFormat,
            Category,
            severity,
            isEnabledByDefault: true,
            description: description,
            helpLinkUri: RuleIdentifiers.GetHelpUri(id),
            customTags: customTags);
}
