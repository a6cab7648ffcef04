using Microsoft.CodeAnalysis.CodeFixes;
using SharedStateAnalyzers.CodeFixes;
using SharedStateAnalyzers.Rules;
using SharedStateAnalyzers.Tests.Verification;

namespace SharedStateAnalyzers.Tests.Rules;

/// <summary>SSA002's fixes: exact output, Fix All, where they are not offered. The verifier compiles every fixed output.</summary>
public sealed class UnsynchronizedCollectionFixerTests
{
    private const string Concurrent = UnsynchronizedCollectionFixer.UseConcurrentCollectionKey;
    private const string Lock = UnsynchronizedCollectionFixer.GuardWithLockKey;

    private static AnalyzerTest Test(string key, References references = References.Net)
        => AnalyzerTest.Create<UnsynchronizedCollectionAnalyzer>()
            .WithCodeFix<UnsynchronizedCollectionFixer>()
            .WithReferences(references)
            .WithCodeFixEquivalenceKey(key);

    // ------------------------------------------------------------ use a concurrent collection

    [Fact]
    public async Task Concurrent_Dictionary_RewritesTheCallsThatChange()
    {
        await Test(Concurrent)
            .WithSource("""
                using System;
                using System.Collections.Generic;

                namespace Shop;

                public static class Sessions
                {
                    // Open sessions by id.
                    private static readonly Dictionary<string, DateTime> [|_open|] = new Dictionary<string, DateTime>(StringComparer.Ordinal);

                    public static void Open(string id) => _open.Add(id, DateTime.UtcNow);

                    public static void Touch(string id)
                    {
                        if (_open.ContainsKey(id))
                        {
                            _open[id] = DateTime.UtcNow; // refresh
                        }
                    }

                    public static bool Close(string id) => _open.Remove(id);

                    public static DateTime? Take(string id) => _open.Remove(id, out var opened) ? opened : null;

                    public static void Reset() => _open.Clear();

                    public static int Count => _open.Count;
                }
                """)
            .ShouldFixCodeWith("""
                using System;
                using System.Collections.Concurrent;
                using System.Collections.Generic;

                namespace Shop;

                public static class Sessions
                {
                    // Open sessions by id.
                    private static readonly ConcurrentDictionary<string, DateTime> _open = new ConcurrentDictionary<string, DateTime>(StringComparer.Ordinal);

                    public static void Open(string id) => _open.TryAdd(id, DateTime.UtcNow);

                    public static void Touch(string id)
                    {
                        if (_open.ContainsKey(id))
                        {
                            _open[id] = DateTime.UtcNow; // refresh
                        }
                    }

                    public static bool Close(string id) => _open.TryRemove(id, out _);

                    public static DateTime? Take(string id) => _open.TryRemove(id, out var opened) ? opened : null;

                    public static void Reset() => _open.Clear();

                    public static int Count => _open.Count;
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Concurrent_TargetTypedNewStays_CollectionInitializerBecomesIndexInitializer()
    {
        await Test(Concurrent)
            .WithSource("""
                using System.Collections.Concurrent;
                using System.Collections.Generic;

                public sealed class Routes
                {
                    private static readonly Dictionary<string, string> [|s_routes|] = new()
                    {
                        { "/", "home" },
                        { "/about", "about" },
                    };

                    public void Map(string path, string page) => s_routes[path] = page;
                }
                """)
            .ShouldFixCodeWith("""
                using System.Collections.Concurrent;
                using System.Collections.Generic;

                public sealed class Routes
                {
                    private static readonly ConcurrentDictionary<string, string> s_routes = new()
                    {
                        ["/"] = "home",
                        ["/about"] = "about",
                    };

                    public void Map(string path, string page) => s_routes[path] = page;
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Concurrent_QueueWithEnqueueAndTryDequeue_QualifiedType()
    {
        await Test(Concurrent)
            .WithSource("""
                namespace Jobs
                {
                    using System;

                    public static class Outbox
                    {
                        private static readonly System.Collections.Generic.Queue<string> [|Pending|] = new System.Collections.Generic.Queue<string>();

                        public static void Post(string message) => Pending.Enqueue(message);

                        public static bool TryNext(out string? message) => Pending.TryDequeue(out message);
                    }
                }
                """)
            .ShouldFixCodeWith("""
                namespace Jobs
                {
                    using System;
                    using System.Collections.Concurrent;

                    public static class Outbox
                    {
                        private static readonly ConcurrentQueue<string> Pending = new ConcurrentQueue<string>();

                        public static void Post(string message) => Pending.Enqueue(message);

                        public static bool TryNext(out string? message) => Pending.TryDequeue(out message);
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Concurrent_StackOfAHandRolledSingleton_PushAndClear()
    {
        await Test(Concurrent)
            .WithSource("""
                using System.Collections.Generic;

                public sealed class UndoLog
                {
                    public static UndoLog Instance { get; } = new();

                    private readonly Stack<string> [|_undo|] = new();

                    private UndoLog()
                    {
                    }

                    public void Record(string action) => _undo.Push(action);

                    public void Forget() => _undo.Clear();

                    public bool IsEmpty => _undo.Count == 0;
                }
                """)
            .ShouldFixCodeWith("""
                using System.Collections.Concurrent;
                using System.Collections.Generic;

                public sealed class UndoLog
                {
                    public static UndoLog Instance { get; } = new();

                    private readonly ConcurrentStack<string> _undo = new();

                    private UndoLog()
                    {
                    }

                    public void Record(string action) => _undo.Push(action);

                    public void Forget() => _undo.Clear();

                    public bool IsEmpty => _undo.Count == 0;
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Concurrent_InterfaceTypedField_OnlyWhatItHoldsChanges()
    {
        await Test(Concurrent)
            .WithSource("""
                using System.Collections.Generic;

                public static class Aliases
                {
                    private static IDictionary<string, string> [|s_aliases|] = new Dictionary<string, string>();

                    public static void Alias(string name, string target) => s_aliases.Add(name, target);

                    public static bool Unalias(string name) => s_aliases.Remove(name);

                    public static void Reset() => s_aliases = new Dictionary<string, string>();
                }
                """)
            .ShouldFixCodeWith("""
                using System.Collections.Concurrent;
                using System.Collections.Generic;

                public static class Aliases
                {
                    private static IDictionary<string, string> s_aliases = new ConcurrentDictionary<string, string>();

                    public static void Alias(string name, string target) => s_aliases.Add(name, target);

                    public static bool Unalias(string name) => s_aliases.Remove(name);

                    public static void Reset() => s_aliases = new ConcurrentDictionary<string, string>();
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Concurrent_StaticAutoProperty()
    {
        await Test(Concurrent)
            .WithSource("""
                using System.Collections.Generic;

                public static class Counters
                {
                    private static Dictionary<string, long> [|Totals|] { get; } = new();

                    public static void Set(string name, long value) => Totals[name] = value;

                    public static long Get(string name) => Totals.GetValueOrDefault(name);
                }
                """)
            .ShouldFixCodeWith("""
                using System.Collections.Concurrent;
                using System.Collections.Generic;

                public static class Counters
                {
                    private static ConcurrentDictionary<string, long> Totals { get; } = new();

                    public static void Set(string name, long value) => Totals[name] = value;

                    public static long Get(string name) => Totals.GetValueOrDefault(name);
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Concurrent_NotOffered_ForListAndHashSet()
    {
        await Test(Concurrent)
            .WithSource("""
                using System.Collections.Generic;

                public static class Bags
                {
                    private static readonly List<int> [|s_list|] = new();
                    private static readonly HashSet<int> [|s_set|] = new();

                    public static void Add(int value)
                    {
                        s_list.Add(value);
                        s_set.Add(value);
                    }
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task Concurrent_NotOffered_WhenACallHasNoCounterpart()
    {
        await Test(Concurrent)
            .WithSource("""
                using System.Collections.Generic;

                public static class Work
                {
                    private static readonly Queue<string> [|s_queue|] = new();
                    private static readonly Stack<string> [|s_stack|] = new();
                    private static readonly Dictionary<string, int> [|s_sized|] = new();

                    public static string Next()
                    {
                        s_queue.Enqueue("x");
                        s_stack.Push("y");
                        s_sized.EnsureCapacity(100);
                        s_sized["z"] = 1;
                        return s_queue.Dequeue() + s_stack.Pop();
                    }
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task Concurrent_NotOffered_WhenPassedWhereADictionaryIsExpected_OrCreatedWithACapacity()
    {
        await Test(Concurrent)
            .WithSource("""
                using System.Collections.Generic;

                public static class Index
                {
                    private static readonly Dictionary<string, int> [|s_index|] = new();
                    private static readonly Dictionary<string, int> [|s_sized|] = new(64);

                    public static void Add(string key)
                    {
                        s_index[key] = key.Length;
                        s_sized[key] = key.Length;
                        Dump(s_index);
                    }

                    private static void Dump(Dictionary<string, int> map)
                    {
                    }
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task Concurrent_NotOffered_ForReadModifyWriteOfAnEntry()
    {
        await Test(Concurrent)
            .WithSource("""
                using System.Collections.Generic;

                public static class Hits
                {
                    private static readonly Dictionary<string, int> [|s_hits|] = new() { ["/"] = 0 };

                    public static void Hit(string path) => s_hits[path]++;
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task Concurrent_NotOffered_WhenAnotherFileUsesTheField()
    {
        await Test(Concurrent)
            .WithSource("Registry.cs", """
                using System.Collections.Generic;

                public static class Registry
                {
                    internal static readonly Dictionary<string, int> [|Names|] = new();

                    public static void Add(string name) => Names[name] = name.Length;
                }
                """)
            .WithSource("Report.cs", """
                public static class Report
                {
                    public static int Count() => Registry.Names.Count;
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    // ------------------------------------------------------------ guard with a lock

    [Fact]
    public async Task Lock_WrapsEveryUse_ConvertsExpressionBodies_KeepsComments()
    {
        await Test(Lock)
            .WithSource("""
                using System.Collections.Generic;

                public static class Registry
                {
                    // Every id seen so far.
                    private static readonly Dictionary<int, int> [|_seen|] = new();

                    public static void Register(int id)
                    {
                        // Remember it.
                        _seen[id] = id; // overwrite
                    }

                    public static int Count => _seen.Count;

                    public static bool Forget(int id) => _seen.Remove(id);
                }
                """)
            .ShouldFixCodeWith("""
                using System.Collections.Generic;

                public static class Registry
                {
                    // Every id seen so far.
                    private static readonly Dictionary<int, int> _seen = new();
                    private static readonly object _seenLock = new();

                    public static void Register(int id)
                    {
                        // Remember it.
                        lock (_seenLock)
                        {
                            _seen[id] = id; // overwrite
                        }
                    }

                    public static int Count
                    {
                        get
                        {
                            lock (_seenLock)
                            {
                                return _seen.Count;
                            }
                        }
                    }

                    public static bool Forget(int id)
                    {
                        lock (_seenLock)
                        {
                            return _seen.Remove(id);
                        }
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Lock_Memo_TheLockTakesInTheStatementsThatUseItsLocals()
    {
        await Test(Lock)
            .WithSource("""
                using System;
                using System.Collections.Generic;
                using System.Reflection;

                public static class PropertyCache
                {
                    private static readonly Dictionary<Type, PropertyInfo[]> [|s_properties|] = new();

                    public static PropertyInfo[] Get(Type type)
                    {
                        if (!s_properties.TryGetValue(type, out var properties))
                        {
                            properties = type.GetProperties();
                            s_properties[type] = properties;
                        }

                        Console.WriteLine(type.Name);
                        return properties;
                    }

                    public static void Forget(Type type)
                    {
                        Console.WriteLine("forget");
                        s_properties.Remove(type);
                        s_properties.TrimExcess();
                        Console.WriteLine("forgotten");
                    }
                }
                """)
            .ShouldFixCodeWith("""
                using System;
                using System.Collections.Generic;
                using System.Reflection;

                public static class PropertyCache
                {
                    private static readonly Dictionary<Type, PropertyInfo[]> s_properties = new();
                    private static readonly object s_propertiesLock = new();

                    public static PropertyInfo[] Get(Type type)
                    {
                        lock (s_propertiesLock)
                        {
                            if (!s_properties.TryGetValue(type, out var properties))
                            {
                                properties = type.GetProperties();
                                s_properties[type] = properties;
                            }

                            Console.WriteLine(type.Name);
                            return properties;
                        }
                    }

                    public static void Forget(Type type)
                    {
                        Console.WriteLine("forget");
                        lock (s_propertiesLock)
                        {
                            s_properties.Remove(type);
                            s_properties.TrimExcess();
                        }
                        Console.WriteLine("forgotten");
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Lock_InstanceFieldOfASingleton_SomeUsesAlreadyLocked_TheOthersTakeThatLock()
    {
        await Test(Lock, References.DependencyInjection)
            .WithSource("""
                using System.Collections.Generic;
                using Microsoft.Extensions.DependencyInjection;

                public sealed class ConnectionTracker
                {
                    private readonly object _gate = new();
                    private readonly HashSet<string> [|_connections|] = new();

                    public ConnectionTracker()
                    {
                        _connections.Add("self");
                    }

                    public void Connected(string client, bool track)
                    {
                        if (track) _connections.Add(client);
                    }

                    public void Disconnected(string client)
                    {
                        lock (_gate)
                        {
                            _connections.Remove(client);
                        }
                    }

                    public int Count
                    {
                        get => _connections.Count;
                    }

                    public string Describe(int code)
                    {
                        switch (code)
                        {
                            case 0:
                                return "none";
                            default:
                                var count = _connections.Count;
                                return count.ToString();
                        }
                    }
                }

                public static class Startup
                {
                    public static void Configure(IServiceCollection services) => services.AddSingleton<ConnectionTracker>();
                }
                """)
            .ShouldFixCodeWith("""
                using System.Collections.Generic;
                using Microsoft.Extensions.DependencyInjection;

                public sealed class ConnectionTracker
                {
                    private readonly object _gate = new();
                    private readonly HashSet<string> _connections = new();

                    public ConnectionTracker()
                    {
                        _connections.Add("self");
                    }

                    public void Connected(string client, bool track)
                    {
                        lock (_gate)
                        {
                            if (track) _connections.Add(client);
                        }
                    }

                    public void Disconnected(string client)
                    {
                        lock (_gate)
                        {
                            _connections.Remove(client);
                        }
                    }

                    public int Count
                    {
                        get
                        {
                            lock (_gate)
                            {
                                return _connections.Count;
                            }
                        }
                    }

                    public string Describe(int code)
                    {
                        switch (code)
                        {
                            case 0:
                                return "none";
                            default:
                                lock (_gate)
                                {
                                    var count = _connections.Count;
                                    return count.ToString();
                                }
                        }
                    }
                }

                public static class Startup
                {
                    public static void Configure(IServiceCollection services) => services.AddSingleton<ConnectionTracker>();
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Lock_UsesLockedOnTwoDifferentObjects_ANewLockGoesInsideEach()
    {
        await Test(Lock)
            .WithSource("""
                using System.Collections.Generic;

                public static class Sessions
                {
                    private static readonly object _addGate = new();
                    private static readonly object _removeGate = new();
                    private static readonly Dictionary<string, int> [|_active|] = new();

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
            .ShouldFixCodeWith("""
                using System.Collections.Generic;

                public static class Sessions
                {
                    private static readonly object _addGate = new();
                    private static readonly object _removeGate = new();
                    private static readonly Dictionary<string, int> _active = new();
                    private static readonly object _activeLock = new();

                    public static void Open(string id)
                    {
                        lock (_addGate)
                        {
                            lock (_activeLock)
                            {
                                _active[id] = 1;
                            }
                        }
                    }

                    public static void Close(string id)
                    {
                        lock (_removeGate)
                        {
                            lock (_activeLock)
                            {
                                _active.Remove(id);
                            }
                        }
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Lock_StaticCollectionLockedByAnInstanceLock_GetsAStaticLockOfItsOwn()
    {
        await Test(Lock)
            .WithSource("""
                using System.Collections.Generic;

                public sealed class Counter
                {
                    private static readonly List<int> [|s_samples|] = new();
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
            .ShouldFixCodeWith("""
                using System.Collections.Generic;

                public sealed class Counter
                {
                    private static readonly List<int> s_samples = new();
                    private static readonly object s_samplesLock = new();
                    private readonly object _gate = new();

                    public void Sample(int value)
                    {
                        lock (_gate)
                        {
                            lock (s_samplesLock)
                            {
                                s_samples.Add(value);
                            }
                        }
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Lock_StaticConstructorAndInitializersStayAsTheyAre_NameTakenGetsANumber()
    {
        await Test(Lock)
            .WithSource("""
                using System.Collections.Generic;
                using System.Linq;

                public static class Names
                {
                    private static readonly List<string> [|s_names|] = new() { "a" };
                    private static readonly int s_initialCount = s_names.Count;
                    private static readonly string s_namesLock = "taken";

                    static Names()
                    {
                        s_names.Add("b");
                    }

                    public static void Record(string name) => s_names.Add(name);

                    public static string[] Snapshot() => s_names.ToArray();

                    public static List<string> Copy() => s_names.Where(n => n.Length > 0).ToList();

                    public static string Joined() => string.Join(",", s_names);
                }
                """)
            .ShouldFixCodeWith("""
                using System.Collections.Generic;
                using System.Linq;

                public static class Names
                {
                    private static readonly List<string> s_names = new() { "a" };
                    private static readonly object s_namesLock2 = new();
                    private static readonly int s_initialCount = s_names.Count;
                    private static readonly string s_namesLock = "taken";

                    static Names()
                    {
                        s_names.Add("b");
                    }

                    public static void Record(string name)
                    {
                        lock (s_namesLock2)
                        {
                            s_names.Add(name);
                        }
                    }

                    public static string[] Snapshot()
                    {
                        lock (s_namesLock2)
                        {
                            return s_names.ToArray();
                        }
                    }

                    public static List<string> Copy()
                    {
                        lock (s_namesLock2)
                        {
                            return s_names.Where(n => n.Length > 0).ToList();
                        }
                    }

                    public static string Joined()
                    {
                        lock (s_namesLock2)
                        {
                            return string.Join(",", s_names);
                        }
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Lock_ExpressionBodiedMembersOfEveryKind()
    {
        await Test(Lock)
            .WithSource("""
                using System.Collections.Generic;

                public sealed class Widget
                {
                    private static readonly List<Widget> [|s_all|] = new();

                    public Widget() => s_all.Add(this); // every widget

                    public Widget this[int index] => s_all[index];

                    public int Count
                    {
                        get => s_all.Count;
                        set => s_all.Capacity = value;
                    }

                    public static bool operator !(Widget widget) => s_all.Remove(widget);
                }
                """)
            .ShouldFixCodeWith("""
                using System.Collections.Generic;

                public sealed class Widget
                {
                    private static readonly List<Widget> s_all = new();
                    private static readonly object s_allLock = new();

                    public Widget()
                    {
                        lock (s_allLock)
                        {
                            s_all.Add(this);
                        }
                    } // every widget

                    public Widget this[int index]
                    {
                        get
                        {
                            lock (s_allLock)
                            {
                                return s_all[index];
                            }
                        }
                    }

                    public int Count
                    {
                        get
                        {
                            lock (s_allLock)
                            {
                                return s_all.Count;
                            }
                        }
                        set
                        {
                            lock (s_allLock)
                            {
                                s_all.Capacity = value;
                            }
                        }
                    }

                    public static bool operator !(Widget widget)
                    {
                        lock (s_allLock)
                        {
                            return s_all.Remove(widget);
                        }
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Lock_OlderLanguageVersion_NewObject()
    {
        await Test(Lock)
            .WithLanguageVersion(Microsoft.CodeAnalysis.CSharp.LanguageVersion.CSharp8)
            .WithSource("""
                using System.Collections.Generic;

                public static class Log
                {
                    private static readonly List<string> [|s_lines|] = new List<string>();

                    public static void Write(string line)
                    {
                        s_lines.Add(line);
                    }
                }
                """)
            .ShouldFixCodeWith("""
                using System.Collections.Generic;

                public static class Log
                {
                    private static readonly List<string> s_lines = new List<string>();
                    private static readonly object s_linesLock = new object();

                    public static void Write(string line)
                    {
                        lock (s_linesLock)
                        {
                            s_lines.Add(line);
                        }
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Lock_NotOffered_WhenAUseAwaits()
    {
        await Test(Lock)
            .WithSource("""
                using System.Collections.Generic;
                using System.Threading.Tasks;

                public static class Feed
                {
                    private static readonly List<string> [|s_items|] = new();

                    public static async Task AddAsync(Task<string> item)
                    {
                        s_items.Add(await item);
                    }
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task Lock_NotOffered_WhenTheCollectionOrALiveViewLeavesTheLock()
    {
        await Test(Lock)
            .WithSource("""
                using System.Collections.Generic;
                using System.Linq;

                public static class Leaks
                {
                    private static readonly List<string> [|s_items|] = new();
                    private static readonly Dictionary<string, int> [|s_map|] = new();
                    private static readonly List<int> [|s_numbers|] = new();

                    public static IReadOnlyList<string> Items => s_items;

                    public static IEnumerable<string> Keys() => s_map.Keys;

                    public static IEnumerable<int> Positive()
                    {
                        var query = s_numbers.Where(n => n > 0);
                        return query;
                    }

                    public static void Add(string item)
                    {
                        s_items.Add(item);
                        s_map[item] = item.Length;
                        s_numbers.Add(item.Length);
                    }
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task Lock_NotOffered_WhenAUseIsInAnExpressionLambda_OrOutsideTheType()
    {
        await Test(Lock)
            .WithSource("""
                using System.Collections.Generic;
                using System.Linq;

                public static class Seen
                {
                    private static readonly HashSet<string> [|s_seen|] = new();
                    internal static readonly List<string> [|s_shared|] = new();

                    public static void Add(string item) => s_seen.Add(item);

                    public static void Share(string item) => s_shared.Add(item);

                    public static int CountSeen(IEnumerable<string> items) => items.Count(i => s_seen.Contains(i));
                }

                public static class Other
                {
                    public static void Add(string item) => Seen.s_shared.Add(item);
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    // ------------------------------------------------------------ offered order, Fix All

    [Fact]
    public async Task WithoutAKey_TheConcurrentCollectionIsOfferedFirst_ThenTheLockForWhatItCannotFix()
    {
        await AnalyzerTest.Create<UnsynchronizedCollectionAnalyzer>()
            .WithCodeFix<UnsynchronizedCollectionFixer>()
            .WithSource("""
                using System.Collections.Generic;

                public static class Registry
                {
                    private static readonly Dictionary<int, int> [|s_ids|] = new();
                    private static readonly List<int> [|s_order|] = new();

                    public static void Register(int id)
                    {
                        s_ids[id] = id;
                        s_order.Add(id);
                    }
                }
                """)
            .ShouldFixCodeWith("""
                using System.Collections.Concurrent;
                using System.Collections.Generic;

                public static class Registry
                {
                    private static readonly ConcurrentDictionary<int, int> s_ids = new();
                    private static readonly List<int> s_order = new();
                    private static readonly object s_orderLock = new();

                    public static void Register(int id)
                    {
                        s_ids[id] = id;
                        lock (s_orderLock)
                        {
                            s_order.Add(id);
                        }
                    }
                }
                """)
            .WithFixAllScopes()
            .ValidateAsync();
    }

    /// <summary>The second field's use in <c>Describe</c> is already under the first field's new lock: it takes that one.</summary>
    [Fact]
    public async Task Lock_FixAll_TwoFieldsOfOneDocument()
    {
        await Test(Lock)
            .WithSource("""
                using System.Collections.Generic;

                public static class Registry
                {
                    private static readonly Dictionary<int, string> [|s_names|] = new();
                    private static readonly List<int> [|s_order|] = new();

                    public static void Register(int id, string name)
                    {
                        s_names[id] = name;
                        s_order.Add(id);
                    }

                    public static string Describe(int id) => s_names[id] + s_order.IndexOf(id);
                }
                """)
            .ShouldFixCodeWith("""
                using System.Collections.Generic;

                public static class Registry
                {
                    private static readonly Dictionary<int, string> s_names = new();
                    private static readonly object s_namesLock = new();
                    private static readonly List<int> s_order = new();

                    public static void Register(int id, string name)
                    {
                        lock (s_namesLock)
                        {
                            s_names[id] = name;
                        }
                        lock (s_namesLock)
                        {
                            s_order.Add(id);
                        }
                    }

                    public static string Describe(int id)
                    {
                        lock (s_namesLock)
                        {
                            return s_names[id] + s_order.IndexOf(id);
                        }
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Concurrent_FixAll_TwoFieldsInTwoDocumentsOfAProject()
    {
        await Test(Concurrent)
            .WithSource("Sessions.cs", """
                using System.Collections.Generic;

                public static class Sessions
                {
                    private static readonly Dictionary<string, int> [|s_open|] = new();

                    public static void Open(string id) => s_open.Add(id, 1);
                }
                """)
            .WithSource("Jobs.cs", """
                using System.Collections.Generic;

                public static class Jobs
                {
                    private static readonly Queue<string> [|s_jobs|] = new();

                    public static void Post(string job) => s_jobs.Enqueue(job);
                }
                """)
            .ShouldFixCodeWith("Sessions.cs", """
                using System.Collections.Concurrent;
                using System.Collections.Generic;

                public static class Sessions
                {
                    private static readonly ConcurrentDictionary<string, int> s_open = new();

                    public static void Open(string id) => s_open.TryAdd(id, 1);
                }
                """)
            .ShouldFixCodeWith("Jobs.cs", """
                using System.Collections.Concurrent;
                using System.Collections.Generic;

                public static class Jobs
                {
                    private static readonly ConcurrentQueue<string> s_jobs = new();

                    public static void Post(string job) => s_jobs.Enqueue(job);
                }
                """)
            .WithFixAllScopes(FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution)
            .ValidateAsync();
    }
}
