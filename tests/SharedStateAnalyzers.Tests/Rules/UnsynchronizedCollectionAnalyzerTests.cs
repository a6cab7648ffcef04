using SharedStateAnalyzers.Rules;
using SharedStateAnalyzers.Tests.Verification;

namespace SharedStateAnalyzers.Tests.Rules;

/// <summary>SSA002: what is reported, with which message and span, and what is left alone.</summary>
public sealed class UnsynchronizedCollectionAnalyzerTests
{
    private static AnalyzerTest Test(string source, References references = References.Net)
        => AnalyzerTest.Create<UnsynchronizedCollectionAnalyzer>().WithReferences(references).WithSource(source);

    private static DiagnosticResult Flagged(int location, string field, string collectionType)
        => DiagnosticResult.Create("SSA002").WithLocation(location).WithMessage(
            $"'{field}' is a {collectionType} shared by the whole process and changed without synchronization: concurrent requests can corrupt it");

    /// <summary>
    /// A hosted-service base class that subscribes while it starts, through a hook its subclasses override; the list is
    /// marked <c>{|#0:…|}</c>, and <c>// (more members)</c> is where a test adds a member to <c>RateTracker</c>.
    /// </summary>
    private const string EventHostedServices = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.Extensions.Hosting;

        public sealed class Aggregator
        {
            public IDisposable Subscribe<T>(Action<object> handler) => new Subscription();

            private sealed class Subscription : IDisposable
            {
                public void Dispose() { }
            }
        }

        public abstract class EventHostedServiceBase : IHostedService
        {
            private readonly Aggregator _aggregator;
            private readonly List<IDisposable> {|#0:_subscriptions|} = new();

            protected EventHostedServiceBase(Aggregator aggregator) { _aggregator = aggregator; }

            // Derived services name their events here; the base subscribes while it starts.
            protected virtual void SubscribeToEvents() { }

            protected void Subscribe<T>() => _subscriptions.Add(_aggregator.Subscribe<T>(e => Handle(e)));

            protected virtual void Handle(object evt) { }

            public virtual Task StartAsync(CancellationToken cancellationToken)
            {
                SubscribeToEvents();
                return Task.CompletedTask;
            }

            public Task StopAsync(CancellationToken cancellationToken)
            {
                _subscriptions.ForEach(s => s.Dispose());
                return Task.CompletedTask;
            }
        }

        public sealed record InvoiceEvent(string Id);
        public sealed record RateEvent(decimal Rate);

        public sealed class InvoiceWatcher : EventHostedServiceBase
        {
            public InvoiceWatcher(Aggregator aggregator) : base(aggregator) { }

            protected override void SubscribeToEvents()
            {
                Subscribe<InvoiceEvent>();
                base.SubscribeToEvents();
            }
        }

        public class RateTracker : EventHostedServiceBase
        {
            public RateTracker(Aggregator aggregator) : base(aggregator) { }

            protected override void SubscribeToEvents() => Subscribe<RateEvent>();
            // (more members)
        }
        """;

    // ---------------------------------------------------------------- flagged

    [Fact]
    public async Task StaticDictionary_IndexerSet_InAStaticMethod()
    {
        await Test("""
            using System.Collections.Generic;

            public static class Registry
            {
                private static readonly Dictionary<int, int> {|#0:_seen|} = new();

                public static void Register(int id)
                {
                    _seen[id] = id;
                }

                public static int Count => _seen.Count;
            }
            """)
            .ExpectDiagnostic(Flagged(0, "_seen", "Dictionary<int, int>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task StaticList_AddFromAnInstanceMethod()
    {
        await Test("""
            using System.Collections.Generic;

            public sealed class AuditTrail
            {
                private static readonly List<string> {|#0:s_entries|} = new List<string>();

                public void Record(string entry) => s_entries.Add(entry);

                public int Count => s_entries.Count;
            }
            """)
            .ExpectDiagnostic(Flagged(0, "s_entries", "List<string>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task StaticHashSet_SeenSet_InAnAsyncMethod()
    {
        await Test("""
            using System.Collections.Generic;
            using System.Threading.Tasks;

            public sealed class Deduplicator
            {
                private static readonly HashSet<string> {|#0:_seenMessageIds|} = new();

                public async Task<bool> HandleAsync(string messageId)
                {
                    if (!_seenMessageIds.Add(messageId))
                    {
                        return false;
                    }

                    await Task.Yield();
                    return true;
                }
            }
            """)
            .ExpectDiagnostic(Flagged(0, "_seenMessageIds", "HashSet<string>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task StaticQueue_EnqueueAndDequeue()
    {
        await Test("""
            using System.Collections.Generic;

            public static class WorkQueue
            {
                private static readonly Queue<string> {|#0:Pending|} = new();

                public static void Post(string item) => Pending.Enqueue(item);

                public static string? Next() => Pending.Count > 0 ? Pending.Dequeue() : null;
            }
            """)
            .ExpectDiagnostic(Flagged(0, "Pending", "Queue<string>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task StaticAutoProperty_ReportedAtThePropertyName()
    {
        await Test("""
            using System.Collections.Generic;

            public static class Telemetry
            {
                public static List<string> {|#0:Events|} { get; } = new();

                public static void Track(string name) => Events.Add(name);
            }
            """)
            .ExpectDiagnostic(Flagged(0, "Events", "List<string>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task InterfaceTypedField_NamesTheCollectionItHolds()
    {
        await Test("""
            using System.Collections.Generic;

            public sealed class RouteTable
            {
                private static readonly IDictionary<string, string> {|#0:_routes|} = new SortedDictionary<string, string>();

                public void Map(string path, string target) => _routes[path] = target;
            }
            """)
            .ExpectDiagnostic(Flagged(0, "_routes", "SortedDictionary<string, string>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task SomeChangesUnderALock_OneOutside()
    {
        await Test("""
            using System.Collections.Generic;

            public sealed class Subscriptions
            {
                private static readonly object _gate = new();
                private static readonly List<string> {|#0:_topics|} = new();

                public void Subscribe(string topic)
                {
                    lock (_gate)
                    {
                        _topics.Add(topic);
                    }
                }

                public void Unsubscribe(string topic)
                {
                    _topics.Remove(topic);
                }
            }
            """)
            .ExpectDiagnostic(Flagged(0, "_topics", "List<string>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task ChangesUnderLocksOnTwoDifferentObjects()
    {
        await Test("""
            using System.Collections.Generic;

            public static class Sessions
            {
                private static readonly object _addGate = new();
                private static readonly object _removeGate = new();
                private static readonly Dictionary<string, int> {|#0:_active|} = new();

                public static void Open(string id)
                {
                    lock (_addGate)
                    {
                        _active[id] = 1;
                    }
                }

                public static void Close(string id)
                {
                    lock (_removeGate)
                    {
                        _active.Remove(id);
                    }
                }
            }
            """)
            .ExpectDiagnostic(Flagged(0, "_active", "Dictionary<string, int>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task StaticCollection_GuardedByALockEachInstanceHasItsOwn()
    {
        await Test("""
            using System.Collections.Generic;

            public sealed class Counter
            {
                private static readonly List<int> {|#0:s_samples|} = new();
                private readonly object _gate = new();

                public void Sample(int value)
                {
                    lock (_gate)
                    {
                        s_samples.Add(value);
                    }
                }
            }
            """)
            .ExpectDiagnostic(Flagged(0, "s_samples", "List<int>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task InstanceField_OfARegisteredSingleton()
    {
        await Test("""
            using System.Collections.Generic;
            using Microsoft.Extensions.DependencyInjection;

            public sealed class ConnectionTracker
            {
                private readonly Dictionary<string, int> {|#0:_connections|} = new();

                public void Connected(string client) => _connections[client] = 1;

                public void Disconnected(string client) => _connections.Remove(client);
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services) => services.AddSingleton<ConnectionTracker>();
            }
            """, References.DependencyInjection)
            .ExpectDiagnostic(Flagged(0, "_connections", "Dictionary<string, int>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task InstanceField_OfAConventionalMiddleware()
    {
        await Test("""
            using System.Collections.Generic;
            using System.Threading.Tasks;
            using Microsoft.AspNetCore.Http;

            public sealed class RequestCounterMiddleware
            {
                private readonly RequestDelegate _next;
                private readonly Dictionary<string, int> {|#0:_hitsByPath|} = new();

                public RequestCounterMiddleware(RequestDelegate next) => _next = next;

                public Task InvokeAsync(HttpContext context)
                {
                    var path = context.Request.Path.Value ?? "/";
                    _hitsByPath[path] = _hitsByPath.TryGetValue(path, out var hits) ? hits + 1 : 1;
                    return _next(context);
                }
            }
            """, References.AspNetCore)
            .ExpectDiagnostic(Flagged(0, "_hitsByPath", "Dictionary<string, int>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task InstanceField_OfAHostedService()
    {
        await Test("""
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;
            using Microsoft.Extensions.Hosting;

            public sealed class Poller : BackgroundService
            {
                private readonly List<string> {|#0:_results|} = new();

                public IReadOnlyList<string> Results => _results;

                protected override async Task ExecuteAsync(CancellationToken stoppingToken)
                {
                    while (!stoppingToken.IsCancellationRequested)
                    {
                        _results.Add("tick");
                        await Task.Delay(1000, stoppingToken);
                    }
                }
            }
            """, References.DependencyInjection)
            .ExpectDiagnostic(Flagged(0, "_results", "List<string>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task InstanceField_OfAHandRolledSingleton()
    {
        await Test("""
            using System.Collections.Generic;

            public sealed class Inventory
            {
                public static readonly Inventory Instance = new();

                private readonly SortedList<string, int> {|#0:_stock|} = new();

                private Inventory()
                {
                }

                public void Restock(string sku, int count) => _stock[sku] = count;
            }
            """)
            .ExpectDiagnostic(Flagged(0, "_stock", "SortedList<string, int>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task HandRolledSingleton_ThatResolvesServicesAtRunTime()
    {
        // Taking the service provider is not composing the app: this method runs per request.
        await Test("""
            using System;
            using System.Collections.Generic;
            using Microsoft.Extensions.DependencyInjection;

            public sealed class HandlerRegistry
            {
                public static readonly HandlerRegistry Instance = new();

                private readonly Dictionary<string, object> {|#0:_handlers|} = new();

                private HandlerRegistry() { }

                public object Resolve(IServiceProvider services, string name, Type type)
                {
                    if (!_handlers.TryGetValue(name, out var handler))
                    {
                        handler = services.GetRequiredService(type);
                        _handlers[name] = handler;
                    }

                    return handler;
                }
            }
            """, References.DependencyInjection)
            .ExpectDiagnostic(Flagged(0, "_handlers", "Dictionary<string, object>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task HostedService_WithAStaticRegistrationHelper_IsStillChecked()
    {
        // A static AddJobsServices(IServiceCollection) helper says nothing about what the instance does later: its
        // ad-hoc job list changes while requests run.
        await Test("""
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;
            using Microsoft.Extensions.DependencyInjection;
            using Microsoft.Extensions.Hosting;

            public sealed class JobsHostedService : BackgroundService
            {
                private List<string> {|#0:AdHocJobKeys|} { get; } = new();

                public static void AddJobsServices(IServiceCollection services) => services.AddHostedService<JobsHostedService>();

                public Task RunJobAdHocAsync(string name)
                {
                    AdHocJobKeys.Add(name);
                    return Task.CompletedTask;
                }

                protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.CompletedTask;
            }
            """, References.DependencyInjection)
            .ExpectDiagnostic(Flagged(0, "AdHocJobKeys", "List<string>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task TypeKeyedReflectionCache_WithoutALock()
    {
        await Test("""
            using System;
            using System.Collections.Generic;
            using System.Reflection;

            public static class PropertyCache
            {
                private static readonly Dictionary<Type, PropertyInfo[]> {|#0:s_properties|} = new();

                public static PropertyInfo[] Get(Type type)
                {
                    if (!s_properties.TryGetValue(type, out var properties))
                    {
                        properties = type.GetProperties();
                        s_properties[type] = properties;
                    }

                    return properties;
                }
            }
            """)
            .ExpectDiagnostic(Flagged(0, "s_properties", "Dictionary<Type, PropertyInfo[]>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task CollectionsMarshal_GetValueRefOrAddDefault_AndCompoundIndexer()
    {
        await Test("""
            using System.Collections.Generic;
            using System.Runtime.InteropServices;

