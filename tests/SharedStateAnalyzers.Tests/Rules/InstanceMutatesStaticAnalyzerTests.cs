using SharedStateAnalyzers.Rules;
using SharedStateAnalyzers.Tests.Verification;

namespace SharedStateAnalyzers.Tests.Rules;

/// <summary>SSA003: what is reported, where, with which message, and what is left alone.</summary>
public sealed class InstanceMutatesStaticAnalyzerTests
{
    private static AnalyzerTest Test(string source, References references = References.Net)
        => AnalyzerTest.Create<InstanceMutatesStaticAnalyzer>().WithReferences(references).WithSource(source);

    private static DiagnosticResult Expect(int location, string member, string field, string type)
        => DiagnosticResult.Create("SSA003").WithLocation(location).WithMessage(
            $"'{member}' changes static '{field}': every instance of '{type}' shares it, so a change through one instance is seen by all");

    // ---------------------------------------------------------------- flagged

    [Fact]
    public async Task Seed_PatternRemixer_FillsAndResetsTheClassWideCache()
    {
        await Test("""
            using System.Collections.Generic;
            using System.Text;

            public class PatternRemixer
            {
                private static Dictionary<string, string> _samplecache = new();
                private readonly string _pattern;

                public PatternRemixer(string pattern) => _pattern = pattern;

                public string Remix(string[] song)
                {
                    var output = new StringBuilder();
                    foreach (var key in song)
                    {
                        if (!_samplecache.ContainsKey(key))
                        {
                            {|#0:_samplecache[key]|} = RenderAudio(key);
                        }

                        output.Append(_samplecache[key]);
                    }

                    return output.ToString();
                }

                public void ResetCache() => {|#1:_samplecache|} = new();

                private string RenderAudio(string key) => _pattern + ":" + key + ";";
            }
            """)
            .ExpectDiagnostic(Expect(0, "Remix", "_samplecache", "PatternRemixer"))
            .ExpectDiagnostic(Expect(1, "ResetCache", "_samplecache", "PatternRemixer"))
            .ValidateAsync();
    }

    [Fact]
    public async Task CompoundAssignment_AndATypeQualifiedReference()
    {
        await Test("""
            public sealed class Basket
            {
                private static decimal s_total;

                public void Add(decimal amount)
                {
                    {|#0:Basket.s_total|} += amount;
                }
            }
            """)
            .ExpectDiagnostic(Expect(0, "Add", "s_total", "Basket"))
            .ValidateAsync();
    }

    [Fact]
    public async Task FlagSetByOneInstance_AndClearedByAnother()
    {
        // Set and cleared by instances: not a one-way latch, so one instance's Reset undoes another's setup.
        await Test("""
            public sealed class Exporter
            {
                private static bool s_headerWritten;

                public string Write(string row)
                {
                    if (s_headerWritten)
                    {
                        return row;
                    }

                    {|#0:s_headerWritten|} = true;
                    return "id,name\n" + row;
                }

                public void Reset() => {|#1:s_headerWritten|} = false;
            }
            """)
            .ExpectDiagnostic(Expect(0, "Write", "s_headerWritten", "Exporter"))
            .ExpectDiagnostic(Expect(1, "Reset", "s_headerWritten", "Exporter"))
            .ValidateAsync();
    }

    [Fact]
    public async Task ConstantBuiltValues_ThatAreChangedLater_OrAreResources_OrDiffer()
    {
        // The same constant-built list, but instances add to it; a new token source per instance (a resource: the
        // previous one is lost to whoever held it); a timestamp (the same code, another value each time); a queue
        // dropped after a conditional Clear, whose contents instances change.
        await Test("""
            using System;
            using System.Collections.Generic;
            using System.Threading;

            public sealed class Recorder
            {
                private static List<string> s_lines = new();
                private static CancellationTokenSource s_stop = new();
                private static DateTime s_started;

                public Recorder()
                {
                    {|#0:s_lines|} = new List<string> { "header" };
                    {|#1:s_stop|} = new CancellationTokenSource();
                    {|#2:s_started|} = DateTime.UtcNow;
                }

                public void Record(string line) => {|#3:s_lines.Add|}(line);
            }

            public sealed class StartupLog
            {
                internal static System.Collections.Concurrent.ConcurrentQueue<string>? Queue { get; set; } = new();

                public void Close()
                {
                    Queue?.Clear();
                    {|#4:Queue|} = null;
                }
            }
            """)
            .ExpectDiagnostic(Expect(0, "Recorder", "s_lines", "Recorder"))
            .ExpectDiagnostic(Expect(1, "Recorder", "s_stop", "Recorder"))
            .ExpectDiagnostic(Expect(2, "Recorder", "s_started", "Recorder"))
            .ExpectDiagnostic(Expect(3, "Record", "s_lines", "Recorder"))
            .ExpectDiagnostic(Expect(4, "Close", "Queue", "StartupLog"))
            .ValidateAsync();
    }

    [Fact]
    public async Task ServicesTheCompilationCreates_RegistersPerScope_OrTheFrameworkMakesPerRequest()
    {
        // The same constructor shape as a container-built service, but the compilation shows several instances: one
        // is created with `new`, one registered as scoped, one is a controller.
        await Test("""
            using System.Collections.Generic;
            using Microsoft.AspNetCore.Mvc;
            using Microsoft.Extensions.DependencyInjection;

            public interface IStore { string Load(string key); }

            public sealed class Remixer
            {
                private static string? s_lastKey;
                private readonly IStore _store;
                public Remixer(IStore store) => _store = store;
                public string Remix(string key) { {|#0:s_lastKey|} = key; return _store.Load(key); }
                public static Remixer For(IStore store) => new Remixer(store);
            }

            public sealed class Translations
            {
                private static string? s_culture;
                private readonly IStore _store;
                public Translations(IStore store) => _store = store;
                public void Use(string culture) => {|#1:s_culture|} = culture;
            }

            public sealed class SettingsController : ControllerBase
            {
                private static string? s_lastUser;
                private readonly IStore _store;
                public SettingsController(IStore store) => _store = store;
                [HttpGet("/settings")]
                public string Get(string user) { {|#2:s_lastUser|} = user; return _store.Load(user); }
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services) => services.AddScoped<Translations>();
            }
            """, References.AspNetCore)
            .ExpectDiagnostic(Expect(0, "Remix", "s_lastKey", "Remixer"))
            .ExpectDiagnostic(Expect(1, "Use", "s_culture", "Translations"))
            .ExpectDiagnostic(Expect(2, "Get", "s_lastUser", "SettingsController"))
            .ValidateAsync();
    }

    [Fact]
    public async Task IncrementInAConstructor_DecrementInDispose()
    {
        await Test("""
            using System;

            public sealed class Connection : IDisposable
            {
                private static int s_open;

                public Connection()
                {
                    {|#0:s_open|}++;
                }

                public void Dispose() => --{|#1:s_open|};
            }
            """)
            .ExpectDiagnostic(Expect(0, "Connection", "s_open", "Connection"))
            .ExpectDiagnostic(Expect(1, "Dispose", "s_open", "Connection"))
            .ValidateAsync();
    }

    [Fact]
    public async Task CoalesceAssignment_IsLazyInitialization_ButTheAddIsReported()
    {
        // Creating the list on first use is lazy initialization (SSA009's business); adding to it is the change.
        await Test("""
            using System.Collections.Generic;

            public sealed class Formatter
            {
                private static List<string>? s_lines;

                public void Write(string line)
                {
                    s_lines ??= new List<string>();
                    {|#0:s_lines.Add|}(line);
                }
            }
            """)
            .ExpectDiagnostic(Expect(0, "Write", "s_lines", "Formatter"))
            .ValidateAsync();
    }

    [Fact]
    public async Task PropertySetter_AndAStaticAutoProperty()
    {
        await Test("""
            public sealed class UserPreferences
            {
                private static string s_theme = "light";

                public static string? LastUser { get; set; }

                public string Theme
                {
                    get => s_theme;
                    set => {|#0:s_theme|} = value;
                }

                public void SignIn(string user)
                {
                    {|#1:LastUser|} = user;
                }
            }
            """)
            .ExpectDiagnostic(Expect(0, "Theme", "s_theme", "UserPreferences"))
            .ExpectDiagnostic(Expect(1, "SignIn", "LastUser", "UserPreferences"))
            .ValidateAsync();
    }

    [Fact]
    public async Task ManyWritesToOneFieldInOneMember_OneDiagnosticAtTheFirst_TwoFieldsTwoDiagnostics()
    {
        await Test("""
            using System.Collections.Generic;

            public sealed class Report
            {
                private static readonly List<string> s_rows = new();
                private static int s_count;

                public void Build(IEnumerable<string> rows)
                {
                    {|#0:s_rows.Clear|}();
                    foreach (var row in rows)
                    {
                        s_rows.Add(row);
                        {|#1:s_count|}++;
                    }

                    s_rows.Sort();
                    s_count = s_rows.Count;
                }
            }
            """)
            .ExpectDiagnostic(Expect(0, "Build", "s_rows", "Report"))
            .ExpectDiagnostic(Expect(1, "Build", "s_count", "Report"))
            .ValidateAsync();
    }

    [Fact]
    public async Task BaseTypesStaticField_WrittenByADerivedInstance()
    {
        await Test("""
            public abstract class Handler
            {
                protected static int s_handled;
            }

            public sealed class OrderHandler : Handler
            {
                public void Handle()
                {
                    {|#0:s_handled|} += 1;
                }
            }
            """)
            .ExpectDiagnostic(Expect(0, "Handle", "s_handled", "Handler"))
            .ValidateAsync();
    }

    [Fact]
    public async Task InsideALambdaAndALocalFunction_ReportedForTheMember()
    {
        await Test("""
            using System.Collections.Generic;

            public sealed class Crawler
            {
                private static readonly HashSet<string> s_seen = new();
                private static readonly Queue<string> s_pending = new();

                public void Visit(List<string> links)
                {
                    links.ForEach(link => {|#0:s_seen.Add|}(link));
                    Schedule();

                    void Schedule()
                    {
                        foreach (var link in links)
                        {
                            {|#1:s_pending.Enqueue|}(link);
                        }
                    }
                }
            }
            """)
            .ExpectDiagnostic(Expect(0, "Visit", "s_seen", "Crawler"))
            .ExpectDiagnostic(Expect(1, "Visit", "s_pending", "Crawler"))
            .ValidateAsync();
    }

    [Fact]
    public async Task ConcurrentDictionary_FilledWithExternalData_FromAnInstanceMember()
    {
        await Test("""
            using System.Collections.Concurrent;
            using System.IO;

            public sealed class TemplateStore
            {
                private static readonly ConcurrentDictionary<string, string> s_templates = new();
                private static readonly ConcurrentDictionary<string, string> s_partials = new();

                public string Get(string name) => {|#0:s_templates.GetOrAdd|}(name, n => File.ReadAllText(n));

                public void Load(string name)
                {
                    {|#1:s_partials[name]|} = File.ReadAllText(name);
                }
            }
            """)
            .ExpectDiagnostic(Expect(0, "Get", "s_templates", "TemplateStore"))
            .ExpectDiagnostic(Expect(1, "Load", "s_partials", "TemplateStore"))
            .ValidateAsync();
    }

