using Microsoft.CodeAnalysis;
using SharedStateAnalyzers.Rules;
using SharedStateAnalyzers.Tests.Verification;

namespace SharedStateAnalyzers.Tests.Rules;

/// <summary>SSA004: what is reported, where, with which severity and message, and what is left alone.</summary>
public sealed class HandRolledSingletonAnalyzerTests
{
    private static AnalyzerTest Test(string source, References references = References.Net)
        => AnalyzerTest.Create<HandRolledSingletonAnalyzer>().WithReferences(references).WithSource(source);

    private static string Message(string accessor, string type)
        => $"'{type}.{accessor}' hands out the one instance '{type}' keeps itself: its state lives as long as the process, is shared by every request, and cannot be replaced in tests";

    private static DiagnosticResult At(int location, string accessor, string type)
        => DiagnosticResult.Create("SSA004").WithLocation(location).WithMessage(Message(accessor, type));

    // ---------------------------------------------------------------- flagged

    [Fact]
    public async Task EagerStaticField_WithMutableCounter_IsReportedOnTheProperty_AsInfoWithoutDependencyInjection()
    {
        var result = await Test("""
            public sealed class VisitCounter
            {
                private static readonly VisitCounter s_instance = new VisitCounter();
                private int _visits;

                private VisitCounter() { }

                public static VisitCounter {|#0:Instance|} => s_instance;

                public int Visit() => ++_visits;
            }
            """)
            .ExpectDiagnostic(At(0, "Instance", "VisitCounter"))
            .ValidateAsync();

        Assert.Equal(DiagnosticSeverity.Info, Assert.Single(result.AnalyzerDiagnostics).Severity);
    }

    [Fact]
    public async Task WithDependencyInjectionReferenced_IsAWarning()
    {
        var result = await Test("""
            public sealed class VisitCounter
            {
                private static readonly VisitCounter s_instance = new VisitCounter();
                private int _visits;

                private VisitCounter() { }

                public static VisitCounter {|#0:Instance|} => s_instance;

                public int Visit() => ++_visits;
            }
            """, References.DependencyInjection)
            .ExpectDiagnostic(At(0, "Instance", "VisitCounter"))
            .ValidateAsync();

        Assert.Equal(DiagnosticSeverity.Warning, Assert.Single(result.AnalyzerDiagnostics).Severity);
    }

    [Theory]
    [InlineData(References.Net, "warning", DiagnosticSeverity.Warning)]
    [InlineData(References.DependencyInjection, "suggestion", DiagnosticSeverity.Info)]
    [InlineData(References.DependencyInjection, "error", DiagnosticSeverity.Error)]
    public async Task EditorconfigSeverity_OverridesBothDefaults(References references, string configured, DiagnosticSeverity expected)
    {
        var result = await Test("""
            public sealed class VisitCounter
            {
                private int _visits;

                private VisitCounter() { }

                public static VisitCounter {|#0:Instance|} { get; } = new VisitCounter();

                public int Visit() => ++_visits;
            }
            """, references)
            .WithEditorConfig($"root = true\n\n[*.cs]\ndotnet_diagnostic.SSA004.severity = {configured}\n")
            .ExpectDiagnostic(At(0, "Instance", "VisitCounter"))
            .ValidateAsync();

        Assert.Equal(expected, Assert.Single(result.AnalyzerDiagnostics).Severity);
    }

    [Fact]
    public async Task EditorconfigSeverityNone_Silences()
    {
        await Test("""
            public sealed class VisitCounter
            {
                private int _visits;

                private VisitCounter() { }

                public static VisitCounter Instance { get; } = new VisitCounter();

                public int Visit() => ++_visits;
            }
            """, References.DependencyInjection)
            .WithEditorConfig("root = true\n\n[*.cs]\ndotnet_diagnostic.SSA004.severity = none\n")
            .ValidateAsync();
    }

    [Fact]
    public async Task PublicAutoProperty_WithReadonlyDictionary_ReadonlyMutableCollectionIsState()
    {
        await Test("""
            using System.Collections.Generic;

            public sealed class Registry
            {
                private readonly Dictionary<string, string> _entries = new();

                private Registry() { }

                public static Registry {|#0:Instance|} { get; } = new();

                public void Register(string key, string value) => _entries[key] = value;
            }
            """)
            .ExpectDiagnostic(At(0, "Instance", "Registry"))
            .ValidateAsync();
    }

    [Fact]
    public async Task LazyOfT_WithState()
    {
        await Test("""
            using System;
            using System.Collections.Generic;

            public sealed class RecentSearches
            {
                private static readonly Lazy<RecentSearches> s_lazy = new(() => new RecentSearches());
                private readonly List<string> _terms = new();

                private RecentSearches() { }

                public static RecentSearches {|#0:Current|} => s_lazy.Value;

                public void Add(string term) => _terms.Add(term);
            }
            """)
            .ExpectDiagnostic(At(0, "Current", "RecentSearches"))
            .ValidateAsync();
    }

    [Fact]
    public async Task DoubleCheckedLocking_WithState()
    {
        await Test("""
            public sealed class SessionTracker
            {
                private static volatile SessionTracker? s_instance;
                private static readonly object s_gate = new();
                private int _open;

                private SessionTracker() { }

                public static SessionTracker {|#0:Instance|}
                {
                    get
                    {
                        if (s_instance == null)
                        {
                            lock (s_gate)
                            {
                                if (s_instance == null)
                                {
                                    s_instance = new SessionTracker();
                                }
                            }
                        }

                        return s_instance;
                    }
                }

                public void Open() => _open++;
            }
            """)
            .ExpectDiagnostic(At(0, "Instance", "SessionTracker"))
            .ValidateAsync();
    }

    [Fact]
    public async Task GetInstanceMethod_LazilyAssigned()
    {
        await Test("""
            public sealed class Clock
            {
                private static Clock? s_clock;
                private long _ticks;

                private Clock() { }

                public static Clock {|#0:GetInstance|}() => s_clock ??= new Clock();

                public long Tick() => ++_ticks;
            }
            """)
            .ExpectDiagnostic(At(0, "GetInstance()", "Clock"))
            .ValidateAsync();
    }

    [Fact]
    public async Task ConfigureStyle_ReadsFiles_NoMutableField()
    {
        await Test("""
            using System;
            using System.IO;

            public sealed class PriceList
            {
                private static PriceList? _instance;
                private readonly string _folder;

                private PriceList(string folder)
                {
                    _folder = folder;
                }

                public static PriceList {|#0:Instance|}
                    => _instance ?? throw new InvalidOperationException("Call PriceList.Configure at startup first.");

                public static void Configure(string folder)
                {
                    _instance = new PriceList(folder);
                }

                public decimal GetPrice(string sku) => decimal.Parse(File.ReadAllText(Path.Combine(_folder, sku + ".txt")));
            }
            """)
            .ExpectDiagnostic(At(0, "Instance", "PriceList"))
            .ValidateAsync();
    }

    [Fact]
    public async Task PublicStaticReadonlyField_ConstructorReadsEnvironment()
    {
        await Test("""
            using System;

            public sealed class Settings
            {
                public static readonly Settings {|#0:Default|} = new Settings();

                private Settings()
                {
                    Region = Environment.GetEnvironmentVariable("REGION") ?? "eu";
                }

                public string Region { get; }
            }
            """)
            .ExpectDiagnostic(At(0, "Default", "Settings"))
            .ValidateAsync();
    }

    [Fact]
    public async Task WritableStaticFieldBesideTheInstance_IsState()
    {
        await Test("""
            public sealed class Ids
            {
                private static int s_last;

                private Ids() { }

                public static Ids {|#0:Instance|} { get; } = new Ids();

                public int Next() => ++s_last;
            }
            """)
            .ExpectDiagnostic(At(0, "Instance", "Ids"))
            .ValidateAsync();
    }

