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

    public static readonly DiagnosticDescriptor UnsynchronizedCollection = Create(
        RuleIdentifiers.UnsynchronizedCollection,
        "Shared collection is mutated without synchronization",
        "'{0}' is a {1} shared by the whole process and changed without synchronization: concurrent requests can corrupt it",
        DiagnosticSeverity.Warning,
        "Dictionary, List, HashSet and the other collections of System.Collections.Generic are not safe for concurrent writes. Held by a static field or a process-lifetime object (singleton, middleware, hosted service), such a collection is changed by concurrent requests at once: entries get lost, reads throw, and a Dictionary can loop forever. Use the System.Collections.Concurrent counterpart, or take one lock on one object around every use.");

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