    [Fact]
    public async Task IndexerSetter_AndEventAccessors()
    {
        await Test("""
            using System;
            using System.Collections.Generic;

            public sealed class Settings
            {
                private static readonly Dictionary<string, string> s_values = new();
                private static readonly List<EventHandler> s_handlers = new();

                public string this[string key]
                {
                    get => s_values[key];
                    set => {|#0:s_values[key]|} = value;
                }

                public event EventHandler Changed
                {
                    add => {|#1:s_handlers.Add|}(value);
                    remove => {|#2:s_handlers.Remove|}(value);
                }
            }
            """)
            .ExpectDiagnostic(Expect(0, "this[]", "s_values", "Settings"))
            .ExpectDiagnostic(Expect(1, "Changed", "s_handlers", "Settings"))
            .ExpectDiagnostic(Expect(2, "Changed", "s_handlers", "Settings"))
            .ValidateAsync();
    }

    [Fact]
    public async Task ALockOnAnInstanceField_DoesNotKeepOtherInstancesOut()
    {
        await Test("""
            using System.Collections.Generic;

            public sealed class Registry
            {
                private static readonly List<string> s_names = new();
                private readonly object _gate = new();

                public void Register(string name)
                {
                    lock (_gate)
                    {
                        {|#0:s_names.Add|}(name);
                    }
                }
            }
            """)
            .ExpectDiagnostic(Expect(0, "Register", "s_names", "Registry"))
            .ValidateAsync();
    }

    [Fact]
    public async Task ALockOnThis_OrASynchronizedInstanceMethod_LocksOneInstance()
    {
        await Test("""
            using System.Runtime.CompilerServices;

            public sealed class Meter
            {
                private static long s_total;
                private static long s_peak;

                public void Add(long amount)
                {
                    lock (this)
                    {
                        {|#0:s_total|} += amount;
                    }
                }

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void Peak(long value) => {|#1:s_peak|} = value;
            }
            """)
            .ExpectDiagnostic(Expect(0, "Add", "s_total", "Meter"))
            .ExpectDiagnostic(Expect(1, "Peak", "s_peak", "Meter"))
            .ValidateAsync();
    }

    [Fact]
    public async Task StaticDelegateField_CombinedFromAnInstance_AndAnArrayElement()
    {
        await Test("""
            using System;

            public sealed class Plugin
            {
                private static Action? s_onReload;
                private static readonly byte[] s_buffer = new byte[16];

                public void Attach(Action reload)
                {
                    {|#0:s_onReload|} += reload;
                }

                public void Fill(byte value)
                {
                    {|#1:s_buffer[0]|} = value;
                }
            }
            """)
            .ExpectDiagnostic(Expect(0, "Attach", "s_onReload", "Plugin"))
            .ExpectDiagnostic(Expect(1, "Fill", "s_buffer", "Plugin"))
            .ValidateAsync();
    }

    [Fact]
    public async Task StructMember_AndAnInstanceFieldInitializer()
    {
        await Test("""
            public struct Ticket
            {
                private static int s_issued;

                public void Issue() => {|#0:s_issued|}++;
            }

            public sealed class Order
            {
                private static int s_lastNumber;
                private readonly int _number = {|#1:s_lastNumber|}++;

                public int Number => _number;
            }
            """)
            .ExpectDiagnostic(Expect(0, "Issue", "s_issued", "Ticket"))
            .ExpectDiagnostic(Expect(1, "_number", "s_lastNumber", "Order"))
            .ValidateAsync();
    }

    [Fact]
    public async Task DictionaryRemove_AndTryAdd()
    {
        await Test("""
            using System.Collections.Generic;

            public sealed class Session
            {
                private static readonly Dictionary<string, string> s_tokens = new();

                public void Open(string user, string token) => {|#0:s_tokens.TryAdd|}(user, token);

                public void Close(string user) => {|#1:s_tokens.Remove|}(user);
            }
            """)
            .ExpectDiagnostic(Expect(0, "Open", "s_tokens", "Session"))
            .ExpectDiagnostic(Expect(1, "Close", "s_tokens", "Session"))
            .ValidateAsync();
    }

    [Fact]
    public async Task DeconstructionIntoStaticFields()
    {
        await Test("""
            public sealed class Viewport
            {
                private static int s_width;
                private static int s_height;

                public void Resize(int width, int height) => ({|#0:s_width|}, {|#1:s_height|}) = (width, height);

                public int Area => s_width * s_height;
            }
            """)
            .ExpectDiagnostic(Expect(0, "Resize", "s_width", "Viewport"))
            .ExpectDiagnostic(Expect(1, "Resize", "s_height", "Viewport"))
            .ValidateAsync();
    }

    [Fact]
    public async Task AnImmutableBuildersContents()
    {
        await Test("""
            using System.Collections.Immutable;

            public sealed class Collector
            {
                private static readonly ImmutableArray<string>.Builder s_items = ImmutableArray.CreateBuilder<string>();

                public void Collect(string item) => {|#0:s_items.Add|}(item);
            }
            """)
            .ExpectDiagnostic(Expect(0, "Collect", "s_items", "Collector"))
            .ValidateAsync();
    }

    [Fact]
    public async Task OutArgument_AssignsTheField()
    {
        await Test("""
            public sealed class Endpoint
            {
                private static int s_port;

                public bool Parse(string text) => int.TryParse(text, out {|#0:s_port|});
            }
            """)
            .ExpectDiagnostic(Expect(0, "Parse", "s_port", "Endpoint"))
            .ValidateAsync();
    }

    [Fact]
    public async Task PlainValuesThisInstanceChose_FromItsParameters_ItsOwnFields_OrTheClock()
    {
        // Numbers and strings that differ per instance: each instance's own connection string, its own name, the
        // moment it was made, a value computed from its parameter through a local.
        await Test("""
            using System;

            public sealed class Repository
            {
                private static string s_connectionString = "";
                private static string s_name = "";
                private static DateTime s_openedAt;
                private static int s_port;
                private static int s_checksum;
                private readonly string _name;

                public Repository(string connectionString, string name, string endpoint)
                {
                    _name = name;
                    {|#0:s_connectionString|} = connectionString;
                    {|#1:s_name|} = _name.ToUpperInvariant();
                    {|#2:s_openedAt|} = DateTime.UtcNow;
                    var port = int.Parse(endpoint.Split(':')[1]);
                    {|#3:s_port|} = port;
                    {|#4:s_checksum|} = Checksum();
                }

                private int Checksum() => _name.Length * 31;

                public string Describe() => s_name + "@" + s_connectionString + ":" + s_port + " since " + s_openedAt;
            }
            """)
            .ExpectDiagnostic(Expect(0, "Repository", "s_connectionString", "Repository"))
            .ExpectDiagnostic(Expect(1, "Repository", "s_name", "Repository"))
            .ExpectDiagnostic(Expect(2, "Repository", "s_openedAt", "Repository"))
            .ExpectDiagnostic(Expect(3, "Repository", "s_port", "Repository"))
            .ExpectDiagnostic(Expect(4, "Repository", "s_checksum", "Repository"))
            .ValidateAsync();
    }

    [Fact]
    public async Task HelperCalledOnceWithoutTheLock()
    {
        await Test("""
            using System.Collections.Generic;

            public class Indexer
            {
                protected static readonly List<string> cache = new();

                protected void CleanCache() => {|#0:cache.Clear|}();

                public void Search()
                {
                    lock (cache)
                    {
                        CleanCache();
                    }
                }

                public void Refresh() => CleanCache();
            }
            """)
            .ExpectDiagnostic(Expect(0, "CleanCache", "cache", "Indexer"))
            .ValidateAsync();
    }

    [Fact]
    public async Task LazyAssignment_OfWhatTheInstanceWasGiven()
    {
        // The first formatter's culture silently holds for every later one.
        await Test("""
            using System.Globalization;

            public class Formatter
            {
                private static string? s_culture;
                private static int? s_digits;
                private readonly int _digits;

                public Formatter(string culture, int digits)
                {
                    _digits = digits;
                    {|#0:s_culture|} ??= culture;
                    if (s_digits == null)
                    {
                        {|#1:s_digits|} = _digits;
                    }
                }

                public string Format(decimal value) => value.ToString("F" + s_digits, new CultureInfo(s_culture!));
            }
            """)
            .ExpectDiagnostic(Expect(0, "Formatter", "s_culture", "Formatter"))
            .ExpectDiagnostic(Expect(1, "Formatter", "s_digits", "Formatter"))
            .ValidateAsync();
    }

    [Fact]
    public async Task SmartEnum_ConstructorRunOnlyByTheTypesStaticInitializers()
    {
        await Test(SharedShapes.SelfRegisteringSmartEnums)
            .ValidateAsync();
    }

    private const string SelfRegisteringCalendars = """
        public enum Era { Common, Buddhist, Hijri, Count }

        public sealed class Calendar
        {
            private static readonly Calendar?[] s_byEra = new Calendar?[(int)Era.Count];

            public static Calendar Gregorian { get; } = new Calendar(Era.Common, "Gregorian");

            public static Calendar Thai => Holder.Thai;

            public static Calendar Islamic => Holder.Islamic;

            private Calendar(Era era, string name)
            {
                Era = era;
                Name = name;
                MARK = this;
            }

            public Era Era { get; }

            public string Name { get; }

            public static Calendar? ForEra(Era era) => s_byEra[(int)era];

            private static class Holder
            {
                internal static Calendar Thai { get; } = new Calendar(Era.Buddhist, "Thai");

                internal static Calendar Islamic { get; } = new Calendar(Era.Hijri, "Islamic");

                static Holder() { }
            }
        EXTRA
        }
        """;

    [Fact]
    public async Task SelfRegisteringInstances_AlsoBuiltByANestedLazyHolder()
    {
        // The rarely used calendars are built by a nested holder's static initializers, on first use: each slot is
        // still written once, while a type initializes.
        await Test(SelfRegisteringCalendars.Replace("MARK", "s_byEra[(int)era]").Replace("EXTRA", ""))
            .ValidateAsync();
    }

    [Fact]
    public async Task SelfRegisteringInstances_AlsoBuiltByANestedTypesMethod_IsReported()
    {
        // A nested type's method makes more instances whenever it is called.
        await Test(SelfRegisteringCalendars.Replace("MARK", "{|#0:s_byEra[(int)era]|}").Replace("EXTRA", "\n    public static class Factory\n    {\n        public static Calendar Custom(string name) => new Calendar(Era.Common, name);\n    }"))
            .ExpectDiagnostic(Expect(0, "Calendar", "s_byEra", "Calendar"))
            .ValidateAsync();
    }

