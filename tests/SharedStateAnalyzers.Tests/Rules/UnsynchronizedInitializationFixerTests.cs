using Microsoft.CodeAnalysis.CodeFixes;
using SharedStateAnalyzers.CodeFixes;
using SharedStateAnalyzers.Rules;
using SharedStateAnalyzers.Tests.Verification;

namespace SharedStateAnalyzers.Tests.Rules;

/// <summary>SSA009's fixes: exact output, Fix All, where they are not offered. The verifier compiles every fixed output.</summary>
public sealed class UnsynchronizedInitializationFixerTests
{
    private static AnalyzerTest Test(References references = References.Net)
        => AnalyzerTest.Create<UnsynchronizedInitializationAnalyzer>().WithCodeFix<UnsynchronizedInitializationFixer>().WithReferences(references);

    private const string Singleton = """
        namespace Config;

        public sealed class ConfigGetter
        {
            public int Uses { get; set; }

            // The one instance of the process.
            private static ConfigGetter? s_instance;

            private ConfigGetter() { }

            public static ConfigGetter Instance
            {
                get
                {
                    if (s_instance == null)
                    {
                        [|s_instance = new ConfigGetter()|];
                    }

                    return s_instance;
                }
            }
        }
        """;

    [Fact]
    public async Task UseLazy_SingletonInstanceGetter_AddsUsingAndKeepsTheComment()
    {
        await Test()
            .WithCodeFixEquivalenceKey(UnsynchronizedInitializationFixer.UseLazyKey)
            .WithSource(Singleton)
            .ShouldFixCodeWith("""
                using System;

                namespace Config;

                public sealed class ConfigGetter
                {
                    public int Uses { get; set; }

                    // The one instance of the process.
                    private static readonly Lazy<ConfigGetter> s_instance = new(() => new ConfigGetter());

                    private ConfigGetter() { }

                    public static ConfigGetter Instance
                    {
                        get
                        {
                            return s_instance.Value;
                        }
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task UseStaticReadonlyInitializer_SingletonInstanceGetter()
    {
        await Test()
            .WithCodeFixEquivalenceKey(UnsynchronizedInitializationFixer.UseStaticReadonlyInitializerKey)
            .WithSource(Singleton)
            .ShouldFixCodeWith("""
                namespace Config;

                public sealed class ConfigGetter
                {
                    public int Uses { get; set; }

                    // The one instance of the process.
                    private static readonly ConfigGetter s_instance = new ConfigGetter();

                    private ConfigGetter() { }

                    public static ConfigGetter Instance
                    {
                        get
                        {
                            return s_instance;
                        }
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task FirstOfferedFix_IsUseLazy()
    {
        await Test()
            .WithSource(Singleton)
            .ShouldFixCodeWith("""
                using System;

                namespace Config;

                public sealed class ConfigGetter
                {
                    public int Uses { get; set; }

                    // The one instance of the process.
                    private static readonly Lazy<ConfigGetter> s_instance = new(() => new ConfigGetter());

                    private ConfigGetter() { }

                    public static ConfigGetter Instance
                    {
                        get
                        {
                            return s_instance.Value;
                        }
                    }
                }
                """)
            .ValidateAsync();
    }

    private const string CoalesceAssignment = """
        using System;
        using System.Net.Http;
        using System.Threading.Tasks;

        public static class Api
        {
            private static HttpClient? s_client;

            public static HttpClient Client => [|s_client ??= new HttpClient { Timeout = TimeSpan.FromSeconds(30) }|];

            public static Task<string> GetAsync(string url) => Client.GetStringAsync(url);
        }
        """;

    [Fact]
    public async Task UseLazy_CoalesceAssignmentExpression_BecomesValue()
    {
        await Test()
            .WithCodeFixEquivalenceKey(UnsynchronizedInitializationFixer.UseLazyKey)
            .WithSource(CoalesceAssignment)
            .ShouldFixCodeWith("""
                using System;
                using System.Net.Http;
                using System.Threading.Tasks;

                public static class Api
                {
                    private static readonly Lazy<HttpClient> s_client = new(() => new HttpClient { Timeout = TimeSpan.FromSeconds(30) });

                    public static HttpClient Client => s_client.Value;

                    public static Task<string> GetAsync(string url) => Client.GetStringAsync(url);
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task UseStaticReadonlyInitializer_CoalesceAssignmentExpression_BecomesTheField()
    {
        await Test()
            .WithCodeFixEquivalenceKey(UnsynchronizedInitializationFixer.UseStaticReadonlyInitializerKey)
            .WithSource(CoalesceAssignment)
            .ShouldFixCodeWith("""
                using System;
                using System.Net.Http;
                using System.Threading.Tasks;

                public static class Api
                {
                    private static readonly HttpClient s_client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

                    public static HttpClient Client => s_client;

                    public static Task<string> GetAsync(string url) => Client.GetStringAsync(url);
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task UseLazy_CoalesceAssignmentStatement_IsRemoved_OtherReadsBecomeValue()
    {
        await Test()
            .WithCodeFixEquivalenceKey(UnsynchronizedInitializationFixer.UseLazyKey)
            .WithSource("""
                using System;
                using System.Collections.Generic;

                namespace Shop;

                public static class Countries
                {
                    private static HashSet<string>? s_codes;

                    public static bool IsKnown(string code)
                    {
                        [|s_codes ??= new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "DE", "FR", "US" }|];
                        return s_codes.Contains(code);
                    }

                    public static int Count => Countries.s_codes!.Count;

                    public static void Add(string code) => s_codes!.Add(code);
                }
                """)
            .ShouldFixCodeWith("""
                using System;
                using System.Collections.Generic;

                namespace Shop;

                public static class Countries
                {
                    private static readonly Lazy<HashSet<string>> s_codes = new(() => new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "DE", "FR", "US" });

                    public static bool IsKnown(string code)
                    {
                        return s_codes.Value.Contains(code);
                    }

                    public static int Count => Countries.s_codes.Value!.Count;

                    public static void Add(string code) => s_codes.Value!.Add(code);
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task UseLazy_CoalesceWithParenthesizedAssignment_VolatileIsDropped()
    {
        await Test()
            .WithCodeFixEquivalenceKey(UnsynchronizedInitializationFixer.UseLazyKey)
            .WithSource("""
                using System;
                using System.Text;

                public static class Journal
                {
                    /// <summary>Everything written so far.</summary>
                    private static volatile StringBuilder? s_log;

                    public static StringBuilder Log() => (s_log ?? ([|s_log = new StringBuilder(256)|]));
                }
                """)
            .ShouldFixCodeWith("""
                using System;
                using System.Text;

                public static class Journal
                {
                    /// <summary>Everything written so far.</summary>
                    private static readonly Lazy<StringBuilder> s_log = new(() => new StringBuilder(256));

                    public static StringBuilder Log() => (s_log.Value);
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task UseStaticReadonlyInitializer_IsNullEmbeddedStatement_InAMethod()
    {
        await Test()
            .WithCodeFixEquivalenceKey(UnsynchronizedInitializationFixer.UseStaticReadonlyInitializerKey)
            .WithSource("""
                using System.Net.Http;

                public static class Http
                {
                    private static HttpClient? s_client;

                    public static HttpClient Client()
                    {
                        var unrelated = 1;

                        if (s_client is null) [|s_client = new HttpClient()|];

                        return s_client;
                    }
                }
                """)
            .ShouldFixCodeWith("""
                using System.Net.Http;

                public static class Http
                {
                    private static readonly HttpClient s_client = new HttpClient();

                    public static HttpClient Client()
                    {
                        var unrelated = 1;

                        return s_client;
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task UseLazy_InstanceFieldOfASingleton_WithStaticFactory()
    {
        await Test()
            .WithCodeFixEquivalenceKey(UnsynchronizedInitializationFixer.UseLazyKey)
            .WithSource("""
                using System;
                using System.Collections.Generic;

                public sealed class ConfigGetter
                {
                    public static readonly ConfigGetter Instance = new();

                    private Dictionary<string, string>? _config;

                    private ConfigGetter() { }

                    public Dictionary<string, string> Config => [|_config ??= Load()|];

                    private static Dictionary<string, string> Load() => new();
                }
                """)
            .ShouldFixCodeWith("""
                using System;
                using System.Collections.Generic;

                public sealed class ConfigGetter
                {
                    public static readonly ConfigGetter Instance = new();

                    private readonly Lazy<Dictionary<string, string>> _config = new(() => Load());

                    private ConfigGetter() { }

                    public Dictionary<string, string> Config => _config.Value;

                    private static Dictionary<string, string> Load() => new();
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task UseLazy_ThisQualifiedInstanceField_CommentBeforeTheRemovedStatementIsKept()
    {
        await Test()
            .WithCodeFixEquivalenceKey(UnsynchronizedInitializationFixer.UseLazyKey)
            .WithSource("""
                using System.Collections.Generic;

                public sealed class Router
                {
                    private static readonly Router s_default = new();
                    private HashSet<string>? _seen;

                    private Router() { }

                    public static Router Default => s_default;

                    public bool IsFirstVisit(string path)
                    {
                        // Built on first use.
                        [|this._seen ??= new HashSet<string>()|];
                        return this._seen.Add(path);
                    }
                }
                """)
            .ShouldFixCodeWith("""
                using System;
                using System.Collections.Generic;

                public sealed class Router
                {
                    private static readonly Router s_default = new();
                    private readonly Lazy<HashSet<string>> _seen = new(() => new HashSet<string>());

                    private Router() { }

                    public static Router Default => s_default;

                    public bool IsFirstVisit(string path)
                    {
                        // Built on first use.
                        return this._seen.Value.Add(path);
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task UseLazy_WithAGlobalUsingOfSystem_AddsNoUsing()
    {
        await Test()
            .WithCodeFixEquivalenceKey(UnsynchronizedInitializationFixer.UseLazyKey)
            .WithSource("Usings.cs", """
                global using System;
                """)
            .WithSource("Log.cs", """
                using System.Text;

                public static class Log
                {
                    private static StringBuilder? s_buffer;

                    public static StringBuilder Buffer => [|s_buffer ??= new StringBuilder()|];
                }
                """)
            .ShouldFixCodeWith("Log.cs", """
                using System.Text;

                public static class Log
                {
                    private static readonly Lazy<StringBuilder> s_buffer = new(() => new StringBuilder());

                    public static StringBuilder Buffer => s_buffer.Value;
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task UseLazy_BeforeCSharp9_SpellsOutTheType()
    {
        await Test()
            .WithLanguageVersion(Microsoft.CodeAnalysis.CSharp.LanguageVersion.CSharp8)
            .WithCodeFixEquivalenceKey(UnsynchronizedInitializationFixer.UseLazyKey)
            .WithSource("""
                using System.Text;

                public static class Log
                {
                    private static StringBuilder s_buffer;

                    public static StringBuilder Buffer
                    {
                        get
                        {
                            if (s_buffer == null) [|s_buffer = new StringBuilder()|];
                            return s_buffer;
                        }
                    }
                }
                """)
            .ShouldFixCodeWith("""
                using System;
                using System.Text;

                public static class Log
                {
                    private static readonly Lazy<StringBuilder> s_buffer = new Lazy<StringBuilder>(() => new StringBuilder());

                    public static StringBuilder Buffer
                    {
                        get
                        {
                            return s_buffer.Value;
                        }
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task UseLazy_DoubleCheckedLocking_RemovesTheLockAndItsUnusedLockObject()
    {
        await Test()
            .WithCodeFixEquivalenceKey(UnsynchronizedInitializationFixer.UseLazyKey)
            .WithEditorConfig(SharedShapes.ReportDoubleCheckedLocking)
            .WithSource("""
                using System;

                public sealed class Registry
                {
                    public int Uses { get; set; }

                    private static readonly object s_gate = new();
                    private static Registry? s_instance;

                    private Registry() { }

                    public static Registry Instance
                    {
                        get
                        {
                            if (s_instance == null)
                            {
                                lock (s_gate)
                                {
                                    if (s_instance == null)
                                    {
                                        {|#0:s_instance = new Registry()|};
                                    }
                                }
                            }

                            return s_instance;
                        }
                    }
                }
                """)
            .ExpectDiagnostic(DiagnosticResult.Create("SSA009").WithLocation(0))
            .ShouldFixCodeWith("""
                using System;

                public sealed class Registry
                {
                    public int Uses { get; set; }

                    private static readonly Lazy<Registry> s_instance = new(() => new Registry());

                    private Registry() { }

                    public static Registry Instance
                    {
                        get
                        {
                            return s_instance.Value;
                        }
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task UseStaticReadonlyInitializer_DoubleCheckedLocking_KeepsALockObjectUsedElsewhere()
    {
        await Test()
            .WithCodeFixEquivalenceKey(UnsynchronizedInitializationFixer.UseStaticReadonlyInitializerKey)
            .WithEditorConfig(SharedShapes.ReportDoubleCheckedLocking)
            .WithSource("""
                using System.Collections.Generic;

                public sealed class Registry
                {
                    public int Uses { get; set; }

                    private static readonly object s_gate = new();
                    private static readonly List<string> s_names = new();
                    private static Registry? s_instance;

                    public static Registry Instance
                    {
                        get
                        {
                            if (s_instance is null)
                            {
                                lock (s_gate)
                                    if (s_instance is null)
                                        {|#0:s_instance = new Registry()|};
                            }

                            return s_instance;
                        }
                    }

                    public static void Add(string name)
                    {
                        lock (s_gate)
                        {
                            s_names.Add(name);
                        }
                    }
                }
                """)
            .ExpectDiagnostic(DiagnosticResult.Create("SSA009").WithLocation(0))
            .ShouldFixCodeWith("""
                using System.Collections.Generic;

                public sealed class Registry
                {
                    public int Uses { get; set; }

                    private static readonly object s_gate = new();
                    private static readonly List<string> s_names = new();
                    private static readonly Registry s_instance = new Registry();

                    public static Registry Instance
                    {
                        get
                        {
                            return s_instance;
                        }
                    }

                    public static void Add(string name)
                    {
                        lock (s_gate)
                        {
                            s_names.Add(name);
                        }
                    }
                }
                """)
            .ValidateAsync();
    }

    // ---------------------------------------------------------------- Fix All

    [Fact]
    public async Task FixAll_UseLazy_TwoFieldsInADocument()
    {
        await Test()
            .WithCodeFixEquivalenceKey(UnsynchronizedInitializationFixer.UseLazyKey)
            .WithFixAllScopes(FixAllScope.Document, FixAllScope.Project)
            .WithSource("""
                using System.Text;

                public static class Buffers
                {
                    private static StringBuilder? s_first;
                    private static StringBuilder? s_second;

                    public static StringBuilder First => [|s_first ??= new StringBuilder("first")|];

                    public static StringBuilder Second
                    {
                        get
                        {
                            if (s_second == null)
                            {
                                [|s_second = new StringBuilder("second")|];
                            }

                            return s_second;
                        }
                    }
                }
                """)
            .ShouldFixCodeWith("""
                using System;
                using System.Text;

                public static class Buffers
                {
                    private static readonly Lazy<StringBuilder> s_first = new(() => new StringBuilder("first"));
                    private static readonly Lazy<StringBuilder> s_second = new(() => new StringBuilder("second"));

                    public static StringBuilder First => s_first.Value;

                    public static StringBuilder Second
                    {
                        get
                        {
                            return s_second.Value;
                        }
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task FixAll_UseStaticReadonlyInitializer_TwoDocuments()
    {
        await Test()
            .WithCodeFixEquivalenceKey(UnsynchronizedInitializationFixer.UseStaticReadonlyInitializerKey)
            .WithFixAllScopes(FixAllScope.Document, FixAllScope.Project)
            .WithSource("A.cs", """
                using System.Text;

                public static class A
                {
                    private static StringBuilder? s_a;

                    public static StringBuilder Get() => [|s_a ??= new StringBuilder("a")|];
                }
                """)
            .WithSource("B.cs", """
                using System.Text;

                public static class B
                {
                    private static StringBuilder? s_b;
                    private static StringBuilder? s_c;

                    public static StringBuilder Get() => [|s_b ??= new StringBuilder("b")|];

                    public static StringBuilder Other() => s_c ?? ([|s_c = new StringBuilder("c")|]);
                }
                """)
            .ShouldFixCodeWith("A.cs", """
                using System.Text;

                public static class A
                {
                    private static readonly StringBuilder s_a = new StringBuilder("a");

                    public static StringBuilder Get() => s_a;
                }
                """)
            .ShouldFixCodeWith("B.cs", """
                using System.Text;

                public static class B
                {
                    private static readonly StringBuilder s_b = new StringBuilder("b");
                    private static readonly StringBuilder s_c = new StringBuilder("c");

                    public static StringBuilder Get() => s_b;

                    public static StringBuilder Other() => s_c;
                }
                """)
            .ValidateAsync();
    }

    // ---------------------------------------------------------------- no fix

    [Fact]
    public async Task NoFix_PublicField()
    {
        await Test()
            .ShouldNotOfferFix()
            .WithSource("""
                using System.Text;

                public static class Log
                {
                    public static StringBuilder? Buffer;

                    public static StringBuilder Get() => [|Buffer ??= new StringBuilder()|];
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task NoFix_FieldIsAlsoResetElsewhere()
    {
        await Test()
            .ShouldNotOfferFix()
            .WithSource("""
                using System.Text;

                public static class Log
                {
                    private static StringBuilder? s_buffer;

                    public static StringBuilder Get() => [|s_buffer ??= new StringBuilder()|];

                    public static void Reset() => s_buffer = null;
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task NoFix_InitializerUsesALocal_OrSeveralStatements()
    {
        await Test()
            .ShouldNotOfferFix()
            .WithSource("""
                using System.Collections.Generic;
                using System.Threading;

                public static class Lookup
                {
                    private static Timer? s_timer;
                    private static List<string>? s_list;

                    public static Timer Ticker()
                    {
                        if (s_timer == null)
                        {
                            var timer = new Timer(_ => { });
                            timer.Change(1000, 1000);
                            [|s_timer = timer|];
                        }

                        return s_timer;
                    }

                    public static List<string> List()
                    {
                        if (s_list == null)
                        {
                            [|s_list = new List<string>()|];
                            s_list.Add("first");
                        }

                        return s_list;
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task NoFix_DoubleCheckedLockingThatFillsTheMapAfterPublishingIt()
    {
        // The filling would have to move into the Lazy<T> factory with the construction: not an exact rewrite.
        await Test()
            .ShouldNotOfferFix()
            .WithSource("""
                using System.Collections.Generic;

                public static class ImportProfiles
                {
                    private static readonly object s_lock = new();
                    private static Dictionary<string, string>? s_properties;

                    public static string? Property(string key)
                    {
                        if (s_properties == null)
                        {
                            lock (s_lock)
                            {
                                if (s_properties == null)
                                {
                                    [|s_properties = new Dictionary<string, string>()|];
                                    s_properties["Name"] = "NAME";
                                }
                            }
                        }

                        return s_properties.TryGetValue(key, out var value) ? value : null;
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task NoFix_InstanceFieldInitializedFromInstanceState()
    {
        await Test(References.DependencyInjection)
            .ShouldNotOfferFix()
            .WithSource("""
                using System;
                using System.Net.Http;
                using Microsoft.Extensions.DependencyInjection;

                public sealed class Client
                {
                    private readonly string _baseAddress;
                    private HttpClient? _http;

                    public Client(string baseAddress) => _baseAddress = baseAddress;

                    public HttpClient Http => [|_http ??= new HttpClient { BaseAddress = new Uri(_baseAddress) }|];
                }

                public static class Setup
                {
                    public static void Register(IServiceCollection services) => services.AddSingleton<Client>();
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task NoFix_AssignedAndFilledUnderALock_CallerChecksItOutsideTheLock()
    {
        // The filling would have to move with the construction into the Lazy<T>'s factory.
        await Test()
            .ShouldNotOfferFix()
            .WithSource(UnsynchronizedInitializationAnalyzerTests.SlugTableFilledUnderALock
                .Replace("CALL", UnsynchronizedInitializationAnalyzerTests.CallOnlyWhileUnset)
                .Replace("READ", UnsynchronizedInitializationAnalyzerTests.ReadWithoutTheLock)
                .Replace("BUILD", UnsynchronizedInitializationAnalyzerTests.AssignThenFill.Replace("{|#0:", "[|").Replace("|};", "|];")))
            .ValidateAsync();
    }

    [Fact]
    public async Task NoFix_CheckOutsideTheLock_AssignInside()
    {
        await Test()
            .ShouldNotOfferFix()
            .WithSource("""
                public sealed class Registry
                {
                    public int Uses { get; set; }

                    private static readonly object s_gate = new();
                    private static Registry? s_other;

                    public static Registry Other
                    {
                        get
                        {
                            if (s_other == null)
                            {
                                lock (s_gate)
                                {
                                    [|s_other = new Registry()|];
                                }
                            }

                            return s_other;
                        }
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task NoFix_AutoProperty()
    {
        await Test()
            .ShouldNotOfferFix()
            .WithSource("""
                public sealed class Settings
                {
                    public int Uses { get; set; }

                    public static Settings? Current { get; private set; }

                    public static Settings Get()
                    {
                        if (Current == null) [|Current = new Settings()|];
                        return Current;
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task NoFix_PropertyBackingFieldThroughTheFieldKeyword()
    {
        // The backing field has no declaration to rewrite.
        await Test()
            .ShouldNotOfferFix()
            .WithLanguageVersion(Microsoft.CodeAnalysis.CSharp.LanguageVersion.Preview)
            .WithSource("""
                public sealed class Engine
                {
                    public int Uses { get; set; }

                    public static Engine Current => [|field ??= new Engine()|];
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task NoUseLazy_WhereAnotherReadTestsForNull_ButTheEagerFixIsOffered()
    {
        const string source = """
            using System.Text;

            public static class Log
            {
                private static StringBuilder? s_buffer;

                public static StringBuilder Get() => [|s_buffer ??= new StringBuilder()|];

                public static bool Started => s_buffer != null;
            }
            """;

        await Test()
            .WithCodeFixEquivalenceKey(UnsynchronizedInitializationFixer.UseLazyKey)
            .ShouldNotOfferFix()
            .WithSource(source)
            .ValidateAsync();

        await Test()
            .WithSource(source)
            .ShouldFixCodeWith("""
                using System.Text;

                public static class Log
                {
                    private static readonly StringBuilder s_buffer = new StringBuilder();

                    public static StringBuilder Get() => s_buffer;

                    public static bool Started => s_buffer != null;
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task NoEagerFix_WhereTheInitializerReadsAnotherStaticField_ButUseLazyIsOffered()
    {
        const string source = """
            using System.Text;

            public static class Log
            {
                private static StringBuilder? s_buffer;
                private static int s_capacity = 256;

                public static StringBuilder Get() => [|s_buffer ??= new StringBuilder(s_capacity)|];

                public static void Configure(int capacity) => s_capacity = capacity;
            }
            """;

        await Test()
            .WithCodeFixEquivalenceKey(UnsynchronizedInitializationFixer.UseStaticReadonlyInitializerKey)
            .ShouldNotOfferFix()
            .WithSource(source)
            .ValidateAsync();

        await Test()
            .WithCodeFixEquivalenceKey(UnsynchronizedInitializationFixer.UseLazyKey)
            .WithSource(source)
            .ShouldFixCodeWith("""
                using System;
                using System.Text;

                public static class Log
                {
                    private static readonly Lazy<StringBuilder> s_buffer = new(() => new StringBuilder(s_capacity));
                    private static int s_capacity = 256;

                    public static StringBuilder Get() => s_buffer.Value;

                    public static void Configure(int capacity) => s_capacity = capacity;
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task UseLazy_ProjectClassBuiltInAnExpression()
    {
        await Test()
            .WithCodeFixEquivalenceKey(UnsynchronizedInitializationFixer.UseLazyKey)
            .WithSource("""
                public class TemplateEngine
                {
                    public int Uses { get; set; }

                    public string Render(string template) => template;
                }

                public static class Templates
                {
                    private static TemplateEngine? s_engine;

                    public static string Render(string template) => ([|s_engine ??= new TemplateEngine()|]).Render(template);
                }
                """)
            .ShouldFixCodeWith("""
                using System;

                public class TemplateEngine
                {
                    public int Uses { get; set; }

                    public string Render(string template) => template;
                }

                public static class Templates
                {
                    private static readonly Lazy<TemplateEngine> s_engine = new(() => new TemplateEngine());

                    public static string Render(string template) => (s_engine.Value).Render(template);
                }
                """)
            .ValidateAsync();
    }
}
