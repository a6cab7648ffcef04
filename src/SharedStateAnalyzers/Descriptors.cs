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

    public static readonly DiagnosticDescriptor InstanceMutatesStatic = Create(
        RuleIdentifiers.InstanceMutatesStatic,
        "Instance member mutates static state",
        "'{0}' changes static '{1}': every instance of '{2}' shares it, so a change through one instance is seen by all",
        DiagnosticSeverity.Warning,
        "An instance method, property, constructor or event accessor that assigns a static field or changes the contents of a static collection looks as if it changed the instance's own state, but every instance (every request and user of the process) shares that field. A reset or write through one instance changes what all the others see. Make the field per-instance, or make the sharing explicit: a static member, a lock on a static object, or Interlocked.");

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