    private const string MailerSettings = """
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.Options;

        public sealed class SmtpSettings
        {
            public string Host { get; set; } = "";
        }

        public sealed class Mailer
        {
            private static SmtpSettings? s_settings;

            public Mailer(OPTIONS options)
            {
                MARK = options.Value;
            }

            public static string Host => s_settings?.Host ?? "localhost";
        }

        public static class Registration
        {
            public static IServiceCollection AddMailer(this IServiceCollection services) => services.AddScoped<Mailer>();
        }
        """;

    [Fact]
    public async Task StaticSetToTheAppsOptionsValue()
    {
        // IOptions<T>.Value is the container's one options object: every scoped instance stores the same.
        await Test(MailerSettings.Replace("MARK", "s_settings").Replace("OPTIONS", "IOptions<SmtpSettings>"), References.DependencyInjection)
            .ValidateAsync();
    }

    [Fact]
    public async Task StaticSetToAnOptionsSnapshot_IsReported()
    {
        // A snapshot is made per scope: the last instance built decides for all.
        await Test(MailerSettings.Replace("MARK", "{|#0:s_settings|}").Replace("OPTIONS", "IOptionsSnapshot<SmtpSettings>"), References.DependencyInjection)
            .ExpectDiagnostic(Expect(0, "Mailer", "s_settings", "Mailer"))
            .ValidateAsync();
    }

    /// <summary>
    /// A scoped repository that keeps what its constructor is given in statics, for its static helpers.
    /// <c>LIFETIME</c> is how <c>DatabaseService</c> is registered.
    /// </summary>
    private const string RepositoryKeepingServicesInStatics = """
        using Microsoft.Extensions.Configuration;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.Logging;

        public sealed class DatabaseService
        {
            public string Provider => "sqlite";
        }

        public sealed class Repository
        {
            private static DatabaseService? s_database;
            private static ILogger? s_logger;
            private static IConfiguration? s_configuration;

            public Repository(DatabaseService database, ILogger<Repository> logger, IConfiguration configuration)
            {
                {|#0:s_database|} = database;
                s_logger = logger;
                s_configuration = configuration;
            }

            public static string Provider => s_database?.Provider ?? s_configuration?["Provider"] ?? "none";

            public static void Trace(string message) => s_logger?.LogInformation(message);
        }

        public static class Registration
        {
            public static IServiceCollection AddData(this IServiceCollection services)
                => services.LIFETIME<DatabaseService>().AddScoped<Repository>();
        }
        """;

    [Fact]
    public async Task StaticSetToTheContainersSingletons_LoggerAndConfiguration()
    {
        // The service registered as a singleton, the logger and the configuration are the container's one objects:
        // every instance stores the same.
        await Test(RepositoryKeepingServicesInStatics.Replace("{|#0:s_database|}", "s_database").Replace("LIFETIME", "AddSingleton"), References.AspNetCore)
            .ValidateAsync();
    }

    [Fact]
    public async Task StaticSetToAScopedService_IsReported()
    {
        // A scoped service is one per request: the last instance built decides for all.
        await Test(RepositoryKeepingServicesInStatics.Replace("LIFETIME", "AddScoped"), References.AspNetCore)
            .ExpectDiagnostic(Expect(0, "Repository", "s_database", "Repository"))
            .ValidateAsync();
    }

    private const string CachedRepositories = """
        using System.Collections.Generic;
        using System.Linq;
        using Microsoft.Extensions.DependencyInjection;

        public interface ICachedRepository
        {
            void BuildIndexes();
        }

        public sealed record Show(int Id, string Title);

        public sealed class ShowRepository : ICachedRepository
        {
            private static Dictionary<int, Show>? s_byId;
            private readonly List<Show> _shows = new();

            public void BuildIndexes() => MARK = _shows.ToDictionary(show => show.Id);

            public Show? Get(int id) => s_byId is not null && s_byId.TryGetValue(id, out var show) ? show : null;
        }

        public static class Registration
        {
            public static IServiceCollection AddRepositories(this IServiceCollection services)
            {
                services.AddCached<ShowRepository>();
                return services;
            }

            private static void AddCached<TRepository>(this IServiceCollection services)
                where TRepository : class, ICachedRepository
                => services.LIFETIMEICachedRepository, TRepository>();
        }
        """;

    [Fact]
    public async Task SingletonRegisteredThroughTheAppsGenericHelper()
    {
        // AddCached<ShowRepository>() registers it as a singleton through the helper's type parameter: one instance.
        await Test(CachedRepositories.Replace("MARK", "s_byId").Replace("LIFETIME", "AddSingleton<"), References.DependencyInjection)
            .ValidateAsync();
    }

    [Fact]
    public async Task ScopedThroughTheAppsGenericHelper_IsReported()
    {
        await Test(CachedRepositories.Replace("MARK", "{|#0:s_byId|}").Replace("LIFETIME", "AddScoped<"), References.DependencyInjection)
            .ExpectDiagnostic(Expect(0, "BuildIndexes", "s_byId", "ShowRepository"))
            .ValidateAsync();
    }