            public static class Histogram
            {
                private static readonly Dictionary<string, int> {|#0:s_counts|} = new();
                private static readonly Dictionary<string, long> {|#1:s_bytes|} = new();

                public static void Count(string key)
                {
                    ref var count = ref CollectionsMarshal.GetValueRefOrAddDefault(s_counts, key, out _);
                    count++;
                }

                public static void AddBytes(string key, long bytes) => s_bytes[key] += bytes;
            }
            """)
            .ExpectDiagnostic(Flagged(0, "s_counts", "Dictionary<string, int>"))
            .ExpectDiagnostic(Flagged(1, "s_bytes", "Dictionary<string, long>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task StaticList_ChangedByEveryInstanceConstructor()
    {
        await Test("""
            using System.Collections.Generic;

            public sealed class Widget
            {
                private static readonly List<Widget> {|#0:s_all|} = new();

                public Widget()
                {
                    s_all.Add(this);
                }
            }
            """)
            .ExpectDiagnostic(Flagged(0, "s_all", "List<Widget>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task NonGenericAndDerivedCollections_OneDiagnosticPerField()
    {
        await Test("""
            using System.Collections;
            using System.Collections.Generic;
            using System.Collections.ObjectModel;

            public sealed class Names : Dictionary<string, string> { }

            public static class Legacy
            {
                private static readonly Hashtable {|#0:s_table|} = new();
                private static readonly ArrayList {|#1:s_list|} = new();
                private static readonly Names {|#2:s_names|} = new();
                private static readonly ObservableCollection<int> {|#3:s_observed|} = new();

                public static void Put(string key)
                {
                    s_table[key] = key;
                    s_table.Remove("old");
                    s_list.Add(key);
                    s_names.Add(key, key);
                    s_observed.Add(key.Length);
                }
            }
            """)
            .ExpectDiagnostic(Flagged(0, "s_table", "Hashtable"))
            .ExpectDiagnostic(Flagged(1, "s_list", "ArrayList"))
            .ExpectDiagnostic(Flagged(2, "s_names", "Names"))
            .ExpectDiagnostic(Flagged(3, "s_observed", "ObservableCollection<int>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task CollectionExtensionsTryAdd_OnAnInterfaceTypedField()
    {
        await Test("""
            using System.Collections.Generic;

            public static class Aliases
            {
                private static readonly IDictionary<string, string> {|#0:s_aliases|} = new Dictionary<string, string>();

                public static bool Alias(string name, string target) => s_aliases.TryAdd(name, target);
            }
            """)
            .ExpectDiagnostic(Flagged(0, "s_aliases", "Dictionary<string, string>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task PrivateHelper_CalledFromTheStaticConstructorAndFromAPublicMethod()
    {
        await Test("""
            using System.Collections.Generic;

            public sealed class MimeTypes
            {
                private static readonly Dictionary<string, string> {|#0:s_map|} = new();

                static MimeTypes()
                {
                    Register(".html", "text/html");
                }

                public void AddCustom(string extension, string type) => Register(extension, type);

                private static void Register(string extension, string type) => s_map[extension] = type;
            }
            """)
            .ExpectDiagnostic(Flagged(0, "s_map", "Dictionary<string, string>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task PrivateHelper_PassedAsADelegateOutsideInitialization()
    {
        await Test("""
            using System.Collections.Generic;

            public static class Tags
            {
                private static readonly HashSet<string> {|#0:s_tags|} = new();

                public static void AddAll(List<string> tags) => tags.ForEach(Add);

                private static void Add(string tag) => s_tags.Add(tag);
            }
            """)
            .ExpectDiagnostic(Flagged(0, "s_tags", "HashSet<string>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task SortAndReverse_AreChanges()
    {
        await Test("""
            using System.Collections.Generic;

            public static class Leaderboard
            {
                private static readonly List<int> {|#0:s_scores|} = new() { 3, 1, 2 };

                public static IReadOnlyList<int> Ranked()
                {
                    s_scores.Sort();
                    s_scores.Reverse();
                    return s_scores;
                }
            }
            """)
            .ExpectDiagnostic(Flagged(0, "s_scores", "List<int>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task Loader_AlsoCalledByTheTypesOwnMembers()
    {
        // A loader the type itself runs on demand (from a request-serving member) fills the table while others read it.
        await Test("""
            using System.Collections.Generic;
            using System.IO;
            using System.Threading.Tasks;

            public sealed class Ratings
            {
                private static readonly Dictionary<string, int> {|#0:_scores|} = new();

                public async Task LoadAllAsync(string folder)
                {
                    foreach (var file in Directory.EnumerateFiles(folder))
                    {
                        _scores[Path.GetFileNameWithoutExtension(file)] = int.Parse(await File.ReadAllTextAsync(file));
                    }
                }

                public async Task<int> ScoreAsync(string folder, string rating)
                {
                    await LoadAllAsync(folder);
                    return _scores.TryGetValue(rating, out var score) ? score : 0;
                }
            }
            """)
            .ExpectDiagnostic(Flagged(0, "_scores", "Dictionary<string, int>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task Loader_ThatAlsoReadsTheTable()
    {
        // Checking the table before adding is a memo or a check-then-act, not a one-pass load.
        await Test("""
            using System.Collections.Generic;

            public static class Seen
            {
                private static readonly HashSet<string> {|#0:_ids|} = new();

                public static int Track(IEnumerable<string> ids)
                {
                    var added = 0;
                    foreach (var id in ids)
                    {
                        if (!_ids.Contains(id))
                        {
                            _ids.Add(id);
                            added++;
                        }
                    }

                    return added;
                }
            }
            """)
            .ExpectDiagnostic(Flagged(0, "_ids", "HashSet<string>"))
            .ValidateAsync();
    }

    [Theory]
    // What Add or TryAdd answers is whether the entry was there: a membership test, as Contains is.
    [InlineData("if (!_ids.Add(id)) continue;", "HashSet<string>", "HashSet<string>")]
    [InlineData("if (_ids.TryAdd(id, id.Length)) added++;", "Dictionary<string, int>", "Dictionary<string, int>")]
    public async Task Loader_ThatTestsMembershipThroughWhatAddAnswers(string change, string declared, string shown)
    {
        await Test($$"""
            using System.Collections.Generic;

            public static class Seen
            {
                private static readonly {{declared}} {|#0:_ids|} = new();

                public static int Track(IEnumerable<string> ids)
                {
                    var added = 0;
                    foreach (var id in ids)
                    {
                        {{change}}
                        added++;
                    }

                    return added;
                }
            }
            """)
            .ExpectDiagnostic(Flagged(0, "_ids", shown))
            .ValidateAsync();
    }

    [Fact]
    public async Task Loader_WithALeadingEmptinessGuard()
    {
        // The loader returns at once when the table is filled; it never looks at the entries. The second loader also
        // counts what it has, and is still reported.
        await Test("""
            using System.Collections.Generic;
            using System.Linq;
            using System.Net.Http;
            using System.Threading.Tasks;

            public static class EmoteTranslator
            {
                private static readonly List<string> s_emotes = new();
                private static readonly List<string> {|#0:s_badges|} = new();

                public static async Task LoadEmotes(HttpClient client)
                {
                    if (s_emotes.Any())
                    {
                        return;
                    }

                    for (var page = 0; page < 3; page++)
                    {
                        var text = await client.GetStringAsync("https://emotes.example.com/" + page);
                        s_emotes.AddRange(text.Split(','));
                    }
                }

                public static async Task LoadBadges(HttpClient client)
                {
                    if (s_badges.Count > 0)
                    {
                        return;
                    }

                    for (var page = 0; page < 3 && s_badges.Count < 100; page++)
                    {
                        var text = await client.GetStringAsync("https://badges.example.com/" + page);
                        s_badges.AddRange(text.Split(','));
                    }
                }

                public static string Translate(string text) => s_emotes.Contains(text) || s_badges.Contains(text) ? ":" + text + ":" : text;
            }
            """)
            .ExpectDiagnostic(Flagged(0, "s_badges", "List<string>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task Loader_InsideAPollingLoop()
    {
        // A pass over fetched data inside a loop that runs for the life of the process keeps changing the table.
        await Test("""
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;
            using Microsoft.Extensions.Hosting;

            public sealed class PricePoller : BackgroundService
            {
                private readonly Dictionary<string, decimal> {|#0:_prices|} = new();

                public decimal? Price(string sku) => _prices.TryGetValue(sku, out var price) ? price : null;

                protected override async Task ExecuteAsync(CancellationToken stoppingToken)
                {
                    do
                    {
                        foreach (var sku in new[] { "a", "b" })
                        {
                            _prices[sku] = sku.Length;
                        }

                        await Task.Delay(1000, stoppingToken);
                    }
                    while (!stoppingToken.IsCancellationRequested);
                }
            }
            """, References.DependencyInjection)
            .ExpectDiagnostic(Flagged(0, "_prices", "Dictionary<string, decimal>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task RegistryOfBuiltInEntries_ChangedByALookupOrAnInstanceMember_OrStartingEmpty()
    {
        await Test("""
            using System.Collections.Generic;

            public static class StateColors
            {
                private static readonly Dictionary<string, string> {|#0:s_colors|} = new();

                static StateColors()
                {
                    s_colors.Add("Succeeded", "#5cb85c");
                }

                public static void AddColor(string state, string color) => s_colors.Add(state, color);

                // A lookup that fills on a miss runs with the requests, whatever the type filled first.
                public static string GetColor(string state)
                {
                    if (!s_colors.TryGetValue(state, out var color))
                    {
                        s_colors[state] = color = "#777";
                    }

                    return color;
                }
            }

            public sealed class Renderers
            {
                private static readonly Dictionary<string, string> {|#1:s_renderers|} = new() { ["Failed"] = "red" };

                public static void Register(string state, string renderer) => s_renderers[state] = renderer;

                // The type calls its own registration while it serves a request.
                public string Render(string state)
                {
                    Register(state, "plain");
                    return s_renderers[state];
                }
            }

            public static class Headers
            {
                // Starts empty: nothing built in, so the configuration API is the only writer and its callers are unknown.
                private static readonly List<string> {|#2:s_headers|} = new();

                public static void AddHeader(string header) => s_headers.Add(header);

                public static int Count => s_headers.Count;
            }
            """)
            .ExpectDiagnostic(Flagged(0, "s_colors", "Dictionary<string, string>"))
            .ExpectDiagnostic(Flagged(1, "s_renderers", "Dictionary<string, string>"))
            .ExpectDiagnostic(Flagged(2, "s_headers", "List<string>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task HelperCalledOnceWithoutTheLock()
    {
        await Test("""
            using System.Collections.Generic;

            public static class Indexer
            {
                private static readonly List<string> {|#0:s_cache|} = new();

                private static void CleanCache() => s_cache.Clear();

                public static void Search()
                {
                    lock (s_cache)
                    {
                        CleanCache();
                        s_cache.Add("x");
                    }
                }

                public static void Refresh() => CleanCache();
            }
            """)
            .ExpectDiagnostic(Flagged(0, "s_cache", "List<string>"))
            .ValidateAsync();
    }

    /// <summary>A tray app's icon memo; USINGS are its file's imports, ICON the type of what it caches.</summary>
    private const string IconMemo = """
        using System.Collections.Generic;
        USINGS

        public static class TrayIcons
        {
            private static readonly Dictionary<string, ICON> {|#0:s_icons|} = new();

            public static ICON Load(string name)
            {
                if (!s_icons.TryGetValue(name, out var icon))
                {
                    icon = Decode(name);
                    s_icons[name] = icon;
                }

                return icon;
            }

            private static ICON Decode(string name) => default!;
        }
        """;

    [Theory]
    [InlineData("using Avalonia.Media.Imaging;", "Bitmap")]
    [InlineData("using Avalonia.Media.Imaging;", "List<Bitmap>")]
    [InlineData("", "Avalonia.Media.Imaging.Bitmap[]")]
    [InlineData("using System.Windows.Media;", "ImageSource")]
    public async Task Collection_OfAnUnresolvedTypeInAFileThatUsesAUiToolkit(string usings, string icon)
    {
        // The toolkit's package is missing (or the name is still being typed): the icons may be the toolkit's objects,
        // which its UI thread owns, so the collection is not judged.
        await Test(IconMemo.Replace("USINGS", usings).Replace("ICON", icon).Replace("{|#0:s_icons|}", "s_icons"))
            .AllowCompilerErrors()
            .ValidateAsync();
    }

    [Theory]
    [InlineData("", "byte[]", "Dictionary<string, byte[]>")]
    [InlineData("using HandlebarsDotNet;", "HandlebarsTemplate", "Dictionary<string, HandlebarsTemplate>")]
    public async Task Collection_OfAResolvedTypeOrOutsideAUiToolkit_IsReported(string usings, string icon, string shown)
    {
        // What the items are does not change the race; only a UI toolkit's thread makes one.
        var test = Test(IconMemo.Replace("USINGS", usings).Replace("ICON", icon))
            .ExpectDiagnostic(Flagged(0, "s_icons", shown));
        await (usings.Length > 0 ? test.AllowCompilerErrors() : test).ValidateAsync();
    }

    [Fact]
    public async Task ImageCache_OfObjectsThatAreNotAUiToolkits()
    {
        // The same memo as a tray icon's, but of a server-side imaging library's bitmaps: requests fill it at once.
        await Test("""
            using System.Collections.Generic;

            namespace Shop.Imaging
            {
                public sealed class Bitmap
                {
                    public Bitmap(string path) { Path = path; }
                    public string Path { get; }
                }
            }

            namespace Shop
            {
                public static class Thumbnails
                {
                    private static readonly Dictionary<string, Shop.Imaging.Bitmap> {|#0:s_cache|} = new();

                    public static Shop.Imaging.Bitmap Get(string name)
                    {
                        if (s_cache.TryGetValue(name, out var bitmap))
                        {
                            return bitmap;
                        }

                        return s_cache[name] = new Shop.Imaging.Bitmap("thumbs/" + name);
                    }
                }
            }
            """)
            .ExpectDiagnostic(Flagged(0, "s_cache", "Dictionary<string, Bitmap>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task ConsoleProgram_ThatFillsItsMemoFromParallelWork()
    {
        await Test("""
            using System.Collections.Generic;
            using System.Threading.Tasks;

            internal static class Program
            {
                private static readonly Dictionary<string, int> {|#0:s_lengths|} = new();

                private static void Main(string[] args)
                {
                    Parallel.ForEach(args, arg => Measure(arg));
                }

                private static int Measure(string path)
                {
                    if (!s_lengths.TryGetValue(path, out var length))
                    {
                        s_lengths[path] = length = path.Length;
                    }

                    return length;
                }
            }
            """)
            .ExpectDiagnostic(Flagged(0, "s_lengths", "Dictionary<string, int>"))
            .WithOutputKind(Microsoft.CodeAnalysis.OutputKind.ConsoleApplication)
            .ValidateAsync();
    }

    [Fact]
    public async Task WebProgram_WhoseEndpointsFillAStaticOfItsEntryClass()
    {
        await Test("""
            using System.Collections.Generic;
            using Microsoft.AspNetCore.Builder;
            using Microsoft.AspNetCore.Http;

            public static class Program
            {
                private static readonly List<string> {|#0:s_visitors|} = new();

                public static void Main(string[] args)
                {
                    var app = WebApplication.CreateBuilder(args).Build();
                    app.MapGet("/hello/{name}", (string name) =>
                    {
                        s_visitors.Add(name);
                        return s_visitors.Count;
                    });
                    app.Run();
                }
            }
            """, References.AspNetCore)
            .ExpectDiagnostic(Flagged(0, "s_visitors", "List<string>"))
            .WithOutputKind(Microsoft.CodeAnalysis.OutputKind.ConsoleApplication)
            .ValidateAsync();
    }

    [Fact]
    public async Task HostedServiceBase_WhoseSubclassAlsoSubscribesWhileServing()
    {
        // One subclass also subscribes from a public method that requests can call.
        await Test(EventHostedServices.Replace("// (more members)", "public void Follow<T>() => Subscribe<T>();"), References.DependencyInjection)
            .ExpectDiagnostic(Flagged(0, "_subscriptions", "List<IDisposable>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task HelperCalledUnderTheLock_AndWithExplicitTypeArgumentsOutsideIt()
    {
        await Test("""
            using System.Collections.Generic;

            public abstract class TypeRegistry
            {
                protected static readonly List<System.Type> {|#0:s_types|} = new();

                protected void Register<T>(T sample) => s_types.Add(typeof(T));
            }

            public sealed class Startup : TypeRegistry
            {
                public void Configure()
                {
                    lock (s_types)
                    {
                        Register(42);
                    }
                }

                public void OnRequest() => Register<string>("sample");
            }
            """)
            .ExpectDiagnostic(Flagged(0, "s_types", "List<Type>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task LibraryClass_WithAStaticMainThatIsNotTheEntryPoint()
    {
        await Test("""
            using System.Collections.Generic;

            public static class Tool
            {
                private static readonly Dictionary<string, int> {|#0:s_lengths|} = new();

                public static void Main(string[] args)
                {
                    foreach (var arg in args)
                    {
                        Measure(arg);
                    }
                }

                public static int Measure(string path)
                {
                    if (!s_lengths.TryGetValue(path, out var length))
                    {
                        s_lengths[path] = length = path.Length;
                    }

                    return length;
                }
            }
            """)
            .ExpectDiagnostic(Flagged(0, "s_lengths", "Dictionary<string, int>"))
            .ValidateAsync();
    }

    [Theory]
    [InlineData("services.AddSingleton(sp => new NotificationOutbox())")]
    [InlineData("services.TryAddSingleton(CreateOutbox)")]
    [InlineData("services.AddSingleton<NotificationOutbox>(CreateOutbox)")]
    public async Task Singleton_RegisteredThroughAFactory(string registration)
    {
        // A lambda that builds the class, or a factory method that returns it.
        await Test("""
            using System.Collections.Generic;
            using Microsoft.Extensions.DependencyInjection;
            using Microsoft.Extensions.DependencyInjection.Extensions;

            public sealed class NotificationOutbox
            {
                private readonly List<string> {|#0:_messages|} = new();

                public void Queue(string message) => _messages.Add(message);
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services) => REGISTRATION;

                private static NotificationOutbox CreateOutbox(System.IServiceProvider provider) => new();
            }
            """.Replace("REGISTRATION", registration), References.DependencyInjection)
            .ExpectDiagnostic(Flagged(0, "_messages", "List<string>"))
            .ValidateAsync();
    }

    /// <summary>
    /// A singleton that loads its subscriptions under an async gate: the public method takes a <c>SemaphoreSlim</c>
    /// and a private helper does the work. <c>ELSEWHERE</c> is where a test adds another call of the helper.
    /// </summary>
    private const string SubscriptionsLoadedUnderAnAsyncGate = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.Extensions.DependencyInjection;

        public interface IFeedSource
        {
            IDisposable Subscribe(Action onChange);
            Task<IReadOnlyList<string>> LoadAsync(CancellationToken cancellationToken);
        }

        public sealed class FeedRegistry : IDisposable
        {
            private readonly SemaphoreSlim _gate = new(1, 1);
            private readonly ReaderWriterLockSlim _rw = new();
            private readonly IFeedSource _source;
            private readonly List<IDisposable> {|#0:_subscriptions|} = new();
            private readonly List<string> {|#1:_names|} = new();

            public FeedRegistry(IFeedSource source) => _source = source;

            public async Task LoadAsync(CancellationToken cancellationToken)
            {
                await _gate.WaitAsync(cancellationToken);
                try
                {
                    await LoadUnderTheGateAsync(cancellationToken);
                }
                finally
                {
                    _gate.Release();
                }
            }

            public void Rename(string name)
            {
                _rw.EnterWriteLock();
                try
                {
                    Store(name);
                }
                finally
                {
                    _rw.ExitWriteLock();
                }
            }

            ELSEWHERE

            private async Task LoadUnderTheGateAsync(CancellationToken cancellationToken)
            {
                _subscriptions.Add(_source.Subscribe(() => { }));
                foreach (var name in await _source.LoadAsync(cancellationToken))
                {
                    _names.Add(name);
                }
            }

            private void Store(string name) => _names.Add(name);

            public void Dispose()
            {
                foreach (var subscription in _subscriptions)
                {
                    subscription.Dispose();
                }
            }
        }

        public static class Setup
        {
            public static void Register(IServiceCollection services) => services.AddSingleton<FeedRegistry>();
        }
        """;

    [Fact]
    public async Task HelperCalledOnlyInsideASemaphoreOrWriteLockRegion()
    {
        await Test(SubscriptionsLoadedUnderAnAsyncGate.Replace("{|#0:_subscriptions|}", "_subscriptions").Replace("{|#1:_names|}", "_names").Replace("ELSEWHERE", string.Empty), References.DependencyInjection)
            .ValidateAsync();
    }

    [Fact]
    public async Task HelperAlsoCalledOutsideTheRegion_IsReported()
    {
        const string elsewhere = "public Task ReloadAsync() => LoadUnderTheGateAsync(CancellationToken.None);";
        await Test(SubscriptionsLoadedUnderAnAsyncGate.Replace("ELSEWHERE", elsewhere), References.DependencyInjection)
            .ExpectDiagnostic(Flagged(0, "_subscriptions", "List<IDisposable>"))
            .ExpectDiagnostic(Flagged(1, "_names", "List<string>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task HelperCalledByTheConstructorAndUnderALock()
    {
        // Each caller is safe: the constructor runs before the instance is shared, the other caller holds the lock.
        await Test("""
            using System;
            using System.Collections.Generic;
            using System.IO;

            public sealed class ModuleState
            {
                private static readonly Lazy<ModuleState> s_instance = new(() => new ModuleState());
                private readonly object _gate = new();
                private readonly HashSet<string> _installed = new();

                private ModuleState() => ReloadCore();

                public static ModuleState Instance => s_instance.Value;

                public void Reload()
                {
                    lock (_gate)
                    {
                        ReloadCore();
                    }
                }

                public bool IsInstalled(string name)
                {
                    lock (_gate)
                    {
                        return _installed.Contains(name);
                    }
                }
                private void ReloadCore()
                {
                    _installed.Clear();
                    foreach (var line in File.ReadAllLines("modules.txt"))
                    {
                        _installed.Add(line);
                    }
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task HelperCalledByTheConstructorAndOutsideALock_IsReported()
    {
        await Test("""
            using System;
            using System.Collections.Generic;
            using System.IO;

            public sealed class ModuleState
            {
                private static readonly Lazy<ModuleState> s_instance = new(() => new ModuleState());
                private readonly object _gate = new();
                private readonly HashSet<string> {|#0:_installed|} = new();

                private ModuleState() => ReloadCore();

                public static ModuleState Instance => s_instance.Value;

                public void Reload()
                {
                    lock (_gate)
                    {
                        ReloadCore();
                    }
                }

                public bool IsInstalled(string name)
                {
                    lock (_gate)
                    {
                        return _installed.Contains(name);
                    }
                }

                public void Refresh() => ReloadCore();
                private void ReloadCore()
                {
                    _installed.Clear();
                    foreach (var line in File.ReadAllLines("modules.txt"))
                    {
                        _installed.Add(line);
                    }
                }
            }
            """)
            .ExpectDiagnostic(Flagged(0, "_installed", "HashSet<string>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task ChangesUnderAProjectsOwnDisposableLockHelper()
    {
        // `using (_rw.GetWriteLock())`: the project's own wrapper over ReaderWriterLockSlim holds the lock for the block.
        await Test("""
            using System;
            using System.Collections.Generic;
            using System.Threading;

            public static class DataSettings
            {
                private static readonly ReaderWriterLockSlim s_rw = new();
                private static readonly Dictionary<string, string> s_raw = new();

                public static void Load(IEnumerable<KeyValuePair<string, string>> values)
                {
                    using (s_rw.GetWriteLock())
                    {
                        s_raw.Clear();
                        foreach (var pair in values)
                        {
                            s_raw[pair.Key] = pair.Value;
                        }
                    }
                }

                public static string? Get(string key)
                {
                    using var _ = s_rw.GetReadLock();
                    return s_raw.TryGetValue(key, out var value) ? value : null;
                }
            }

            """ + SharedShapes.LockExtensions)
            .ValidateAsync();
    }

    [Fact]
    public async Task SmartEnum_ConstructorRunOnlyByTheTypesStaticInitializers()
    {
        await Test(SharedShapes.SelfRegisteringSmartEnums)
            .ValidateAsync();
    }

    [Fact]
    public async Task SmartEnumConstructorAlsoCalledAfterInitialization_IsReported()
    {
        await Test("""
            using System.Collections.Generic;

            public sealed class Currency
            {
                private static readonly Dictionary<string, Currency> {|#0:s_known|} = new();

                public static readonly Currency Euro = new("EUR");

                private Currency(string code)
                {
                    Code = code;
                    s_known[code] = this;
                }

                public string Code { get; }

                // Also created later, on any thread: the map is changed after the type is initialized.
                public static Currency Parse(string code) => s_known.TryGetValue(code, out var known) ? known : new Currency(code);
            }
            """)
            .ExpectDiagnostic(Flagged(0, "s_known", "Dictionary<string, Currency>"))
            .ValidateAsync();
    }

    private const string NoticeBusRegistrations = """
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using Microsoft.Extensions.DependencyInjection;

        public interface INotice { }

        public interface INoticeBus
        {
            Task SendAsync(INotice notice);
            SERVED_MEMBER
        }

        public interface INoticeSetup
        {
            void Listen<TNotice, TListener>() where TNotice : INotice;
        }

        public sealed class NoticeBus : INoticeBus, INoticeSetup
        {
            private readonly Dictionary<Type, List<Type>> MARK = new();

            public void Listen<TNotice, TListener>() where TNotice : INotice => Add(typeof(TNotice), typeof(TListener));

            private void Add(Type notice, Type listener)
            {
                if (!_listeners.TryGetValue(notice, out var list))
                {
                    _listeners.Add(notice, list = new List<Type>());
                }

                list.Add(listener);
            }

            public Task SendAsync(INotice notice)
            {
                SEND
                return _listeners.TryGetValue(notice.GetType(), out var list) ? Task.WhenAll(list.ConvertAll(_ => Task.CompletedTask)) : Task.CompletedTask;
            }
        }

        public static class NoticeBusSetup
        {
            public static IServiceCollection AddNoticeBus(this IServiceCollection services)
            {
                REGISTRATION
                return services;
            }

            public static INoticeSetup ConfigureNotices(this IServiceProvider provider) => (NoticeBus)provider.GetRequiredService<INoticeBus>();
        }
        """;

    /// <summary>
    /// A DI singleton's registry whose constructor adds built-in entries through BUILT_INS, and whose interface lets
    /// users add more; CALLER is code elsewhere in the compilation.
    /// </summary>
    private const string BuiltInRegistry = """
        using System;
        using System.Collections.Generic;
        using Microsoft.Extensions.DependencyInjection;

        public interface IFormatRegistry
        {
            void Register(string name, Type type);
            bool Remove(string name);
            bool TryFind(string name, out Type? type);
        }

        public sealed class FormatRegistry : IFormatRegistry
        {
            private readonly Dictionary<string, Type> {|#0:_formats|};

            public FormatRegistry()
            {
                BUILT_INS
            }

            public void Register(string name, Type type) => Store(name, type);

            public void RegisterAll(params (string Name, Type Type)[] formats)
            {
                foreach (var (name, type) in formats) Register(name, type);
            }

            public bool Remove(string name) => _formats.Remove(name);

            public bool TryFind(string name, out Type? type) => _formats.TryGetValue(name, out type);

            private void Store(string name, Type type) => _formats[name] = type;
        }

        public sealed class AuditedFormatRegistry(IFormatRegistry inner) : IFormatRegistry
        {
            public void Register(string name, Type type) => inner.Register(name, type);

            public bool Remove(string name) => inner.Remove(name);

            public bool TryFind(string name, out Type? type) => inner.TryFind(name, out type);
        }

        public sealed class FormatEndpoint(IFormatRegistry registry)
        {
            public bool Has(string name) => registry.TryFind(name, out _);

            CALLER
        }

        public static class FormatSetup
        {
            public static IServiceCollection AddFormats(this IServiceCollection services) => services.AddSingleton<IFormatRegistry, FormatRegistry>();

            public static void RegisterFormat<T>(this IFormatRegistry registry, string name) => registry.Register(name, typeof(T));
        }
        """;

    private const string BuiltInsByRegister = "_formats = new(StringComparer.OrdinalIgnoreCase);\n        Register(\"text\", typeof(string));\n        Register(\"number\", typeof(int));";

    private const string BuiltInsByInitializer = "_formats = new() { [\"text\"] = typeof(string), [\"number\"] = typeof(int) };";

    [Theory]
    [InlineData(BuiltInsByRegister)]
    [InlineData(BuiltInsByInitializer)]
    [InlineData("_formats = new();\n        RegisterAll((\"text\", typeof(string)), (\"number\", typeof(int)));")]
    public async Task SingletonRegistryOfBuiltIns_ThatNothingInTheCompilationExtends(string builtIns)
    {
        // A library's extension point: users may add formats (at start-up, in their own code, also through the
        // forwarding extension or the audited decorator), the library itself never does. Nothing this compilation runs changes the map after
        // the constructor.
        await Test(BuiltInRegistry.Replace("{|#0:_formats|}", "_formats").Replace("BUILT_INS", builtIns).Replace("CALLER", ""), References.DependencyInjection)
            .ValidateAsync();
    }

    [Theory]
    [InlineData(BuiltInsByRegister, "public void Learn(string name) => registry.Register(name, typeof(object));")]
    [InlineData(BuiltInsByRegister, "public bool Forget(string name) => ((FormatRegistry)registry).Remove(name);")]
    [InlineData(BuiltInsByRegister, "public Func<string, bool> Forgetter => registry.Remove;")]
    [InlineData(BuiltInsByRegister, "public void LearnNumbers() => registry.RegisterFormat<int>(\"count\");")]
    [InlineData(BuiltInsByRegister, "public void Audit(AuditedFormatRegistry audited) => audited.Register(\"audit\", typeof(object));")]
    [InlineData("_formats = new();", "public void Learn(string name) => registry.Register(name, typeof(object));")]
    public async Task SingletonRegistry_ExtendedByTheCompilation(string builtIns, string caller)
    {
        // An endpoint adds or removes entries while requests read them: the usual race.
        await Test(BuiltInRegistry.Replace("BUILT_INS", builtIns).Replace("CALLER", caller), References.DependencyInjection)
            .ExpectDiagnostic(Flagged(0, "_formats", "Dictionary<string, Type>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task SingletonRegistryOfTypes_StartingEmpty_ThatNothingInTheCompilationExtends()
    {
        // No built-ins, but what it holds is code (a name for each registered type): a registry for the library's users
        // to fill, which nothing in this compilation changes.
        await Test(BuiltInRegistry.Replace("{|#0:_formats|}", "_formats").Replace("BUILT_INS", "_formats = new();").Replace("CALLER", ""), References.DependencyInjection)
            .ValidateAsync();
    }

    /// <summary>
    /// A DI singleton's registry of factories keyed by type, starting empty: a fluent <c>CreateUsing&lt;T&gt;</c> for
    /// the library's users, a plain <c>UnsafeCreateUsing</c> that a host extension calls; CALLER is code elsewhere.
    /// </summary>
    private const string FactoryRegistry = """
        using System;
        using System.Collections.Generic;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.Hosting;

        public sealed class FactoryRegistry
        {
            private readonly Dictionary<Type, Func<object>> {|#0:_factories|} = new();

            public FactoryRegistry CreateUsing<T>(Func<T> factory) where T : class
            {
                _factories.TryAdd(typeof(T), () => factory());
                return this;
            }

            public void UnsafeCreateUsing(Type type, Func<object> factory) => _factories.TryAdd(type, factory);

            public T Create<T>() where T : class, new() => _factories.TryGetValue(typeof(T), out var f) ? (T)f() : new T();
        }

        public static class FactorySetup
        {
            public static IServiceCollection AddFactories(this IServiceCollection services) => services.AddSingleton<FactoryRegistry>();

            public static IHost UseFactory(this IHost host, Type type, Func<object> factory)
            {
                host.Services.GetRequiredService<FactoryRegistry>().UnsafeCreateUsing(type, factory);
                return host;
            }
        }

        public sealed class OrderEndpoint(FactoryRegistry registry)
        {
            public object Make() => registry.Create<object>();

            CALLER
        }
        """;

    [Fact]
    public async Task SingletonRegistryOfFactories_ExtendedByAFluentApiAndByTheHostsComposition()
    {
        // The fluent CreateUsing is the library users' extension point, which nothing in this compilation calls;
        // UnsafeCreateUsing runs only while the host is composed.
        await Test(FactoryRegistry.Replace("{|#0:_factories|}", "_factories").Replace("CALLER", ""), References.AspNetCore)
            .ValidateAsync();
    }

    [Theory]
    [InlineData("public void Learn() => registry.CreateUsing(() => new object());")]
    [InlineData("public void Learn() => registry.UnsafeCreateUsing(typeof(string), () => \"\");")]
    public async Task SingletonRegistryOfFactories_ExtendedByAnEndpoint_IsReported(string caller)
    {
        // The counterpart: an endpoint adds factories while other requests read them.
        await Test(FactoryRegistry.Replace("CALLER", caller), References.AspNetCore)
            .ExpectDiagnostic(Flagged(0, "_factories", "Dictionary<Type, Func<object>>"))
            .ValidateAsync();
    }

    /// <summary>
    /// A library's options object: its fluent <c>AddDecorator</c> fills a list of services to register inside the
    /// user's configure callback; <c>AddWidgets</c> registers them and then the object itself, as a singleton instance.
    /// ELEMENT is what the list holds, <c>// (caller)</c> where a test adds a use.
    /// </summary>
    private const string WidgetOptionsRegistry = """
        using System;
        using System.Collections.Generic;
        using Microsoft.Extensions.DependencyInjection;

        public sealed class WidgetOptions
        {
            public List<ELEMENT> {|#0:Decorators|} { get; } = new();

            public WidgetOptions AddDecorator(Type decoratorType)
            {
                Decorators.Add(NEW);
                return this;
            }
        }

        public static class WidgetServiceCollectionExtensions
        {
            public static IServiceCollection AddWidgets(this IServiceCollection services, Action<WidgetOptions> configure)
            {
                var options = new WidgetOptions();
                configure(options);
                services.AddSingleton(options);
                return services;
            }
        }

        public sealed class WidgetEndpoint(WidgetOptions options)
        {
            public int Count() => options.Decorators.Count;
            // (caller)
        }
        """;

    [Fact]
    public async Task SingletonOptionsListingServicesToRegister_FilledOnlyByItsUncalledFluentApi()
    {
        // ServiceDescriptors built from the types a user names in AddWidgets(o => o.AddDecorator(…)): registrations,
        // which nothing in this compilation adds after start-up.
        await Test(
                WidgetOptionsRegistry.Replace("{|#0:Decorators|}", "Decorators").Replace("ELEMENT", "ServiceDescriptor")
                    .Replace("NEW", "new ServiceDescriptor(decoratorType, decoratorType, ServiceLifetime.Transient)"),
                References.DependencyInjection)
            .ValidateAsync();
    }

    [Theory]
    [InlineData("ServiceDescriptor", "new ServiceDescriptor(decoratorType, decoratorType, ServiceLifetime.Transient)", "public void Learn() => options.AddDecorator(typeof(object));")]
    [InlineData("string", "decoratorType.Name", "public void Learn() => options.AddDecorator(typeof(object));")]
    public async Task SingletonOptionsList_FilledWhileServingIsReported(string element, string created, string caller)
    {
        // An endpoint that adds to it while requests read it.
        await Test(
                WidgetOptionsRegistry.Replace("ELEMENT", element).Replace("NEW", created).Replace("// (caller)", caller),
                References.DependencyInjection)
            .ExpectDiagnostic(Flagged(0, "Decorators", $"List<{element}>"))
            .ValidateAsync();
    }

    private const string PipelineBuilderState = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.DependencyInjection.Extensions;

        public abstract class PipelineBuilder
        {
            public abstract PipelineBuilder AddStage(string stage);
        }

        public sealed class PipelineBuilderState : BASE
        {
            public List<string> {|#0:Stages|} { get; } = new();

            public PipelineBuilderState() { }

            public OVERRIDE RETURNS AddStage(string stage)
            {
                // the stage is kept as given
                Stages.Add(stage);
                RETURN
            }
        }

        public sealed record ConfigurePipeline(Action<IServiceProvider, PipelineBuilderState> Configure);

        public sealed class Pipeline
        {
            public IReadOnlyList<string> Stages { get; }

            public Pipeline(IServiceProvider services)
            {
                var state = services.GetRequiredService<PipelineBuilderState>();
                foreach (var step in services.GetServices<ConfigurePipeline>())
                {
                    step.Configure(services, state);
                }

                Stages = state.Stages.ToArray();
            }
        }

        public static class PipelineServiceCollectionExtensions
        {
            public static IServiceCollection AddStage(this IServiceCollection services, string stage)
            {
                services.TryAddSingleton<PipelineBuilderState>();
                services.TryAddSingleton<Pipeline>();
                services.AddSingleton(new ConfigurePipeline((sp, builder) => builder.AddStage(stage)));
                return services;
            }
        }
        """;

    [Theory]
    // It returns the builder it derives from, or itself.
    [InlineData("PipelineBuilderState", "PipelineBuilder", "override", "PipelineBuilder", "return this;")]
    [InlineData("StageListBuilder", "object", "", "StageListBuilder", "return this;")]
    public async Task BuilderStateRegisteredAsASingleton_FilledByItsFluentMethods(string typeName, string baseType, string modifier, string returns, string returned)
    {
        // A builder's list filled through fluent calls that the configure callbacks make while the pipeline is built.
        await Test(
                PipelineBuilderState.Replace("{|#0:Stages|}", "Stages").Replace("BASE", baseType)
                    .Replace("OVERRIDE", modifier).Replace("RETURNS", returns).Replace("RETURN", returned).Replace("PipelineBuilderState", typeName),
                References.DependencyInjection)
            .ValidateAsync();
    }

    [Theory]
    // A method of the builder that does not hand the builder back: not a step of building.
    [InlineData("PipelineBuilderState", "object", "", "void", "")]
    // The same fluent type, not named for building: an options object or a registry filled while serving.
    [InlineData("PipelineStages", "object", "", "PipelineStages", "return this;")]
    public async Task NotAFluentBuilder_IsReported(string typeName, string baseType, string modifier, string returns, string returned)
    {
        await Test(
                PipelineBuilderState.Replace("BASE", baseType).Replace("OVERRIDE", modifier).Replace("RETURNS", returns)
                    .Replace("RETURN", returned).Replace("PipelineBuilderState", typeName),
                References.DependencyInjection)
            .ExpectDiagnostic(Flagged(0, "Stages", "List<string>"))
            .ValidateAsync();
    }

    private const string ModuleSetup = """
        using System;
        using System.Collections.Generic;
        using Microsoft.Extensions.DependencyInjection;

        public interface IModule { }

        public sealed class ModuleSetup
        {
            internal ModuleSetup() { }

            internal List<Type> {|#0:ModuleTypes|} { get; } = new();

            // For the app's configure callback.
            public RETURNS WithModule<T>() where T : IModule
            {
                ModuleTypes.Add(typeof(T));
                RETURN
            }
        }

        public static class ModuleServiceCollectionExtensions
        {
            public static IServiceCollection AddModules(this IServiceCollection services, Action<ModuleSetup>? configure = null)
            {
                var setup = new ModuleSetup();
                configure?.Invoke(setup);
                foreach (var type in setup.ModuleTypes)
                {
                    services.AddSingleton(typeof(IModule), type);
                }

                services.AddSingleton(setup);
                return services;
            }
        }

        public sealed class ModuleCatalog
        {
            private readonly ModuleSetup _setup;

            public ModuleCatalog(ModuleSetup setup) => _setup = setup;

            public int Count => _setup.ModuleTypes.Count;

            // (elsewhere)
        }
        """;

    [Fact]
    public async Task SetUpObjectMadeWhileComposing_FilledByItsFluentMethods()
    {
        // Not named for building, but a builder by what it does: its only instance is made in an AddX extension, handed
        // to the app's configure callback, whose fluent calls fill it, and registered once configured.
        await Test(ModuleSetup.Replace("{|#0:ModuleTypes|}", "ModuleTypes").Replace("RETURNS", "ModuleSetup").Replace("RETURN", "return this;"), References.DependencyInjection)
            .ValidateAsync();
    }

    [Fact]
    public async Task SetUpObjectMadeWhileComposing_ChangedByAMethodThatIsNotFluent_IsReported()
    {
        await Test(ModuleSetup.Replace("RETURNS", "void").Replace("RETURN", ""), References.DependencyInjection)
            .ExpectDiagnostic(Flagged(0, "ModuleTypes", "List<Type>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task SetUpObjectAlsoMadeWhileServing_IsReported()
    {
        // A second instance made by request code: the type is not only the composition's.
        await Test(
                ModuleSetup.Replace("RETURNS", "ModuleSetup").Replace("RETURN", "return this;")
                    .Replace("// (elsewhere)", "public int CountWith<T>() where T : IModule => new ModuleSetup().WithModule<T>().ModuleTypes.Count;"),
                References.DependencyInjection)
            .ExpectDiagnostic(Flagged(0, "ModuleTypes", "List<Type>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task SetUpObjectChangedWhileServing_IsReported()
    {
        // The registered instance's fluent method called by a service while requests read the list.
        await Test(
                ModuleSetup.Replace("RETURNS", "ModuleSetup").Replace("RETURN", "return this;")
                    .Replace("// (elsewhere)", "public void Learn<T>() where T : IModule => _setup.WithModule<T>();"),
                References.DependencyInjection)
            .ExpectDiagnostic(Flagged(0, "ModuleTypes", "List<Type>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task SetUpObjectMadeInARegistrationFactory_IsReported()
    {
        // The factory runs when the container first resolves the service, alongside requests. The list holds names
        // (data): a singleton's list of types with an uncalled fluent API would be a registry of code, left alone (see
        // SingletonRegistryOfFactories_ExtendedByAFluentApiAndByTheHostsComposition).
        await Test(
                ModuleSetup.Replace("RETURNS", "ModuleSetup").Replace("RETURN", "return this;")
                    .Replace("internal List<Type>", "internal List<string>").Replace("ModuleTypes.Add(typeof(T));", "ModuleTypes.Add(typeof(T).AssemblyQualifiedName!);")
                    .Replace("services.AddSingleton(typeof(IModule), type);", "services.AddSingleton(typeof(IModule), Type.GetType(type)!);")
                    .Replace("services.AddSingleton(setup);", "services.AddSingleton(_ => new ModuleSetup());"),
                References.DependencyInjection)
            .ExpectDiagnostic(Flagged(0, "ModuleTypes", "List<string>"))
            .ValidateAsync();
    }

    private const string MessagingBuilderSetUp = """
        using System.Collections.Generic;
        using System.Linq;
        using Microsoft.Extensions.DependencyInjection;

        public interface IHeaderRenames
        {
            void Add(string from, string to);
            string Map(string name);
        }

        internal sealed class HeaderRenames : IHeaderRenames
        {
            private readonly Dictionary<string, string> {|#0:_map|} = new();

            public void Add(string from, string to) => _map[from] = to;

            public string Map(string name) => _map.TryGetValue(name, out var mapped) ? mapped : name;
        }

        // A library's own set-up builder: it carries the service collection, like IMvcBuilder.
        public interface IMessagingBuilder
        {
            IServiceCollection Services { get; }
        }

        public sealed class MessagingBuilder : IMessagingBuilder
        {
            public MessagingBuilder(IServiceCollection services)
            {
                Services = services;
                services.AddSingleton<IHeaderRenames>(new HeaderRenames());
            }

            public IServiceCollection Services { get; }
        }

        public static class MessagingBuilderExtensions
        {
            public static IMessagingBuilder WithHeaderName(this IMessagingBuilder builder, string from, string to)
            {
                var renames = (IHeaderRenames)builder.Services.Single(d => d.ServiceType == typeof(IHeaderRenames)).ImplementationInstance!;
                renames.Add(from, to);
                return builder;
            }

            // (request code)
        }
        """;

    [Fact]
    public async Task ChangedOnlyByAnExtensionOfALibrarysSetUpBuilder()
    {
        // The extension takes the library's builder, which carries the service collection: it runs while the app is
        // composed, as an IServiceCollection extension does.
        await Test(MessagingBuilderSetUp.Replace("{|#0:_map|}", "_map"), References.DependencyInjection)
            .ValidateAsync();
    }

    [Fact]
    public async Task ChangedByAnExtensionOfALibrarysSetUpBuilder_AndByRequestCode_IsReported()
    {
        await Test(
                MessagingBuilderSetUp.Replace("// (request code)", "public static void Learn(IHeaderRenames renames, string header) => renames.Add(header, header.ToLowerInvariant());"),
                References.DependencyInjection)
            .ExpectDiagnostic(Flagged(0, "_map", "Dictionary<string, string>"))
            .ValidateAsync();
    }

    /// <summary>
    /// A static hand-off between two set-up extensions: the configuration step makes a startup object and keeps it for
    /// the services step, which takes it out. CONFIG_BUILDER is what the first extension extends.
    /// </summary>
    private const string StartupHandOff = """
        using System;
        using System.Collections.Generic;
        using Microsoft.Extensions.Configuration;
        using Microsoft.Extensions.DependencyInjection;

        public interface IJobsConfigurationBuilder
        {
            IConfigurationBuilder ConfigurationBuilder { get; }
        }

        public interface IJobsSettings
        {
            string Name { get; }
        }

        public interface IJobsBuilder
        {
            IServiceCollection Services { get; }
        }

        public interface IJobsStartup
        {
            void Configure(IJobsBuilder builder);
        }

        public static class JobsBuilderExtensions
        {
            private static readonly Dictionary<Type, object> {|#0:s_startups|} = new();

            public static CONFIG_BUILDER UseConfigurationStartup(this CONFIG_BUILDER builder, Type type)
            {
                var startup = Activator.CreateInstance(type)!;
                if (startup is IJobsStartup)
                {
                    s_startups[type] = startup;
                }

                return builder;
            }

            public static IJobsBuilder UseStartup(this IJobsBuilder builder, Type type)
            {
                var startup = s_startups.Remove(type, out var made) ? (IJobsStartup)made : (IJobsStartup)Activator.CreateInstance(type)!;
                startup.Configure(builder);
                return builder;
            }
        }
        """;

    [Theory]
    [InlineData("IJobsConfigurationBuilder")]
    [InlineData("IConfigurationBuilder")]
    public async Task StaticHandOffBetweenSetUpExtensions_OfTheConfigurationAndServiceBuilders(string configBuilder)
    {
        // Both extensions run while the host is built: the configuration builder (or a library's builder carrying it)
        // is set-up code, like the service collection.
        await Test(StartupHandOff.Replace("{|#0:s_startups|}", "s_startups").Replace("CONFIG_BUILDER", configBuilder), References.AspNetCore)
            .ValidateAsync();
    }

    [Fact]
    public async Task StaticHandOffFromAnExtensionOfAnotherInterface_IsReported()
    {
        // The counterpart: IJobsSettings carries no builder, so its extension may run at any time.
        await Test(StartupHandOff.Replace("CONFIG_BUILDER", "IJobsSettings"), References.AspNetCore)
            .ExpectDiagnostic(Flagged(0, "s_startups", "Dictionary<Type, object>"))
            .ValidateAsync();
    }

    private const string ModulesRunByForEach = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading.Tasks;
        using Microsoft.Extensions.Hosting;

        public interface ITemplateRule { bool Skips(string path); }

        public sealed class DotFileRule : ITemplateRule { public bool Skips(string path) => path.StartsWith('.'); }

        public static class TemplateRules
        {
            private static readonly List<ITemplateRule> {|#0:s_rules|} = new();

            public static void Add(ITemplateRule rule) => s_rules.Add(rule);

            public static bool Skips(string path) => s_rules.Any(r => r.Skips(path));
        }

        public sealed record ModuleContext(IHostBuilder Host);

        public interface IModule { void Register(ModuleContext context); }

        public sealed class TemplateModule : IModule
        {
            public void Register(ModuleContext context) => TemplateRules.Add(new DotFileRule());
        }

        public static class ModuleLoader
        {
            public static IHostBuilder AddModules(this IHostBuilder host, List<IModule> modules)
            {
                var context = new ModuleContext(host);
                RUN;
                return host;
            }
        }
        """;

    [Theory]
    // List<T>.ForEach and Array.ForEach call the lambda right there, one element after another.
    [InlineData("modules.ForEach(m => m.Register(context))")]
    [InlineData("Array.ForEach(modules.ToArray(), m => m.Register(context))")]
    public async Task RegisteredByModulesThatTheHostsSetUpRunsThroughForEach(string run)
    {
        await Test(ModulesRunByForEach.Replace("{|#0:s_rules|}", "s_rules").Replace("RUN", run), References.AspNetCore)
            .ValidateAsync();
    }

    [Theory]
    // Other threads, or later.
    [InlineData("Parallel.ForEach(modules, m => m.Register(context))")]
    [InlineData("Task.Run(() => modules.ForEach(m => m.Register(context)))")]
    public async Task RegisteredByModulesRunAlongsideTheSetUp_IsReported(string run)
    {
        await Test(ModulesRunByForEach.Replace("RUN", run), References.AspNetCore)
            .ExpectDiagnostic(Flagged(0, "s_rules", "List<ITemplateRule>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task BuildersStaticList_IsReported()
    {
        // Every builder shares a static list: building two pipelines at once changes it from two threads.
        await Test(
                PipelineBuilderState.Replace("public List<string> {|#0:Stages|} { get; } = new();", "public static List<string> {|#0:Stages|} { get; } = new();")
                    .Replace("BASE", "PipelineBuilder").Replace("OVERRIDE", "override").Replace("RETURNS", "PipelineBuilder").Replace("RETURN", "return this;")
                    .Replace("state.Stages.ToArray()", "PipelineBuilderState.Stages.ToArray()"),
                References.DependencyInjection)
            .ExpectDiagnostic(Flagged(0, "Stages", "List<string>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task SingletonOptionsListOfData_FilledOnlyByItsUncalledApi()
    {
        // Options are filled by the app's configure callback (`AddWidgets(o => o.AddDecorator(…))`) before AddWidgets
        // registers them: the API is there for that callback, which this compilation does not make.
        await Test(
                WidgetOptionsRegistry.Replace("{|#0:Decorators|}", "Decorators").Replace("ELEMENT", "string").Replace("NEW", "decoratorType.Name"),
                References.DependencyInjection)
            .ValidateAsync();
    }

    /// <summary>
    /// Options whose filters a set-up class, an extension of the options type or a configure callback adds (CONFIGURE),
    /// registered as a singleton from <c>IOptions&lt;T&gt;.Value</c>; OTHER adds more code.
    /// </summary>
    private const string ReporterOptions = """
        using System;
        using System.Collections.Generic;
        using Microsoft.AspNetCore.Builder;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.Options;

        public interface IReportFilter { bool Drop(string message); }

        public sealed class NoiseFilter : IReportFilter { public bool Drop(string message) => message.Length == 0; }

        public class ReporterOptions
        {
            private readonly List<IReportFilter> {|#0:_filters|} = new();

            public string? Endpoint { get; set; }

            public IEnumerable<IReportFilter> Filters => _filters;

            public void AddFilter(IReportFilter filter) => _filters.Add(filter);

            public ReporterOptions AddFilters(params IReportFilter[] filters)
            {
                foreach (var filter in filters)
                {
                    AddFilter(filter);
                }

                return this;
            }
        }

        public static class ReporterOptionsExtensions
        {
            public static ReporterOptions DropEmpty(this ReporterOptions options)
            {
                options.AddFilter(new NoiseFilter());
                return options;
            }
        }

        public static class ReporterServiceCollectionExtensions
        {
            public static IServiceCollection AddReporter(this IServiceCollection services, Action<ReporterOptions> configure)
            {
                services.Configure(configure);
                services.AddSingleton<ReporterOptions>(sp => sp.GetRequiredService<IOptions<ReporterOptions>>().Value);
                return services;
            }
        }

        CONFIGURE
        """;

    [Theory]
    [InlineData("""
        public sealed class ReporterOptionsSetup : IConfigureOptions<ReporterOptions>
        {
            public void Configure(ReporterOptions options) => options.AddFilter(new NoiseFilter());
        }
        """)]
    [InlineData("""
        public sealed class ReporterOptionsSetup : IPostConfigureOptions<ReporterOptions>
        {
            public void PostConfigure(string? name, ReporterOptions options) => options.DropEmpty().AddFilters(new NoiseFilter());
        }
        """)]
    [InlineData("""
        public static class Composition
        {
            public static void Compose(IServiceCollection services)
                => services.AddReporter(options => options.DropEmpty().AddFilter(new NoiseFilter()));
        }
        """)]
    [InlineData("""
        public static class Composition
        {
            public static void Compose(IServiceCollection services)
                => services.Configure<ReporterOptions>(options => options.AddFilters(new NoiseFilter()));
        }
        """)]
    [InlineData("")]
    public async Task SingletonOptions_FilledWhileTheyAreConfigured(string configure)
    {
        // The options pattern runs every configure step once, when the options are first built, before any consumer
        // gets them.
        await Test(ReporterOptions.Replace("{|#0:_filters|}", "_filters").Replace("CONFIGURE", configure), References.DependencyInjection | References.AspNetCore)
            .ValidateAsync();
    }

    [Theory]
    // A request handler adds a filter to the one options object every request reads.
    [InlineData("""
        public sealed class FilterEndpoint(ReporterOptions options)
        {
            public void Mute() => options.AddFilter(new NoiseFilter());
        }
        """)]
    [InlineData("""
        public sealed class FilterEndpoint(ReporterOptions options)
        {
            public void Mute() => options.DropEmpty();
        }
        """)]
    [InlineData("""
        public static class Endpoints
        {
            public static void Map(WebApplication app)
                => app.MapPost("/mute", (ReporterOptions options) => options.AddFilter(new NoiseFilter()));
        }
        """)]
    // Taken as a delegate: its calls cannot be seen.
    [InlineData("""
        public sealed class FilterEndpoint(ReporterOptions options)
        {
            public Action<IReportFilter> Muter => options.AddFilter;
        }
        """)]
    public async Task SingletonOptions_ChangedOutsideTheirConfiguration_AreReported(string configure)
    {
        await Test(ReporterOptions.Replace("CONFIGURE", configure), References.DependencyInjection | References.AspNetCore)
            .ExpectDiagnostic(Flagged(0, "_filters", "List<IReportFilter>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task SingletonNotNamedAsOptions_FilledByItsUncalledApi_IsReported()
    {
        await Test(ReporterOptions.Replace("CONFIGURE", "").Replace("ReporterOptions", "ReporterFilters"), References.DependencyInjection | References.AspNetCore)
            .ExpectDiagnostic(Flagged(0, "_filters", "List<IReportFilter>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task SingletonRegistryOfData_StartingEmpty_IsReported()
    {
        // The same registry holding names of names: data, which an uncalled Register is there to fill while requests
        // run (a cache, a tracker) as much as at start-up.
        var source = BuiltInRegistry.Replace("BUILT_INS", "_formats = new();").Replace("CALLER", "")
            .Replace("Dictionary<string, Type>", "Dictionary<string, string>")
            .Replace("Type type", "string type").Replace("Type? type", "string? type")
            .Replace("(string Name, Type Type)", "(string Name, string Type)")
            .Replace("registry.Register(name, typeof(T))", "registry.Register(name, typeof(T).Name)");
        await Test(source, References.DependencyInjection)
            .ExpectDiagnostic(Flagged(0, "_formats", "Dictionary<string, string>"))
            .ValidateAsync();
    }

    private const string ListenOnTheServedInterface = "void Listen<TNotice, TListener>() where TNotice : INotice;";

    private const string RegisteredUnderItsInterface = "services.AddSingleton<INoticeBus, NoticeBus>();";

    [Theory]
    // The mutator is part of the interface the container hands out: requests can call it.
    [InlineData(ListenOnTheServedInterface, "", RegisteredUnderItsInterface)]
    // Registered as the class itself: every public member is what consumers get.
    [InlineData("", "", "services.AddSingleton<NoticeBus>();")]
    // The set-up interface is a service too: any consumer can inject it and change the map while requests read it.
    [InlineData("", "", RegisteredUnderItsInterface + "\n        services.AddSingleton<INoticeSetup>(sp => (NoticeBus)sp.GetRequiredService<INoticeBus>());")]
    // Sending registers a fallback listener on the fly: the served path changes the map.
    [InlineData("", "if (!_listeners.ContainsKey(notice.GetType())) Listen<INotice, object>();", RegisteredUnderItsInterface)]
    public async Task SingletonChangedOutsideItsSetUpApi(string servedMember, string send, string registration)
    {
        await Test(NoticeBusRegistrations.Replace("MARK", "{|#0:_listeners|}").Replace("SERVED_MEMBER", servedMember).Replace("SEND", send).Replace("REGISTRATION", registration), References.DependencyInjection)
            .ExpectDiagnostic(Flagged(0, "_listeners", "Dictionary<Type, List<Type>>"))
            .ValidateAsync();
    }

    private const string WidgetRegistrations = """
        using System.Collections.Generic;
        using System.Linq;
        using Microsoft.AspNetCore.Builder;
        using Microsoft.AspNetCore.Mvc;
        using Microsoft.Extensions.DependencyInjection;

        public interface IWidgetRegistry
        {
            void Register(string widget);

            IReadOnlyList<string> All();
        }

        public sealed class WidgetRegistry : IWidgetRegistry
        {
            private readonly List<string> MARK = new();

            public void Register(string widget) => _widgets.Add(widget);

            public IReadOnlyList<string> All() => _widgets.ToList();
        }

        public static class WidgetSetup
        {
            public static IServiceCollection AddWidgets(this IServiceCollection services)
                => services.AddSingleton<IWidgetRegistry, WidgetRegistry>();

            public static IApplicationBuilder UseWidgets(this IApplicationBuilder app)
            {
                var registry = app.ApplicationServices.GetRequiredService<IWidgetRegistry>();
                registry.Register("clock");
                registry.Register("weather");
                return app;
            }
        }

        public sealed class WidgetsController(IWidgetRegistry registry) : ControllerBase
        {
            [HttpGet("widgets")]
            public IReadOnlyList<string> Get() => registry.All();
        EXTRA
        }
        """;

    private const string MessagingOptions = """
        using System;
        using System.Collections.Generic;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.DependencyInjection.Extensions;

        public sealed class ReplyFormatRegistry
        {
            private readonly List<Type> MARK = new();

            public IReadOnlyList<Type> Formats => _formats;

            public void Add(Type format) => _formats.Add(format);
        }

        public sealed class MessagingOptions
        {
            public MessagingOptions(IServiceCollection services) => Services = services;

            public IServiceCollection Services { get; }

            public ReplyFormatRegistry ReplyFormats { get; } = new();

            public void UseReplyFormat<T>()
            {
                ReplyFormats.Add(typeof(T));
                REGISTRATION
            }
        }

        public static class MessagingSetup
        {
            public static IServiceCollection AddMessaging(this IServiceCollection services)
                => services.AddSingleton(provider => new ReplyFormatRegistry());
        }
        """;

    [Fact]
    public async Task RegistryFilledByAnOptionsMethodThatRegistersNothing()
    {
        // The options method does not touch the service collection: nothing shows it runs while the app is composed.
        await Test(MessagingOptions.Replace("MARK", "{|#0:_formats|}").Replace("REGISTRATION", ""), References.DependencyInjection)
            .ExpectDiagnostic(Flagged(0, "_formats", "List<Type>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task SingletonFilledThroughItsInterface_AlsoFromAnEndpoint()
    {
        // The start-up code registers widgets, and so does an endpoint, while other requests read the list.
        await Test(WidgetRegistrations.Replace("MARK", "{|#0:_widgets|}").Replace("EXTRA", "\n    [HttpPost(\"widgets\")]\n    public void Add(string name) => registry.Register(name);"), References.AspNetCore)
            .ExpectDiagnostic(Flagged(0, "_widgets", "List<string>"))
            .ValidateAsync();
    }

    /// <summary>
    /// <see cref="WidgetRegistrations"/> with an <c>Unregister</c> on the registrar's interface (removing in a
    /// <c>List.ForEach</c> lambda, which runs in place), which an
    /// <c>IApplicationBuilder</c> extension calls, and a public forwarding extension <c>Register(group, names)</c> on
    /// the interface that nothing in the compilation calls (the app's modules do, at start-up).
    /// </summary>
    private static string WidgetRegistrationsWithUnregisterAndForwarder(string mark, string extra)
        => WidgetRegistrations
            .Replace("MARK", mark)
            .Replace("EXTRA", extra)
            .Replace("    void Register(string widget);\n", "    void Register(string widget);\n\n    void Unregister(string widget);\n")
            .Replace("    public void Register(string widget) => _widgets.Add(widget);\n", "    public void Register(string widget) => _widgets.Add(widget);\n\n    public void Unregister(string widget) => _widgets.Where(w => w == widget).ToList().ForEach(w => _widgets.Remove(w));\n")
            .Replace("public static class WidgetSetup\n{", """
                public static class WidgetRegistryExtensions
                {
                    public static IWidgetRegistry Register(this IWidgetRegistry registry, string group, IEnumerable<string> widgets)
                    {
                        foreach (var widget in widgets)
                        {
                            registry.Register(group + "/" + widget);
                        }

                        return registry;
                    }
                }

                public static class WidgetSetup
                {
                    public static IApplicationBuilder DropWidget(this IApplicationBuilder app, string widget)
                    {
                        app.ApplicationServices.GetRequiredService<IWidgetRegistry>().Unregister(widget);
                        return app;
                    }

                """);

    [Fact]
    public async Task SingletonFilledThroughItsInterface_UnregisteredWhileComposing_WithAnUncalledForwardingExtension()
    {
        // Register and Unregister are called through the interface by IApplicationBuilder extensions only; the public
        // Register(group, widgets) extension has no caller in the compilation, so it says nothing about when the API runs.
        var source = WidgetRegistrationsWithUnregisterAndForwarder("_widgets", "");
        Assert.Contains("Unregister(string widget) => _widgets.Where(w => w == widget).ToList().ForEach(w => _widgets.Remove(w))", source);
        Assert.Contains("public static IWidgetRegistry Register(this IWidgetRegistry registry", source);
        await Test(source, References.AspNetCore).ValidateAsync();
    }

    [Theory]
    [InlineData("\n    [HttpDelete(\"widgets\")]\n    public void Remove(string name) => registry.Unregister(name);")]
    [InlineData("\n    [HttpPost(\"widgets\")]\n    public void Add(string name) => registry.Register(\"user\", new[] { name });")]
    public async Task SingletonFilledThroughItsInterface_UnregisterOrForwarderCalledByAnEndpointIsReported(string endpoint)
    {
        await Test(WidgetRegistrationsWithUnregisterAndForwarder("{|#0:_widgets|}", endpoint), References.AspNetCore)
            .ExpectDiagnostic(Flagged(0, "_widgets", "List<string>"))
            .ValidateAsync();
    }

    private const string ChainTracker = """
        using System.Collections.Generic;
        using Microsoft.Extensions.DependencyInjection;

        public sealed class ChainTracker
        {
            private readonly object _gate = new();
            private readonly Dictionary<int, List<int>> MARK = new();

            public void Link(int parent, int child)
            {
                lock (_gate)
                {
                    if (!_children.TryGetValue(parent, out var list))
                    {
                        _children[parent] = list = new List<int>();
                    }

                    list.Add(child);
                }
            }

            public int Drop(int parent)
            {
                lock (_gate)
                {
                    return DropLocked(parent);
                }
            }

            OUTSIDE
            private int DropLocked(int parent)
            {
                if (!_children.Remove(parent, out var children))
                {
                    return 0;
                }

                var dropped = children.Count;
                foreach (var child in children)
                {
                    dropped += DropLocked(child);
                }

                return dropped;
            }
        }

        public static class Registration
        {
            public static IServiceCollection AddTracker(this IServiceCollection services) => services.AddSingleton<ChainTracker>();
        }
        """;

    [Fact]
    public async Task RecursiveHelperAlsoCalledWithoutTheLock()
    {
        await Test(ChainTracker.Replace("MARK", "{|#0:_children|}").Replace("OUTSIDE", "public int DropUnlocked(int parent) => DropLocked(parent);\n"), References.DependencyInjection)
            .ExpectDiagnostic(Flagged(0, "_children", "Dictionary<int, List<int>>"))
            .ValidateAsync();
    }

    private const string SemaphoreTracker = """
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.Extensions.DependencyInjection;

        public sealed class Tracker
        {
            private readonly List<string> MARK = new();
            private readonly SemaphoreSlim _gate = new(1);

            public async Task AddAsync(string item, CancellationToken token)
            {
                await _gate.WaitAsync(token);
                try
                {
                    _items.Add(item);
                }
                finally
                {
                    _gate.Release();
                }
            }

            public async Task PruneAsync(CancellationToken token)
            {
                var index = 0;
                void RemoveCurrent() => _items.RemoveAt(index);

                await _gate.WaitAsync(token);
                try
                {
                    while (index < _items.Count)
                    {
                        if (_items[index].Length == 0)
                        {
                            RemoveCurrent();
                        }
                        else
                        {
                            index++;
                        }
                    }
                }
                finally
                {
                    _gate.Release();
                }
        OUTSIDE
            }
        }

        public static class Registration
        {
            public static void Add(IServiceCollection services) => services.AddSingleton<Tracker>();
        }
        """;

    [Fact]
    public async Task LocalFunctionAlsoCalledAfterTheSemaphoreIsReleased()
    {
        await Test(SemaphoreTracker.Replace("MARK", "{|#0:_items|}").Replace("OUTSIDE", "\n        if (_items.Count > 100)\n        {\n            RemoveCurrent();\n        }"), References.DependencyInjection)
            .ExpectDiagnostic(Flagged(0, "_items", "List<string>"))
            .ValidateAsync();
    }

    private const string SubscriptionHost = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using Microsoft.Extensions.DependencyInjection;

        public sealed class Subscription : IDisposable
        {
            public void Dispose() { }
        }

        public sealed class SubscriptionHost : IDisposable
        {
            private readonly List<Subscription> MARK
            private int _started;

            public SubscriptionHost(IEnumerable<Subscription> subscriptions) => _subscriptions = subscriptions.ToList();

            public void Start() => Interlocked.Exchange(ref _started, 1);

            public void Stop()
            {
                if (Interlocked.CompareExchange(ref _started, 0, 1) == 1)
                {
                    STOP
                }
            }

            public void Dispose()
            {
                Stop();
                _subscriptions.Clear();
            }
        }

        public static class Registration
        {
            public static IServiceCollection AddSubscriptions(this IServiceCollection services) => services.AddSingleton<SubscriptionHost>();
        }
        """;

    [Fact]
    public async Task ClearAfterAStopThatReleasesNothing()
    {
        // The helper only logs: the Clear() is not a teardown of released resources.
        await Test(SubscriptionHost.Replace("MARK", "{|#0:_subscriptions|};").Replace("STOP", "Console.WriteLine($\"Stopping {_subscriptions.Count} subscriptions\");"), References.DependencyInjection)
            .ExpectDiagnostic(Flagged(0, "_subscriptions", "List<Subscription>"))
            .ValidateAsync();
    }

    private const string FileLockers = """
        using System;
        using System.Collections.Generic;
        using System.IO;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.Hosting;

        public interface IFileLocker
        {
            Task LockAllAsync(string root, CancellationToken token);
        }

        public sealed class FileLocker : IFileLocker, IDisposable
        {
            private readonly List<FileStream> MARK = new();
            QUEUEFIELD
            public Task LockAllAsync(string root, CancellationToken token)
            {
                QUEUELOCAL
                pending.Enqueue(root);
                while (pending.TryDequeue(out var directory))
                {
                    var files = Directory.GetFiles(directory);
                    for (var i = 0; i < files.Length; i++)
                    {
                        _held.Add(File.OpenRead(files[i]));
                    }

                    foreach (var child in Directory.GetDirectories(directory))
                    {
                        pending.Enqueue(child);
                    }
                }

                return Task.CompletedTask;
            }

            public void Dispose()
            {
                foreach (var stream in _held)
                {
                    stream.Dispose();
                }

                _held.Clear();
            }
        }

        public sealed class LockOnStart(IFileLocker locker) : BackgroundService
        {
            protected override Task ExecuteAsync(CancellationToken stoppingToken) => locker.LockAllAsync(AppContext.BaseDirectory, stoppingToken);
        }

        public static class Registration
        {
            public static void Add(IServiceCollection services)
            {
                services.AddSingleton<IFileLocker, FileLocker>();
                services.AddHostedService<LockOnStart>();
            }
        }
        """;

    [Fact]
    public async Task LoaderDrainingAWorkListTheTypeKeeps()
    {
        // The queue is a field: the loop drains what any caller left there, so it is not one pass of its own.
        await Test(FileLockers.Replace("MARK", "{|#0:_held|}").Replace("QUEUEFIELD", "private readonly Queue<string> {|#1:pending|} = new();\n").Replace("QUEUELOCAL", ""), References.AspNetCore)
            .ExpectDiagnostic(Flagged(0, "_held", "List<FileStream>"))
            .ExpectDiagnostic(Flagged(1, "pending", "Queue<string>"))
            .ValidateAsync();
    }

    private const string NamingRules = """
        using System;
        using System.Collections.Generic;

        public interface INamingRule
        {
            string? TryName(Type type);
        }

        public sealed class AttributeRule : INamingRule
        {
            public string? TryName(Type type) => null;
        }

        public sealed class FullNameRule : INamingRule
        {
            public string? TryName(Type type) => type.FullName;
        }

        public static class MessageNames
        {
            private static readonly List<INamingRule> RULES;

            public static void InsertFirst<T>() where T : INamingRule, new()
            {
                if (s_rules.Count > 0 && s_rules[0] is T)
                {
                    return;
                }

                s_rules.Insert(0, new T());
            }

            public static string NameOf(Type type)
            {
                foreach (var rule in s_rules)
                {
                    if (rule.TryName(type) is { } name)
                    {
                        return name;
                    }
                }

                return type.Name;
            }
        }
        """;

    [Fact]
    public async Task StaticRegistryThatStartsEmpty_ExtendedByItsInsertMethod()
    {
        // No built-in entries: the API is the only writer, as in a cache.
        await Test(NamingRules.Replace("RULES", "{|#0:s_rules|} = new()"))
            .ExpectDiagnostic(Flagged(0, "s_rules", "List<INamingRule>"))
            .ValidateAsync();
    }

    /// <summary>
    /// A library's static registry that starts empty, filled by a public <c>Register…</c> API (and a generic overload
    /// forwarding to it) for its users; <c>// (caller)</c> is where a test adds code that calls it.
    /// </summary>
    private const string StaticAliasRegistry = """
        using System;
        using System.Collections.Generic;

        public static class TypeAliases
        {
            private static readonly Dictionary<string, Type> {|#0:s_aliases|} = new();
            private static readonly Dictionary<Type, Func<object, bool>> {|#1:s_validators|} = new();
            private static readonly Dictionary<Type, List<MulticastDelegate>> {|#2:s_callbacks|} = new();

            public static void RegisterAlias(string alias, Type type) => s_aliases[alias] = type;

            public static void Configure<T>(Action<T> callback)
            {
                if (!s_callbacks.TryGetValue(typeof(T), out var callbacks))
                {
                    s_callbacks[typeof(T)] = callbacks = new List<MulticastDelegate>();
                }

                callbacks.Add(callback);
            }

            public static void RegisterAlias<T>(string alias) => RegisterAlias(alias, typeof(T));

            public static void RegisterValidator<T>(Func<T, bool> validator) => s_validators[typeof(T)] = value => validator((T)value);

            public static Type? Find(string alias) => s_aliases.TryGetValue(alias, out var type) ? type : null;

            public static bool IsValid(object value) => !s_validators.TryGetValue(value.GetType(), out var validate) || validate(value);
        }

        public sealed class AliasEndpoint
        {
            public Type? Get(string alias) => TypeAliases.Find(alias);
            // (caller)
        }
        """;

    [Fact]
    public async Task StaticRegistryOfCodeThatStartsEmpty_ItsRegisterApiUncalledInTheCompilation()
    {
        // Types by alias and validators by type: code, registered by the library's users (at start-up, in their code);
        // nothing in this compilation changes the maps.
        await Test(StaticAliasRegistry.Replace("{|#0:s_aliases|}", "s_aliases").Replace("{|#1:s_validators|}", "s_validators").Replace("{|#2:s_callbacks|}", "s_callbacks")).ValidateAsync();
    }

    [Fact]
    public async Task StaticRegistryOfCodeThatStartsEmpty_RegisteredByAnEndpointIsReported()
    {
        await Test(StaticAliasRegistry.Replace(
                "// (caller)",
                "public void Learn(string alias) => TypeAliases.RegisterAlias<object>(alias);\n    public void Check() => TypeAliases.RegisterValidator<string>(s => s.Length > 0);\n    public void Watch() => TypeAliases.Configure<string>(s => { });"))
            .ExpectDiagnostic(Flagged(0, "s_aliases", "Dictionary<string, Type>"))
            .ExpectDiagnostic(Flagged(1, "s_validators", "Dictionary<Type, Func<object, bool>>"))
            .ExpectDiagnostic(Flagged(2, "s_callbacks", "Dictionary<Type, List<MulticastDelegate>>"))
            .ValidateAsync();
    }

    /// <summary>
    /// A parser's static registry of custom selectors, which starts empty and is filled by a public <c>Register…</c>
    /// API; ENTRY is what one entry holds, <c>// (caller)</c> where a test adds code that calls the API.
    /// </summary>
    private const string SelectorRegistry = """
        using System;
        using System.Collections.Generic;

        public sealed class Parser
        {
            internal sealed class SelectorInfo
            {
                ENTRY
            }

            internal static readonly Dictionary<string, SelectorInfo> {|#0:CustomSelectors|} = new();

            public static void RegisterCustomSelector<TNode, T1>(string name, Func<T1, Func<TNode, bool>> selector)
                => CustomSelectors.Add(name, new SelectorInfo { Method = selector, ParameterTypes = [typeof(T1)] });

            public Delegate Lookup(string name) => CustomSelectors.TryGetValue(name, out var info) ? info.Method : throw new FormatException(name);
        }

        public sealed class Page
        {
            public Delegate Find(string name) => new Parser().Lookup(name);
            // (caller)
        }
        """;

    [Theory]
    [InlineData("public Delegate Method { get; init; } = null!; public Type[] ParameterTypes { get; init; } = [];")]
    [InlineData("public Delegate Method { get; init; } = null!; public List<Type> ParameterTypes { get; init; } = [];")]
    [InlineData("public Delegate Method { get; init; } = null!; public (Type Type, Type[] Arguments) Shape { get; init; } public Type[] ParameterTypes { get; init; } = [];")]
    public async Task StaticRegistryOfClassesHoldingCode_ItsRegisterApiUncalledInTheCompilation(string entry)
    {
        // Each entry is a delegate with the types of its parameters: code, registered by the library's users
        // (DotnetSpider's Parser.CustomSelectors).
        await Test(SelectorRegistry.Replace("ENTRY", entry).Replace("{|#0:CustomSelectors|}", "CustomSelectors")).ValidateAsync();
    }

    [Theory]
    [InlineData("public Delegate Method { get; init; } = null!; public Type[] ParameterTypes { get; init; } = []; public string Description { get; set; } = \"\";", "")]
    [InlineData("public Delegate Method { get; init; } = null!; public Type[] ParameterTypes { get; init; } = [];", "public void Learn(string name) => Parser.RegisterCustomSelector<string, int>(name, n => s => s.Length == n);")]
    [InlineData("public Delegate Method { get; init; } = null!; public Type[] ParameterTypes { get; init; } = []; public List<SelectorInfo> Children { get; init; } = [];", "")]
    public async Task StaticRegistryOfClassesHoldingData_OrRegisteredByTheCompilation_IsReported(string entry, string caller)
    {
        // An entry with a value besides code, or the API called from the compilation's own code: reported.
        await Test(SelectorRegistry.Replace("ENTRY", entry).Replace("// (caller)", caller))
            .ExpectDiagnostic(Flagged(0, "CustomSelectors", "Dictionary<string, SelectorInfo>"))
            .ValidateAsync();
    }

    // ---------------------------------------------------------------- left alone

    [Fact]
    public async Task RegistryFilledByAnOptionsMethodThatRegistersServices()
    {
        // UseReplyFormat<T>() also registers services through the options object's Services: it runs while the app is
        // composed, so the registry is filled before the first request.
        await Test(MessagingOptions.Replace("MARK", "_formats").Replace("REGISTRATION", "Services.TryAddSingleton(ReplyFormats);"), References.DependencyInjection)
            .ValidateAsync();
    }

    /// <summary>A catalog that gathers converter types while the app is composed, given the service collection by its primary constructor.</summary>
    private const string ConverterCatalog = """
        using System;
        using System.Collections.Generic;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.DependencyInjection.Extensions;

        public sealed class ConverterCatalog(IServiceCollection services)
        {
            public Dictionary<Type, Type> {|#0:Converters|} { get; } = new();

            public void Include(Type model, Type converter)
            {
                REGISTRATION
                Converters.Add(model, converter);
            }
        }

        public static class ConverterSetup
        {
            public static IServiceCollection AddConverters(this IServiceCollection services, Action<ConverterCatalog> configure)
            {
                var catalog = new ConverterCatalog(services);
                services.TryAddSingleton(catalog);
                configure(catalog);
                return services;
            }
        }
        """;

    [Fact]
    public async Task CatalogFilledByAMethodThatRegistersThroughItsPrimaryConstructorsServices()
    {
        // Include also adds to the service collection its primary constructor was given: it can run only while the app is composed.
        await Test(ConverterCatalog.Replace("{|#0:Converters|}", "Converters").Replace("REGISTRATION", "services.TryAdd(ServiceDescriptor.Transient(converter, converter));"), References.DependencyInjection)
            .ValidateAsync();
    }

    [Fact]
    public async Task CatalogFilledByAMethodThatRegistersNothing_IsReported()
    {
        await Test(ConverterCatalog.Replace("REGISTRATION", "_ = services.Count;"), References.DependencyInjection)
            .ExpectDiagnostic(Flagged(0, "Converters", "Dictionary<Type, Type>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task StaticRegistryOfBuiltInsFromItsInitializer_ExtendedByItsInsertMethod()
    {
        // The built-in rules come with the initializer; users put theirs first at start-up.
        await Test(NamingRules.Replace("RULES", "s_rules = [new AttributeRule(), new FullNameRule()]"))
            .ValidateAsync();
    }

    [Fact]
    public async Task StaticRegistryOfBuiltInsFromItsStaticConstructor_ExtendedByItsInsertMethod()
    {
        // The same built-ins, created with the list by the static constructor.
        await Test(NamingRules.Replace("RULES", "s_rules;\n\n    static MessageNames() => s_rules = new List<INamingRule> { new AttributeRule(), new FullNameRule() }"))
            .ValidateAsync();
    }

    [Fact]
    public async Task LoaderWalkingATreeThroughALocalWorkList()
    {
        // The directory walk ends when its own queue is empty: one pass, like a for loop, run once by a hosted service.
        await Test(FileLockers.Replace("MARK", "_held").Replace("QUEUEFIELD", "").Replace("QUEUELOCAL", "var pending = new Queue<string>();"), References.AspNetCore)
            .ValidateAsync();
    }

    [Fact]
    public async Task ClearAfterAStopThatReleasesEachElement()
    {
        // Dispose() calls Stop(), which disposes every subscription, then clears the list: a teardown.
        await Test(SubscriptionHost.Replace("MARK", "_subscriptions;").Replace("STOP", "foreach (var subscription in _subscriptions)\n            {\n                subscription.Dispose();\n            }"), References.DependencyInjection)
            .ValidateAsync();
    }

    [Fact]
    public async Task RecursiveHelperCalledOnlyUnderTheLock()
    {
        // The helper calls itself: those calls run under the lock its outside callers hold.
        await Test(ChainTracker.Replace("MARK", "_children").Replace("OUTSIDE", ""), References.DependencyInjection)
            .ValidateAsync();
    }

    [Fact]
    public async Task LocalFunctionCalledOnlyWhileTheSemaphoreIsHeld()
    {
        // The local function runs where it is called: inside the semaphore region.
        await Test(SemaphoreTracker.Replace("MARK", "_items").Replace("OUTSIDE", ""), References.DependencyInjection)
            .ValidateAsync();
    }

    [Theory]
    [InlineData("Register")]
    [InlineData("CreateWidget")]
    public async Task SingletonFilledThroughItsInterface_OnlyWhileTheAppIsComposed(string verb)
    {
        // Every call of the registrar, through its interface, is in an IApplicationBuilder extension: the list is filled
        // once, before the first request, and requests only read it. (An installation context's `CreateQueue(…)`,
        // called by each component's set-up method, is the same shape.)
        await Test(WidgetRegistrations.Replace("MARK", "_widgets").Replace("EXTRA", "").Replace("Register(", verb + "("), References.AspNetCore)
            .ValidateAsync();
    }

    [Fact]
    public async Task SingletonRegisteredUnderItsInterface_FilledOnlyThroughItsSetUpInterface()
    {
        // The container hands out INoticeBus, whose members only read the map. Listeners are added through the set-up
        // interface the library returns from ConfigureNotices at start-up.
        await Test(NoticeBusRegistrations.Replace("MARK", "_listeners").Replace("SERVED_MEMBER", "").Replace("SEND", "").Replace("REGISTRATION", RegisteredUnderItsInterface), References.DependencyInjection)
            .ValidateAsync();
    }

    /// <summary>
    /// A background service's dispatch loop: it starts its workers into a private list, hands each message to the next
    /// one, and completes and clears them when the channel ends. <c>// (more)</c> is where a test adds a use.
    /// </summary>
    private const string DispatchLoop = """
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Channels;
        using System.Threading.Tasks;
        using Microsoft.Extensions.Hosting;

        public sealed class Worker
        {
            public Task DeliverAsync(string message, CancellationToken cancellationToken) => Task.CompletedTask;

            public void Complete() { }
        }

        public sealed class DispatchService : BackgroundService
        {
            private readonly Channel<string> _channel;
            private readonly List<Worker> {|#0:_workers|};

            public DispatchService(Channel<string> channel)
            {
                _channel = channel;
                _workers = new List<Worker>(4);
            }

            protected override async Task ExecuteAsync(CancellationToken stoppingToken)
            {
                for (var i = 0; i < 4; i++)
                {
                    _workers.Add(new Worker());
                }

                var index = 0;
                await foreach (var message in _channel.Reader.ReadAllAsync(stoppingToken))
                {
                    await _workers[index].DeliverAsync(message, stoppingToken);
                    index = (index + 1) % _workers.Count;
                }

                foreach (var worker in _workers)
                {
                    worker.Complete();
                }

                _workers.Clear();
                // (more)
            }
        }
        """;

    [Fact]
    public async Task HostedService_CollectionOnlyItsExecuteAsyncUses()
    {
        await Test(DispatchLoop, References.DependencyInjection).ValidateAsync();
    }

    /// <summary>
    /// A sampler whose loop calls a private helper that skips the processes it failed on before; <c>// (more)</c> is
    /// where a test adds a use of the helper.
    /// </summary>
    private const string SamplerLoop = """
        using System;
        using System.Collections.Generic;
        using System.Diagnostics;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.Extensions.Hosting;

        public sealed class CpuSampler : BackgroundService
        {
            private readonly HashSet<int> {|#0:_ignored|} = new();

            protected override async Task ExecuteAsync(CancellationToken stoppingToken)
            {
                while (!stoppingToken.IsCancellationRequested)
                {
                    var total = Sample();
                    Console.WriteLine(total);
                    await Task.Delay(1000, stoppingToken);
                    // (more)
                }
            }

            private double Sample() => SampleProcesses(Process.GetProcesses());

            private double SampleProcesses(Process[] processes)
            {
                var total = 0.0;
                foreach (var process in processes)
                {
                    if (_ignored.Contains(process.Id))
                    {
                        continue;
                    }

                    try
                    {
                        total += process.TotalProcessorTime.TotalMilliseconds;
                    }
                    catch (InvalidOperationException)
                    {
                        _ignored.Add(process.Id);
                    }
                }

                return total;
            }
        }
        """;

    [Fact]
    public async Task HostedService_CollectionOnlyPrivateHelpersOfExecuteAsyncUse()
    {
        await Test(SamplerLoop, References.DependencyInjection).ValidateAsync();
    }

    [Fact]
    public async Task HostedService_HelperAlsoCalledFromATimerCallbackIsReported()
    {
        await Test(
                SamplerLoop.Replace("// (more)", "using var timer = new Timer(_ => Sample(), null, 500, 500);"),
                References.DependencyInjection)
            .ExpectDiagnostic(Flagged(0, "_ignored", "HashSet<int>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task HostedService_CollectionAlsoUsedInALambdaOfExecuteAsyncIsReported()
    {
        // The timer callback runs on another thread while the loop goes on.
        await Test(
                DispatchLoop.Replace("// (more)", "using var timer = new Timer(_ => _workers.Add(new Worker()), null, 1000, 1000);"),
                References.DependencyInjection)
            .ExpectDiagnostic(Flagged(0, "_workers", "List<Worker>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task FilledInsideItsOwnLazyInitialization_IsSsa009s()
    {
        // The getter creates and fills the table when it finds it unset: the race is the check-then-assign, reported
        // by SSA009. A change elsewhere (SetOverride) is still this rule's.
        await Test("""
            using System;
            using System.Collections.Generic;

            public sealed class ConfigService
            {
                public static readonly ConfigService Instance = new();

                private Dictionary<string, string>? _args;
                private Dictionary<string, string>? {|#0:_overrides|};

                private ConfigService() { }

                public Dictionary<string, string> Args
                {
                    get
                    {
                        if (_args is null)
                        {
                            _args = new Dictionary<string, string>();
                            var line = Environment.GetCommandLineArgs();
                            for (var i = 1; i + 1 < line.Length; i += 2)
                            {
                                _args[line[i].TrimStart('-')] = line[i + 1];
                            }
                        }

                        return _args;
                    }
                }

                public string? Get(string key)
                {
                    if (_overrides == null)
                    {
                        _overrides = new Dictionary<string, string>();
                    }

                    return _overrides.TryGetValue(key, out var value) ? value : Args.GetValueOrDefault(key);
                }

                public void SetOverride(string key, string value) => _overrides![key] = value;
            }
            """)
            .ExpectDiagnostic(Flagged(0, "_overrides", "Dictionary<string, string>?"))
            .ValidateAsync();
    }

    /// <summary>The hand-written part of a function table whose built-ins a generated static constructor registers.</summary>
    private const string BuiltinFunctions = """
        using System;
        using System.Collections.Generic;

        public abstract partial class CustomFunction
        {
            private static readonly Dictionary<string, Func<string, string>> {|#0:s_builtins|} = new();

            protected static void AddBuiltin(string name, Func<string, string> function) => s_builtins.Add(name, function);

            public static string Invoke(string name, string argument) => s_builtins.TryGetValue(name, out var function) ? function(argument) : argument;
            // (more)
        }
        """;

    private const string GeneratedRegistrations = """
        // <auto-generated />
        public abstract partial class CustomFunction
        {
            static CustomFunction()
            {
                AddBuiltin("upper", text => text.ToUpperInvariant());
                AddBuiltin("lower", text => text.ToLowerInvariant());
            }
        }
        """;

    [Fact]
    public async Task TableFilledByAGeneratedStaticConstructor_ThroughAHandWrittenHelper()
    {
        // Generated code is not analyzed; its calls of the helper are read from the type's syntax, and they are all in
        // the static constructor. A call elsewhere is still a change after initialization.
        await AnalyzerTest.Create<UnsynchronizedCollectionAnalyzer>()
            .WithSource("CustomFunction.cs", BuiltinFunctions)
            .WithSource("CustomFunction.Generated.cs", GeneratedRegistrations)
            .ValidateAsync();
    }

    [Fact]
    public async Task TableFilledByAGeneratedPropertyGetterIsReported()
    {
        // A static property's getter runs at every read, not once while the type initializes.
        await AnalyzerTest.Create<UnsynchronizedCollectionAnalyzer>()
            .WithSource("CustomFunction.cs", BuiltinFunctions)
            .WithSource("CustomFunction.Generated.cs", """
                // <auto-generated />
                public abstract partial class CustomFunction
                {
                    public static int Count
                    {
                        get
                        {
                            AddBuiltin("trim", text => text.Trim());
                            return 1;
                        }
                    }
                }
                """)
            .ExpectDiagnostic(Flagged(0, "s_builtins", "Dictionary<string, Func<string, string>>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task TableFilledByAGeneratedStaticConstructor_AndByARegisterMethodIsReported()
    {
        await AnalyzerTest.Create<UnsynchronizedCollectionAnalyzer>()
            .WithSource("CustomFunction.cs", BuiltinFunctions.Replace(
                "// (more)",
                "public sealed class Late : CustomFunction { public static void Register(string name) => AddBuiltin(name, text => text); }"))
            .WithSource("CustomFunction.Generated.cs", GeneratedRegistrations)
            .ExpectDiagnostic(Flagged(0, "s_builtins", "Dictionary<string, Func<string, string>>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task ResultType_WithAStaticSuccessSentinel_AndFactoriesThatMakeMore()
    {
        // Each call of CreateError or WithWarning makes a new result: the static one is a sentinel among many instances,
        // not the one instance of a hand-rolled singleton (SSA004's "other factories"), so its list is per-result state.
        await Test("""
            using System.Collections.Generic;

            public sealed class PolicyResult
            {
                private readonly List<string> _warnings;

                public static readonly PolicyResult Success = new(true, null);

                private PolicyResult(bool success, string? error)
                {
                    IsSuccess = success;
                    Error = error;
                    _warnings = new List<string>();
                }

                public bool IsSuccess { get; }

                public string? Error { get; }

                public IReadOnlyList<string> Warnings => _warnings;

                public static PolicyResult CreateError(string message) => new(false, message);

                public void AddWarnings(IEnumerable<string> warnings) => _warnings.AddRange(warnings);
            }

            public sealed class Snapshot
            {
                private readonly List<string> _lines = new();

                public static Snapshot Empty { get; } = new();

                private Snapshot() { }

                public Snapshot WithLine(string line)
                {
                    var copy = new Snapshot();
                    copy._lines.AddRange(_lines);
                    copy._lines.Add(line);
                    return copy;
                }
            }
            """)
            .ValidateAsync();
    }

    /// <summary>
    /// A console service's signal registrations and a singleton's unsubscribe actions, each released one by one and
    /// then cleared at shutdown. <c>/*release*/</c> marks the releasing call a test replaces.
    /// </summary>
    private const string ReleasedThenCleared = """
        using System;
        using System.Collections.Generic;
        using System.Runtime.InteropServices;
        using System.Threading.Tasks;
        using Microsoft.Extensions.DependencyInjection;

        public static class Program
        {
            private static readonly Dictionary<PosixSignal, PosixSignalRegistration> {|#0:RegisteredSignals|} = new();
            private static readonly TaskCompletionSource<int> Shutdown = new();

            private static async Task<int> Main()
            {
                foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
                {
                    RegisteredSignals[signal] = PosixSignalRegistration.Create(signal, _ => Exit());
                }

                return await Shutdown.Task;
            }

            private static void Exit()
            {
                foreach (var registration in RegisteredSignals.Values)
                {
                    registration/*release*/.Dispose();
                }

                RegisteredSignals.Clear();
                Shutdown.TrySetResult(0);
            }
        }

        public sealed class Notifier : IDisposable
        {
            private readonly List<Action> _unsubscribe = new();

            public Notifier(EventBus bus)
            {
                bus.Published += OnPublished;
                _unsubscribe.Add(() => bus.Published -= OnPublished);
            }

            private void OnPublished(string message) { }

            public void Dispose()
            {
                foreach (var unsubscribe in _unsubscribe)
                {
                    unsubscribe();
                }

                _unsubscribe.Clear();
            }
        }

        public sealed class EventBus
        {
            public event Action<string>? Published;
        }

        public static class Registration
        {
            public static IServiceCollection AddNotifier(this IServiceCollection services)
                => services.AddSingleton<EventBus>().AddSingleton<Notifier>();
        }
        """;

    [Fact]
    public async Task ReleaseEachElementThenClear_IsATeardown()
    {
        await Test(ReleasedThenCleared.Replace("{|#0:RegisteredSignals|}", "RegisteredSignals"), References.DependencyInjection)
            .ValidateAsync();
    }

    [Fact]
    public async Task ClearAfterALoopThatReleasesNothing_IsReported()
    {
        // Reading each registration is not releasing it: the Clear races with the handlers still using the map.
        await Test(ReleasedThenCleared.Replace("registration/*release*/.Dispose();", "Console.WriteLine(registration);"), References.DependencyInjection)
            .ExpectDiagnostic(Flagged(0, "RegisteredSignals", "Dictionary<PosixSignal, PosixSignalRegistration>"))
            .ValidateAsync();
    }

    /// <summary>
    /// Set-up steps a host runs once each with <c>List.ForEach</c>, then drops. <c>EACH</c> is what the lambda does with
    /// each step.
    /// </summary>
    private const string StepsRunWithForEach = """
        using System;
        using System.Collections.Generic;

        public sealed class Host
        {
            private static readonly List<Action<Host>> {|#0:s_steps|} = new()
            {
                host => host.Name = "api",
                host => host.Port = 8080,
            };

            public string Name { get; set; } = "host";

            public int Port { get; set; }

            public Host Start()
            {
                s_steps.ForEach(step => EACH);
                s_steps.Clear();
                return this;
            }
        }
        """;

    [Fact]
    public async Task RunEachElementWithForEachThenClear_IsATeardown()
    {
        await Test(StepsRunWithForEach.Replace("{|#0:s_steps|}", "s_steps").Replace("EACH", "step(this)"))
            .ValidateAsync();
    }

    [Fact]
    public async Task ClearAfterAForEachThatReleasesNothing_IsReported()
    {
        await Test(StepsRunWithForEach.Replace("EACH", "Console.WriteLine(step)"))
            .ExpectDiagnostic(Flagged(0, "s_steps", "List<Action<Host>>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task TypeRegisteredAsASingletonOnlyByATest()
    {
        // A test that builds a container around a fresh outbox says nothing about how the app runs it.
        await Test("""
            using System.Collections.Generic;
            using Microsoft.Extensions.DependencyInjection;

            namespace Xunit
            {
                public sealed class FactAttribute : System.Attribute { }
            }

            namespace Shop
            {
                public sealed class NotificationOutbox
                {
                    private readonly List<string> _messages = new();

                    public void Queue(string message) => _messages.Add(message);
                }

                public sealed class OutboxTests
                {
                    [Xunit.Fact]
                    public void Queues()
                    {
                        var services = new ServiceCollection();
                        services.AddSingleton(new NotificationOutbox());
                        services.AddSingleton(sp => new NotificationOutbox());
                    }
                }
            }
            """, References.DependencyInjection)
            .ValidateAsync();
    }

    [Fact]
    public async Task HostedService_FillsItsListOnStartAndClearsItOnStop()
    {
        // The host calls StartAsync and StopAsync once each, in turn; a private helper called only from them counts too.
        await Test("""
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;
            using Microsoft.Extensions.Hosting;

            public sealed class SchedulerHost : IHostedService
            {
                private readonly List<string> _schedulers = new();

                public IReadOnlyList<string> Schedulers => _schedulers;

                public Task StartAsync(CancellationToken cancellationToken)
                {
                    CreateSchedulers();
                    return Task.CompletedTask;
                }

                public Task StopAsync(CancellationToken cancellationToken)
                {
                    _schedulers.Clear();
                    return Task.CompletedTask;
                }

                private void CreateSchedulers()
                {
                    _schedulers.Add("default");
                    _schedulers.Add("reports");
                }
            }
            """, References.DependencyInjection)
            .ValidateAsync();
    }

    [Fact]
    public async Task HostedServiceBase_SubscribesThroughAStartHookItsSubclassesOverride()
    {
        // The base calls the hook from StartAsync; every Subscribe<T>() is made in an override of that hook.
        await Test(EventHostedServices.Replace("{|#0:_subscriptions|}", "_subscriptions"), References.DependencyInjection)
            .ValidateAsync();
    }

    [Fact]
    public async Task Loader_AnExplicitlyImplementedInterfaceMethod()
    {
        // A singleton session facade whose Initialize (called once through the interface) builds its handler tables.
        await Test("""
            using System.Collections.Generic;
            using Microsoft.Extensions.DependencyInjection;

            public interface IToolHandler { string Name { get; } }

            public interface ISessionFacade
            {
                void Initialize(IEnumerable<IToolHandler> handlers);
                IReadOnlyDictionary<string, IToolHandler> Tools { get; }
            }

            public sealed class SessionFacade : ISessionFacade
            {
                private Dictionary<string, IToolHandler>? _tools;

                void ISessionFacade.Initialize(IEnumerable<IToolHandler> handlers)
                {
                    _tools = new Dictionary<string, IToolHandler>();
                    foreach (var handler in handlers)
                    {
                        _tools[handler.Name] = handler;
                    }
                }

                IReadOnlyDictionary<string, IToolHandler> ISessionFacade.Tools => _tools!;
            }

            public static class Registration
            {
                public static void AddSessions(IServiceCollection services) => services.AddSingleton<SessionFacade>();
            }
            """, References.DependencyInjection)
            .ValidateAsync();
    }

    [Fact]
    public async Task Loader_FillsTheTableInOnePass_CalledOnceByItsHost()
    {
        // A singleton's table filled by one method its host calls at startup (LoadAll), then only read: like a
        // constructor fill.
        await Test("""
            using System;
            using System.Collections.Generic;
            using System.IO;
            using System.Threading.Tasks;
            using Microsoft.Extensions.DependencyInjection;

            public interface ILocalization { int? Score(string country, string rating); }

            public sealed class Localization : ILocalization
            {
                private readonly Dictionary<string, Dictionary<string, int>> _ratings = new(StringComparer.OrdinalIgnoreCase);

                public async Task LoadAllAsync(string folder)
                {
                    foreach (var file in Directory.EnumerateFiles(folder, "*.csv"))
                    {
                        var table = new Dictionary<string, int>();
                        foreach (var line in await File.ReadAllLinesAsync(file))
                        {
                            var parts = line.Split(',');
                            table[parts[0]] = int.Parse(parts[1]);
                        }

                        _ratings[Path.GetFileNameWithoutExtension(file)] = table;
                    }
                }

                public int? Score(string country, string rating)
                    => _ratings.TryGetValue(country, out var table) && table.TryGetValue(rating, out var score) ? score : null;
            }

            public static class Startup
            {
                public static async Task ConfigureAsync(IServiceCollection services, string folder)
                {
                    var localization = new Localization();
                    await localization.LoadAllAsync(folder);
                    services.AddSingleton<ILocalization>(localization);
                    services.AddSingleton<Localization>();
                }
            }
            """, References.DependencyInjection)
            .ValidateAsync();
    }

    /// <summary>
    /// A singleton start-up action that subscribes to several repositories through a private helper, keeping an
    /// unsubscribe action for each, and runs them at disposal. <c>/*subscribe*/</c> marks where a test changes the
    /// calls.
    /// </summary>
    private const string StartupActionSubscriptions = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.Extensions.DependencyInjection;

        public interface IStartupAction { Task RunAsync(CancellationToken shutdownToken = default); }

        public sealed class Repository
        {
            public event Action<string>? Changed;
        }

        public sealed class MessageService : IStartupAction, IDisposable
        {
            private readonly List<Action> {|#0:_disposeActions|} = new();
            private readonly Repository _users;
            private readonly Repository _projects;

            public MessageService(Repository users, Repository projects) => (_users, _projects) = (users, projects);

            public Task RunAsync(CancellationToken shutdownToken = default)
            {
                /*subscribe*/RegisterHandler(_users);
                RegisterHandler(_projects);
                return Task.CompletedTask;
            }

            private void RegisterHandler(Repository repository)
            {
                repository.Changed += OnChanged;
                _disposeActions.Add(() => repository.Changed -= OnChanged);
            }

            private void OnChanged(string id) { }

            public void Dispose()
            {
                foreach (var disposeAction in _disposeActions)
                {
                    disposeAction();
                }

                _disposeActions.Clear();
            }
        }

        public static class Registration
        {
            public static IServiceCollection AddMessages(this IServiceCollection services)
                => services.AddSingleton<Repository>().AddSingleton<MessageService>();
        }
        """;

    [Fact]
    public async Task Loader_AStartUpActionThatAddsThroughAPrivateHelper()
    {
        // RunAsync runs once at start-up and adds one entry per repository through RegisterHandler; Dispose releases
        // them all and clears the list.
        await Test(StartupActionSubscriptions.Replace("{|#0:_disposeActions|}", "_disposeActions"), References.DependencyInjection)
            .ValidateAsync();
    }

    [Fact]
    public async Task Loader_WhoseHelperCallsDoNotBind()
    {
        // The tags come from a telemetry package the build cannot resolve: the calls do not bind, and the type's one
        // RegisterHandler is taken as what they call.
        await Test(
                StartupActionSubscriptions
                    .Replace("/*subscribe*/RegisterHandler(_users);\n        RegisterHandler(_projects);", "var tags = Telemetry.Tags(\"messages\");\n        RegisterHandler(_users, tags.First());\n        RegisterHandler(_projects, tags.Last());")
                    .Replace("private void RegisterHandler(Repository repository)", "private void RegisterHandler(Repository repository, string tag)")
                    .Replace("{|#0:_disposeActions|}", "_disposeActions"),
                References.DependencyInjection)
            .AllowCompilerErrors()
            .ValidateAsync();
    }

    [Fact]
    public async Task Loader_WhoseHelperRunsInACallback_IsReported()
    {
        // Each change event subscribes again, alongside requests: not one pass.
        await Test(
                StartupActionSubscriptions.Replace("/*subscribe*/RegisterHandler(_users);", "_users.Changed += _ => RegisterHandler(_users);"),
                References.DependencyInjection)
            .ExpectDiagnostic(Flagged(0, "_disposeActions", "List<Action>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task LookupTable_OnlyRead()
    {
        await Test("""
            using System.Collections.Generic;

            public static class Codes
            {
                private static readonly Dictionary<string, int> Map = new() { { "a", 1 }, { "b", 2 } };

                public static int Get(string code) => Map.TryGetValue(code, out var value) ? value : Map["a"];
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task FilledInTheStaticConstructor_ThroughALocalHelperLoop()
    {
        await Test("""
            using System;
            using System.Collections.Generic;

            public static class Primes
            {
                private static readonly List<int> s_primes = new();
                private static readonly HashSet<int> s_set;

                static Primes()
                {
                    void AddRange(int from, int to)
                    {
                        for (var i = from; i <= to; i++)
                        {
                            if (IsPrime(i))
                            {
                                s_primes.Add(i);
                            }
                        }
                    }

                    AddRange(2, 100);
                    s_set = new HashSet<int>();
                    Array.ForEach(s_primes.ToArray(), p => s_set.Add(p));
                }

                public static bool Contains(int n) => s_set.Contains(n);

                private static bool IsPrime(int n)
                {
                    for (var d = 2; d * d <= n; d++)
                    {
                        if (n % d == 0)
                        {
                            return false;
                        }
                    }

                    return true;
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task PrivateHelper_UsedOnlyFromTheStaticConstructorAndInitializers()
    {
        await Test("""
            using System;
            using System.Collections.Generic;

            public static class MimeTypes
            {
                private static readonly Dictionary<string, string> s_map = new();
                private static readonly bool s_ready = RegisterDefaults();

                static MimeTypes()
                {
                    Register(".html", "text/html");
                    Array.ForEach(new[] { ".js" }, RegisterScript);
                }

                public static string Get(string extension) => s_map[extension];

                private static void RegisterScript(string extension) => Register(extension, "text/javascript");

                private static bool RegisterDefaults()
                {
                    Register(".css", "text/css");
                    return true;
                }

                private static void Register(string extension, string type) => s_map[extension] = type;
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task EveryChangeUnderLockStatement_OnOneObject()
    {
        await Test("""
            using System.Collections.Generic;

            public sealed class Subscriptions
            {
                private static readonly object _gate = new();
                private static readonly List<string> _items = new();

                public void Add(string item)
                {
                    lock (_gate) { _items.Add(item); }
                }

                public void Remove(string item)
                {
                    lock (_gate)
                    {
                        if (_items.Contains(item))
                        {
                            _items.Remove(item);
                        }
                    }
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task MonitorEnterExit_InTryFinally()
    {
        await Test("""
            using System.Collections.Generic;
            using System.Threading;

            public static class Registry
            {
                private static readonly object s_gate = new();
                private static readonly Dictionary<int, string> s_names = new();

                public static void Add(int id, string name)
                {
                    var taken = false;
                    try
                    {
                        Monitor.Enter(s_gate, ref taken);
                        s_names[id] = name;
                    }
                    finally
                    {
                        if (taken)
                        {
                            Monitor.Exit(s_gate);
                        }
                    }
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task ReaderWriterLockSlim_WriteLockInTryFinally()
    {
        await Test("""
            using System.Collections.Generic;
            using System.Threading;

            public static class Catalog
            {
                private static readonly ReaderWriterLockSlim s_lock = new();
                private static readonly Dictionary<string, decimal> s_prices = new();

                public static void SetPrice(string sku, decimal price)
                {
                    s_lock.EnterWriteLock();
                    try
                    {
                        s_prices[sku] = price;
                    }
                    finally
                    {
                        s_lock.ExitWriteLock();
                    }
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task SemaphoreSlimWaitAsync_ReleaseInFinally()
    {
        await Test("""
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;

            public sealed class Outbox
            {
                private static readonly SemaphoreSlim s_mutex = new(1, 1);
                private static readonly Queue<string> s_messages = new();

                public async Task PostAsync(string message)
                {
                    await s_mutex.WaitAsync();
                    try
                    {
                        await Task.Yield();
                        s_messages.Enqueue(message);
                    }
                    finally
                    {
                        s_mutex.Release();
                    }
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task SystemThreadingLock_WithLockStatementAndEnterScope()
    {
        await Test("""
            using System.Collections.Generic;
            using System.Threading;

            public static class Tags
            {
                private static readonly Lock s_lock = new();
                private static readonly HashSet<string> s_tags = new();

                public static void Add(string tag)
                {
                    lock (s_lock)
                    {
                        s_tags.Add(tag);
                    }
                }

                public static void Remove(string tag)
                {
                    using (s_lock.EnterScope())
                    {
                        s_tags.Remove(tag);
                    }
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task ThreadStaticList()
    {
        await Test("""
            using System;
            using System.Collections.Generic;

            public static class Scratch
            {
                [ThreadStatic]
                private static List<int>? t_buffer;

                public static void Add(int value) => (t_buffer ??= new List<int>()).Add(value);

                public static void Push(int value)
                {
                    t_buffer ??= new List<int>();
                    t_buffer.Add(value);
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task ConcurrentImmutableFrozenAndReadOnlyCollections()
    {
        await Test("""
            using System.Collections.Concurrent;
            using System.Collections.Frozen;
            using System.Collections.Generic;
            using System.Collections.Immutable;
            using System.Collections.ObjectModel;

            public static class Stores
            {
                private static readonly ConcurrentDictionary<string, int> s_counts = new();
                private static readonly ConcurrentQueue<string> s_queue = new();
                private static ImmutableList<string> s_names = ImmutableList<string>.Empty;
                private static readonly FrozenDictionary<string, int> s_frozen = new Dictionary<string, int> { ["a"] = 1 }.ToFrozenDictionary();
                private static readonly ReadOnlyDictionary<string, int> s_readOnly = new(new Dictionary<string, int>());
                private static readonly IReadOnlyList<int> s_readOnlyList = new List<int> { 1 };

                public static void Touch(string key)
                {
                    s_counts[key] = s_counts.TryGetValue(key, out var count) ? count + 1 : 1;
                    s_counts.TryRemove("old", out _);
                    s_queue.Enqueue(key);
                    ImmutableInterlocked.Update(ref s_names, list => list.Add(key));
                    _ = s_frozen.Count + s_readOnly.Count + s_readOnlyList.Count;
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task CopyOnWrite_WithInterlockedCompareExchange_ReplacesTheField()
    {
        await Test("""
            using System.Collections.Generic;
            using System.Threading;

            public static class Handlers
            {
                private static List<string> s_handlers = new();

                public static void Add(string handler)
                {
                    while (true)
                    {
                        var current = s_handlers;
                        var updated = new List<string>(current) { handler };
                        if (Interlocked.CompareExchange(ref s_handlers, updated, current) == current)
                        {
                            return;
                        }
                    }
                }

                public static void Reset() => s_handlers = new List<string>();

                public static int Count => s_handlers.Count;
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task InstanceList_InAPlainClass_AndLocals()
    {
        await Test("""
            using System.Collections.Generic;

            public sealed class ShoppingCart
            {
                private readonly List<string> _items = new();
                private readonly Dictionary<string, int> _quantities = new();

                public void Add(string sku)
                {
                    _items.Add(sku);
                    _quantities[sku] = _quantities.TryGetValue(sku, out var q) ? q + 1 : 1;
                    var local = new List<string>();
                    local.Add(sku);
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Middleware_OnlyReadsADictionaryBuiltInItsConstructor()
    {
        await Test("""
            using System.Collections.Generic;
            using System.Threading.Tasks;
            using Microsoft.AspNetCore.Http;

            public sealed class RedirectMiddleware
            {
                private readonly RequestDelegate _next;
                private readonly Dictionary<string, string> _redirects = new();

                public RedirectMiddleware(RequestDelegate next)
                {
                    _next = next;
                    _redirects.Add("/old", "/new");
                    _redirects["/legacy"] = "/";
                }

                public Task InvokeAsync(HttpContext context)
                {
                    if (_redirects.TryGetValue(context.Request.Path.Value ?? "", out var target))
                    {
                        context.Response.Redirect(target);
                        return Task.CompletedTask;
                    }

                    return _next(context);
                }
            }
            """, References.AspNetCore)
            .ValidateAsync();
    }

    [Fact]
    public async Task ScopedService_FieldsAreNotProcessLifetime()
    {
        await Test("""
            using System.Collections.Generic;
            using Microsoft.Extensions.DependencyInjection;

            public sealed class RequestLog
            {
                private readonly List<string> _lines = new();

                public void Write(string line) => _lines.Add(line);
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services) => services.AddScoped<RequestLog>();
            }
            """, References.DependencyInjection)
            .ValidateAsync();
    }

    [Fact]
    public async Task CompositionTimeSingleton_PluginManagerFilledWhileServicesAreConfigured()
    {
        // A plugin manager: a hand-rolled singleton whose loaded-plugin list is filled by Load, which the app's
        // service set-up calls, and handed to the service collection. It takes part in composing the app, which runs
        // once, on one thread, before any request.
        await Test("""
            using System;
            using System.Collections.Generic;
            using System.Reflection;
            using Microsoft.Extensions.DependencyInjection;

            public interface IPlugin
            {
                void ConfigureServices(IServiceCollection services);
            }

            public sealed class PluginManager
            {
                private readonly HashSet<IPlugin> _loadedPlugins = new();
                private readonly List<(string Plugin, Exception Error)> _errors = new();

                public static readonly PluginManager Instance = new PluginManager();

                private PluginManager() { }

                public void Load(string path)
                {
                    try
                    {
                        var assembly = Assembly.LoadFrom(path);
                        foreach (var type in assembly.GetTypes())
                        {
                            if (typeof(IPlugin).IsAssignableFrom(type) && !type.IsAbstract)
                            {
                                Add((IPlugin)Activator.CreateInstance(type)!);
                            }
                        }
                    }
                    catch (Exception ex)
                    {
                        _errors.Add((path, ex));
                    }
                }

                private void Add(IPlugin plugin) => _loadedPlugins.Add(plugin);

                public void ConfigureServices(IServiceCollection services)
                {
                    foreach (var plugin in _loadedPlugins)
                    {
                        plugin.ConfigureServices(services);
                    }
                }

                public int ErrorCount => _errors.Count;
            }
            """, References.DependencyInjection)
            .ValidateAsync();
    }

    [Fact]
    public async Task InterfaceTypedField_ThatHoldsWhatTheContainerGives()
    {
        await Test("""
            using System.Collections.Generic;

            public sealed class Sink
            {
                public static readonly Sink Instance = new(new List<string>());

                private readonly ICollection<string> _target;

                private Sink(ICollection<string> target) => _target = target;

                public void Write(string line) => _target.Add(line);
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task SynchronizedMethod_AndLockOnThisOfASingleton()
    {
        await Test("""
            using System.Collections.Generic;
            using System.Runtime.CompilerServices;

            public sealed class Journal
            {
                public static Journal Instance { get; } = new();

                private readonly List<string> _lines = new();
                private static readonly List<string> s_errors = new();

                private Journal()
                {
                }

                public void Write(string line)
                {
                    lock (this)
                    {
                        _lines.Add(line);
                    }
                }

                [MethodImpl(MethodImplOptions.Synchronized)]
                public static void Error(string line) => s_errors.Add(line);
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task NotCollections_ArraysAndStringBuilders()
    {
        await Test("""
            using System.Text;

            public static class Buffers
            {
                private static readonly int[] s_slots = new int[4];
                private static readonly StringBuilder s_text = new();

                public static void Set(int index, int value)
                {
                    s_slots[index] = value;
                    s_text.Append(value);
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task ElementChanges_AreNotChangesOfTheCollection()
    {
        await Test("""
            using System.Collections.Generic;

            public sealed class Slot { public int Value; }

            public static class Slots
            {
                private static readonly List<Slot> s_slots = new() { new Slot() };
                private static readonly Dictionary<string, Slot> s_named = new() { ["a"] = new Slot() };

                public static void Bump()
                {
                    s_slots[0].Value++;
                    s_named["a"].Value = 2;
                    foreach (var slot in s_slots)
                    {
                        slot.Value = 0;
                    }
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task RegistryOfBuiltInEntries_ExtendedThroughTheTypesConfigurationApi()
    {
        await Test("""
            using System;
            using System.Collections.Generic;

            // A dashboard's renderers and colors: built-in entries registered while the type is initialized, and a
            // public API for users to add theirs at start-up.
            public static class JobHistoryRenderer
            {
                private static readonly Dictionary<string, Func<string, string>> s_renderers = new();
                private static readonly Dictionary<string, string> s_colors = new();

                static JobHistoryRenderer()
                {
                    Register("Succeeded", s => "<b>" + s + "</b>");
                    s_colors.Add("Succeeded", "#5cb85c");
                }

                public static void Register(string state, Func<string, string> renderer) => s_renderers[state] = renderer;

                public static void AddColor(string state, string color) => s_colors.Add(state, color);

                public static void RemoveColor(string state) => s_colors.Remove(state);

                public static string RenameColor(string state, string color) => s_colors[state] = color;

                public static string Render(string state, string text)
                    => s_renderers.TryGetValue(state, out var render) ? render(text) : text;

                public static string Color(string state) => s_colors.TryGetValue(state, out var color) ? color : "#777";
            }

            // A serializer's headers: a reset the static constructor runs fills them, and configuring renames them.
            public sealed class CsvWriter<T>
            {
                internal static List<string> Headers = new();
                private static Dictionary<string, int> s_positions = new();

                static CsvWriter() => Reset();

                internal static void Reset()
                {
                    Headers = new List<string>();
                    s_positions = new Dictionary<string, int>();
                    foreach (var property in typeof(T).GetProperties())
                    {
                        Fill(property.Name);
                    }
                }

                private static void Fill(string name)
                {
                    s_positions[name] = Headers.Count;
                    Headers.Add(name);
                }

                internal static void ConfigureCustomHeaders(Dictionary<string, string> renames)
                {
                    Reset();
                    for (var i = Headers.Count - 1; i >= 0; i--)
                    {
                        if (renames.TryGetValue(Headers[i], out var renamed))
                        {
                            Headers[i] = renamed;
                        }
                        else
                        {
                            Headers.RemoveAt(i);
                        }
                    }
                }

                public static IReadOnlyList<string> Names => Headers;
            }

            public static class CsvConfig<T>
            {
                public static Dictionary<string, string> CustomHeaders
                {
                    set => CsvWriter<T>.ConfigureCustomHeaders(value);
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task HelpersTwoCallsUnderTheLock()
    {
        await Test(SharedShapes.HelpersTwoCallsUnderTheLock.Replace("{|#0:s_open|}", "s_open").Replace("OUTSIDE", "")
                .Replace("MARK_OPEN", "s_open.Add(name, new Channel(stream, \"pool\"));").Replace("MARK_DROP", "s_open.Remove(name);"))
            .ValidateAsync();
    }

    [Fact]
    public async Task HelpersTwoCallsUnderTheLock_TheInnerOneCalledOnlyFromTheOuter()
    {
        // Get holds the lock and calls Open, which calls Drop: Drop has no call of its own under a lock.
        await Test(SharedShapes.HelpersTwoCallsUnderTheLock.Replace("{|#0:s_open|}", "s_open").Replace("OUTSIDE", "")
                .Replace("lock (s_gate) { Drop(name); }", "lock (s_gate) { s_open.Remove(name); }")
                .Replace("MARK_OPEN", "s_open.Add(name, new Channel(stream, \"pool\"));").Replace("MARK_DROP", "s_open.Remove(name);"))
            .ValidateAsync();
    }

    /// <summary>
    /// A background loop that takes an async lock (a library's <c>AsyncLock</c>, awaited with
    /// <c>ConfigureAwait(false)</c>) and changes its rounds in private helpers, one and two calls down; a public member
    /// reads them under the same lock. <c>OUTSIDE</c> is where a test adds a call outside it.
    /// </summary>
    private const string RoundsChangedByHelpersUnderAnAsyncLock = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.Hosting;

        public sealed class AsyncLock
        {
            private readonly SemaphoreSlim _semaphore = new(1, 1);

            public async Task<IDisposable> LockAsync(CancellationToken cancellationToken = default)
            {
                await _semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
                return new Releaser(_semaphore);
            }

            private sealed class Releaser(SemaphoreSlim semaphore) : IDisposable
            {
                public void Dispose() => semaphore.Release();
            }
        }

        public sealed class Arena : BackgroundService
        {
            private readonly AsyncLock _asyncLock = new();

            public HashSet<int> {|#0:Rounds|} { get; } = new();

            protected override async Task ExecuteAsync(CancellationToken stoppingToken)
            {
                while (!stoppingToken.IsCancellationRequested)
                {
                    using (await _asyncLock.LockAsync(stoppingToken).ConfigureAwait(false))
                    {
                        TimeoutRounds();
                        await StepAsync(stoppingToken).ConfigureAwait(false);
                    }

                    await Task.Delay(1000, stoppingToken).ConfigureAwait(false);
                }
            }

            public async Task<int> CountAsync(CancellationToken cancellationToken)
            {
                using (await _asyncLock.LockAsync(cancellationToken).ConfigureAwait(false))
                {
                    return Rounds.Count;
                }
            }
            OUTSIDE

            private void TimeoutRounds()
            {
                foreach (var round in Rounds.Where(r => r > 10).ToArray())
                {
                    Rounds.Remove(round);
                }
            }

            private async Task StepAsync(CancellationToken cancellationToken)
            {
                await CreateRoundAsync(cancellationToken).ConfigureAwait(false);
            }

            private async Task CreateRoundAsync(CancellationToken cancellationToken)
            {
                await Task.Yield();
                Rounds.Add(Rounds.Count + 1);
            }
        }

        public static class ArenaRegistration
        {
            public static IServiceCollection AddArena(this IServiceCollection services) => services.AddHostedService<Arena>();
        }
        """;

    [Fact]
    public async Task HelpersUnderAnAsyncLockAwaitedWithConfigureAwait()
    {
        await Test(RoundsChangedByHelpersUnderAnAsyncLock.Replace("{|#0:Rounds|}", "Rounds").Replace("OUTSIDE", ""), References.AspNetCore)
            .ValidateAsync();
    }

    [Fact]
    public async Task HelpersUnderAnAsyncLock_OneAlsoCalledOutsideIt_IsReported()
    {
        await Test(RoundsChangedByHelpersUnderAnAsyncLock.Replace("OUTSIDE", "\n    public Task CreateNowAsync() => CreateRoundAsync(CancellationToken.None);"), References.AspNetCore)
            .ExpectDiagnostic(Flagged(0, "Rounds", "HashSet<int>"))
            .ValidateAsync();
    }

    [Theory]
    // The outer helper also called outside the lock, or taken as a delegate.
    [InlineData("public Stream Reopen(string name) => Open(name);")]
    [InlineData("public System.Func<string, Stream> Opener => Open;")]
    public async Task HelpersTwoCallsDown_OneCallOutsideTheLock_IsReported(string outside)
    {
        await Test(SharedShapes.HelpersTwoCallsUnderTheLock.Replace("OUTSIDE", outside)
                .Replace("MARK_OPEN", "s_open.Add(name, new Channel(stream, \"pool\"));").Replace("MARK_DROP", "s_open.Remove(name);"))
            .ExpectDiagnostic(Flagged(0, "s_open", "Dictionary<string, Channel>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task HelperWhoseEveryCallerHoldsTheLock()
    {
        await Test(SharedShapes.HelperWhoseEveryCallerHoldsTheLock)
            .ValidateAsync();
    }

    [Fact]
    public async Task UiToolkitObjects_CachedByTheUiThread()
    {
        // Avalonia, WPF, MAUI and WinUI objects are created and used on the toolkit's UI thread.
        await Test("""
            using System.Collections.Generic;

            namespace Avalonia.Media.Imaging
            {
                public sealed class Bitmap
                {
                    public Bitmap(string path) { Path = path; }
                    public string Path { get; }
                }
            }

            namespace System.Windows.Media
            {
                public sealed class SolidColorBrush { }
            }

            namespace Microsoft.UI.Xaml.Controls
            {
                public sealed class Page { }
            }

            namespace Tray
            {
                using Avalonia.Media.Imaging;

                public static class Icons
                {
                    private static readonly Dictionary<string, Bitmap> s_bitmaps = new();
                    private static readonly Dictionary<string, List<System.Windows.Media.SolidColorBrush>> s_palettes = new();
                    private static readonly List<Microsoft.UI.Xaml.Controls.Page> s_history = new();

                    public static Bitmap Load(string name)
                    {
                        if (s_bitmaps.TryGetValue(name, out var bitmap))
                        {
                            return bitmap;
                        }

                        return s_bitmaps[name] = new Bitmap("avares://Tray/Assets/" + name);
                    }

                    public static void AddPalette(string name) => s_palettes[name] = new List<System.Windows.Media.SolidColorBrush>();

                    public static void Navigated(Microsoft.UI.Xaml.Controls.Page page) => s_history.Add(page);
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task ConsoleProgram_PrivateMemoOfItsEntryClass()
    {
        // A command-line tool: Main and everything it calls run on one thread.
        await Test("""
            using System.Collections.Generic;
            using System.Threading.Tasks;

            internal sealed class MockType
            {
                public MockType(string name) { Name = name; }
                public string Name { get; }
            }

            internal static class Program
            {
                private static readonly Dictionary<string, MockType> _mockTypes = new();

                private static async Task<int> Main(string[] args)
                {
                    foreach (var arg in args)
                    {
                        Generate(arg);
                        await Task.Yield();
                    }

                    return 0;
                }

                private static MockType Generate(string name)
                {
                    if (!_mockTypes.TryGetValue(name, out var mockType))
                    {
                        mockType = new MockType(name);
                        _mockTypes[name] = mockType;
                    }

                    return mockType;
                }
            }
            """)
            .WithOutputKind(Microsoft.CodeAnalysis.OutputKind.ConsoleApplication)
            .ValidateAsync();
    }

    [Fact]
    public async Task HalfTypedCode_DoesNotThrow()
    {
        await Test("""
            using System.Collections.Generic;

            public static class Broken
            {
                private static readonly Dictionary<string, int> s_map = new();

                public static void Add(string key)
                {
                    s_map.Add(key
                }
            }
            """)
            .AllowCompilerErrors()
            .AllowUnexpectedDiagnostics()
            .ValidateAsync();
    }
    /// <summary>
    /// A module system's permission registry: a static list each module fills from its <c>ConfigureServices</c>, which
    /// takes the host builder; requests only read it. <c>// (caller)</c> is where a test adds one more call.
    /// </summary>
    private const string PermissionRegistry = """
        using System.Collections.Generic;
        using System.Linq;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.Hosting;

        public sealed record Permission(string Name);

        public static class Permissions
        {
            private static readonly List<Permission> {|#0:_all|} = new();

            public static void Register(IEnumerable<Permission> permissions)
            {
                _all.AddRange(permissions.Where(p => !_all.Any(e => e.Name == p.Name)));
            }

            public static IReadOnlyList<Permission> All => _all.AsReadOnly();
        }

        public interface IModule
        {
            void ConfigureServices(IHostApplicationBuilder builder);
        }

        public sealed class CatalogModule : IModule
        {
            public void ConfigureServices(IHostApplicationBuilder builder)
            {
                Permissions.Register([new Permission("catalog.read"), new Permission("catalog.write")]);
                builder.Services.AddScoped<CatalogService>();
            }
        }

        public sealed class CatalogService
        {
            public int Count() => Permissions.All.Count;
            // (caller)
        }
        """;

    [Fact]
    public async Task StartUpRegistry_FilledOnlyFromModulesConfiguringServices()
    {
        await Test(PermissionRegistry, References.DependencyInjection).ValidateAsync();
    }

    /// <summary>
    /// A job router seeded by another type's hosted-service start: the pool manager loads the pool names and hands them
    /// to the router's <c>Initialize</c> before it starts its worker, which (like requests) only reads the routes.
    /// <c>Initialize</c> reads the map as it fills it, so it is not a one-pass loader.
    /// <c>// (seed)</c> is where the start seeds the router, <c>// (more)</c> where a test adds another caller.
    /// </summary>
    private const string RouterSeededByAHostedStart = """
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.Hosting;

        public sealed class JobRouter
        {
            private readonly Dictionary<string, int> {|#0:_poolsByName|} = new();

            public void Initialize(IEnumerable<string> names)
            {
                var index = 0;
                foreach (var name in names)
                {
                    // The first pool named for a job type keeps it.
                    if (!_poolsByName.ContainsKey(name))
                    {
                        _poolsByName[name] = index++;
                    }
                }
            }

            public int PoolFor(string name) => _poolsByName.TryGetValue(name, out var pool) ? pool : -1;
        }

        public sealed class PoolManager : IHostedService
        {
            private readonly JobRouter _router;
            private Task? _worker;

            public PoolManager(JobRouter router) { _router = router; }

            public async Task StartAsync(CancellationToken cancellationToken)
            {
                var names = await LoadNamesAsync(cancellationToken);
                // (seed)
                _worker = Task.Run(() => Work(cancellationToken), cancellationToken);
            }

            public Task StopAsync(CancellationToken cancellationToken) => _worker ?? Task.CompletedTask;

            private static Task<List<string>> LoadNamesAsync(CancellationToken cancellationToken)
                => Task.FromResult(new List<string> { "import", "thumbnails" });

            private void Work(CancellationToken cancellationToken) => _router.PoolFor("import");
        }

        public sealed class RoutesEndpoint
        {
            private readonly JobRouter _router;

            public RoutesEndpoint(JobRouter router) { _router = router; }

            public int Get(string name) => _router.PoolFor(name);
            // (more)
        }

        public static class QueueRegistrations
        {
            public static void AddQueue(this IServiceCollection services)
            {
                services.AddSingleton<JobRouter>();
                services.AddSingleton<RoutesEndpoint>();
                services.AddHostedService<PoolManager>();
            }
        }
        """;

    [Fact]
    public async Task StartUpRegistry_SeededByAnotherHostedServicesStartBeforeItStartsWork()
    {
        // The host runs each hosted service's StartAsync in turn, before the server (itself a hosted service, added last)
        // takes requests; the router is seeded there, before the worker starts.
        await Test(RouterSeededByAHostedStart.Replace("// (seed)", "_router.Initialize(names);"), References.DependencyInjection)
            .ValidateAsync();
    }

    [Fact]
    public async Task StartUpRegistry_SeededByAnOverriddenStartBeforeTheBaseStartsTheLoop()
    {
        // A BackgroundService that seeds the router in its StartAsync override, then lets the base start ExecuteAsync.
        var source = RouterSeededByAHostedStart
            .Replace("public sealed class PoolManager : IHostedService", "public sealed class PoolManager : BackgroundService")
            .Replace("public async Task StartAsync(", "public override async Task StartAsync(")
            .Replace("// (seed)", "_router.Initialize(names);\n        await base.StartAsync(cancellationToken);")
            .Replace("_worker = Task.Run(() => Work(cancellationToken), cancellationToken);", "")
            .Replace("public Task StopAsync(CancellationToken cancellationToken) => _worker ?? Task.CompletedTask;", "protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Run(() => Work(stoppingToken), stoppingToken);");
        await Test(source, References.DependencyInjection).ValidateAsync();
    }

    [Theory]
    [InlineData("after the worker starts", "_worker = Task.Run(() => Work(cancellationToken), cancellationToken);", "_worker = Task.Run(() => Work(cancellationToken), cancellationToken);\n        _router.Initialize(names);")]
    [InlineData("after a timer starts", "// (seed)", "var timer = new Timer(_ => Work(cancellationToken), null, 0, 1000);\n        _router.Initialize(names);")]
    [InlineData("in a loop that starts work", "// (seed)", "foreach (var name in names) { Task.Run(() => Work(cancellationToken)); _router.Initialize([name]); }")]
    [InlineData("inside the worker", "Task.Run(() => Work(cancellationToken), cancellationToken)", "Task.Run(() => { _router.Initialize(names); Work(cancellationToken); }, cancellationToken)")]
    [InlineData("by a service method as well", "// (more)", "public void Reload(List<string> names) => _router.Initialize(names);")]
    [InlineData("by a StartAsync of a class the host does not run", " : IHostedService", "")]
    public async Task StartUpRegistry_SeededByAHostedStartButNotOnlyBeforeWorkStartsIsReported(string _, string find, string replace)
    {
        var source = RouterSeededByAHostedStart.Replace("// (seed)", "_router.Initialize(names);").Replace(find, replace);
        if (find == "// (seed)")
        {
            source = RouterSeededByAHostedStart.Replace(find, replace);
        }

        if (!source.Contains(": IHostedService"))
        {
            source = source.Replace("services.AddHostedService<PoolManager>();", "services.AddSingleton<PoolManager>();");
        }

        await Test(source, References.DependencyInjection)
            .ExpectDiagnostic(Flagged(0, "_poolsByName", "Dictionary<string, int>"))
            .ValidateAsync();
    }

    /// <summary>The router's pool manager as an <c>IHostedLifecycleService</c> that seeds it in <paramref name="step"/>.</summary>
    private static string RouterSeededByALifecycleStep(string step)
    {
        string Step(string name) => name == step
            ? $"public Task {name}(CancellationToken cancellationToken) {{ _router.Initialize([\"{name}\"]); return Task.CompletedTask; }}"
            : $"public Task {name}(CancellationToken cancellationToken) => Task.CompletedTask;";

        return RouterSeededByAHostedStart
            .Replace("public sealed class PoolManager : IHostedService", "public sealed class PoolManager : IHostedLifecycleService")
            .Replace("// (seed)", "")
            .Replace(
                "public Task StopAsync(CancellationToken cancellationToken) => _worker ?? Task.CompletedTask;",
                "public Task StopAsync(CancellationToken cancellationToken) => _worker ?? Task.CompletedTask;\n    "
                    + string.Join("\n    ", Step("StartingAsync"), Step("StartedAsync"), Step("StoppingAsync"), Step("StoppedAsync")));
    }

    [Fact]
    public async Task StartUpRegistry_SeededByAHostedServicesStartedStepIsReported()
    {
        // IHostedLifecycleService.StartedAsync runs after every service has started, the server included.
        await Test(RouterSeededByALifecycleStep("StartedAsync"), References.DependencyInjection)
            .ExpectDiagnostic(Flagged(0, "_poolsByName", "Dictionary<string, int>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task StartUpRegistry_SeededByAHostedServicesStartingStep()
    {
        // IHostedLifecycleService.StartingAsync runs before any service's StartAsync.
        await Test(RouterSeededByALifecycleStep("StartingAsync"), References.DependencyInjection).ValidateAsync();
    }

    /// <summary>
    /// A singleton job catalog that the app's <c>UseJobs</c> fills while it builds the pipeline, through
    /// <c>AddJob(Type)</c>; <c>AddJob&lt;TJob&gt;()</c> is a convenience overload. <c>// (caller)</c> and
    /// <c>// (member)</c> are where a test adds more code.
    /// </summary>
    private const string JobCatalogFilledByUseJobs = """
        using System;
        using System.Collections.Generic;
        using Microsoft.AspNetCore.Builder;
        using Microsoft.Extensions.DependencyInjection;

        public sealed record JobDescriptor(Type JobType, string Name);

        public sealed class JobCatalog
        {
            private readonly Dictionary<Type, JobDescriptor> {|#0:_jobs|} = new();

            public void AddJob<TJob>() => AddJob(typeof(TJob));

            public void AddJob(Type jobType) => AddJob(new JobDescriptor(jobType, jobType.Name));

            public void AddJob(JobDescriptor descriptor) => _jobs[descriptor.JobType] = descriptor;

            public JobDescriptor Get(Type jobType) => _jobs[jobType];
            // (member)
        }

        public sealed class CleanupJob { }

        public static class JobSetup
        {
            public static IServiceCollection AddJobs(this IServiceCollection services) => services.AddSingleton<JobCatalog>();

            public static void UseJobs(this IApplicationBuilder app)
            {
                var catalog = app.ApplicationServices.GetRequiredService<JobCatalog>();
                foreach (var type in new[] { typeof(CleanupJob) })
                {
                    catalog.AddJob(type);
                }
            }
        }

        public sealed class JobsEndpoint(JobCatalog catalog)
        {
            public string Name(Type jobType) => catalog.Get(jobType).Name;
            // (caller)
        }
        """;

    [Fact]
    public async Task StartUpRegistry_AnUncalledConvenienceOverloadSaysNothingAboutWhenTheApiRuns()
    {
        // Every call the compilation makes is UseJobs's, while the pipeline is built; AddJob<TJob>() has no caller.
        await Test(JobCatalogFilledByUseJobs, References.AspNetCore).ValidateAsync();
    }

    [Theory]
    [InlineData("// (caller)", "public void Learn() => catalog.AddJob<CleanupJob>();")]
    [InlineData("// (member)", "public void AddDefaults() => AddJob<CleanupJob>();")]
    public async Task StartUpRegistry_ConvenienceOverloadCalledOutsideTheCompositionIsReported(string find, string replace)
    {
        // From an endpoint; or from a member of the type that nothing shows is run while composing.
        await Test(JobCatalogFilledByUseJobs.Replace(find, replace), References.AspNetCore)
            .ExpectDiagnostic(Flagged(0, "_jobs", "Dictionary<Type, JobDescriptor>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task StartUpRegistry_AlsoFilledWhileServingIsReported()
    {
        // The same registry, also changed by a service's method, which requests call.
        await Test(
                PermissionRegistry.Replace(
                    "// (caller)",
                    "public void Grant(string name) => Permissions.Register([new Permission(name)]);"),
                References.DependencyInjection)
            .ExpectDiagnostic(Flagged(0, "_all", "List<Permission>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task StartUpRegistry_FilledInARegistrationFactoryIsReported()
    {
        // A factory lambda runs when the container first resolves the service, alongside requests: not composition.
        await Test(
                PermissionRegistry.Replace(
                    "builder.Services.AddScoped<CatalogService>();",
                    "builder.Services.AddScoped(sp => { Permissions.Register([new Permission(\"late\")]); return new CatalogService(); });"),
                References.DependencyInjection)
            .ExpectDiagnostic(Flagged(0, "_all", "List<Permission>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task StartUpRegistry_SingletonFilledThroughAServiceCollectionExtension()
    {
        // A library's internal registry of names: created and registered by its AddScheduler extension, which also
        // adds to it, through a private helper that takes the service collection.
        await Test("""
            using System;
            using System.Collections.Generic;
            using System.Linq;
            using Microsoft.Extensions.DependencyInjection;

            internal sealed class SchedulerNames
            {
                private readonly List<string> _names = [];

                public IReadOnlyList<string> Names => _names;

                public void Add(string name)
                {
                    if (_names.Contains(name))
                    {
                        throw new ArgumentException($"'{name}' is already registered.", nameof(name));
                    }

                    _names.Add(name);
                }
            }

            public static class SchedulerServiceCollectionExtensions
            {
                public static IServiceCollection AddScheduler(this IServiceCollection services, string? name = null)
                {
                    if (name is not null)
                    {
                        Remember(services, name);
                    }

                    return services;
                }

                private static void Remember(IServiceCollection services, string name)
                {
                    var names = services.FirstOrDefault(d => d.ServiceType == typeof(SchedulerNames))?.ImplementationInstance as SchedulerNames;
                    if (names is null)
                    {
                        names = new SchedulerNames();
                        services.AddSingleton(names);
                    }

                    names.Add(name);
                }
            }
            """, References.DependencyInjection)
            .ValidateAsync();
    }

    [Fact]
    public async Task StartUpRegistry_PublicRegisterWithNoCallerInTheCompilationIsReported()
    {
        // Nothing shows when the API is called: it is reported as before.
        await Test(
                PermissionRegistry.Replace(
                    "Permissions.Register([new Permission(\"catalog.read\"), new Permission(\"catalog.write\")]);",
                    string.Empty),
                References.DependencyInjection)
            .ExpectDiagnostic(Flagged(0, "_all", "List<Permission>"))
            .ValidateAsync();
    }
    /// <summary>A minimal API program that turns features on before it runs; <c>// (endpoint)</c> is where a test adds an endpoint.</summary>
    private const string FeatureFlagsProgram = """
        using System.Collections.Generic;
        using Microsoft.AspNetCore.Builder;

        var builder = WebApplication.CreateBuilder(args);
        FeatureFlags.Enable("search");
        FeatureFlags.Enable("export");
        var app = builder.Build();
        app.MapGet("/search", () => FeatureFlags.IsEnabled("search"));
        // (endpoint)
        app.Run();

        public static class FeatureFlags
        {
            private static readonly HashSet<string> {|#0:_enabled|} = new();

            public static void Enable(string name) => _enabled.Add(name);

            public static bool IsEnabled(string name) => _enabled.Contains(name);
        }
        """;

    [Fact]
    public async Task StartUpRegistry_FilledByTopLevelStatementsBeforeTheAppRuns()
    {
        await Test(FeatureFlagsProgram, References.AspNetCore)
            .WithOutputKind(Microsoft.CodeAnalysis.OutputKind.ConsoleApplication)
            .ValidateAsync();
    }

    [Fact]
    public async Task StartUpRegistry_AlsoFilledByAnEndpointIsReported()
    {
        await Test(
                FeatureFlagsProgram.Replace("// (endpoint)", "app.MapPost(\"/features/{name}\", (string name) => FeatureFlags.Enable(name));"),
                References.AspNetCore)
            .WithOutputKind(Microsoft.CodeAnalysis.OutputKind.ConsoleApplication)
            .ExpectDiagnostic(Flagged(0, "_enabled", "HashSet<string>"))
            .ValidateAsync();
    }

    /// <summary>
    /// A blog's settings singleton, loaded through its interface by the program before it runs the app (Moonglade's
    /// <c>BlogConfig.LoadFromConfig</c>); <c>LOAD</c> is the method's name, <c>// (endpoint)</c> where a test adds an endpoint.
    /// </summary>
    private const string SettingsLoadedBeforeTheAppRuns = """
        using System.Collections.Generic;
        using System.Linq;
        using Microsoft.AspNetCore.Builder;
        using Microsoft.Extensions.DependencyInjection;

        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddSingleton<ISettings, Settings>();
        var app = builder.Build();
        var missing = app.Services.GetRequiredService<ISettings>().LOAD(new Dictionary<string, string> { ["Title"] = "Blog" });
        app.MapGet("/", (ISettings settings) => settings.Title);
        // (endpoint)
        app.Run();

        public interface ISettings
        {
            string Title { get; }

            IEnumerable<string> LOAD(IDictionary<string, string> values);
        }

        public sealed class Settings : ISettings
        {
            private readonly List<string> {|#0:_missing|} = new();

            public string Title { get; private set; } = "default";

            public IEnumerable<string> LOAD(IDictionary<string, string> values)
            {
                _missing.Clear();
                if (values.TryGetValue("Title", out var title))
                {
                    Title = title;
                }
                else
                {
                    _missing.Add("Title");
                }

                return _missing.ToArray();
            }
        }
        """;

    [Theory]
    [InlineData("LoadFromConfig")]
    [InlineData("Initialize")]
    [InlineData("InitFromValues")]
    [InlineData("Load")]
    [InlineData("Reload")]
    [InlineData("Apply")]
    public async Task StartUpLoad_ThroughTheInterfaceBeforeTheAppRuns(string load)
    {
        // The entry point loads the singleton once, on one thread, before the server takes a request.
        await Test(SettingsLoadedBeforeTheAppRuns.Replace("LOAD", load).Replace("{|#0:_missing|}", "_missing"), References.AspNetCore)
            .WithOutputKind(Microsoft.CodeAnalysis.OutputKind.ConsoleApplication)
            .ValidateAsync();
    }

    [Theory]
    [InlineData("LoadFromConfig", "app.MapPost(\"/settings\", (ISettings settings) => settings.LoadFromConfig(new Dictionary<string, string>()));")]
    [InlineData("Initialize", "app.MapPost(\"/settings\", (ISettings settings) => settings.Initialize(new Dictionary<string, string>()));")]
    [InlineData("Reload", "app.MapPost(\"/settings\", (ISettings settings) => settings.Reload(new Dictionary<string, string>()));")]
    [InlineData("Reload", "app.Lifetime.ApplicationStarted.Register(() => app.Services.GetRequiredService<ISettings>().Reload(new Dictionary<string, string>()));")]
    public async Task StartUpLoad_AlsoFromAnEndpoint_IsReported(string load, string endpoint)
    {
        // Loaded again by a request, or by a callback that runs once the app has started: reported.
        await Test(SettingsLoadedBeforeTheAppRuns.Replace("LOAD", load).Replace("// (endpoint)", endpoint), References.AspNetCore)
            .WithOutputKind(Microsoft.CodeAnalysis.OutputKind.ConsoleApplication)
            .ExpectDiagnostic(Flagged(0, "_missing", "List<string>"))
            .ValidateAsync();
    }

    /// <summary>
    /// An in-memory language store filled only by data seeders: each seeder's <c>Execute</c> runs from its base's
    /// <c>Apply</c>, which a migration service runs for every seeder, from a <c>SeedData</c> extension the entry point
    /// calls before the app runs (SimpleIdServer's stores). <c>// (endpoint)</c> is where a test adds an endpoint.
    /// </summary>
    private const string StoreFilledBySeeders = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.AspNetCore.Builder;
        using Microsoft.Extensions.DependencyInjection;

        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddSingleton<ILanguageStore>(new LanguageStore(new List<string>()));
        builder.Services.AddTransient<IDataSeeder, LanguageSeeder>();
        builder.Services.AddTransient<IMigrationService, MigrationService>();
        var app = builder.Build();
        app.Services.SeedData();
        app.MapGet("/languages", (ILanguageStore store) => store.All());
        // (endpoint)
        app.Run();

        public interface ILanguageStore
        {
            void Add(string code);

            IReadOnlyList<string> All();
        }

        public sealed class LanguageStore : ILanguageStore
        {
            private readonly List<string> {|#0:_codes|};

            public LanguageStore(List<string> codes) => _codes = codes;

            public void Add(string code) => _codes.Add(code);

            public IReadOnlyList<string> All() => _codes.ToArray();
        }

        public interface IDataSeeder
        {
            Task Apply(CancellationToken cancellationToken);
        }

        public abstract class BaseDataSeeder : IDataSeeder
        {
            public async Task Apply(CancellationToken cancellationToken)
            {
                await Execute(cancellationToken);
            }

            protected abstract Task Execute(CancellationToken cancellationToken);
        }

        public sealed class LanguageSeeder : BaseDataSeeder
        {
            private readonly ILanguageStore _store;

            public LanguageSeeder(ILanguageStore store) => _store = store;

            protected override Task Execute(CancellationToken cancellationToken)
            {
                foreach (var code in new[] { "en", "fr" })
                {
                    if (!_store.All().Contains(code))
                    {
                        _store.Add(code);
                    }
                }

                return Task.CompletedTask;
            }
        }

        public interface IMigrationService
        {
            Task Migrate(CancellationToken cancellationToken);
        }

        public sealed class MigrationService : IMigrationService
        {
            private readonly IEnumerable<IDataSeeder> _seeders;

            public MigrationService(IEnumerable<IDataSeeder> seeders) => _seeders = seeders;

            public async Task Migrate(CancellationToken cancellationToken)
            {
                foreach (var seeder in _seeders)
                {
                    await seeder.Apply(cancellationToken);
                }
            }
        }

        public static class SeedExtensions
        {
            public static void SeedData(this IServiceProvider services)
            {
                using var scope = services.CreateScope();
                scope.ServiceProvider.GetRequiredService<IMigrationService>().Migrate(CancellationToken.None).Wait();
            }
        }
        """;

    [Fact]
    public async Task StoreFilledOnlyBySeedersBeforeTheAppRuns()
    {
        // Store.Add ← LanguageSeeder.Execute ← BaseDataSeeder.Apply (through IDataSeeder) ← MigrationService.Migrate
        // (through IMigrationService) ← SeedData ← the entry point, before app.Run(): once, on one thread.
        await Test(StoreFilledBySeeders.Replace("{|#0:_codes|}", "_codes"), References.AspNetCore)
            .WithOutputKind(Microsoft.CodeAnalysis.OutputKind.ConsoleApplication)
            .ValidateAsync();
    }

    [Theory]
    [InlineData("app.MapPost(\"/languages/{code}\", (string code, ILanguageStore store) => store.Add(code));")]
    [InlineData("app.MapPost(\"/migrate\", (IServiceProvider services) => services.SeedData());")]
    [InlineData("app.MapPost(\"/migrate\", (IMigrationService migrations) => migrations.Migrate(CancellationToken.None));")]
    public async Task StoreAlsoFilledByARequest_IsReported(string endpoint)
    {
        // A request that adds, or runs the seeders again: reported.
        await Test(StoreFilledBySeeders.Replace("// (endpoint)", endpoint), References.AspNetCore)
            .WithOutputKind(Microsoft.CodeAnalysis.OutputKind.ConsoleApplication)
            .ExpectDiagnostic(Flagged(0, "_codes", "List<string>"))
            .ValidateAsync();
    }

    /// <summary>
    /// A library's set-up object that carries the service collection, filled through callbacks that take it and
    /// through a route-building callback; CALL is how the set-up adds one more definition, <c>// (elsewhere)</c> where
    /// a test adds code.
    /// </summary>
    private const string DefinitionsFilledByBuilderCallbacks = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using Microsoft.AspNetCore.Builder;
        using Microsoft.AspNetCore.Routing;
        using Microsoft.Extensions.DependencyInjection;

        public sealed class AutoConfigOptions
        {
            internal List<Type> {|#0:Definitions|} = new();

            public AutoConfigOptions(IServiceCollection services) => Services = services;

            public IServiceCollection Services { get; }

            public AutoConfigOptions Add<T>() => Add(typeof(T));

            public AutoConfigOptions Add(Type type)
            {
                Definitions.Add(type);
                return this;
            }
        }

        public sealed class LockingOptions { public int MaxAttempts { get; set; } }

        public interface IRouteList { List<string> Routes { get; } void AddRoute(string pattern); }

        public sealed class RouteList : IRouteList
        {
            public List<string> Routes { get; } = new();

            public void AddRoute(string pattern) => Routes.Add(pattern);
        }

        public static class ServerSetup
        {
            public static IServiceCollection AddAutoConfig(this IServiceCollection services, Action<AutoConfigOptions> configure)
            {
                var options = new AutoConfigOptions(services);
                configure(options);
                services.AddSingleton(options);
                services.AddSingleton<IRouteList, RouteList>();
                return services;
            }

            public static IServiceCollection AddServer(this IServiceCollection services)
                => services.AddAutoConfig(o => CALL);

            public static IApplicationBuilder UseServer(this IApplicationBuilder app)
            {
                app.UseRouter(routes => MapTracked(routes, "users"));
                return app;
            }

            private static void MapTracked(IRouteBuilder routes, string pattern)
                => routes.ServiceProvider.GetRequiredService<IRouteList>().AddRoute(pattern);

            // (elsewhere)
        }
        """;

    [Theory]
    [InlineData("o.Add<LockingOptions>()")]
    [InlineData("o.Add(typeof(LockingOptions))")]
    public async Task SetUpCallbacks_ThatTakeABuilder_AreComposition(string call)
    {
        // The callback takes the set-up object that carries the service collection, and the route helper takes the
        // route builder: both run while the app is composed, before any request.
        await Test(DefinitionsFilledByBuilderCallbacks.Replace("CALL", call).Replace("{|#0:Definitions|}", "Definitions"), References.AspNetCore)
            .ValidateAsync();
    }

    [Theory]
    [InlineData("public static void MapReload(this IEndpointRouteBuilder endpoints, AutoConfigOptions options) => endpoints.MapPost(\"/reload\", (string name) => options.Add(Type.GetType(name)!));")]
    [InlineData("public static void UseReload(this IApplicationBuilder app, AutoConfigOptions options) => app.Run(context => { options.Add(typeof(LockingOptions)); return System.Threading.Tasks.Task.CompletedTask; });")]
    public async Task SetUpObject_AlsoChangedByARequest_IsReported(string elsewhere)
    {
        // A lambda that takes the request (an endpoint's handler, a terminal middleware) runs per request, even when a
        // composition method sets it up.
        await Test(DefinitionsFilledByBuilderCallbacks.Replace("CALL", "o.Add<LockingOptions>()").Replace("// (elsewhere)", elsewhere), References.AspNetCore)
            .ExpectDiagnostic(Flagged(0, "Definitions", "List<Type>"))
            .ValidateAsync();
    }

    /// <summary>
    /// A service host in the style of an app-host base class: the route table is filled while the host's virtual
    /// <c>Init</c> runs, which the pipeline's <c>UseHost(this IApplicationBuilder, …)</c> calls once at start-up. The
    /// app's host overrides <c>Init</c>, calls the base and registers one route of its own. <c>// (more)</c> is where a
    /// test adds another caller.
    /// </summary>
    private const string RoutesFilledByAVirtualInit = """
        using System;
        using System.Collections.Generic;
        using Microsoft.AspNetCore.Builder;

        public static class Routes
        {
            private static readonly Dictionary<string, Type> {|#0:_byPath|} = new();

            public static void Register(string path, Type service) => _byPath[path] = service;

            public static Type? Find(string path) => _byPath.TryGetValue(path, out var service) ? service : null;
        }

        public abstract class AppHostBase
        {
            public virtual void Init()
            {
                foreach (var service in Services())
                {
                    Routes.Register("/" + service.Name.ToLowerInvariant(), service);
                }
            }

            protected abstract IEnumerable<Type> Services();
        }

        public sealed class AppHost : AppHostBase
        {
            public override void Init()
            {
                base.Init();
                Routes.Register("/health", typeof(AppHost));
            }

            protected override IEnumerable<Type> Services() => [typeof(string), typeof(Uri)];

            // (more)
        }

        public static class HostExtensions
        {
            public static IApplicationBuilder UseHost(this IApplicationBuilder app, AppHostBase host)
            {
                host.Init();
                return app;
            }
        }
        """;

    [Fact]
    public async Task StartUpRegistry_FilledThroughAVirtualInitThatOnlyThePipelineCalls()
    {
        // Both writes run inside Init: the base's and the override's. Every call of Init is UseHost's; the override's
        // base.Init() is part of the same call.
        await Test(RoutesFilledByAVirtualInit, References.AspNetCore).ValidateAsync();
    }

    [Theory]
    [InlineData("a member that runs Init again", "// (more)", "public void Restart() => Init();")]
    [InlineData("a caller typed as the derived host", "// (more)", "public static void Reload(AppHost host) => host.Init();")]
    [InlineData("a caller of the base typed through the base", "// (more)", "public static void Reload(AppHostBase host) => host.Init();")]
    [InlineData("an override called by a framework", "public override void Init()", "public override string ToString() { Routes.Register(\"/about\", typeof(AppHost)); return \"host\"; }\n    public override void Init()")]
    public async Task StartUpRegistry_FilledThroughAVirtualInitAlsoCalledElsewhereIsReported(string _, string find, string replace)
    {
        await Test(RoutesFilledByAVirtualInit.Replace(find, replace), References.AspNetCore)
            .ExpectDiagnostic(Flagged(0, "_byPath", "Dictionary<string, Type>"))
            .ValidateAsync();
    }

    /// <summary>
    /// A singleton whose <c>Start</c> starts one background loop over membership changes; the loop keeps a private map
    /// of the members it failed to reach, and only the loop uses it. START is the statement that starts the loop,
    /// <c>// (more)</c> where a test adds a member.
    /// </summary>
    private const string MembershipWatcherWithItsOwnLoop = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Channels;
        using System.Threading.Tasks;
        using Microsoft.Extensions.DependencyInjection;

        public sealed class MembershipWatcher : IDisposable
        {
            private readonly Dictionary<string, DateTime> {|#0:_unreachable|} = new();
            private readonly Channel<string> _changes = Channel.CreateUnbounded<string>();
            private readonly CancellationTokenSource _stopping = new();
            private Task? _loop;

            public void Start()
            {
                START
            }

            public void Notify(string member) => _changes.Writer.TryWrite(member);

            private async Task WatchAsync(CancellationToken cancellationToken)
            {
                await foreach (var member in _changes.Reader.ReadAllAsync(cancellationToken))
                {
                    var now = DateTime.UtcNow;
                    if (_unreachable.TryGetValue(member, out var until) && until > now)
                    {
                        continue;
                    }

                    if (await PingAsync(member))
                    {
                        _unreachable.Remove(member);
                    }
                    else
                    {
                        _unreachable[member] = now.AddMinutes(1);
                    }
                }
            }

            private static Task<bool> PingAsync(string member) => Task.FromResult(member.Length > 0);

            public void Dispose() => _stopping.Cancel();

            // (more)
        }

        public static class MembershipRegistration
        {
            public static IServiceCollection AddMembership(this IServiceCollection services) => services.AddSingleton<MembershipWatcher>();
        }
        """;

    [Theory]
    [InlineData("_loop = Task.Run(() => WatchAsync(_stopping.Token));")]
    [InlineData("_loop = WatchAsync(_stopping.Token);")]
    public async Task SingletonsOwnLoop_KeepsItsWorkingStateInAPrivateCollection(string start)
    {
        // One loop, started once, is the only code that touches the map: its uses follow one another.
        await Test(MembershipWatcherWithItsOwnLoop.Replace("START", start).Replace("{|#0:_unreachable|}", "_unreachable"), References.DependencyInjection)
            .ValidateAsync();
    }

    [Theory]
    [InlineData("started by a public member too", "// (more)", "public Task RestartAsync() => WatchAsync(_stopping.Token);")]
    [InlineData("started in a loop", "START", "for (var i = 0; i < 2; i++) { _loop = WatchAsync(_stopping.Token); }")]
    [InlineData("taken as a delegate", "START", "Func<CancellationToken, Task> watch = WatchAsync; _loop = watch(_stopping.Token);")]
    [InlineData("read by a public member", "// (more)", "public bool IsUnreachable(string member) => _unreachable.ContainsKey(member);")]
    [InlineData("a loop per member", "private async Task WatchAsync(CancellationToken cancellationToken)", "private async Task WatchAsync(string? only, CancellationToken cancellationToken)")]
    [InlineData("a method that runs no loop", "await foreach (var member in _changes.Reader.ReadAllAsync(cancellationToken))", "foreach (var member in new[] { \"a\" })")]
    public async Task SingletonsOwnLoop_CollectionReachedOtherwise_IsReported(string _, string find, string replace)
    {
        var start = replace.Contains("string? only") ? "_loop = WatchAsync(null, _stopping.Token);" : "_loop = WatchAsync(_stopping.Token);";
        await Test(MembershipWatcherWithItsOwnLoop.Replace(find, replace).Replace("START", start), References.DependencyInjection)
            .ExpectDiagnostic(Flagged(0, "_unreachable", "Dictionary<string, DateTime>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task StartUpRegistry_AnotherMethodOfTheSameNameCalledWhileComposingIsNotACall()
    {
        // The service collection extension calls its own Register, not the registry's: the registry's Register is never
        // called in the compilation, and its list is reported as before.
        await Test(
                PermissionRegistry.Replace(
                    "Permissions.Register([new Permission(\"catalog.read\"), new Permission(\"catalog.write\")]);",
                    "Registration.Register(builder.Services);")
                    .Replace(
                        "// (caller)",
                        "}\n\npublic static class Registration\n{\n    public static void Register(IServiceCollection services) { }"),
                References.DependencyInjection)
            .ExpectDiagnostic(Flagged(0, "_all", "List<Permission>"))
            .ValidateAsync();
    }

    /// <summary>
    /// A classic ASP.NET MVC app (System.Web stubbed in source): a static map of obfuscated routes that the app's
    /// MapRoute extension fills, through a public helper, while Application_Start registers the routes; requests only
    /// look routes up.
    /// <c>// (caller)</c> is where a test adds one more call.
    /// </summary>
    private const string ClassicRouteMap = """
        using System.Collections.Generic;

        namespace System.Web.Routing
        {
            public class RouteCollection
            {
                public void Add(string name, object route) { }
            }
        }

        namespace Gallery
        {
            using System.Web.Routing;

            public static class RouteExtensions
            {
                private static readonly Dictionary<string, string[]> {|#0:s_obfuscated|} = new();

                public static void MapRoute(this RouteCollection routes, string name, string url, string[] obfuscate)
                {
                    routes.Add(name, url);
                    Obfuscate(url, obfuscate);
                }

                public static void Obfuscate(string url, string[] parts) => s_obfuscated[url] = parts;

                public static bool TryGetObfuscated(string url, out string[]? parts) => s_obfuscated.TryGetValue(url, out parts);
            }

            public static class Routes
            {
                public static void RegisterRoutes(RouteCollection routes)
                {
                    RegisterApiRoutes(routes);
                    routes.MapRoute("profile", "profiles/{username}", new[] { "username" });
                }

                private static void RegisterApiRoutes(RouteCollection routes)
                    => routes.MapRoute("api-key", "account/api-key/{id}", new[] { "id" });
            }

            public sealed class ProfilesController
            {
                public string Show(string url) => RouteExtensions.TryGetObfuscated(url, out var parts) ? string.Join(",", parts!) : url;
                // (caller)
            }
        }
        """;

    [Fact]
    public async Task StartUpRegistry_FilledWhileClassicAspNetRegistersItsRoutes()
    {
        await Test(ClassicRouteMap).ValidateAsync();
    }

    [Fact]
    public async Task StartUpRegistry_ClassicRouteMapAlsoFilledByAnActionIsReported()
    {
        await Test(ClassicRouteMap.Replace(
                "// (caller)",
                "public void Hide(string url) => RouteExtensions.Obfuscate(url, new[] { \"id\" });"))
            .ExpectDiagnostic(Flagged(0, "s_obfuscated", "Dictionary<string, string[]>"))
            .ValidateAsync();
    }
}