    [Fact]
    public async Task PrivateConstructor_SettableProperty()
    {
        await Test("""
            public sealed class CurrentTenant
            {
                private CurrentTenant() { }

                public static CurrentTenant {|#0:Current|} { get; } = new CurrentTenant();

                public string? Name { get; set; }
            }
            """)
            .ExpectDiagnostic(At(0, "Current", "CurrentTenant"))
            .ValidateAsync();
    }

    [Fact]
    public async Task InternalOrProtectedConstructor_SentinelOfATypeWithManyInstances()
    {
        // The rest of the assembly (an internal constructor) or derived classes (a protected one) make the other
        // instances: Empty and Instance are sentinels, not the one instance.
        await Test("""
            using System.Collections.Generic;

            public sealed class TemplateParameters
            {
                internal static readonly TemplateParameters Empty = new TemplateParameters(new List<string>());

                private readonly IList<string> _names;

                internal TemplateParameters(IList<string> names) => _names = names;

                public int Count => _names.Count;
            }

            public static class Parser
            {
                public static TemplateParameters Parse(string text) => new TemplateParameters(new List<string>(text.Split(',')));
            }

            public class MemberMap
            {
                private protected string? _sourceName;

                protected MemberMap(string? destination) => Destination = destination;

                internal static readonly MemberMap Instance = new(null);

                public string? Destination { get; protected set; }

                public void SetSource(string name) => _sourceName = name;
            }

            public sealed class PropertyMap : MemberMap
            {
                public PropertyMap(string destination) : base(destination) { }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task ReadonlyArrayField_IsState()
    {
        await Test("""
            public sealed class Slots
            {
                private readonly string?[] _slots = new string?[4];

                private Slots() { }

                public static Slots {|#0:Instance|} { get; } = new Slots();

                public void Put(int index, string value) => _slots[index] = value;
            }
            """)
            .ExpectDiagnostic(At(0, "Instance", "Slots"))
            .ValidateAsync();
    }

    [Fact]
    public async Task MutableFieldInASourceBaseClass_IsState()
    {
        await Test("""
            public abstract class CounterBase
            {
                protected int Count;

                public void Increment() => Count++;
            }

            public sealed class PageViews : CounterBase
            {
                private PageViews() { }

                public static PageViews {|#0:Instance|} { get; } = new PageViews();
            }
            """)
            .ExpectDiagnostic(At(0, "Instance", "PageViews"))
            .ValidateAsync();
    }

    [Fact]
    public async Task PresetsOfASharedBase_FilledByTheirConstructors_AreLeftAlone()
    {
        // A general type every caller can build, and fixed presets of it (one per database dialect): the base's
        // tables are the design of the general type, filled once when each preset is built.
        await Test("""
            using System;
            using System.Collections.Generic;

            public class MappingSchema
            {
                private readonly Dictionary<Type, string> _dataTypes = new();
                private string _name = "";

                public MappingSchema(string name) => _name = name;

                public void SetDataType(Type type, string dataType) => _dataTypes[type] = dataType;

                public string Describe(Type type) => _name + ":" + _dataTypes[type];
            }

            public sealed class SqlServerMappingSchema : MappingSchema
            {
                internal static readonly SqlServerMappingSchema Instance = new();

                private SqlServerMappingSchema() : base("SqlServer")
                {
                    SetDataType(typeof(string), "nvarchar");
                }
            }

            public sealed class PostgreSqlMappingSchema : MappingSchema
            {
                internal static readonly PostgreSqlMappingSchema Instance = new();

                private PostgreSqlMappingSchema() : base("PostgreSQL")
                {
                    SetDataType(typeof(string), "text");
                }
            }

            public static class Schemas
            {
                public static MappingSchema Custom() => new MappingSchema("custom");

                public static string Describe() => SqlServerMappingSchema.Instance.Describe(typeof(string)) + PostgreSqlMappingSchema.Instance.Describe(typeof(string));
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task FixedValueOfAnEntityClass_IsLeftAlone()
    {
        // The first-run user: an entity class whose other instances come from the database, and one fixed value of it.
        await Test("""
            public class User
            {
                public int Id { get; set; }
                public string Name { get; set; } = "";
                public bool IsAdmin { get; set; }
            }

            public sealed class InitialUser : User
            {
                private InitialUser()
                {
                    Id = 0;
                    Name = "Default";
                    IsAdmin = true;
                }

                public static InitialUser Instance { get; } = new InitialUser();
            }

            public static class Users
            {
                public static User Load(int id) => id == 0 ? InitialUser.Instance : new User { Id = id, Name = "user" + id };
            }
            """)
            .ValidateAsync();
    }

    [Theory]
    [InlineData("System.Collections.Concurrent.ConcurrentDictionary<Type, Func<object, string>>", "readonly ", "_writers.GetOrAdd(type, Build)")]
    [InlineData("System.Collections.Immutable.ImmutableDictionary<Type, Func<object, string>>", "", "(_writers = _writers.SetItem(type, Build(type)))[type]")]
    [InlineData("System.Collections.Generic.Dictionary<System.Reflection.PropertyInfo, Func<object, string>>", "readonly ", "_writers[type.GetProperties()[0]]")]
    // Keyed by a type and a format name, or a type and a flag.
    [InlineData("System.Collections.Concurrent.ConcurrentDictionary<(Type Type, string Format), Func<object, string>>", "readonly ", "_writers.GetOrAdd((type, \"json\"), key => Build(key.Type))")]
    [InlineData("System.Collections.Concurrent.ConcurrentDictionary<(bool Indented, Type Type), Func<object, string>>", "readonly ", "_writers.GetOrAdd((true, type), key => Build(key.Type))")]
    public async Task MemoKeyedByTypeOrMember_IsLeftAlone(string mapType, string modifier, string lookup)
    {
        // Each entry is built from code (the type's shape), the same for every request and every process.
        await Test($$"""
            using System;

            public sealed class IntrinsicSerializer
            {
                public static readonly IntrinsicSerializer Instance = new();

                private {{modifier}}{{mapType}} _writers = {{(modifier == "" ? "System.Collections.Immutable.ImmutableDictionary<Type, Func<object, string>>.Empty" : "new()")}};

                private IntrinsicSerializer() { }

                public Func<object, string> WriterFor(Type type) => {{lookup}};

                private static Func<object, string> Build(Type type) => value => type.Name + ":" + value;
            }
            """)
            .ValidateAsync();
    }

    [Theory]
    // Keyed by names alone, or by a tuple with no type in it: data, not code.
    [InlineData("System.Collections.Concurrent.ConcurrentDictionary<string, Func<object, string>>", "_writers.GetOrAdd(type.Name, name => Build(type))")]
    [InlineData("System.Collections.Concurrent.ConcurrentDictionary<(string Name, int Version), Func<object, string>>", "_writers.GetOrAdd((type.Name, 1), key => Build(type))")]
    // A type with an object of the app beside it.
    [InlineData("System.Collections.Concurrent.ConcurrentDictionary<(Type Type, object Owner), Func<object, string>>", "_writers.GetOrAdd((type, this), key => Build(key.Type))")]
    public async Task MemoKeyedByData_IsState(string mapType, string lookup)
    {
        await Test($$"""
            using System;

            public sealed class IntrinsicSerializer
            {
                public static readonly IntrinsicSerializer {|#0:Instance|} = new();

                private readonly {{mapType}} _writers = new();

                private IntrinsicSerializer() { }

                public Func<object, string> WriterFor(Type type) => {{lookup}};

                private static Func<object, string> Build(Type type) => value => type.Name + ":" + value;
            }
            """)
            .ExpectDiagnostic(At(0, "Instance", "IntrinsicSerializer"))
            .ValidateAsync();
    }

    private const string ModuleRegistrar = """
        using System;
        using System.Collections.Concurrent;
        using System.Collections.Generic;
        using System.Reflection;

        public sealed class ModuleRegistrar
        {
            private static readonly Lazy<ModuleRegistrar> lazy = new(() => new ModuleRegistrar());

            public static ModuleRegistrar {|#0:Instance|} => lazy.Value;

            private ModuleRegistrar() => _found = new();

            private readonly MAP _found;

            public object Load(Assembly assembly, Type moduleType)
            {
                var key = $"{assembly.FullName}:{moduleType.FullName}";
                LOOKUP
            }
        }
        """;

    [Theory]
    // Names of the program's types, mapped to what reflection found for them: built from code, the same everywhere.
    [InlineData("ConcurrentDictionary<string, ConstructorInfo>", "return _found.GetOrAdd(key, _ => moduleType.GetConstructor(Type.EmptyTypes)!).Invoke(null);")]
    [InlineData("ConcurrentDictionary<(string Name, int Arity), MethodInfo>", "return _found.GetOrAdd((key, 0), _ => moduleType.GetMethod(\"Create\")!).Invoke(null, null)!;")]
    [InlineData("Dictionary<string, Type>", "lock (_found) { if (!_found.TryGetValue(key, out var type)) { _found[key] = type = moduleType; } return Activator.CreateInstance(type)!; }")]
    public async Task MemoOfReflectionObjectsKeyedByName_IsLeftAlone(string map, string lookup)
    {
        // garnet's ModuleRegistrar: the constructors of loaded module types, by assembly and type name.
        await Test(ModuleRegistrar.Replace("{|#0:Instance|}", "Instance").Replace("MAP", map).Replace("LOOKUP", lookup))
            .ValidateAsync();
    }

    [Theory]
    // What the reflection objects made: the modules themselves, shared by every caller.
    [InlineData("ConcurrentDictionary<string, object>", "return _found.GetOrAdd(key, _ => moduleType.GetConstructor(Type.EmptyTypes)!.Invoke(null));")]
    // A list of members can be changed through the map.
    [InlineData("ConcurrentDictionary<string, List<MethodInfo>>", "var methods = _found.GetOrAdd(key, _ => new List<MethodInfo>()); methods.Add(moduleType.GetMethod(\"Create\")!); return methods;")]
    // Each entry pairs the member with data.
    [InlineData("ConcurrentDictionary<string, (ConstructorInfo Constructor, object Options)>", "return _found.GetOrAdd(key, _ => (moduleType.GetConstructor(Type.EmptyTypes)!, new object())).Constructor.Invoke(null);")]
    public async Task MemoOfWhatReflectionMade_IsState(string map, string lookup)
    {
        await Test(ModuleRegistrar.Replace("MAP", map).Replace("LOOKUP", lookup))
            .ExpectDiagnostic(At(0, "Instance", "ModuleRegistrar"))
            .ValidateAsync();
    }

    [Fact]
    public async Task StateOfASharedBase_ChangedThroughTheAccessor_IsState()
    {
        await Test("""
            public class Settings
            {
                public string Theme { get; set; } = "light";
            }

            public sealed class SiteSettings : Settings
            {
                private SiteSettings() { }

                public static SiteSettings {|#0:Instance|} { get; } = new SiteSettings();
            }

            public static class SettingsPage
            {
                public static Settings Preview() => new Settings { Theme = "dark" };

                public static void Save(string theme) => SiteSettings.Instance.Theme = theme;
            }
            """)
            .ExpectDiagnostic(At(0, "Instance", "SiteSettings"))
            .ValidateAsync();
    }

    [Theory]
    [InlineData("Names.Add(name)", "Guests().Names.Add(name)")]
    [InlineData("this.Count++", "Guests().Count++")]
    [InlineData("Register(name)", "Guests().Register(name)")]
    [InlineData("_ = name", "Registry.Current.Names.Add(name)")]
    [InlineData("_ = name", "Registry.Current.Register(name)")]
    [InlineData("_ = name", "Registry.Current.Count++")]
    [InlineData("_ = name", "System.Threading.Interlocked.Increment(ref Registry.Current.Total)")]
    public async Task StateOfASharedBase_ChangedByTheSingletonOrThroughTheAccessor_IsState(string byTheSingleton, string byOthers)
    {
        await Test(Registry(byTheSingleton, byOthers, "{|#0:Current|}"))
            .ExpectDiagnostic(At(0, "Current", "Registry"))
            .ValidateAsync();
    }

    [Fact]
    public async Task StateOfASharedBase_ChangedOnlyOnOtherInstances_IsLeftAlone()
    {
        // Changes made on another instance of the base (`Guests()`) say nothing about the singleton.
        await Test(Registry("_ = name", "Guests().Names.Add(name)", "Current"))
            .ValidateAsync();
    }

    private static string Registry(string byTheSingleton, string byOthers, string accessor) => $$"""
            using System.Collections.Generic;

            public class NameList
            {
                public readonly List<string> Names = new();
                public int Count { get; set; }
                public int Total;

                public void Register(string name) => Names.Add(name);
            }

            public sealed class Registry : NameList
            {
                private Registry() { }

                public static Registry {{accessor}} { get; } = new Registry();

                public void Join(string name) => {{byTheSingleton}};
            }

            public static class Signup
            {
                public static NameList Guests() => new NameList();

                public static void Join(string name) => {{byOthers}};
            }
            """;

    [Fact]
    public async Task HttpClientReads_AreInputOutput()
    {
        await Test("""
            using System.Net.Http;
            using System.Threading.Tasks;

            public sealed class RatesClient
            {
                private static readonly RatesClient s_instance = new();
                private readonly HttpClient _http = new();

                private RatesClient() { }

                public static RatesClient {|#0:Instance|} => s_instance;

                public Task<string> GetRatesAsync() => _http.GetStringAsync("https://rates.example/today");
            }
            """)
            .ExpectDiagnostic(At(0, "Instance", "RatesClient"))
            .ValidateAsync();
    }

    [Fact]
    public async Task TwoAccessors_OneDiagnosticOnTheFirst()
    {
        await Test("""
            public sealed class Journal
            {
                private static readonly Journal s_instance = new();
                private string _last = "";

                private Journal() { }

                public static Journal {|#0:Instance|} => s_instance;

                public static Journal GetInstance() => s_instance;

                public void Write(string line) => _last = line;
            }
            """)
            .ExpectDiagnostic(At(0, "Instance", "Journal"))
            .ValidateAsync();
    }

    [Fact]
    public async Task StaticConstructorBuildsTheInstance()
    {
        await Test("""
            using System.Collections.Generic;

            public sealed class FeatureFlags
            {
                private static readonly FeatureFlags s_instance;
                private readonly HashSet<string> _enabled = new();

                static FeatureFlags()
                {
                    s_instance = new FeatureFlags();
                }

                private FeatureFlags() { }

                public static FeatureFlags {|#0:Instance|} => s_instance;

                public bool IsEnabled(string flag) => _enabled.Contains(flag);

                public void Enable(string flag) => _enabled.Add(flag);
            }
            """)
            .ExpectDiagnostic(At(0, "Instance", "FeatureFlags"))
            .ValidateAsync();
    }

    [Fact]
    public async Task CallsATypeListedAsReadingExternalData()
    {
        await Test("""
            namespace Shop.Legacy
            {
                public sealed class MainframeGateway
                {
                    public string Fetch(string key) => key;
                }
            }

            namespace Shop
            {
                public sealed class Catalog
                {
                    private readonly Legacy.MainframeGateway _gateway = new();

                    private Catalog() { }

                    public static Catalog {|#0:Instance|} { get; } = new Catalog();

                    public string Describe(string sku) => _gateway.Fetch(sku);
                }
            }
            """)
            .WithEditorConfig("root = true\n\n[*.cs]\nshared_state.external_data_types = Shop.Legacy.MainframeGateway\n")
            .ExpectDiagnostic(At(0, "Instance", "Catalog"))
            .ValidateAsync();
    }

    [Fact]
    public async Task ProtectedOrInternalConstructor_NothingElseMakesAnInstance()
    {
        // Non-public constructors that nothing uses: no subclass, no `new` outside the type.
        await Test("""
            using System.Collections.Generic;

            public class MetricsRegistry
            {
                private static MetricsRegistry? s_registry;
                private readonly List<string> _names = new();

                protected MetricsRegistry() { }

                public static MetricsRegistry {|#0:GetInstance|}() => s_registry ??= new MetricsRegistry();

                public void Register(string name) => _names.Add(name);
            }

            public sealed class FeatureFlags
            {
                private readonly Dictionary<string, bool> _flags = new();

                internal FeatureFlags() { }

                public static FeatureFlags {|#1:Instance|} { get; } = new FeatureFlags();

                public void Set(string name, bool on) => _flags[name] = on;

                public bool IsOn(string name) => _flags.GetValueOrDefault(name);
            }
            """)
            .ExpectDiagnostic(At(0, "GetInstance()", "MetricsRegistry"))
            .ExpectDiagnostic(At(1, "Instance", "FeatureFlags"))
            .ValidateAsync();
    }

    private const string ReadOnlySteps = """
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;

        public interface IQueryStep
        {
            IQueryable<T> Apply<T>(IQueryable<T> source) where T : class;
        }

        public sealed class ReadOnlyStep : IQueryStep
        {
            private ReadOnlyStep() { }

            public static ReadOnlyStep MARK { get; } = new ReadOnlyStep();

            public IQueryable<T> Apply<T>(IQueryable<T> source) where T : class
                => source.AsNoTracking().TagWith("read-only");
        EXTRA
        }
        """;

    [Fact]
    public async Task RunsTheQueryItComposes_IsReported()
    {
        // ToListAsync runs the query: a database read.
        await Test(ReadOnlySteps.Replace("MARK", "{|#0:Instance|}").Replace("EXTRA", "\n    public Task<List<T>> LoadAsync<T>(IQueryable<T> source) where T : class => Apply(source).ToListAsync();"), References.EntityFrameworkCore)
            .ExpectDiagnostic(At(0, "Instance", "ReadOnlyStep"))
            .ValidateAsync();
    }

    [Fact]
    public async Task ReadsAFileTheAppShips_IsReported()
    {
        // Reading a file is I/O for this rule, wherever the file is: the container should own the reader.
        await Test("""
            using System;
            using System.IO;

            public sealed class Banner
            {
                private Banner() { }

                public static Banner {|#0:Instance|} { get; } = new Banner();

                public string Text() => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "banner.txt"));
            }
            """)
            .ExpectDiagnostic(At(0, "Instance", "Banner"))
            .ValidateAsync();
    }

    // ---------------------------------------------------------------- left alone

    /// <summary>
    /// A field-less resolver that looks names up on each call, keeping its one instance, which the app also hands to
    /// the container behind an interface. <c>FIELD</c> is where a test adds a field; <c>REGISTRATION</c> is the
    /// registration.
    /// </summary>
    private const string ResolverHandedToTheContainer = """
        using System.Net;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.DependencyInjection.Extensions;

        public interface IDomainNameResolver
        {
            string? ResolveHostName();
        }

        public sealed class DomainNameResolver : IDomainNameResolver
        {
            public static DomainNameResolver {|#0:Instance|} { get; } = new();

            private DomainNameResolver()
            {
            }
            FIELD

            public string? ResolveHostName() => Dns.GetHostEntry(Dns.GetHostName()).HostName;
        }

        public static class DnsRegistration
        {
            public static IServiceCollection AddResolver(this IServiceCollection services)
            {
                REGISTRATION
                return services;
            }
        }
        """;

    [Theory]
    [InlineData("services.TryAddSingleton<IDomainNameResolver>(DomainNameResolver.Instance);")]
    [InlineData("services.AddSingleton<IDomainNameResolver>(_ => DomainNameResolver.Instance);")]
    public async Task StatelessIoHelper_WhoseInstanceTheContainerHandsOut(string registration)
    {
        // No fields: each call does its own lookup. The container hands the one instance out behind an interface, so
        // consumers take it by injection and tests can replace it.
        await Test(ResolverHandedToTheContainer.Replace("{|#0:Instance|}", "Instance").Replace("FIELD", "").Replace("REGISTRATION", registration), References.DependencyInjection)
            .ValidateAsync();
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("private string? _lastHost;", "services.TryAddSingleton<IDomainNameResolver>(DomainNameResolver.Instance);")]
    public async Task IoHelper_NotHandedToTheContainer_OrWithAField_IsReported(string field, string registration)
    {
        await Test(ResolverHandedToTheContainer.Replace("FIELD", field).Replace("REGISTRATION", registration), References.DependencyInjection)
            .ExpectDiagnostic(At(0, "Instance", "DomainNameResolver"))
            .ValidateAsync();
    }


    [Fact]
    public async Task PerThreadInstance_InAThreadStaticField()
    {
        // Each thread builds and keeps its own: there is no one instance for the container to own.
        await Test("""
            using System;
            using System.Collections.Generic;

            public sealed class ScratchContext
            {
                [ThreadStatic] private static ScratchContext? t_current;

                private ScratchContext() { }

                public List<string> Parts { get; } = new();

                public static ScratchContext Current => t_current ??= new ScratchContext();
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Stateless_ComposesAnEntityFrameworkQuery()
    {
        // AsNoTracking and TagWith only build the query; nothing is read until the caller runs it.
        await Test(ReadOnlySteps.Replace("MARK", "Instance").Replace("EXTRA", ""), References.EntityFrameworkCore)
            .ValidateAsync();
    }

    [Fact]
    public async Task NullObject_LikeNullLoggerInstance()
    {
        await Test("""
            public interface ISink
            {
                void Write(string message);
            }

            public sealed class NullSink : ISink
            {
                private NullSink() { }

                public static NullSink Instance { get; } = new NullSink();

                public void Write(string message) { }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task NullObject_WithAPropertyInjectedLoggerInItsBaseClass()
    {
        // The base class of container-built implementations has a settable logger for property injection. A logger is
        // where the type writes, not state it reads back: the null object is still stateless.
        await Test("""
            using System.Threading;
            using Microsoft.Extensions.Logging;
            using Microsoft.Extensions.Logging.Abstractions;

            public interface ITokenSource
            {
                CancellationToken Token { get; }
            }

            public abstract class TokenSourceBase : ITokenSource
            {
                public ILogger Logger { get; set; } = NullLogger.Instance;

                public abstract CancellationToken Token { get; }
            }

            public sealed class NoTokenSource : TokenSourceBase
            {
                private NoTokenSource() { }

                public static NoTokenSource Instance { get; } = new NoTokenSource();

                public override CancellationToken Token => CancellationToken.None;
            }
            """, References.MemoryCache)
            .ValidateAsync();
    }

    [Fact]
    public async Task NullObject_WithAThirdPartyLoggerProperty()
    {
        // A logging library's own abstraction (Castle's, log4net's), known by its name.
        await Test("""
            namespace Logging.Abstractions
            {
                public interface ILogger { void Info(string message); }
                public interface ILog { void Debug(string message); }
            }

            namespace App
            {
                using Logging.Abstractions;

                public sealed class NullChangeReason
                {
                    private NullChangeReason() { }

                    public static NullChangeReason Instance { get; } = new NullChangeReason();

                    public ILogger? Logger { get; set; }

                    public ILog? Log { get; set; }

                    public string? Reason => null;
                }
            }
            """)
            .ValidateAsync();
    }

    /// <summary>A resolver that names each formatter it generates; NEXT is how it takes the next number.</summary>
    private const string NamingResolver = """
        using System.Threading;

        public interface IFormatter<T> { string Format(T value); }

        public sealed class EnumFormatter<T> : IFormatter<T>
        {
            private readonly string _name;
            public EnumFormatter(string name) => _name = name;
            public string Format(T value) => _name + ":" + value;
        }

        public sealed class EnumResolver
        {
            public static readonly EnumResolver {|#0:Instance|} = new EnumResolver();
            private static int s_sequence;

            private EnumResolver() { }

            public IFormatter<T>? GetFormatter<T>() => Cache<T>.Formatter;

            private static string NextName() => "EnumFormatter" + NEXT;

            private static class Cache<T>
            {
                public static readonly IFormatter<T>? Formatter = typeof(T).IsEnum ? new EnumFormatter<T>(NextName()) : null;
            }
        }
        """;

    [Theory]
    [InlineData("Interlocked.Increment(ref s_sequence)")]
    [InlineData("System.Threading.Interlocked.Add(ref s_sequence, 1)")]
    public async Task Stateless_WithAnInterlockedNameCounter(string next)
    {
        // The only writable field is a static counter changed through Interlocked, for the unique names of generated
        // formatters (MessagePack's dynamic resolvers): a counter of the type, safe for every thread, not state of
        // the one instance.
        await Test(NamingResolver.Replace("NEXT", next).Replace("{|#0:Instance|}", "Instance"))
            .ValidateAsync();
    }

    [Theory]
    [InlineData("(++s_sequence)")]
    [InlineData("Interlocked.Increment(ref s_sequence); public static void Reset() => s_sequence = 0; private static string Unused() => \"\"")]
    public async Task NameCounter_ChangedWithoutInterlocked_IsReported(string next)
    {
        // A plain increment, or a reset beside the Interlocked one, is a write of shared state.
        await Test(NamingResolver.Replace("NEXT", next))
            .ExpectDiagnostic(At(0, "Instance", "EnumResolver"))
            .ValidateAsync();
    }

    [Fact]
    public async Task Stateless_WithAThreadStaticReentrancyGuard()
    {
        // The only writable field is [ThreadStatic]: each thread's own guard against re-entering the resolver, not
        // state of the shared instance.
        await Test("""
            using System;
            using System.Collections.Generic;
            using System.Text.Json;
            using System.Text.Json.Serialization.Metadata;

            internal sealed class GuardedResolver : IJsonTypeInfoResolver
            {
                public static readonly GuardedResolver Instance = new();

                [ThreadStatic]
                private static HashSet<Type>? t_resolving;

                private static readonly DefaultJsonTypeInfoResolver s_inner = new();

                private GuardedResolver() { }

                public JsonTypeInfo? GetTypeInfo(Type type, JsonSerializerOptions options)
                {
                    var resolving = t_resolving ??= new HashSet<Type>();
                    if (!resolving.Add(type))
                    {
                        return null;
                    }

                    try
                    {
                        return s_inner.GetTypeInfo(type, options);
                    }
                    finally
                    {
                        resolving.Remove(type);
                    }
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task WithAWritableStaticBesideTheInstance_IsReported()
    {
        // The same guard without [ThreadStatic] is one set for every thread: state.
        await Test("""
            using System;
            using System.Collections.Generic;

            internal sealed class TypeWalker
            {
                public static readonly TypeWalker {|#0:Instance|} = new();

                private static HashSet<Type>? s_visiting;

                private TypeWalker() { }

                public bool Enter(Type type) => (s_visiting ??= new HashSet<Type>()).Add(type);
            }
            """)
            .ExpectDiagnostic(At(0, "Instance", "TypeWalker"))
            .ValidateAsync();
    }

    [Fact]
    public async Task NullObject_WithASettableLoggerAndASettableSetting_IsReported()
    {
        // The logger is not state; the process-wide setting beside it is.
        await Test("""
            using Microsoft.Extensions.Logging;

            public enum DatabaseKind { SqlServer, Oracle }

            public sealed class SequentialIds
            {
                private SequentialIds() { }

                public static SequentialIds {|#0:Instance|} { get; } = new SequentialIds();

                public ILogger? Logger { get; set; }

                public DatabaseKind Database { get; set; }
            }
            """, References.MemoryCache)
            .ExpectDiagnostic(At(0, "Instance", "SequentialIds"))
            .ValidateAsync();
    }

    [Fact]
    public async Task NullObjectReader_DerivingFromADatabaseReader()
    {
        // A reader that stands for "already disposed": it derives from DbDataReader, but its own helpers only throw.
        // Its members are judged by their bodies, not by the base class.
        await Test("""
            using System;
            using System.Collections;
            using System.Data.Common;

            internal sealed class DisposedReader : DbDataReader
            {
                internal static readonly DisposedReader Instance = new();

                private DisposedReader() { }

                private static T ThrowDisposed<T>() => throw new ObjectDisposedException(nameof(DbDataReader));

                public override int Depth => 0;
                public override int FieldCount => 0;
                public override bool HasRows => false;
                public override bool IsClosed => true;
                public override int RecordsAffected => -1;
                public override object this[int ordinal] => ThrowDisposed<object>();
                public override object this[string name] => ThrowDisposed<object>();
                public override bool GetBoolean(int ordinal) => ThrowDisposed<bool>();
                public override byte GetByte(int ordinal) => ThrowDisposed<byte>();
                public override long GetBytes(int ordinal, long dataOffset, byte[]? buffer, int bufferOffset, int length) => ThrowDisposed<long>();
                public override char GetChar(int ordinal) => ThrowDisposed<char>();
                public override long GetChars(int ordinal, long dataOffset, char[]? buffer, int bufferOffset, int length) => ThrowDisposed<long>();
                public override string GetDataTypeName(int ordinal) => ThrowDisposed<string>();
                public override DateTime GetDateTime(int ordinal) => ThrowDisposed<DateTime>();
                public override decimal GetDecimal(int ordinal) => ThrowDisposed<decimal>();
                public override double GetDouble(int ordinal) => ThrowDisposed<double>();
                public override IEnumerator GetEnumerator() => ThrowDisposed<IEnumerator>();
                public override Type GetFieldType(int ordinal) => ThrowDisposed<Type>();
                public override float GetFloat(int ordinal) => ThrowDisposed<float>();
                public override Guid GetGuid(int ordinal) => ThrowDisposed<Guid>();
                public override short GetInt16(int ordinal) => ThrowDisposed<short>();
                public override int GetInt32(int ordinal) => ThrowDisposed<int>();
                public override long GetInt64(int ordinal) => ThrowDisposed<long>();
                public override string GetName(int ordinal) => ThrowDisposed<string>();
                public override int GetOrdinal(string name) => ThrowDisposed<int>();
                public override string GetString(int ordinal) => ThrowDisposed<string>();
                public override object GetValue(int ordinal) => ThrowDisposed<object>();
                public override int GetValues(object[] values) => ThrowDisposed<int>();
                public override bool IsDBNull(int ordinal) => ThrowDisposed<bool>();
                public override bool NextResult() => ThrowDisposed<bool>();
                public override bool Read() => ThrowDisposed<bool>();
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task PathComparer_NormalisingThroughFileInfoPaths()
    {
        // FileInfo/DirectoryInfo path members (FullName, Name, Parent) say where a file is, not what it holds: the
        // comparer reads no file and keeps nothing.
        await Test("""
            using System;
            using System.Collections.Generic;
            using System.IO;

            public static class PathExtensions
            {
                public static string Clean(this string path)
                {
                    var directory = new DirectoryInfo(path);
                    while (directory != null)
                    {
                        if (directory.Name.Trim() != directory.Name)
                        {
                            throw new ArgumentException("Invalid path", nameof(path));
                        }

                        directory = directory.Parent;
                    }

                    return new FileInfo(path.Trim()).FullName.TrimEnd('/');
                }
            }

            public sealed class PathComparer : IEqualityComparer<string>
            {
                public static readonly PathComparer Instance = new PathComparer();

                private PathComparer() { }

                public bool Equals(string? x, string? y) => string.Equals(x?.Clean(), y?.Clean(), StringComparison.Ordinal);

                public int GetHashCode(string obj) => obj.Clean().GetHashCode();
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task NullLogger_FromMicrosoftExtensionsLogging()
    {
        await Test("""
            using System;
            using Microsoft.Extensions.Logging;

            public sealed class QuietLogger : ILogger
            {
                private QuietLogger() { }

                public static QuietLogger Instance { get; } = new QuietLogger();

                public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

                public bool IsEnabled(LogLevel logLevel) => false;

                public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) { }
            }
            """, References.MemoryCache | References.DependencyInjection)
            .ValidateAsync();
    }

    [Fact]
    public async Task StatelessConverter_WithAStaticReadonlyTableOfHandledTypes()
    {
        // The table belongs to the type and is only read: the converter itself holds nothing.
        await Test("""
            using System;

            public sealed class ScriptValueConverter
            {
                public static readonly Type[] HandledTypes = [typeof(Guid), typeof(DateTime), typeof(Uri)];

                public static readonly ScriptValueConverter Instance = new ScriptValueConverter();

                private ScriptValueConverter() { }

                public bool TryConvert(object value, out string? result)
                {
                    result = Array.IndexOf(HandledTypes, value.GetType()) >= 0 ? value.ToString() : null;
                    return result is not null;
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task PoolAndClockSubclasses_WithTheRuntimesSharedIdiom()
    {
        // A MemoryPool<T>, ArrayPool<T> or TimeProvider is process-wide by the runtime's own design (MemoryPool<T>.Shared,
        // ArrayPool<T>.Shared, TimeProvider.System), and code that needs one takes the base type: garnet's
        // PooledArrayMemoryPool.Shared and CoarseTimeProvider.Instance.
        await Test("""
            using System;
            using System.Buffers;
            using System.Collections.Concurrent;
            using System.Threading;

            public sealed class WrapperPool : MemoryPool<byte>
            {
                public static new readonly WrapperPool Shared = new();

                private readonly ConcurrentQueue<IMemoryOwner<byte>> _returned = new();
                private int _retained;

                private WrapperPool() { }

                public override int MaxBufferSize => Array.MaxLength;

                public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
                {
                    if (_returned.TryDequeue(out var owner))
                    {
                        Interlocked.Decrement(ref _retained);
                        return owner;
                    }

                    return MemoryPool<byte>.Shared.Rent(minBufferSize);
                }

                protected override void Dispose(bool disposing) { }
            }

            public sealed class TrimmingArrayPool : ArrayPool<char>
            {
                public static readonly TrimmingArrayPool Instance = new();

                private readonly ConcurrentBag<char[]> _arrays = new();

                private TrimmingArrayPool() { }

                public override char[] Rent(int minimumLength) => _arrays.TryTake(out var array) && array.Length >= minimumLength ? array : new char[minimumLength];

                public override void Return(char[] array, bool clearArray = false) => _arrays.Add(array);
            }

            public sealed class CoarseClock : TimeProvider
            {
                public static readonly CoarseClock Instance = new();

                private static volatile Snapshot s_now = new(TimeProvider.System.GetUtcNow());

                private static readonly ITimer s_timer = TimeProvider.System.CreateTimer(
                    static _ => s_now = new Snapshot(TimeProvider.System.GetUtcNow()), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

                private CoarseClock() { }

                public override DateTimeOffset GetUtcNow() => s_now.Value;

                private sealed class Snapshot(DateTimeOffset value)
                {
                    public readonly DateTimeOffset Value = value;
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task PoolOrClockThatDoesNotDeriveFromTheRuntimesType_IsState()
    {
        // Nothing can take its place: code reaches the one instance through the accessor.
        await Test("""
            using System;
            using System.Collections.Concurrent;

            public sealed class BufferCache
            {
                public static readonly BufferCache {|#0:Shared|} = new();

                private readonly ConcurrentQueue<byte[]> _returned = new();

                private BufferCache() { }

                public byte[] Rent(int size) => _returned.TryDequeue(out var buffer) && buffer.Length >= size ? buffer : new byte[size];

                public void Return(byte[] buffer) => _returned.Enqueue(buffer);
            }

            public sealed class Clock
            {
                public static Clock {|#1:Instance|} { get; } = new();

                private Clock() { }

                public TimeSpan Offset { get; set; }

                public DateTimeOffset Now => DateTimeOffset.UtcNow + Offset;
            }
            """)
            .ExpectDiagnostic(At(0, "Shared", "BufferCache"))
            .ExpectDiagnostic(At(1, "Instance", "Clock"))
            .ValidateAsync();
    }

    [Fact]
    public async Task EventSource_LogInstance()
    {
        // The runtime requires one EventSource instance per name for the process: the static Log field is its idiom.
        await Test("""
            using System;
            using System.Diagnostics.Tracing;

            [EventSource(Name = "Shop-Orders")]
            public sealed class OrdersEventSource : EventSource
            {
                public static readonly OrdersEventSource Log = new();

                private IncrementingEventCounter? _placedPerSecond;
                private EventCounter? _placeDuration;

                private OrdersEventSource() { }

                protected override void OnEventCommand(EventCommandEventArgs args)
                {
                    if (args.Command == EventCommand.Enable)
                    {
                        _placedPerSecond ??= new IncrementingEventCounter("orders-placed-per-second", this) { DisplayRateTimeScale = TimeSpan.FromSeconds(1) };
                        _placeDuration ??= new EventCounter("order-place-duration", this) { DisplayUnits = "ms" };
                    }
                }

                public void Placed(double milliseconds)
                {
                    _placedPerSecond?.Increment();
                    _placeDuration?.WriteMetric(milliseconds);
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task StringComparerLikeComparer()
    {
        await Test("""
            using System;
            using System.Collections.Generic;

            public sealed class SkuComparer : IEqualityComparer<string>, IComparer<string>
            {
                public static readonly SkuComparer Instance = new SkuComparer();

                private SkuComparer() { }

                public bool Equals(string? x, string? y) => string.Equals(x?.Trim(), y?.Trim(), StringComparison.OrdinalIgnoreCase);

                public int GetHashCode(string obj) => StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Trim());

                public int Compare(string? x, string? y) => string.Compare(x?.Trim(), y?.Trim(), StringComparison.OrdinalIgnoreCase);
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task EqualityComparerSingleton_WrappingAnotherComparer()
    {
        await Test("""
            using System;
            using System.Collections.Generic;

            public sealed record Order(int Id, string Customer);

            public sealed class OrderByIdComparer : EqualityComparer<Order>
            {
                private readonly IEqualityComparer<int> _ids = EqualityComparer<int>.Default;

                private OrderByIdComparer() { }

                public static OrderByIdComparer Instance { get; } = new();

                public override bool Equals(Order? x, Order? y) => x is null ? y is null : y is not null && _ids.Equals(x.Id, y.Id);

                public override int GetHashCode(Order obj) => _ids.GetHashCode(obj.Id);
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task EmptyResultInstance()
    {
        await Test("""
            using System.Threading.Tasks;
            using Microsoft.AspNetCore.Http;

            public sealed class NoContentResult : IResult
            {
                public static readonly NoContentResult Instance = new();

                private NoContentResult() { }

                public Task ExecuteAsync(HttpContext httpContext)
                {
                    httpContext.Response.StatusCode = StatusCodes.Status204NoContent;
                    return Task.CompletedTask;
                }
            }
            """, References.AspNetCore)
            .ValidateAsync();
    }

    [Fact]
    public async Task StructAndRecordWithStaticZeroOrEmpty()
    {
        await Test("""
            public readonly struct Money
            {
                public static readonly Money Zero = new(0m);

                private Money(decimal amount) => Amount = amount;

                public decimal Amount { get; }
            }

            public sealed record Tags
            {
                public static Tags Empty { get; } = new();

                private Tags() { }

                public string[] Values { get; init; } = [];
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task PublicConstructor_OrImplicitOne()
    {
        await Test("""
            public sealed class Options
            {
                public static Options Default { get; } = new Options();

                public int Retries { get; set; } = 3;
            }

            public sealed class Buffer
            {
                public static readonly Buffer Shared = new Buffer(1024);

                public Buffer(int size) => Bytes = new byte[size];

                public byte[] Bytes { get; }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task OtherFactoryBesidesTheAccessor()
    {
        await Test("""
            public sealed class Query
            {
                private string _text;

                private Query(string text) => _text = text;

                public static Query Empty { get; } = new Query("");

                public static Query Parse(string text) => new Query(text.Trim());

                public void Append(string more) => _text += more;
            }

            public sealed class Cursor
            {
                private int _position;

                private Cursor() { }

                public static Cursor Start { get; } = new Cursor();

                public Cursor Advance() => new Cursor { _position = _position + 1 };
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task StaticClass()
    {
        await Test("""
            using System.Collections.Generic;

            public static class Cache
            {
                public static readonly Dictionary<string, string> Entries = new();
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task EnumLikeClass_WithSeveralStaticInstances()
    {
        await Test("""
            using System.Collections.Generic;

            public sealed class OrderStatus
            {
                public static readonly OrderStatus Open = new("open");
                public static readonly OrderStatus Shipped = new("shipped");

                private readonly List<string> _aliases = new();

                private OrderStatus(string name) => Name = name;

                public string Name { get; }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task TestCode_SingletonNestedInATestClass()
    {
        await Test("""
            using System;

            [AttributeUsage(AttributeTargets.Method)]
            public sealed class FactAttribute : Attribute { }

            public sealed class ClockTests
            {
                [Fact]
                public void Ticks() => FakeClock.Instance.Advance();

                private sealed class FakeClock
                {
                    private long _now;

                    private FakeClock() { }

                    public static FakeClock Instance { get; } = new FakeClock();

                    public void Advance() => _now++;
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task ImmutableFields_AreNotState()
    {
        await Test("""
            using System.Collections.Generic;
            using System.Collections.Immutable;
            using System.Text.RegularExpressions;

            public sealed class SkuFormat
            {
                private readonly Regex _pattern = new("^[A-Z]{3}-[0-9]{4}$");
                private readonly ImmutableArray<string> _prefixes = ImmutableArray.Create("ABC", "XYZ");
                private readonly IReadOnlyList<int> _lengths = new[] { 8 };
                private readonly string _separator = "-";

                private SkuFormat() { }

                public static SkuFormat Default { get; } = new SkuFormat();

                public bool IsValid(string sku) => _pattern.IsMatch(sku) && _prefixes.Contains(sku.Substring(0, 3)) && sku.Length == _lengths[0] && sku.Contains(_separator);
            }
            """)
            .ValidateAsync();
    }

    /// <summary>
    /// One shared wrapper of a native service's handle, stored by the constructor; HANDLE declares where it is kept,
    /// MORE adds members.
    /// </summary>
    private const string NativeServiceHandle = """
        using System;

        public sealed class NativeTextService
        {
            HANDLE

            private NativeTextService()
            {
                Handle = Create();
            }

            public static NativeTextService {|#0:Shared|} { get; } = new();

            MORE

            private static IntPtr Create() => new IntPtr(42);
        }
        """;

    [Theory]
    [InlineData("public IntPtr Handle { get; private set; }", "")]
    [InlineData("public IntPtr Handle { get; init; }", "")]
    [InlineData("private IntPtr _handle; public IntPtr Handle { get => _handle; private set => _handle = value; }", "")]
    [InlineData("public IntPtr Handle { get; private set; }", "public IntPtr Read() => Handle;")]
    [InlineData("private int _width = 4; public IntPtr Handle { get; private set; }", "public int Width => _width;")]
    public async Task StateSetOnlyByTheConstructor_IsNotState(string handle, string more)
    {
        // Written once, while the one instance is built, then only read: as immutable as a readonly field.
        await Test(NativeServiceHandle.Replace("HANDLE", handle).Replace("MORE", more).Replace("{|#0:Shared|}", "Shared"))
            .ValidateAsync();
    }

    [Theory]
    [InlineData("public IntPtr Handle { get; set; }", "")]
    [InlineData("public IntPtr Handle { get; internal set; }", "")]
    [InlineData("public IntPtr Handle { get; private set; }", "public void Reset() => Handle = IntPtr.Zero;")]
    [InlineData("public IntPtr Handle { get; private set; }", "public void Reopen() { this.Handle = Create(); }")]
    [InlineData("public IntPtr Handle { get; private set; } private int _opened;", "public void Open() => _opened++;")]
    [InlineData("public IntPtr Handle { get; private set; } private int _width;", "public void Swap(ref int width) => (_width, width) = (width, _width);")]
    [InlineData("public IntPtr Handle { get; private set; } private int _width;", "public void Measure() => int.TryParse(\"4\", out _width);")]
    [InlineData("public IntPtr Handle { get; private set; }", "private sealed class Rebinder { public void Rebind(NativeTextService service) => service.Handle = IntPtr.Zero; }")]
    [InlineData("public IntPtr Handle { get; private set; }", "private readonly Action _reset; private NativeTextService(int unused) { _reset = () => Handle = IntPtr.Zero; }")]
    public async Task StateWrittenAfterTheConstructor_IsState(string handle, string more)
    {
        await Test(NativeServiceHandle.Replace("HANDLE", handle).Replace("MORE", more))
            .ExpectDiagnostic(At(0, "Shared", "NativeTextService"))
            .ValidateAsync();
    }

    /// <summary>
    /// A shared mapping of file extensions to media types that its constructor fills; TABLE declares the table, FILL
    /// fills it, USE reads it, MORE adds members.
    /// </summary>
    private const string MediaTypeTable = """
        using System;
        using System.Collections.Generic;
        using System.Linq;

        public sealed class MediaTypes
        {
            TABLE

            private MediaTypes()
            {
                // the types this server knows
                FILL
            }

            public static MediaTypes {|#0:Instance|} { get; } = new();

            USE

            MORE
        }
        """;

    private const string Table = "private readonly Dictionary<string, string> _byExtension = new(StringComparer.OrdinalIgnoreCase);";

    private const string ImmutableEntry = "public sealed class MediaType(string name, Charset charset) { public string Name { get; } = name; public Charset Charset { get; } = charset; } public sealed class Charset { public Charset(string name) => Name = name; public string Name { get; init; } }";

    private const string Fill = """_byExtension[".css"] = "text/css"; _byExtension.Add(".js", "text/javascript");""";

    private const string Lookup = "public string Find(string extension) => _byExtension.TryGetValue(extension, out var found) ? found : \"application/octet-stream\";";

    [Theory]
    [InlineData(Table, Fill, Lookup, "")]
    // Read by indexer, Count, ContainsKey, foreach and LINQ; the table is an interface-typed field or a private get-only property.
    [InlineData("private readonly IDictionary<string, int> _byExtension = new Dictionary<string, int>();", "_byExtension[\".css\"] = 1;", "public int Find(string e) => _byExtension.ContainsKey(e) ? _byExtension[e] : _byExtension.Count;", "public IEnumerable<string> Known() { foreach (var pair in _byExtension) yield return pair.Key; } public bool Any() => _byExtension.Any(p => p.Value > 0);")]
    [InlineData("private Dictionary<string, string> ByExtension { get; } = new();", "ByExtension[\".css\"] = \"text/css\";", "public string Find(string e) => ByExtension[e];", "")]
    // A set of enum values and a list of names.
    [InlineData("private readonly HashSet<DayOfWeek> _days = new(); private readonly List<string> _names = new();", "_days.Add(DayOfWeek.Monday); _names.Add(\"css\");", "public bool Open(DayOfWeek d) => _days.Contains(d) && _names.Contains(\"css\");", "")]
    // Entries of the project's own immutable classes: sealed, get-only, holding values or more such objects.
    [InlineData("private readonly Dictionary<string, MediaType> _byExtension = new();", "_byExtension[\".css\"] = new MediaType(\"text/css\", new Charset(\"utf-8\"));", "public bool IsText(string e) => _byExtension[e].Charset.Name.Length > 0;", ImmutableEntry)]
    [InlineData("private readonly List<MediaType> _known = new();", "_known.Add(new MediaType(\"text/css\", new Charset(\"utf-8\")));", "public int Count() => _known.Count;", ImmutableEntry)]
    public async Task LookupTableTheConstructorFills_IsNotState(string table, string fill, string use, string more)
    {
        // Filled while the one instance is built, then only read: the instance is as immutable as a frozen dictionary.
        await Test(MediaTypeTable.Replace("TABLE", table).Replace("FILL", fill).Replace("USE", use).Replace("MORE", more).Replace("{|#0:Instance|}", "Instance"))
            .ValidateAsync();
    }

    [Theory]
    // Changed after construction: a method, a lambda the constructor leaves behind, a clear.
    [InlineData(Table, Fill, Lookup, "public void Learn(string e, string t) => _byExtension[e] = t;")]
    [InlineData(Table, Fill, Lookup, "public void Reset() => _byExtension.Clear();")]
    [InlineData(Table, Fill + " AppDomain.CurrentDomain.ProcessExit += (_, _) => _byExtension.Remove(\".css\");", Lookup, "")]
    // Handed out, where others can change it; or aliased to a local that is changed.
    [InlineData(Table, Fill, Lookup, "public Dictionary<string, string> All() => _byExtension;")]
    [InlineData(Table, Fill, Lookup, "public void Copy(Action<Dictionary<string, string>> to) => to(_byExtension);")]
    [InlineData(Table, Fill, Lookup, "public void Add(string e) { var map = _byExtension; map[e] = \"x\"; }")]
    // Exposed to others, or its entries are objects that can change.
    [InlineData("public readonly Dictionary<string, string> ByExtension = new();", "ByExtension[\".css\"] = \"text/css\";", "", "")]
    [InlineData("internal Dictionary<string, string> ByExtension { get; } = new();", "ByExtension[\".css\"] = \"text/css\";", "", "")]
    [InlineData("private readonly Dictionary<string, List<string>> _byExtension = new();", "_byExtension[\".css\"] = new List<string>();", "public void Alias(string e, string t) => _byExtension[e].Add(t);", "")]
    // Entries of a class that can change: a settable property, a writable field, a collection, or a class others can derive from.
    [InlineData("private readonly Dictionary<string, MediaType> _byExtension = new();", "_byExtension[\".css\"] = new MediaType();", "", "public sealed class MediaType { public string Name { get; set; } = \"\"; }")]
    [InlineData("private readonly Dictionary<string, MediaType> _byExtension = new();", "_byExtension[\".css\"] = new MediaType();", "", "public sealed class MediaType { public int Hits; }")]
    [InlineData("private readonly Dictionary<string, MediaType> _byExtension = new();", "_byExtension[\".css\"] = new MediaType();", "", "public sealed class MediaType { public List<string> Aliases { get; } = new(); }")]
    [InlineData("private readonly Dictionary<string, MediaType> _byExtension = new();", "_byExtension[\".css\"] = new MediaType();", "", "public class MediaType { public string Name { get; } = \"\"; }")]
    [InlineData("private readonly Dictionary<string, MediaType> _byExtension = new();", "_byExtension[\".css\"] = new MediaType();", "", "public sealed class MediaType { public string[] Aliases { get; } = new string[1]; }")]
    // Filled by a method after the constructor: not while the instance was built.
    [InlineData(Table, "", Lookup, "public void Load() { _byExtension[\".css\"] = \"text/css\"; }")]
    public async Task LookupTableChangedOrHandedOut_IsState(string table, string fill, string use, string more)
    {
        await Test(MediaTypeTable.Replace("TABLE", table).Replace("FILL", fill).Replace("USE", use).Replace("MORE", more))
            .ExpectDiagnostic(At(0, "Instance", "MediaTypes"))
            .ValidateAsync();
    }

    [Fact]
    public async Task StatelessLazySingleton()
    {
        await Test("""
            using System;

            public sealed class SlugFormatter
            {
                private static readonly Lazy<SlugFormatter> s_instance = new(() => new SlugFormatter());

                private SlugFormatter() { }

                public static SlugFormatter Instance => s_instance.Value;

                public string Format(string title) => title.Trim().ToLowerInvariant().Replace(' ', '-');
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task StatelessHelper_ReadingTheRequestItIsHanded()
    {
        await Test("""
            using System.Security.Claims;
            using Microsoft.AspNetCore.Http;

            public sealed class UserIdReader
            {
                private UserIdReader() { }

                public static UserIdReader Instance { get; } = new UserIdReader();

                public string? Read(HttpContext context) => context.User.FindFirstValue(ClaimTypes.NameIdentifier);
            }
            """, References.AspNetCore)
            .ValidateAsync();
    }

    [Fact]
    public async Task PrivateInstanceWithNoAccessor()
    {
        await Test("""
            public sealed class Counter
            {
                private static readonly Counter s_shared = new Counter();
                private int _count;

                private Counter() { }

                public static int Next() => ++s_shared._count;
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task FactoryTakingArguments_IsNotASingleton()
    {
        await Test("""
            public sealed class Connection
            {
                private static Connection? s_last;
                private string _state = "closed";

                private Connection() { }

                public static Connection Open(string name)
                {
                    s_last = new Connection { _state = name };
                    return s_last;
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task HalfTypedCode_DoesNotThrow()
    {
        await Test("""
            public sealed class Broken
            {
                private static readonly Broken s_instance = new Broken(;
                private Missing _field;

                private Broken() { }

                public static Broken Instance => s_instance
            }
            """)
            .AllowCompilerErrors()
            .AllowUnexpectedDiagnostics()
            .ValidateAsync();
    }
}