    [Fact]
    public async Task StaticDelegate_SetToALambdaThatCapturesNothing()
    {
        // Every instance stores the same code: whichever writes, the field holds what one instance would put there.
        await Test("""
            using System;

            public sealed class Channel
            {
                private static Func<string, Channel>? s_factory;
                private readonly string _address;

                public Channel(string address) => _address = address;

                public void Open() => s_factory = address => new Channel(address);

                public Channel Copy() => s_factory is { } factory ? factory(_address) : throw new InvalidOperationException("Open the channel first.");
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task StaticDelegate_SetToALambdaThatCapturesNothing_ReadWithTheNullForgivingOperator()
    {
        // `s_factory!(…)` reads the field: the null-forgiving operator is not an increment.
        await Test("""
            using System;

            public sealed class Connection : IDisposable
            {
                private static Func<string, Connection>? s_factory;
                private readonly string _address;

                public Connection(string address) => _address = address;

                public void Open() => s_factory = address => new Connection(address);

                public Connection Clone() => s_factory!(_address);

                public void Dispose() { }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task StaticDelegate_SetToALambdaThatCapturesTheInstance_IsReported()
    {
        // The lambda keeps the instance that stored it: the last one to open wins for every other instance.
        await Test("""
            using System;

            public sealed class Channel
            {
                private static Func<Channel>? s_copy;
                private readonly string _address;

                public Channel(string address) => _address = address;

                public void Open() => {|#0:s_copy|} = () => new Channel(_address);

                public Channel Copy() => s_copy is { } copy ? copy() : throw new InvalidOperationException("Open the channel first.");
            }
            """)
            .ExpectDiagnostic(Expect(0, "Open", "s_copy", "Channel"))
            .ValidateAsync();
    }

    [Fact]
    public async Task StaticType_LookedUpByAConstantName()
    {
        // The driver's connection type, found by name at run time: the same Type for every instance.
        await Test("""
            using System;

            public sealed class VendorProvider
            {
                private const string ConnectionTypeName = "Vendor.Data.VendorConnection, Vendor.Data";
                private static Type? s_connectionType;

                public VendorProvider()
                {
                    s_connectionType = FindType(ConnectionTypeName);
                }

                public object? CreateConnection() => s_connectionType is null ? null : Activator.CreateInstance(s_connectionType);

                private static Type? FindType(string name) => Type.GetType(name, throwOnError: false);
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task StaticType_LookedUpByANameEachInstanceIsGiven_IsReported()
    {
        await Test("""
            using System;

            public sealed class VendorProvider
            {
                private static Type? s_connectionType;

                public VendorProvider(string connectionTypeName)
                {
                    {|#0:s_connectionType|} = Type.GetType(connectionTypeName, throwOnError: false);
                }

                public object? CreateConnection() => s_connectionType is null ? null : Activator.CreateInstance(s_connectionType);
            }
            """)
            .ExpectDiagnostic(Expect(0, "VendorProvider", "s_connectionType", "VendorProvider"))
            .ValidateAsync();
    }

    private const string NestedConsolePrinter = """
        using System;
        using System.IO;

        public sealed class AuditTrail
        {
            public void Record(string line) => Printer.Only.Print(line);

            // (more)

            ACCESS sealed class Printer
            {
                public static readonly Printer Only = new();
                // (second)
                private static bool s_enabled;

                static Printer() => s_enabled = !Console.IsOutputRedirected;

                public void Print(string line)
                {
                    if (!s_enabled)
                    {
                        return;
                    }

                    try
                    {
                        Console.Out.WriteLine(line);
                    }
                    catch (IOException)
                    {
                        // the console is gone for good
                        {|#0:s_enabled|} = false;
                    }
                }
            }
        }
        """;

    [Fact]
    public async Task PrivateNestedTypeWhoseOneInstanceItsStaticInitializerMakes()
    {
        // No constructor is declared, but only the enclosing type could call the implicit one, and the only `new` is
        // the type's own static initializer: there is one instance, and no other to see the change.
        await Test(NestedConsolePrinter.Replace("{|#0:s_enabled|}", "s_enabled").Replace("ACCESS", "private"))
            .ValidateAsync();
    }

    [Theory]
    // Code outside could make more instances.
    [InlineData("public", "// (more)", "// (second)")]
    // The enclosing type makes another.
    [InlineData("private", "public void Echo(string line) => new Printer().Print(line);", "// (second)")]
    // Two instances made by the initializers: they share the flag.
    [InlineData("private", "// (more)", "public static readonly Printer Other = new();")]
    public async Task NestedTypeWithSeveralInstancesPossible_IsReported(string access, string more, string second)
    {
        await Test(NestedConsolePrinter.Replace("ACCESS", access).Replace("// (more)", more).Replace("// (second)", second))
            .ExpectDiagnostic(Expect(0, "Print", "s_enabled", "Printer"))
            .ValidateAsync();
    }

    private const string LazySingletonProvider = """
        using System;
        using System.Collections.Generic;
        using System.Threading;

        internal sealed class PortDefaults
        {
            private static readonly Lazy<PortDefaults> LazyInstance;
            private static Lazy<Dictionary<string, int>> s_ports;

            public static PortDefaults Instance => LazyInstance.Value;

            static PortDefaults()
            {
                LazyInstance = CREATION;
            }

            public int Offset { get; set; }

            public PortDefaults()
            {
                {|#0:s_ports|} = new(() => new Dictionary<string, int> { ["redis"] = 6379 + Offset });
            }

            public int For(string name) => s_ports.Value[name];

            // (more)
        }
        """;

    [Theory]
    [InlineData("new(() => new PortDefaults())")]
    [InlineData("new Lazy<PortDefaults>(() => new PortDefaults())")]
    [InlineData("new(() => new PortDefaults(), LazyThreadSafetyMode.ExecutionAndPublication)")]
    [InlineData("new(() => new PortDefaults(), isThreadSafe: true)")]
    [InlineData("new(() => { var made = new PortDefaults(); return made; })")]
    public async Task OneInstanceMadeByAThreadSafeLazyInItsOwnStaticInitializer(string creation)
    {
        // The factory of a thread-safe Lazy<T> runs once, whichever thread reads Value first: one instance, and no
        // other to see the change (garnet's GarnetConfigProvider).
        await Test(LazySingletonProvider.Replace("{|#0:s_ports|}", "s_ports").Replace("CREATION", creation))
            .ValidateAsync();
    }

    [Theory]
    // Threads racing on the first read each run the factory: several instances.
    [InlineData("new(() => new PortDefaults(), LazyThreadSafetyMode.PublicationOnly)", "// (more)")]
    [InlineData("new(() => new PortDefaults(), isThreadSafe: false)", "// (more)")]
    // A factory delegate kept for later calls makes an instance each time.
    [InlineData("new(() => Factory())", "public static readonly Func<PortDefaults> Factory = () => new PortDefaults();")]
    // A second instance made elsewhere.
    [InlineData("new(() => new PortDefaults())", "public static PortDefaults Fresh() => new PortDefaults();")]
    public async Task LazyThatMayMakeSeveralInstances_IsReported(string creation, string more)
    {
        await Test(LazySingletonProvider.Replace("CREATION", creation).Replace("// (more)", more))
            .ExpectDiagnostic(Expect(0, "PortDefaults", "s_ports", "PortDefaults"))
            .ValidateAsync();
    }

    [Fact]
    public async Task SmartEnumConstructorAlsoCalledAfterInitialization_IsReported()
    {
        await Test("""
            using System.Collections.Generic;

            public sealed class Currency
            {
                private static readonly Dictionary<string, Currency> s_known = new();

                public static readonly Currency Euro = new("EUR");

                public Currency(string code)
                {
                    Code = code;
                    {|#0:s_known[code]|} = this;
                }

                public string Code { get; }

                public static Currency? Find(string code) => s_known.TryGetValue(code, out var known) ? known : null;
            }

            public static class CurrencyParser
            {
                // Created after initialization too: the map changes while requests run.
                public static Currency Parse(string code) => Currency.Find(code) ?? new Currency(code);
            }
            """)
            .ExpectDiagnostic(Expect(0, "Currency", "s_known", "Currency"))
            .ValidateAsync();
    }

    // ---------------------------------------------------------------- left alone

    /// <summary>
    /// A detector that looks the machine's VM id up once for every instance, with a fallback when the lookup fails;
    /// BEFORE is what the <c>try</c> does before its lazy-initialization check.
    /// </summary>
    private const string VmIdDetector = """
        using System;
        using System.Net.Http;

        public sealed class CloudVmDetector
        {
            private static string? s_vmId;

            public string Detect()
            {
                try
                {
                    BEFORE
                    if (s_vmId != null)
                    {
                        return s_vmId;
                    }

                    using var http = new HttpClient();
                    s_vmId = http.GetStringAsync("http://169.254.169.254/metadata/vmId").GetAwaiter().GetResult();
                }
                catch (HttpRequestException)
                {
                    {|#0:s_vmId|} = "";
                }

                return s_vmId;
            }
        }
        """;

    [Fact]
    public async Task LazyInitialization_WithAFallbackInTheCatchOfTheTryItOpens()
    {
        // The catch runs only after the check found the field unset: its fallback is part of the lazy initialization.
        await Test(VmIdDetector.Replace("BEFORE", "").Replace("{|#0:s_vmId|}", "s_vmId")).ValidateAsync();
    }

    [Theory]
    [InlineData("Console.WriteLine(\"detecting\");")]
    [InlineData("if (s_vmId == \"\") { Console.WriteLine(\"retrying\"); }")]
    public async Task LazyInitialization_WhoseTryDoesSomethingBeforeTheCheck_ResetsInItsCatch(string before)
    {
        // What runs before the check may throw once the field is set: the catch then overwrites the shared value.
        await Test(VmIdDetector.Replace("BEFORE", before))
            .ExpectDiagnostic(Expect(0, "Detect", "s_vmId", "CloudVmDetector"))
            .ValidateAsync();
    }

    /// <summary>Each connection remembers, for every instance, the last database it was opened on; NAME is its type.</summary>
    private const string LastDatabase = """
        public sealed class Connection
        {
            private static NAME s_lastDatabase;

            public Connection(NAME database)
            {
                {|#0:s_lastDatabase|} = database;
            }
        }
        """;

    [Theory]
    [InlineData("DatabaseName")]
    [InlineData("Azure.Storage.Queues.QueueClient")]
    [InlineData("System.Collections.Immutable.ImHashMap<string, object>")]
    public async Task Field_OfATypeThatDoesNotResolve_IsReported(string name)
    {
        // The type's package is missing: it is most often a library's object (a client, a session) that the instance
        // replaces for every other, so the write is judged like one.
        await Test(LastDatabase.Replace("NAME", name))
            .AllowCompilerErrors()
            .ExpectDiagnostic(Expect(0, "Connection", "s_lastDatabase", "Connection"))
            .ValidateAsync();
    }

    [Fact]
    public async Task Field_OfATypeThatResolves_IsReported()
    {
        await Test(LastDatabase.Replace("NAME", "string"))
            .ExpectDiagnostic(Expect(0, "Connection", "s_lastDatabase", "Connection"))
            .ValidateAsync();
    }

    [Fact]
    public async Task SelfRegisteringPlugin_InstanceIsThis()
    {
        // The host creates the plugin once, and its constructor makes that instance the one: a singleton with a public
        // constructor (the host needs it).
        await Test("""
            public abstract class BasePlugin
            {
                public abstract string Name { get; }
            }

            public sealed class Plugin : BasePlugin
            {
                public Plugin()
                {
                    Instance = this;
                }

                public static Plugin? Instance { get; private set; }

                public override string Name => "TheAudioDB";
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task LazyInitializationOfASharedFactory_FromAnInstanceMember()
    {
        // A session factory built on first use and meant for every instance: shared on purpose. Whether two threads
        // can build two is SSA009's business, and making it per-instance would be wrong.
        await Test("""
            public sealed class SessionFactory
            {
                public Session Open() => new Session();
            }

            public sealed class Session { }

            public sealed class SessionBuilder
            {
                private static SessionFactory? s_factory;
                private static SessionFactory? s_fallback;

                public Session GetSession()
                {
                    if (s_factory == null)
                    {
                        s_factory = new SessionFactory();
                    }

                    return (s_fallback ??= new SessionFactory()).Open();
                }
            }
            """)
            .ValidateAsync();
    }

    [Theory]
    [InlineData("if (s_options != null) { return s_options; } s_options = Freeze(new JsonOptions { Indented = false, Depth = 64 }); return s_options;")]
    [InlineData("return s_options ??= new JsonOptions { Indented = true, Converters = { \"enum\", \"date\" } };")]
    [InlineData("if (s_options is null) { s_options = new JsonOptions(Freeze(new JsonOptions { Depth = 8 })); } return s_options;")]
    public async Task LazyInitializationWithAnObjectInitializer_FromAnInstanceMember(string getter)
    {
        // The initializer's `Indented = false` sets the new object's property, not this instance's: the value is built
        // from constants, the same whichever instance builds it (duplicati's SystemIOWindows serializer).
        await Test($$"""
            using System.Collections.Generic;

            public sealed class JsonOptions
            {
                public JsonOptions() { }

                public JsonOptions(JsonOptions copy) => Depth = copy.Depth;

                public bool Indented { get; set; }

                public int Depth { get; set; }

                public List<string> Converters { get; } = new();
            }

            public sealed class PathStore
            {
                private static JsonOptions? s_options;

                public bool Indented { get; set; }

                private JsonOptions Options
                {
                    get
                    {
                        {{getter}}
                    }
                }

                public string Describe() => Options.Depth + ":" + Indented;

                private static JsonOptions Freeze(JsonOptions options) => options;
            }
            """)
            .ValidateAsync();
    }

    [Theory]
    [InlineData("if (s_serializer != null) { return s_serializer; } s_serializer = JsonSerializer.Create(); return s_serializer;")]
    [InlineData("if (null == s_serializer) { s_serializer = JsonSerializer.Create(); } return s_serializer;")]
    public async Task LazyInitializationOfATypeThatDoesNotResolve(string getter)
    {
        // The serializer's package is not restored: the null test does not bind, and still reads as one.
        await Test($$"""
            using Vendor.Json;

            public sealed class PathStore
            {
                private static JsonSerializer s_serializer;

                private JsonSerializer Serializer
                {
                    get
                    {
                        {{getter}}
                    }
                }

                public string Describe() => Serializer.ToString();
            }
            """)
            .AllowCompilerErrors()
            .ValidateAsync();
    }

    [Fact]
    public async Task AssignmentOfATypeThatDoesNotResolve_AfterAnotherTest_IsReported()
    {
        await Test("""
            using Vendor.Json;

            public sealed class PathStore
            {
                private static JsonSerializer s_serializer;

                public void Use(JsonSerializer given)
                {
                    if (given != null)
                    {
                        {|#0:s_serializer|} = given;
                    }
                }
            }
            """)
            .AllowCompilerErrors()
            .ExpectDiagnostic(Expect(0, "Use", "s_serializer", "PathStore"))
            .ValidateAsync();
    }

    [Fact]
    public async Task LazyInitializationWithWhatTheInstanceHolds_InAnObjectInitializer_IsReported()
    {
        // `Indented = Indented` puts this instance's choice into the shared options: the first instance's holds for all.
        await Test("""
            public sealed class JsonOptions
            {
                public bool Indented { get; set; }
            }

            public sealed class PathStore
            {
                private static JsonOptions? s_options;

                public bool Indented { get; set; }

                public JsonOptions Options => {|#0:s_options|} ??= new JsonOptions { Indented = Indented };
            }
            """)
            .ExpectDiagnostic(Expect(0, "Options", "s_options", "PathStore"))
            .ValidateAsync();
    }

    [Fact]
    public async Task LazyInitializationBehindANumericSentinel_FromAnInstanceMember()
    {
        // A size computed once, by encrypting a sample with this instance's key, and kept for every instance: -1, the
        // value the field starts with, means "not yet". The padding is the same whatever the key.
        await Test("""
            public abstract class Encryption
            {
                private readonly byte[] _key;

                protected Encryption(byte[] key) => _key = key;

                public virtual long SizeOverhead(long length) => Encrypt(new byte[length]).Length - length;

                protected byte[] Encrypt(byte[] data) => new byte[(data.Length / 16 + 1) * 16 + _key.Length % 1];
            }

            public sealed class AesEncryption : Encryption
            {
                private static long s_cachedOverhead = -1;
                private static int s_blockSize;

                public AesEncryption(byte[] key) : base(key) { }

                public override long SizeOverhead(long length)
                {
                    if (s_cachedOverhead != -1)
                    {
                        return s_cachedOverhead;
                    }

                    return s_cachedOverhead = base.SizeOverhead(1);
                }

                public int BlockSize()
                {
                    if (s_blockSize == 0)
                    {
                        s_blockSize = (int)base.SizeOverhead(0);
                    }

                    return s_blockSize;
                }
            }
            """)
            .ValidateAsync();
    }

    /// <summary>
    /// The machine's OS type, learned by the first bot that connects: Unknown, the value the property starts with,
    /// means "not yet". The value is read from a logon object the bot builds with its own name.
    /// </summary>
    private const string BotLearningTheOs = """
        public enum OsType { Unknown, Windows, Linux }

        public sealed class LogOnDetails
        {
            public string? UserName { get; set; }

            public OsType ClientOsType { get; set; } = System.OperatingSystem.IsWindows() ? OsType.Windows : OsType.Linux;
        }

        public sealed class Bot
        {
            private readonly string _name;
            private readonly OsType _preferred;

            public Bot(string name, OsType preferred) => (_name, _preferred) = (name, preferred);

            internal static OsType OsKind { get; private set; } = OsType.Unknown;

            public void OnConnected()
            {
                var details = new LogOnDetails { UserName = _name };
                if (OsKind == OsType.Unknown)
                {
                    {|#0:OsKind|} = details.ClientOsType;
                }
            }
        }
        """;

    [Fact]
    public async Task LazyInitializationBehindAnEnumSentinel_FromAnInstanceMember()
    {
        // The logon object's OS type is the library's default for the machine, the same for every bot.
        await Test(BotLearningTheOs.Replace("{|#0:OsKind|}", "OsKind")).ValidateAsync();
    }

    [Fact]
    public async Task EnumSentinel_SetFromAPropertyTheInstanceFilledIn_IsReported()
    {
        // The property read is the one this bot's own setting went into: the first bot's choice holds for all.
        await Test(BotLearningTheOs.Replace("{ UserName = _name }", "{ UserName = _name, ClientOsType = _preferred }"))
            .ExpectDiagnostic(Expect(0, "OnConnected", "OsKind", "Bot"))
            .ValidateAsync();
    }

    [Fact]
    public async Task NumericSentinel_OtherThanTheStartValue_OrSetToWhatTheInstanceWasGiven_IsReported()
    {
        // 5 is not what the field starts with: not a "not yet" test. And behind the real sentinel, the first instance's
        // own size silently holds for every later one.
        await Test("""
            public sealed class Buffer
            {
                private static int s_level;
                private static long s_size = -1;
                private readonly long _size;

                public Buffer(long size) => _size = size;

                public void Raise(int level)
                {
                    if (s_level == 5)
                    {
                        {|#0:s_level|} = level * 2;
                    }

                    if (s_size == -1)
                    {
                        {|#1:s_size|} = _size;
                    }
                }
            }
            """)
            .ExpectDiagnostic(Expect(0, "Raise", "s_level", "Buffer"))
            .ExpectDiagnostic(Expect(1, "Raise", "s_size", "Buffer"))
            .ValidateAsync();
    }

    [Fact]
    public async Task MachineSpecificationsContext_IsATestFixture()
    {
        // MSpec keeps a context's state in static fields that its Establish/Because/It delegates set and read.
        await Test("""
            namespace Machine.Specifications
            {
                public delegate void Establish();
                public delegate void Because();
                public delegate void It();
            }

            namespace Specs
            {
                using Machine.Specifications;

                public sealed class Handler
                {
                    public string Handle(string path) => path.ToUpperInvariant();
                }

                public class When_handling_a_path
                {
                    private static Handler? _handler;
                    private static string? _result;

                    private Establish context = () => _handler = new Handler();

                    private Because of = () => _result = _handler!.Handle("/home");

                    private It returns_the_upper_case_path = () => System.Diagnostics.Debug.Assert(_result == "/HOME");
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task RegisteredSingleton_WritesItsStaticCache()
    {
        // One instance for the process: no other instance sees the change. The static cache is SSA001's business.
        await Test("""
            using System.Collections.Generic;
            using Microsoft.Extensions.DependencyInjection;

            public sealed class ConfigGetter
            {
                private static readonly Dictionary<string, string> s_cache = new();

                public string Get(string key)
                {
                    if (!s_cache.TryGetValue(key, out var value))
                    {
                        value = key.ToUpperInvariant();
                        s_cache[key] = value;
                    }

                    return value;
                }
            }

            public static class Setup
            {
                public static void Register(IServiceCollection services) => services.AddSingleton<ConfigGetter>();
            }
            """, References.DependencyInjection)
            .ValidateAsync();
    }

    [Fact]
    public async Task TestClasses_ShareStaticStateBetweenTestsOnPurpose()
    {
        // xUnit makes one instance per test: a static login token or construction counter is shared across tests by
        // design, in a nested type too. The framework's attributes are declared here as a test project sees them.
        await Test("""
            using System;
            using System.Threading.Tasks;

            namespace Xunit
            {
                [AttributeUsage(AttributeTargets.Method)] public class FactAttribute : Attribute { }
            }

            namespace Tests
            {
                using Xunit;

                public sealed class UserControllerTests
                {
                    private static string? _accessToken;
                    private static int _logins;

                    [Fact]
                    public async Task Me_Valid_Success()
                    {
                        _accessToken ??= await LoginAsync();
                        Assert(_accessToken.Length > 0);
                    }

                    private async Task<string> LoginAsync()
                    {
                        _logins++;
                        await Task.Yield();
                        return "token";
                    }

                    private static void Assert(bool condition) { if (!condition) throw new Exception(); }

                    public sealed class Destination
                    {
                        public static int CallCount;

                        public Destination() => CallCount++;
                    }
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task TestFixtures_WhoseTestsAreInheritedFromABaseClass()
    {
        // An NUnit-style specification base class holds the tests; each derived fixture configures static state.
        await Test("""
            using System;
            using System.Collections.Generic;

            namespace NUnit.Framework
            {
                [AttributeUsage(AttributeTargets.Method)] public class TestAttribute : Attribute { }
            }

            namespace Specs
            {
                using NUnit.Framework;

                public abstract class SpecBase
                {
                    protected abstract void Configure();

                    [Test]
                    public void Runs() => Configure();
                }

                public sealed class When_mapping_a_parent : SpecBase
                {
                    private static readonly List<string> s_seen = new();
                    private static object? _parent;

                    protected override void Configure()
                    {
                        _parent = new object();
                        s_seen.Add("parent");
                    }
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task InterlockedAndVolatile_Counters()
    {
        await Test("""
            using System.Threading;

            public sealed class Widget
            {
                private static int s_nextId;
                private static long s_created;
                private static bool s_warmedUp;
                private readonly int _id;

                public Widget()
                {
                    _id = Interlocked.Increment(ref s_nextId);
                    Interlocked.Add(ref s_created, 1);
                }

                public void WarmUp() => Volatile.Write(ref s_warmedUp, true);

                public int Id => _id;
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task WritesUnderALockOnAStaticObject_OrMonitorOrTypeof()
    {
        await Test("""
            using System.Collections.Generic;
            using System.Threading;

            public sealed class Subscriber
            {
                private static readonly object s_gate = new();
                private static readonly List<Subscriber> s_registry = new();
                private static int s_count;

                public Subscriber()
                {
                    lock (s_gate)
                    {
                        s_registry.Add(this);
                        s_count++;
                    }
                }

                public void Unsubscribe()
                {
                    Monitor.Enter(s_gate);
                    try
                    {
                        s_registry.Remove(this);
                    }
                    finally
                    {
                        Monitor.Exit(s_gate);
                    }
                }

                public void Reset()
                {
                    lock (typeof(Subscriber))
                    {
                        s_count = 0;
                    }
                }

                public void Replace(Subscriber other)
                {
                    lock (s_gate)
                    {
                        lock (this)
                        {
                            s_registry.Remove(other);
                            s_registry.Add(this);
                        }
                    }
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task ReadOnlyLookupTables_OnlyRead()
    {
        await Test("""
            using System.Collections.Generic;
            using System.Collections.Immutable;

            public sealed class Units
            {
                private static readonly Dictionary<string, double> s_factors = new() { ["km"] = 1000, ["m"] = 1 };
                private static readonly ImmutableList<string> s_names = ImmutableList.Create("km", "m");
                private static readonly string[] s_order = { "m", "km" };

                public double ToMeters(string unit, double value)
                {
                    if (s_factors.TryGetValue(unit, out var factor) && s_names.Contains(unit))
                    {
                        return value * factor;
                    }

                    s_names.Add(unit); // returns a new list: the static one is unchanged
                    return s_order.Length + s_factors[unit];
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task ConcurrentCache_OfAValueComputedFromItsKeyAlone()
    {
        // Every instance would store the same flag for a connection string: it is parsed from the key itself.
        await Test("""
            using System;
            using System.Collections.Concurrent;
            using System.Data.Common;

            public sealed class DialectProvider
            {
                private static readonly ConcurrentDictionary<string, bool> s_multipleResultSets = new(StringComparer.Ordinal);

                public bool SupportsMultipleResultSets(DbConnection connection)
                {
                    var connectionString = connection.ConnectionString;
                    if (!s_multipleResultSets.TryGetValue(connectionString, out var supported))
                    {
                        supported = new DbConnectionStringBuilder { ConnectionString = connectionString }.TryGetValue("MultipleActiveResultSets", out var text)
                            && string.Equals(text as string, "True", StringComparison.OrdinalIgnoreCase);
                        s_multipleResultSets[connectionString] = supported;
                    }

                    return supported;
                }
            }
            """)
            .ValidateAsync();
    }

    private const string ImmutableReaders = """
        using System;
        using System.Collections.Immutable;

        public sealed class IdReader<TId> where TId : notnull
        {
            private static KEYTYPE.Empty;

            public object Read(TId id) => ReaderFor()(id);

            private Func<TId, object> ReaderFor()
            {
                if (s_readers.TryGetValue(KEYVALUE, out var cached))
                {
                    return (Func<TId, object>)cached;
                }

                var valueProperty = typeof(TId).GetProperty("Value");
                Func<TId, object> reader = valueProperty is null ? id => id : id => valueProperty.GetValue(id)!;
                MARK = s_readers.SetItem(KEYVALUE, reader);
                return reader;
            }
        }
        """;

    [Fact]
    public async Task TypeKeyedImmutableCache_ReplacedWithACopyPlusOneEntry()
    {
        // An immutable reflection cache keyed by type, filled by swapping in a copy with the new entry.
        await Test(ImmutableReaders.Replace("MARK", "s_readers").Replace("KEYTYPE", "ImmutableDictionary<Type, object> s_readers = ImmutableDictionary<Type, object>").Replace("KEYVALUE", "typeof(TId)"))
            .ValidateAsync();
    }

    [Fact]
    public async Task TypeKeyedPersistentMapOfAnotherLibrary_ReplacedWithACopyPlusOneEntry()
    {
        // A persistent map from another library (ImTools' ImHashMap, say): AddOrUpdate returns the copy.
        await Test("""
            using System;
            using System.Collections.Generic;

            public sealed class PersistentMap<TKey, TValue> where TKey : notnull
            {
                public static readonly PersistentMap<TKey, TValue> Empty = new(new Dictionary<TKey, TValue>());
                private readonly Dictionary<TKey, TValue> _items;

                private PersistentMap(Dictionary<TKey, TValue> items) => _items = items;

                public bool TryFind(TKey key, out TValue value) => _items.TryGetValue(key, out value!);

                public PersistentMap<TKey, TValue> AddOrUpdate(TKey key, TValue value) => new(new Dictionary<TKey, TValue>(_items) { [key] = value });
            }

            public sealed class StreamIds<TId> where TId : notnull
            {
                private static PersistentMap<Type, Func<TId, string>> s_unwrappers = PersistentMap<Type, Func<TId, string>>.Empty;

                public Func<TId, string> UnwrapperFor()
                {
                    if (s_unwrappers.TryFind(typeof(TId), out var unwrapper))
                    {
                        return unwrapper;
                    }

                    unwrapper = id => id.ToString()!;
                    s_unwrappers = s_unwrappers.AddOrUpdate(typeof(TId), unwrapper);
                    return unwrapper;
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task NameKeyedImmutableCache_ReplacedWithACopyPlusOneEntry_IsReported()
    {
        await Test(ImmutableReaders.Replace("MARK", "{|#0:s_readers|}").Replace("KEYTYPE", "ImmutableDictionary<string, object> s_readers = ImmutableDictionary<string, object>").Replace("KEYVALUE", "Environment.MachineName + typeof(TId).Name"))
            .ExpectDiagnostic(Expect(0, "ReaderFor", "s_readers", "IdReader"))
            .ValidateAsync();
    }

    [Fact]
    public async Task NameKeyedTypeCache_FilledFromAnInstanceMember()
    {
        // The values are types the runtime resolved: every instance would store the same type for a name. (Whether
        // the dictionary is changed safely is SSA002's business.)
        await Test("""
            using System;
            using System.Collections.Generic;

            public class MessageTypeResolver
            {
                private static readonly Dictionary<string, Type?> s_types = new();

                public Type? Resolve(string typeName)
                {
                    if (!s_types.TryGetValue(typeName, out var type))
                    {
                        type = Type.GetType(typeName, throwOnError: false);
                        s_types[typeName] = type;
                    }

                    return type;
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task TypeKeyedReflectionCache_FilledFromAnInstanceMember()
    {
        await Test("""
            using System;
            using System.Collections.Generic;
            using System.Reflection;

            public class EntityMapper
            {
                private static readonly Dictionary<Type, PropertyInfo[]> s_properties = new();
                private static readonly HashSet<Type> s_seen = new();

                public PropertyInfo[] GetProperties()
                {
                    var type = this.GetType();
                    if (!s_properties.TryGetValue(type, out var properties))
                    {
                        properties = type.GetProperties();
                        s_properties[type] = properties;
                        s_seen.Add(type);
                    }

                    return properties;
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task ConcurrentCacheOfRowReaders_TheStoredLambdaReadsRowsOnlyWhenCalled()
    {
        // The factory builds a reader: a delegate that reads a row when the query runs. Building it reads nothing, so
        // the cache holds code, not data read from the database. A factory that queries is still reported.
        await Test("""
            using System;
            using System.Collections.Concurrent;
            using System.Data.Common;

            public interface IOrm
            {
                DbConnection Connection { get; }
            }

            public class Select
            {
                private static readonly ConcurrentDictionary<string, RowReader> s_readers = new();
                private static readonly ConcurrentDictionary<string, string> s_versions = new();
                private readonly IOrm _orm;
                private readonly string _table;

                public Select(IOrm orm, string table)
                {
                    _orm = orm;
                    _table = table;
                }

                public RowReader Reader() => s_readers.GetOrAdd(_table, table => new RowReader
                {
                    Columns = table + ".*",
                    Read = row =>
                    {
                        var names = new string[row.FieldCount];
                        for (var i = 0; i < names.Length; i++)
                        {
                            names[i] = row.GetName(i);
                        }

                        return names;
                    },
                });

                public string Version() => {|#0:s_versions.GetOrAdd|}(_table, _ => _orm.Connection.ServerVersion);
            }

            public static class Queries
            {
                public static RowReader Users(IOrm orm) => new Select(orm, "users").Reader();
            }
            """ + SharedShapes.RowReaderType)
            .ExpectDiagnostic(Expect(0, "Version", "s_versions", "Select"))
            .ValidateAsync();
    }

    [Fact]
    public async Task LazyInitialization_SpelledOut()
    {
        // `s_x = s_x ?? e` and its conditional spellings are `s_x ??= e`. The culture is still reported: the first
        // instance's plain-typed argument would hold for every later one.
        await Test("""
            using System;
            using System.Net.Http;

            public class Messaging
            {
                private static IServiceProvider? s_services;
                private static HttpClient? s_client;
                private static HttpClient? s_fallback;
                private static string? s_culture;

                public Messaging(IServiceProvider services, string culture)
                {
                    s_services = s_services ?? services;
                    s_client = s_client != null ? s_client : new HttpClient();
                    s_fallback = s_fallback is null ? new HttpClient() : s_fallback;
                    {|#0:s_culture|} = s_culture ?? culture;
                }
            }

            public static class Relay
            {
                public static Messaging Create(IServiceProvider services) => new Messaging(services, "en");
            }
            """)
            .ExpectDiagnostic(Expect(0, "Messaging", "s_culture", "Messaging"))
            .ValidateAsync();
    }

    [Fact]
    public async Task MethodThatComposesTheApp_WritesStaticConfiguration()
    {
        // A module's ConfigureServices and Configure take the service collection and the app builder: they run once,
        // while the app is composed. The counter the middleware lambda increments runs per request, and is reported.
        await Test("""
            using System.Collections.Generic;
            using Microsoft.AspNetCore.Builder;
            using Microsoft.Extensions.DependencyInjection;

            public class CatalogModule
            {
                private static HashSet<string> s_sites = new();
                private static int s_requests;

                public void ConfigureServices(IServiceCollection services, string[] sites)
                {
                    s_sites = new HashSet<string>(sites);
                    services.AddSingleton(s_sites);
                }

                public void Configure(IApplicationBuilder app)
                {
                    s_sites.Add("localhost");
                    app.Use(async (context, next) =>
                    {
                        {|#0:s_requests|}++;
                        await next();
                    });
                }
            }

            public static class Modules
            {
                public static void Load(IServiceCollection services)
                {
                    new CatalogModule().ConfigureServices(services, new[] { "a.example.com" });
                    new CatalogModule().ConfigureServices(services, new[] { "b.example.com" });
                }
            }
            """, References.AspNetCore)
            .ExpectDiagnostic(Expect(0, "Configure", "s_requests", "CatalogModule"))
            .ValidateAsync();
    }

    [Fact]
    public async Task VolatileStaticFlag_SharedByEveryInstanceOnPurpose()
    {
        // A scoped service's "dialog already open" guard: declared volatile so that every instance sees it. The list
        // held in a volatile field is still state whose contents an instance changes.
        await Test("""
            using System.Collections.Generic;
            using System.Threading.Tasks;

            public class FileTransferService
            {
                private static volatile bool s_dialogOpen;
                private static volatile List<string> s_recent = new();

                public async Task ShowAsync(string file)
                {
                    if (!s_dialogOpen)
                    {
                        s_dialogOpen = true;
                        await Task.Delay(10);
                        {|#0:s_recent.Add|}(file);
                        s_dialogOpen = false;
                    }
                }
            }

            public static class Transfers
            {
                public static Task Offer(string file) => new FileTransferService().ShowAsync(file);
            }
            """)
            .ExpectDiagnostic(Expect(0, "ShowAsync", "s_recent", "FileTransferService"))
            .ValidateAsync();
    }

    [Fact]
    public async Task CacheKeyedByTheTypesName_FilledFromAnInstanceMember()
    {
        // Keyed by the name of the instance's type: one entry per type, the same for every instance of it.
        await Test("""
            using System.Collections.Concurrent;
            using System.Collections.Generic;
            using System.IO;

            public class ViewComponent
            {
                private static readonly ConcurrentDictionary<string, string> s_templates = new();
                private static readonly Dictionary<string, string> s_styles = new();

                public string Template()
                    => s_templates.GetOrAdd(GetType().FullName!, _ => File.ReadAllText(GetType().Name + ".html"));

                public string Style()
                {
                    var name = GetType().Name;
                    if (!s_styles.TryGetValue(name, out var css))
                    {
                        css = File.ReadAllText(name + ".css");
                        s_styles[GetType().Name] = css;
                    }

                    return css;
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task StaticMembers_StaticConstructor_AndStaticInitializers()
    {
        await Test("""
            using System.Collections.Generic;

            public sealed class Catalog
            {
                private static readonly Dictionary<string, int> s_ids = new();
                private static int s_count = Seed();

                static Catalog()
                {
                    s_ids["default"] = 0;
                    s_count++;
                }

                public static int Count => s_count;

                public static void Register(string name)
                {
                    s_ids[name] = ++s_count;
                }

                private static int Seed() => 1;
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task ThreadStaticFields_AreSsa008s()
    {
        await Test("""
            using System;
            using System.Collections.Generic;

            public sealed class Scope
            {
                [ThreadStatic]
                private static List<Scope>? t_stack;

                [ThreadStatic]
                private static int t_depth;

                public void Enter()
                {
                    (t_stack ??= new List<Scope>()).Add(this);
                    t_depth++;
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task HandRolledSingleton_ItsOneInstanceIsTheOnlyInstance()
    {
        await Test("""
            using System.Collections.Generic;

            public sealed class AppState
            {
                private static AppState? s_instance;
                private static readonly Dictionary<string, string> s_values = new();
                private static int s_writes;

                private AppState()
                {
                    s_instance = this;
                }

                public static AppState Instance => s_instance ?? new AppState();

                public void Set(string key, string value)
                {
                    s_values[key] = value;
                    s_writes++;
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task ConcurrentCollections_OfCodeComputedValues()
    {
        await Test("""
            using System.Collections.Concurrent;

            public sealed class Tokenizer
            {
                private static readonly ConcurrentDictionary<string, string[]> s_parts = new();
                private static readonly ConcurrentQueue<string> s_work = new();

                public string[] Split(string text) => s_parts.GetOrAdd(text, t => t.Split(','));

                public void Post(string item)
                {
                    s_work.Enqueue(item.Trim());
                    s_work.TryDequeue(out _);
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task InstanceFieldHidingABaseStatic_AndLocalsOfCollectionTypes()
    {
        await Test("""
            using System.Collections.Generic;

            public class Base
            {
                protected static List<string> Items = new();
            }

            public sealed class Derived : Base
            {
                private new readonly List<string> Items = new();
                private static readonly List<string> s_defaults = new() { "a" };

                public void Add(string item)
                {
                    Items.Add(item);
                    var local = new List<string>(s_defaults);
                    local.Add(item);
                    List<string> alias = new();
                    alias.Clear();
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task StaticFieldsOfOtherTypes_AndOfAnEnclosingType()
    {
        await Test("""
            public static class Counters
            {
                public static int Requests;
            }

            public sealed class Outer
            {
                private static int s_nested;

                public sealed class Inner
                {
                    public void Touch() => s_nested++;
                }
            }

            public sealed class Controller
            {
                public void Handle() => Counters.Requests++;
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task StaticEventSubscription_AndImmutableInterlocked()
    {
        await Test("""
            using System;
            using System.Collections.Immutable;

            public sealed class Widget
            {
                private static ImmutableDictionary<string, int> s_sizes = ImmutableDictionary<string, int>.Empty;

                public static event Action? ThemeChanged;

                public Widget()
                {
                    ThemeChanged += Refresh;
                }

                public void Measure(string key, int size)
                    => ImmutableInterlocked.AddOrUpdate(ref s_sizes, key, size, (_, _) => size);

                private void Refresh()
                {
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task EnumKeyedTable_AndAStaticPropertyGetter()
    {
        await Test("""
            using System.Collections.Generic;

            public enum Level { Low, High }

            public sealed class Limits
            {
                private static readonly Dictionary<Level, int> s_limits = new();
                private static int s_reads;

                public static int Reads { get { return s_reads++; } }

                public void Set(Level level, int limit) => s_limits[level] = limit;
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task ReadingAStaticCollection_AndWritingInstanceFields()
    {
        await Test("""
            using System.Collections.Generic;

            public sealed class Reader
            {
                private static readonly Dictionary<string, int> s_map = new() { ["a"] = 1 };
                private readonly Dictionary<string, int> _own = new();
                private int _hits;

                public int Read(string key)
                {
                    _hits++;
                    foreach (var pair in s_map)
                    {
                        _own[pair.Key] = pair.Value;
                    }

                    return s_map.ContainsKey(key) ? s_map[key] + _hits : 0;
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task MetricsCounters_AndAConcurrentObjectPool()
    {
        await Test("""
            using System.Collections.Concurrent;
            using System.Diagnostics.Metrics;

            public sealed class Buffer
            {
                private static readonly Meter s_meter = new("Shop");
                private static readonly Counter<long> s_rented = s_meter.CreateCounter<long>("buffers.rented");
                private static readonly ConcurrentBag<Buffer> s_pool = new();

                public void Rent() => s_rented.Add(1);

                public void Return() => s_pool.Add(this);
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task OncePerProcessLatch_InAConstructor()
    {
        // Every write sets the same constant: the flag only says "done once for the process", which is what every
        // instance should see.
        await Test("""
            public abstract class Context
            {
                protected void Migrate() { }
            }

            public sealed class ShopContext : Context
            {
                private static bool _created;

                public ShopContext()
                {
                    if (_created)
                    {
                        return;
                    }

                    _created = true;
                    Migrate();
                }
            }

            public sealed class Warmup
            {
                private static bool Done { get; set; }

                public void Run()
                {
                    if (!Done)
                    {
                        Done = true;
                    }
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task SampleDataSetUpInAConstructor_FromConstantsOnly()
    {
        // Each instance writes the same constant-built sample, and nothing changes it afterwards: a misplaced static
        // initializer, not state an instance owns.
        await Test("""
            using System.Collections.Generic;

            public sealed class Movie
            {
                public string Title { get; set; } = "";
                public int Year { get; set; }
                public List<string> Tags { get; set; } = new();
            }

            public sealed class FileNameSample
            {
                private static Movie _movie = null!;
                private static List<string> _formats = null!;

                public FileNameSample()
                {
                    var tags = new List<string> { "remastered" };
                    _movie = new Movie { Title = "The Movie: Title", Year = 2010, Tags = tags };
                    _formats = new List<string> { "Surround Sound", "x264" };
                }

                public string Sample() => $"{_movie.Title} ({_movie.Year}) {string.Join(" ", _formats)}";
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task TheProgramsOwnInstance_MadeByMain()
    {
        await Test("""
            using System;
            using System.IO;

            public class Program
            {
                private static TextWriter? logger;

                public static void Main(string[] args)
                {
                    AppDomain.CurrentDomain.UnhandledException += (_, e) => logger?.WriteLine(e.ExceptionObject);
                    new Program().Run(args);
                }

                private void Run(string[] args)
                {
                    logger = Console.Out;
                    logger.WriteLine("started " + args.Length);
                }
            }
            """)
            .ValidateAsync();
    }

    /// <summary>
    /// A start-up server whose static log buffer static code fills, and whose <c>Dispose</c> turns the buffer off; Main
    /// makes it through CREATE. <c>// (elsewhere)</c> is where a test adds code.
    /// </summary>
    private const string SetupServerMadeByMain = """
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;

        public sealed class SetupServer : IDisposable
        {
            public static Queue<string>? LogQueue { get; set; } = new();

            public static void Report(string line) => LogQueue?.Enqueue(line);

            public Task RunAsync() => Task.CompletedTask;

            public void Dispose()
            {
                LogQueue?.Clear();
                {|#0:LogQueue|} = null;
            }
        }

        public static class Program
        {
            private static SetupServer? s_setup;

            public static async Task Main(string[] args)
            {
                CREATE
                SetupServer.Report("started");
                s_setup?.Dispose();
            }

            // (elsewhere)
        }
        """;

    [Fact]
    public async Task TheOneInstanceMainMakes()
    {
        // The only `new` of the type is one statement of Main: there is no other instance to see the buffer go.
        await Test(SetupServerMadeByMain
                .Replace("{|#0:LogQueue|}", "LogQueue")
                .Replace("CREATE", "s_setup = new SetupServer();\n        await s_setup.RunAsync();"))
            .ValidateAsync();
    }

    [Theory]
    [InlineData("in a loop", "for (var attempt = 0; attempt < 2; attempt++) { s_setup = new SetupServer(); await s_setup.RunAsync(); }", "")]
    [InlineData("in a lambda", "await Task.Run(() => { s_setup = new SetupServer(); });", "")]
    [InlineData("also elsewhere", "s_setup = new SetupServer();", "public static void Restart() => s_setup = new SetupServer();")]
    public async Task InstancesMainMakesMoreThanOnceAreReported(string _, string create, string elsewhere)
    {
        await Test(SetupServerMadeByMain.Replace("CREATE", create).Replace("// (elsewhere)", elsewhere))
            .ExpectDiagnostic(Expect(0, "Dispose", "LogQueue", "SetupServer"))
            .ValidateAsync();
    }

    /// <summary>
    /// A workflow engine the container keeps as a singleton (built by its registration factory) that makes its one
    /// database provider in its constructor; the provider keeps the connection string in a static for its static
    /// helpers (Wexflow's <c>Db</c> providers, one class per database, all named <c>Db</c>). <c>// (elsewhere)</c> is
    /// where a test adds code; REGISTER is the engine's registration.
    /// </summary>
    private const string ProviderMadeByASingletonEngine = """
        using Microsoft.Extensions.DependencyInjection;

        namespace Engine.Db.Sqlite
        {
            public sealed class Db
            {
                private static string s_connectionString = "";

                public Db(string connectionString)
                {
                    {|#0:s_connectionString|} = connectionString;
                }

                public static string Describe() => "sqlite at " + s_connectionString;
            }
        }

        namespace Engine.Db.Postgres
        {
            public sealed class Db
            {
                public Db(string connectionString) => ConnectionString = connectionString;

                public string ConnectionString { get; }
            }
        }

        namespace Engine
        {
            public enum DbKind { Sqlite, Postgres }

            public sealed class WorkflowEngine
            {
                public WorkflowEngine(DbKind kind, string connectionString)
                {
                    switch (kind)
                    {
                        case DbKind.Sqlite:
                            Database = new Db.Sqlite.Db(connectionString);
                            break;
                        case DbKind.Postgres:
                            Database = new Db.Postgres.Db(connectionString);
                            break;
                    }
                }

                public object? Database { get; }

                // (elsewhere)
            }

            public static class Setup
            {
                public static void AddEngine(IServiceCollection services, string connectionString)
                {
                    REGISTER
                }
            }
        }
        """;

    [Theory]
    [InlineData("services.AddSingleton(sp => { var engine = new WorkflowEngine(DbKind.Sqlite, connectionString); return engine; });")]
    [InlineData("services.AddSingleton(new WorkflowEngine(DbKind.Sqlite, connectionString));")]
    public async Task TheOneInstanceASingletonsConstructorMakes(string register)
    {
        // The provider's only `new` runs in the constructor of an engine the container builds once: there is one
        // provider for the process, and no other instance to see the static change.
        await Test(ProviderMadeByASingletonEngine.Replace("{|#0:s_connectionString|}", "s_connectionString").Replace("REGISTER", register), References.DependencyInjection)
            .ValidateAsync();
    }

    [Theory]
    [InlineData("services.AddScoped(sp => new WorkflowEngine(DbKind.Sqlite, connectionString));", "")]
    [InlineData("services.AddSingleton(sp => new WorkflowEngine(DbKind.Sqlite, connectionString));", "public static WorkflowEngine Copy(string cs) => new WorkflowEngine(DbKind.Sqlite, cs);")]
    [InlineData("services.AddSingleton(sp => new WorkflowEngine(DbKind.Sqlite, connectionString));", "public void Reconnect(string cs) => Database2 = new Db.Sqlite.Db(cs); public object? Database2 { get; private set; }")]
    [InlineData("services.AddSingleton(sp => new WorkflowEngine(DbKind.Sqlite, connectionString));", "public WorkflowEngine(string cs) { for (var i = 0; i < 2; i++) { Database = new Db.Sqlite.Db(cs); } }")]
    public async Task ProviderMadeMoreThanOnce_IsReported(string register, string elsewhere)
    {
        // A scoped engine (one per request), a second engine made elsewhere, a second provider made by a method, or
        // providers made in a loop: several instances share the static.
        await Test(ProviderMadeByASingletonEngine.Replace("REGISTER", register).Replace("// (elsewhere)", elsewhere), References.DependencyInjection)
            .ExpectDiagnostic(Expect(0, "Db", "s_connectionString", "Db"))
            .ValidateAsync();
    }

    /// <summary>
    /// A plugin that a MEF container builds (<c>[Export(typeof(IPlugin))]</c>, no <c>new</c> of it in the
    /// compilation); its host hook sets the plugin's static configuration. <c>// (elsewhere)</c> is where a test
    /// adds code.
    /// </summary>
    private const string ExportedPlugin = """
        using System;

        namespace System.Composition
        {
            [AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
            public class ExportAttribute : Attribute
            {
                public ExportAttribute(Type contractType) { }
            }
        }

        namespace Host
        {
            public interface IPlugin { string Name { get; } void OnInit(string options); }

            public sealed class PluginConfig
            {
                public PluginConfig(string options) => Options = options;

                public string Options { get; }
            }

            [System.Composition.Export(typeof(IPlugin))]
            internal sealed class TokenDumperPlugin : IPlugin
            {
                internal static PluginConfig? Config { get; private set; }

                public string Name => "TokenDumper";

                public void OnInit(string options) => {|#0:Config|} = new PluginConfig(options);
            }

            // (elsewhere)
        }
        """;

    [Fact]
    public async Task PluginBuiltByACompositionContainer()
    {
        // The container builds the one plugin the host loads: its static configuration is the process's.
        await Test(ExportedPlugin).ValidateAsync();
    }

    [Fact]
    public async Task PluginBuiltByACompositionContainer_WhosePackageIsNotResolved()
    {
        // `[Export]` of an unrestored System.Composition: the attribute is known by its name.
        var source = ExportedPlugin.Substring(ExportedPlugin.IndexOf("namespace Host", System.StringComparison.Ordinal));
        await Test("using System;\nusing System.Composition;\n\n" + source.Replace("[System.Composition.Export(", "[Export("))
            .AllowCompilerErrors()
            .ValidateAsync();
    }

    [Fact]
    public async Task PluginBuiltByACompositionContainer_AndAlsoWithNew_IsReported()
    {
        // Once the compilation itself makes more plugins, the last one initialized decides for all.
        await Test(ExportedPlugin.Replace(
                "// (elsewhere)",
                "public static class Loader { public static IPlugin Load(string options) { var plugin = new TokenDumperPlugin(); plugin.OnInit(options); return plugin; } }"))
            .ExpectDiagnostic(Expect(0, "OnInit", "Config", "TokenDumperPlugin"))
            .ValidateAsync();
    }

    [Fact]
    public async Task ServiceBuiltByAContainerTheCompilationDoesNotShow()
    {
        // Registered by assembly scanning (here: every class of the assembly as a singleton for its interfaces); the
        // compilation never creates the service itself, so how many instances there are is not known.
        await Test("""
            using System;
            using System.Collections.Generic;
            using System.Threading;

            public interface IConfigRepository { IEnumerable<KeyValuePair<string, string>> All(); }
            public interface IConfigService { string Get(string key); }
            public interface IScheduler { void Start(); }

            public sealed class ConfigService : IConfigService
            {
                private static Dictionary<string, string> _cache = new();
                private readonly IConfigRepository _repository;

                public ConfigService(IConfigRepository repository)
                {
                    _repository = repository;
                    _cache = new Dictionary<string, string>();
                }

                public string Get(string key)
                {
                    if (_cache.Count == 0)
                    {
                        foreach (var pair in _repository.All())
                        {
                            _cache[pair.Key] = pair.Value;
                        }
                    }

                    return _cache.TryGetValue(key, out var value) ? value : "";
                }
            }

            public sealed class Scheduler : IScheduler
            {
                private static CancellationTokenSource? _stop;
                private readonly IConfigService _config;

                public Scheduler(IConfigService config) => _config = config;

                public void Start() => _stop = new CancellationTokenSource();
            }

            public static class Composition
            {
                public static void RegisterAll(Action<Type, Type> registerSingleton)
                {
                    foreach (var type in typeof(Composition).Assembly.GetTypes())
                    {
                        foreach (var service in type.GetInterfaces())
                        {
                            registerSingleton(service, type);
                        }
                    }
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task InstanceRegistersItselfAsTheCurrentOne_OutsideItsConstructor()
    {
        // A runtime patch stores itself when applied, so the static hooks the patching library calls can reach it.
        await Test("""
            public abstract class RuntimePatch
            {
                public void Apply() => Patch();

                protected abstract void Patch();
            }

            public sealed class TlsPatch : RuntimePatch
            {
                private static TlsPatch? Instance;

                protected override void Patch() => Instance = this;

                public static bool Prefix() => Instance is not null;
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task PlainValuesTheProcessHas_FromServicesConfigurationOrTheMachine()
    {
        // Strings, flags and numbers read from a service every instance is given the same of, or probed from the
        // machine: whichever instance writes, the field holds what the process has.
        await Test("""
            using System.Net.NetworkInformation;

            public interface IConfigFileProvider
            {
                string ApiKey { get; }
                string UrlBase { get; }
            }

            public interface IServerConfig
            {
                string GetProxyUrl();
                void Log(string message);
            }

            public sealed class InitializeJsonController
            {
                private static string s_apiKey = "";
                private static string s_urlBase = "";

                public InitializeJsonController(IConfigFileProvider configFileProvider)
                {
                    s_apiKey = configFileProvider.ApiKey;
                    s_urlBase = configFileProvider.UrlBase.Trim('/');
                }

                public string Content() => "{ \"apiKey\": \"" + s_apiKey + "\", \"urlBase\": \"" + s_urlBase + "\" }";
            }

            public sealed class WebClient
            {
                private static string? s_proxyUrl;
                private static bool s_useIPv6 = true;
                private readonly IServerConfig _serverConfig;

                public WebClient(IServerConfig serverConfig) => _serverConfig = serverConfig;

                public void InitProxy() => s_proxyUrl = _serverConfig.GetProxyUrl();

                public void OnConnectFailed()
                {
                    var routableIPv4 = HasRoutableIPv4Address();
                    s_useIPv6 = !routableIPv4;
                }

                public bool UseIPv6 => s_useIPv6 && s_proxyUrl is null;

                // An instance method that reads the machine, and uses the instance only to log.
                private bool HasRoutableIPv4Address()
                {
                    try
                    {
                        return NetworkInterface.GetIsNetworkAvailable();
                    }
                    catch (NetworkInformationException e)
                    {
                        _serverConfig.Log(e.Message);
                        return true;
                    }
                }
            }

            // Several instances, made by the code itself.
            public static class Clients
            {
                public static object[] Make(IConfigFileProvider config, IServerConfig server)
                    => new object[] { new InitializeJsonController(config), new WebClient(server), new WebClient(server) };
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task RegistryOfLiveResources_KeptForTheProcess()
    {
        // Watchers kept in static collections so that any instance (a scoped service) can stop and restart them, and
        // so that they are not collected. Per-instance copies would lose the watchers other scopes started.
        await Test("""
            using System.Collections.Generic;
            using System.IO;

            public sealed class LibraryWatcher
            {
                private static readonly Dictionary<string, IList<FileSystemWatcher>> WatcherDictionary = new();
                private static readonly List<FileSystemWatcher> FileWatchers = new();

                public void StartWatching(IEnumerable<string> folders)
                {
                    StopWatching();
                    foreach (var folder in folders)
                    {
                        var watcher = new FileSystemWatcher(folder) { EnableRaisingEvents = true };
                        FileWatchers.Add(watcher);
                        if (!WatcherDictionary.ContainsKey(folder))
                        {
                            WatcherDictionary.Add(folder, new List<FileSystemWatcher>());
                        }

                        WatcherDictionary[folder].Add(watcher);
                    }
                }

                public void StopWatching()
                {
                    foreach (var watcher in FileWatchers)
                    {
                        watcher.Dispose();
                    }

                    FileWatchers.Clear();
                    WatcherDictionary.Clear();
                }
            }

            public static class Scopes
            {
                public static void Restart(string[] folders)
                {
                    new LibraryWatcher().StartWatching(folders);
                    new LibraryWatcher().StopWatching();
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
    public async Task HelpersTwoCallsDown_OneCallOutsideTheLock_IsReported()
    {
        await Test(SharedShapes.HelpersTwoCallsUnderTheLock.Replace("{|#0:s_open|}", "s_open").Replace("OUTSIDE", "public Stream Reopen(string name) => Open(name);")
                .Replace("MARK_OPEN", "{|#2:s_open.Add|}(name, new Channel(stream, \"pool\"));").Replace("MARK_DROP", "{|#1:s_open.Remove|}(name);"))
            .ExpectDiagnostic(Expect(2, "Open", "s_open", "ChannelPool"))
            .ExpectDiagnostic(Expect(1, "Drop", "s_open", "ChannelPool"))
            .ValidateAsync();
    }

    [Fact]
    public async Task HelperWhoseEveryCallerHoldsTheLock()
    {
        await Test(SharedShapes.HelperWhoseEveryCallerHoldsTheLock)
            .ValidateAsync();
    }

    [Fact]
    public async Task HubConnectionRegistry_OfRequestData_IsSsa007s()
    {
        // A concurrent registry of who is connected, keyed by connection: shared on purpose. That it keeps request
        // data in a static is SSA007's concern, not a second diagnostic here.
        await Test("""
            using System.Collections.Concurrent;
            using System.Threading.Tasks;
            using Microsoft.AspNetCore.Http;

            public sealed class PresenceHub
            {
                public static readonly ConcurrentDictionary<string, string> Online = new();

                public Task ConnectedAsync(HttpContext context)
                {
                    Online.TryAdd(context.Connection.Id, context.User.Identity?.Name ?? "");
                    return Task.CompletedTask;
                }

                public Task DisconnectedAsync(HttpContext context)
                {
                    Online.TryRemove(context.Connection.Id, out _);
                    return Task.CompletedTask;
                }
            }
            """, References.AspNetCore)
            .ValidateAsync();
    }

    /// <summary>
    /// A SignalR hub and an API controller, which the framework makes per hub call and per request, keeping what
    /// outlives the call in static collections. <c>// (member)</c> is where a test adds a member to the hub.
    /// </summary>
    private const string PerCallTypesWithStaticStores = """
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using Microsoft.AspNetCore.Mvc;
        using Microsoft.AspNetCore.SignalR;

        public sealed class LobbyHub : Hub
        {
            private static readonly List<string> Online = new();
            private static readonly Dictionary<string, string> Rooms = new();
            private static string? s_lastRoom;

            public async Task Join(string room)
            {
                Online.Add(Context.ConnectionId);
                Rooms[Context.ConnectionId] = room;
                await Clients.All.SendAsync("online", Online.Count);
            }

            public override Task OnDisconnectedAsync(Exception? exception)
            {
                Online.RemoveAll(c => c == Context.ConnectionId);
                Rooms.Remove(Context.ConnectionId);
                return base.OnDisconnectedAsync(exception);
            }
            // (member)
        }

        public sealed record Todo(int Id, string Title);

        [ApiController]
        [Route("todos")]
        public sealed class TodosController : ControllerBase
        {
            private static readonly List<Todo> s_todos = new();

            [HttpGet]
            public IReadOnlyList<Todo> Get() => s_todos;

            [HttpPost]
            public void Add(Todo todo) => s_todos.Add(todo);
        }
        """;

    [Fact]
    public async Task StaticStoresOfHubsAndControllers_WhichTheFrameworkMakesPerCall()
    {
        // Nobody expects a hub's or a controller's instance to own state: it lasts one call. The static collections are
        // how they keep what outlives it; races there are SSA002's, request data SSA007's.
        await Test(PerCallTypesWithStaticStores, References.AspNetCore).ValidateAsync();
    }

    [Fact]
    public async Task StaticOfAHub_ReplacedByOneCall_IsReported()
    {
        // Replacing the static itself from a hub call is still reported.
        await Test(PerCallTypesWithStaticStores.Replace("// (member)", "public void Enter(string room) => {|#0:s_lastRoom|} = room;"), References.AspNetCore)
            .ExpectDiagnostic(Expect(0, "Enter", "s_lastRoom", "LobbyHub"))
            .ValidateAsync();
    }
}
