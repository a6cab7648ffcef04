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

    private const string HandRolledSingletonTitle = "Hand-rolled singleton";
    private const string HandRolledSingletonMessage = "'{0}' hands out the one instance '{1}' keeps itself: its state lives as long as the process, is shared by every request, and cannot be replaced in tests";
    private const string HandRolledSingletonDescription = "A class with non-public constructors that keeps its single instance in a static field, property or Lazy<T> owns its own lifetime: its state lives as long as the process and is shared by every request and user, its dependencies are hidden behind a static accessor, and tests cannot give it another configuration or replace it. Register it with dependency injection (AddSingleton) and take it as a constructor or handler parameter; the container then owns the lifetime. Immutable, stateless shared instances (null objects, comparers, Empty values) are not reported.";

    public static readonly DiagnosticDescriptor HandRolledSingleton = Create(
        RuleIdentifiers.HandRolledSingleton,
        HandRolledSingletonTitle,
        HandRolledSingletonMessage,
        DiagnosticSeverity.Info,
        HandRolledSingletonDescription);

    /// <summary>SSA004 in a compilation that references Microsoft.Extensions.DependencyInjection: the container is there to own the lifetime.</summary>
    public static readonly DiagnosticDescriptor HandRolledSingletonWithDependencyInjection = Create(
        RuleIdentifiers.HandRolledSingleton,
        HandRolledSingletonTitle,
        HandRolledSingletonMessage,
        DiagnosticSeverity.Warning,
        HandRolledSingletonDescription);

    public static readonly DiagnosticDescriptor SingletonRequestData = Create(
        RuleIdentifiers.SingletonRequestData,
        "Process-lifetime object holds request data",
        "'{0}' of {1} '{2}' holds {3}: every request shares it, so one request's data is served to the next and concurrent requests overwrite each other",
        DiagnosticSeverity.Warning,
        "A DI singleton, a conventional middleware, a hosted service or a hand-rolled singleton is built once and serves every request of the process. An instance field of such an object that holds a request object (HttpContext, the user, the session, a DbContext) or that request-handling code sets from the request is seen by the next request, and concurrent requests overwrite each other's values. Register the service as scoped, keep the value in a local, or read the current request through IHttpContextAccessor.");

    public static readonly DiagnosticDescriptor CaptiveDependency = Create(
        RuleIdentifiers.CaptiveDependency,
        "Singleton captures a shorter-lived dependency",
        "Singleton '{0}' depends on {1} '{2}'{3}: {4}",
        DiagnosticSeverity.Warning,
        "A singleton is built once, and every service it takes is kept for as long as the process runs. A scoped service taken by a singleton (a DbContext, a per-request repository) is one scope's instance serving every request, concurrently, with its stale state; a disposable transient is never disposed until the process ends; a typed HttpClient never gets a fresh handler. ValidateScopes finds some of this only at run time, only in Development, and misses factories. Register the consumer with the shorter lifetime, or inject IServiceScopeFactory and create a scope around each use.");

    private const string StaticRequestDataTitle = "Static field holds per-request or per-user data";
    private const string StaticRequestDataMessage = "Static '{0}' holds {1}: one user's data answers another user's request";
    private const string StaticRequestDataDescription = "A static field lives as long as the process and is shared by every request and every user it serves. A request object (HttpContext, the user, a DbContext) or a value read from one (a claim, a header, the session) kept there is seen by the next request, and concurrent requests overwrite each other. Read request data through IHttpContextAccessor or a scoped service, or keep ambient per-flow state in AsyncLocal<T>.";

    public static readonly DiagnosticDescriptor StaticRequestData = Create(
        RuleIdentifiers.StaticRequestData,
        StaticRequestDataTitle,
        StaticRequestDataMessage,
        DiagnosticSeverity.Warning,
        StaticRequestDataDescription);

    /// <summary>SSA007 for a field that only code in other types fills with request data: decided once the whole compilation is seen.</summary>
    public static readonly DiagnosticDescriptor StaticRequestDataFromOtherTypes = Create(
        RuleIdentifiers.StaticRequestData,
        StaticRequestDataTitle,
        StaticRequestDataMessage,
        DiagnosticSeverity.Warning,
        StaticRequestDataDescription,
        WellKnownDiagnosticTags.CompilationEnd);

    public static readonly DiagnosticDescriptor ThreadAffineState = Create(
        RuleIdentifiers.ThreadAffineState,
        "Thread-affine state in request or async code",
        "'{0}' is per-thread state used in {1}: after an await the code may resume on another thread, and pool threads serve many requests",
        DiagnosticSeverity.Warning,
        "A [ThreadStatic] field or a ThreadLocal<T> value belongs to a thread, not to a request or an async flow. Pool threads serve many requests one after another, so the value one request leaves is seen by the next; and after an await the method may continue on another thread and see that thread's value. Use AsyncLocal<T> (which flows into work started from the current context) or a scoped service.");

    public static readonly DiagnosticDescriptor InstanceMutatesStatic = Create(
        RuleIdentifiers.InstanceMutatesStatic,
        "Instance member mutates static state",
        "'{0}' changes static '{1}': every instance of '{2}' shares it, so a change through one instance is seen by all",
        DiagnosticSeverity.Warning,
        "An instance method, property, constructor or event accessor that assigns a static field or changes the contents of a static collection looks as if it changed the instance's own state, but every instance (every request and user of the process) shares that field. A reset or write through one instance changes what all the others see. Make the field per-instance, or make the sharing explicit: a static member, a lock on a static object, or Interlocked.");

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
