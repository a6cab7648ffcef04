using SharedStateAnalyzers.Rules;
using SharedStateAnalyzers.Tests.Verification;

namespace SharedStateAnalyzers.Tests.Rules;

/// <summary>SSA009: what is reported, with which message, and what is left alone.</summary>
public sealed class UnsynchronizedInitializationAnalyzerTests
{
    private static AnalyzerTest Test(string source, References references = References.Net)
        => AnalyzerTest.Create<UnsynchronizedInitializationAnalyzer>().WithReferences(references).WithSource(source);

    private static string Message(string field)
        => $"'{field}' is checked and then assigned without synchronization: two threads can both see it unset and each build its own instance";

    private static string DoubleCheckedMessage(string field)
        => $"'{field}' is initialized by double-checked locking but is not volatile: the unlocked check is safe on the .NET runtime's memory model, not on ECMA-335's; mark it volatile or use Lazy<T>";

    private static string PublishedBeforeFilledMessage(string field)
        => $"'{field}' is published by double-checked locking before it is filled: a thread that passes the unlocked check can read it empty or half-filled, volatile or not; fill a local and assign the field last, or use Lazy<T>";

    private static DiagnosticResult At(int location, string field) => DiagnosticResult.Create("SSA009").WithLocation(location).WithMessage(Message(field));

    // ---------------------------------------------------------------- flagged

    [Fact]
    public async Task HandRolledSingleton_InstanceGetter_IfNullThenAssign()
    {
        await Test("""
            public sealed class ConfigGetter
            {
                public int Uses { get; set; }

                private static ConfigGetter? s_instance;

                private ConfigGetter() { }

                public static ConfigGetter Instance
                {
                    get
                    {
                        if (s_instance == null)
                        {
                            {|#0:s_instance = new ConfigGetter()|};
                        }

                        return s_instance;
                    }
                }
            }
            """)
            .ExpectDiagnostic(At(0, "s_instance"))
            .ValidateAsync();
    }

    [Fact]
    public async Task SingletonRegisteredThroughADescriptorHelper_LazyReader()
    {
        // The app's generic helper replaces a registration with a singleton descriptor: each call registers its type
        // arguments as a singleton, as AddSingleton<TService, TImpl>() would.
        await Test("""
            using System;
            using System.IO;
            using System.Threading.Tasks;
            using Microsoft.Extensions.DependencyInjection;
            using Microsoft.Extensions.DependencyInjection.Extensions;

            public interface IRateTable { Task<string?> FindAsync(string code); }

            public sealed class FileRateTable : IRateTable
            {
                private StreamReader? _reader;

                public async Task<string?> FindAsync(string code)
                {
                    if (_reader is null)
                    {
                        await Task.Yield();
                        {|#0:_reader = new StreamReader(File.OpenRead("rates.db"))|};
                    }

                    return await _reader.ReadLineAsync();
                }
            }

            public static class ContainerHelpers
            {
                public static IServiceCollection ReplaceSingleton<TService, TImpl>(this IServiceCollection services)
                    where TService : class
                    where TImpl : class, TService
                    => services.Replace(ServiceDescriptor.Singleton<TService, TImpl>());
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services) => services.ReplaceSingleton<IRateTable, FileRateTable>();
            }
            """, References.DependencyInjection)
            .ExpectDiagnostic(At(0, "_reader"))
            .ValidateAsync();
    }

    [Theory]
    [InlineData("")]
    [InlineData("lock (_gate) { scanDisjunction(); }")]
    public async Task LocalFunctionsThatCallEachOther_AreFollowedToAnEnd(string locked)
    {
        // A recursive-descent scanner: two local functions call each other, and one calls a private method. Whether
        // the private method runs under a lock is asked of its callers; the search must stop, not overflow the stack.
        await Test($$"""
            using System.Collections.Generic;

            public sealed class PatternScanner
            {
                private static Dictionary<string, int>? s_names;
                private readonly object _gate = new();
                private readonly string _text;
                private int _pos;

                public PatternScanner(string text) => _text = text;

                public static Dictionary<string, int> Names
                {
                    get
                    {
                        if (s_names == null)
                        {
                            {|#0:s_names = new Dictionary<string, int>()|};
                        }

                        return s_names;
                    }
                }

                public void Scan()
                {
                    void scanDisjunction()
                    {
                        scanAlternative();
                        while (Peek() == '|') { _pos++; scanAlternative(); }
                    }

                    void scanAlternative()
                    {
                        while (_pos < _text.Length && Peek() != ')')
                        {
                            if (Peek() == '(') { _pos++; scanDisjunction(); _pos++; }
                            else _pos++;
                        }
                    }

                    {{(locked.Length == 0 ? "scanDisjunction();" : locked)}}
                }

                private char Peek() => _pos < _text.Length ? _text[_pos] : '\0';
            }
            """)
            .ExpectDiagnostic(At(0, "s_names"))
            .ValidateAsync();
    }

    [Fact]
    public async Task IsNull_EmbeddedStatement()
    {
        await Test("""
            using System.Net.Http;

            public static class Http
            {
                private static HttpClient? s_client;

                public static HttpClient Client
                {
                    get
                    {
                        if (s_client is null) {|#0:s_client = new HttpClient()|};
                        return s_client;
                    }
                }
            }
            """)
            .ExpectDiagnostic(At(0, "s_client"))
            .ValidateAsync();
    }

    [Fact]
    public async Task CoalesceAssignment_InExpressionBody()
    {
        await Test("""
            using System.Net.Http;

            public static class Http
            {
                private static HttpClient? s_client;

                public static HttpClient Client => {|#0:s_client ??= new HttpClient()|};
            }
            """)
            .ExpectDiagnostic(At(0, "s_client"))
            .ValidateAsync();
    }

    [Fact]
    public async Task CoalesceAssignment_VerbatimOrEscapedName()
    {
        // The field's name written as a verbatim identifier, or with a Unicode escape (o is \u006F), is the same name.
        await Test("""
            using System.Net.Http;

            public static class Http
            {
                private static HttpClient? s_client;
                private static HttpClient? s_other;

                public static HttpClient Client => {|#0:@s_client ??= new HttpClient()|};

                public static HttpClient Other => {|#1:s_\u006Fther ??= new HttpClient()|};
            }
            """)
            .ExpectDiagnostic(At(0, "s_client"))
            .ExpectDiagnostic(At(1, "s_other"))
            .ValidateAsync();
    }

    /// <summary>
    /// Health probes sharing one HTTP client built on first use. <c>ACCESS</c> is the accessor's accessibility and
    /// <c>USE</c> what a probe does with the client besides sending.
    /// </summary>
    private const string ProbesSharingAClient = """
        using System;
        using System.Net.Http;
        using System.Net.Security;
        using System.Threading.Tasks;

        public abstract class HeaderProbe
        {
            private static HttpClientHandler? s_handler;
            private static HttpClient? s_client;
            private static HttpClient? s_legacy;

            private static HttpClientHandler Handler => s_handler ??= new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = (_, _, _, errors) => errors == SslPolicyErrors.None,
            };

            ACCESS static HttpClient Client => {|#0:s_client ??= new HttpClient(Handler)|};

            protected abstract string Header { get; }

            public async Task<bool> HasHeaderAsync(string url)
            {
                USE
                using var response = await Client.GetAsync(url);
                return response.Headers.Contains(Header);
            }

            public async Task<string> LegacyAsync(string url)
            {
                if (s_legacy == null)
                {
                    s_legacy = new HttpClient();
                }

                return await s_legacy.GetStringAsync(url);
            }
        }
        """;

    [Fact]
    public async Task HttpClient_BuiltOnFirstUse_OnlySendsRequests()
    {
        await Test(ProbesSharingAClient.Replace("{|#0:", "").Replace(")|};", ");").Replace("ACCESS", "private").Replace("USE", string.Empty))
            .ValidateAsync();
    }

    [Theory]
    [InlineData("private", "Client.Timeout = TimeSpan.FromSeconds(1);")]
    [InlineData("private", "s_client!.DefaultRequestHeaders.Add(\"X-Probe\", Header);")]
    [InlineData("private", "if (url.Length == 0) { s_client?.Dispose(); s_client = null; }")]
    [InlineData("public", "")]
    [InlineData("protected", "")]
    public async Task HttpClient_BuiltOnFirstUse_ConfiguredDisposedOrHandedOut_IsReported(string access, string use)
    {
        await Test(ProbesSharingAClient.Replace("ACCESS", access).Replace("USE", use))
            .ExpectDiagnostic(At(0, "s_client"))
            .ValidateAsync();
    }

    /// <summary>
    /// A notifier that looks its broadcaster up on first use (to break a construction cycle). <c>LIFETIME</c> is how
    /// the compilation registers the broadcaster.
    /// </summary>
    private const string NotifierResolvingItsBroadcaster = """
        using System;
        using System.Threading.Tasks;
        using Microsoft.Extensions.DependencyInjection;

        public sealed class Broadcaster : IDisposable
        {
            public void Dispose() { }
            public Task SendAsync(string message) => Task.CompletedTask;
        }

        public sealed class Notifier
        {
            private readonly IServiceProvider _services;
            private Broadcaster? _broadcaster;
            private Broadcaster? _fallback;

            public Notifier(IServiceProvider services) => _services = services;

            public Task NotifyAsync(string message)
            {
                var target = {|#0:_broadcaster ??= _services.GetRequiredService<Broadcaster>()|};
                return target.SendAsync(message);
            }

            public Task RetryAsync(string message)
            {
                if (_fallback == null)
                {
                    {|#1:_fallback = (Broadcaster)_services.GetService(typeof(Broadcaster))!|};
                }

                return _fallback.SendAsync(message);
            }
        }

        public static class Setup
        {
            public static void Add(IServiceCollection services)
            {
                services.LIFETIME<Broadcaster>();
                services.AddSingleton<Notifier>();
            }
        }
        """;

    [Fact]
    public async Task ServiceResolvedOnFirstUse_RegisteredOnlyAsASingleton()
    {
        await Test(NotifierResolvingItsBroadcaster.Replace("{|#0:", "").Replace("{|#1:", "").Replace(")|};", ");").Replace(")!|};", ")!;").Replace("LIFETIME", "AddSingleton"), References.DependencyInjection)
            .ValidateAsync();
    }

    [Theory]
    [InlineData("AddTransient")]
    [InlineData("AddScoped")]
    public async Task ServiceResolvedOnFirstUse_BuiltPerResolution_IsReported(string lifetime)
    {
        await Test(NotifierResolvingItsBroadcaster.Replace("LIFETIME", lifetime), References.DependencyInjection)
            .ExpectDiagnostic(At(0, "_broadcaster"))
            .ExpectDiagnostic(At(1, "_fallback"))
            .ValidateAsync();
    }

    /// <summary>
    /// Error pages the app may supply, with a built-in default when it does not. <c>FIND</c> is how the page is first
    /// looked for.
    /// </summary>
    private const string ErrorPagesWithADefault = """
        public interface IErrorPage { string Render(int status); }

        public sealed class DefaultErrorPage : IErrorPage
        {
            public string Title { get; set; } = "Error";
            public string Render(int status) => Title + " " + status;
        }

        public interface IErrorPageSource { IErrorPage? Find(int status); }

        public static class ErrorPages
        {
            private static IErrorPage? s_forbidden;
            private static IErrorPage? s_notFound;

            public static IErrorPage Forbidden => s_forbidden!;

            public static IErrorPage NotFound => s_notFound!;

            public static void Configure(IErrorPageSource source, string title)
            {
                FIND
                if (s_forbidden == null)
                {
                    {|#0:s_forbidden = new DefaultErrorPage { Title = title }|};
                }

                s_notFound = source.Find(404);
                {|#1:s_notFound ??= new DefaultErrorPage { Title = title }|};
            }
        }
        """;

    [Fact]
    public async Task FallbackForWhatTheMemberJustAssigned()
    {
        await Test(ErrorPagesWithADefault.Replace("{|#0:", "").Replace("{|#1:", "").Replace("}|};", "};").Replace("FIND", "s_forbidden = source.Find(403);"))
            .ValidateAsync();
    }

    [Fact]
    public async Task FieldAssignedOnlySometimesBeforeTheCheck_IsReported()
    {
        await Test(ErrorPagesWithADefault.Replace("{|#1:s_notFound ??= new DefaultErrorPage { Title = title }|};", "s_notFound ??= new DefaultErrorPage { Title = title };").Replace("FIND", "if (title.Length > 0) s_forbidden = source.Find(403);"))
            .ExpectDiagnostic(At(0, "s_forbidden"))
            .ValidateAsync();
    }

    [Fact]
    public async Task CoalesceWithParenthesizedAssignment()
    {
        await Test("""
            using System.Collections.Generic;

            public static class Registry
            {
                private static List<string>? s_names;

                public static List<string> Names() => s_names ?? ({|#0:s_names = new List<string>()|});
            }
            """)
            .ExpectDiagnostic(At(0, "s_names"))
            .ValidateAsync();
    }

    [Fact]
    public async Task EqualsDefault_AndNullOnTheLeft()
    {
        await Test("""
            using System.Text;

            public static class Builders
            {
                private static StringBuilder? s_first;
                private static StringBuilder? s_second;

                public static StringBuilder First()
                {
                    if (s_first == default) {|#0:s_first = new StringBuilder()|};
                    return s_first;
                }

                public static StringBuilder Second()
                {
                    if (null == s_second) {|#1:s_second = new StringBuilder()|};
                    return s_second;
                }
            }
            """)
            .ExpectDiagnostic(At(0, "s_first"))
            .ExpectDiagnostic(At(1, "s_second"))
            .ValidateAsync();
    }

    [Fact]
    public async Task NotNullWithElse_AndReferenceEquals()
    {
        await Test("""
            using System.Text;

            public static class Builders
            {
                private static StringBuilder? s_first;
                private static StringBuilder? s_second;

                public static StringBuilder First()
                {
                    if (s_first != null)
                    {
                        return s_first;
                    }
                    else
                    {
                        {|#0:s_first = new StringBuilder()|};
                        return s_first;
                    }
                }

                public static StringBuilder Second()
                {
                    if (ReferenceEquals(s_second, null)) {|#1:s_second = new StringBuilder()|};
                    return s_second;
                }
            }
            """)
            .ExpectDiagnostic(At(0, "s_first"))
            .ExpectDiagnostic(At(1, "s_second"))
            .ValidateAsync();
    }

    [Fact]
    public async Task EarlyReturnWhenSet_ThenAssign()
    {
        await Test("""
            public sealed class Catalog
            {
                private static Catalog? s_default;

                public static Catalog Default
                {
                    get
                    {
                        if (s_default != null)
                        {
                            return s_default;
                        }

                        var catalog = new Catalog();
                        catalog.Load();
                        {|#0:s_default = catalog|};
                        return catalog;
                    }
                }

                private void Load() { }
            }
            """)
            .ExpectDiagnostic(At(0, "s_default"))
            .ValidateAsync();
    }

    [Fact]
    public async Task IsNotEmptyPattern_AndEarlyReturnOnADeclarationPattern()
    {
        await Test("""
            using System.Text;

            public static class Builders
            {
                private static StringBuilder? s_first;
                private static StringBuilder? s_second;

                public static StringBuilder First()
                {
                    if (s_first is not { }) {|#0:s_first = new StringBuilder()|};
                    return s_first;
                }

                public static StringBuilder Second()
                {
                    if (s_second is { } existing) return existing;
                    var created = new StringBuilder();
                    {|#1:s_second = created|};
                    return s_second;
                }
            }
            """)
            .ExpectDiagnostic(At(0, "s_first"))
            .ExpectDiagnostic(At(1, "s_second"))
            .ValidateAsync();
    }

    [Fact]
    public async Task BlockWithSeveralStatements_OneDiagnosticPerFieldPerMember()
    {
        await Test("""
            using System.Collections.Generic;

            public static class Lookup
            {
                private static Dictionary<string, int>? s_map;

                public static int Get(string key)
                {
                    if (s_map == null)
                    {
                        var map = new Dictionary<string, int>();
                        map["a"] = 1;
                        {|#0:s_map = map|};
                    }

                    if (s_map == null)
                    {
                        s_map = new Dictionary<string, int>();
                    }

                    return s_map[key];
                }

                public static int Count()
                {
                    {|#1:s_map ??= new Dictionary<string, int>()|};
                    return s_map.Count;
                }

                public static void Set(string key, int value) => s_map![key] = value;
            }
            """)
            .ExpectDiagnostic(At(0, "s_map"))
            .ExpectDiagnostic(At(1, "s_map"))
            .ValidateAsync();
    }

    [Fact]
    public async Task StaticAutoProperty()
    {
        await Test("""
            public sealed class Settings
            {
                public int Uses { get; set; }

                public static Settings? Current { get; private set; }

                public static Settings Get()
                {
                    if (Current == null)
                    {
                        {|#0:Current = new Settings()|};
                    }

                    return Current;
                }
            }
            """)
            .ExpectDiagnostic(At(0, "Current"))
            .ValidateAsync();
    }

    [Fact]
    public async Task InstanceField_OfHandRolledSingleton()
    {
        await Test("""
            using System.Collections.Generic;

            public sealed class ConfigGetter
            {
                public static readonly ConfigGetter Instance = new();

                private Dictionary<string, string>? _config;

                private ConfigGetter() { }

                public Dictionary<string, string> Config => {|#0:_config ??= Load()|};

                private static Dictionary<string, string> Load() => new();
            }
            """)
            .ExpectDiagnostic(At(0, "_config"))
            .ValidateAsync();
    }

    [Fact]
    public async Task InstanceField_OfDependencyInjectionSingleton()
    {
        await Test("""
            using System.Net.Http;
            using Microsoft.Extensions.DependencyInjection;

            public sealed class WeatherClient
            {
                private HttpClient? _http;

                public HttpClient Http
                {
                    get
                    {
                        if (_http == null) {|#0:_http = new HttpClient()|};
                        return _http;
                    }
                }
            }

            public static class Setup
            {
                public static void Register(IServiceCollection services) => services.AddSingleton<WeatherClient>();
            }
            """, References.DependencyInjection)
            .ExpectDiagnostic(At(0, "_http"))
            .ValidateAsync();
    }

    /// <summary>
    /// Two lazily built instances of a class of the compilation. <c>BASE</c> is where a test gives the class a base
    /// class, <c>// (state)</c> where it gives it state, <c>// (types)</c> where it declares more types.
    /// </summary>
    private const string TemplatesBuiltOnFirstUse = """
        using System;
        using System.Collections.Generic;

        public class TemplateEngine BASE
        {
            // (state)
            public string Render(string template) => template;
        }

        public static class Templates
        {
            private static TemplateEngine? s_engine;
            private static TemplateEngine? s_strict;

            public static string Render(string template) => ({|#0:s_engine ??= new TemplateEngine()|}).Render(template);

            public static TemplateEngine Strict
            {
                get
                {
                    if (s_strict == null) {|#1:s_strict = new TemplateEngine()|};
                    return s_strict;
                }
            }
        }

        // (types)
        """;

    private static string TemplateEngineWith(string baseClass, string state, string types)
        => TemplatesBuiltOnFirstUse.Replace("BASE", baseClass).Replace("// (state)", state).Replace("// (types)", types);

    [Theory]
    [InlineData("a field", "", "private readonly Dictionary<string, string> _compiled = new();", "")]
    [InlineData("a settable property", "", "public bool Strict { get; set; }", "")]
    [InlineData("a readonly property", "", "public DateTime Built { get; } = DateTime.UtcNow;", "")]
    [InlineData("an event", "", "public event EventHandler? Rendered;", "")]
    [InlineData("a constructor that does something", "", "public TemplateEngine() { Console.WriteLine(\"engine built\"); }", "")]
    [InlineData("a base class with state", ": EngineBase", "", "public abstract class EngineBase { protected int Renders; }")]
    [InlineData("a library base that is not abstract", ": Random", "", "")]
    [InlineData("a memo the class resets", "", "private string? _host; public string Host => _host ??= Environment.MachineName; public void Reset() => _host = null;", "")]
    [InlineData("a memo of what a caller passes", "", "private string? _first; public string First(string name) => _first ??= name;", "")]
    [InlineData("a memo others can write", "", "internal string? Host; public string GetHost() => Host ??= Environment.MachineName;", "")]
    [InlineData("a memo of a collection", "", "private List<string>? _seen; public List<string> Seen => _seen ??= new List<string>();", "")]
    [InlineData("a memo of an array", "", "private string[]? _args; public string[] Args => _args ??= Environment.GetCommandLineArgs();", "")]
    [InlineData("a memo built in a lambda", "", "private string? _host; public Func<string> Host => () => _host ??= Environment.MachineName;", "")]
    [InlineData("an event that keeps its handlers", "", "private EventHandler? _rendered; public event EventHandler Rendered { add => _rendered += value; remove => _rendered -= value; }", "")]
    public async Task NewInstanceOfAProjectClass_Static(string _, string baseClass, string state, string types)
    {
        // A class of the compilation with state: its constructor runs once per racing thread, and callers can keep
        // different instances. Whether that matters is the class's own design, so the shape is reported.
        await Test(TemplateEngineWith(baseClass, state, types))
            .ExpectDiagnostic(At(0, "s_engine"))
            .ExpectDiagnostic(At(1, "s_strict"))
            .ValidateAsync();
    }

    [Theory]
    [InlineData("no base, no constructor", "", "", "")]
    [InlineData("an empty constructor", "", "public TemplateEngine() { }", "")]
    [InlineData("a stateless base of the project", ": EngineBase", "public override int Version => 2;", "public abstract class EngineBase { public abstract int Version { get; } }")]
    [InlineData("a library comparer base", ": Comparer<string>", "public override int Compare(string? x, string? y) => string.CompareOrdinal(x, y);", "")]
    [InlineData("a memo of a process fact", "", "private string? _baseDirectory; public string BaseDirectory => _baseDirectory ?? (_baseDirectory = AppContext.BaseDirectory);", "")]
    [InlineData("a nullable memo read through Value", "", "private int? _processId; public int ProcessId => _processId ?? (_processId = Environment.ProcessId).Value;", "")]
    [InlineData("a memo checked then assigned in a method", "", "private string? _host; public string GetHost() { if (_host == null) { _host = Environment.MachineName; } return _host!; }", "")]
    [InlineData("a memo of a read-only sequence", "", "private IEnumerable<string>? _args; public IEnumerable<string> Args => _args ??= Environment.GetCommandLineArgs();", "")]
    [InlineData("a memo in a stateless base", ": EngineBase", "", "public abstract class EngineBase { private string? _user; public string User => _user ??= Environment.UserName; }")]
    [InlineData("an event that forwards to the process's", "", "public event EventHandler Exiting { add => AppDomain.CurrentDomain.ProcessExit += value; remove => AppDomain.CurrentDomain.ProcessExit -= value; }", "")]
    [InlineData("a readonly constant", "", "private readonly int _depth = 4; public int Depth => _depth;", "")]
    public async Task NewInstanceOfAStatelessClass_BuiltTwiceIsTheSameObject(string _, string baseClass, string state, string types)
    {
        // No instance field, auto-property or event but private memos of what the process is, and constructors that do
        // nothing: a racing thread's copy cannot be told from the one kept (a comparer, a visitor, a renderer of what it
        // is given, a wrapper of the environment that looks each fact up once).
        await Test(TemplateEngineWith(baseClass, state, types).Replace("{|#0:", "").Replace("{|#1:", "").Replace("()|}", "()"))
            .ValidateAsync();
    }

    /// <summary>
    /// A scratch context kept one per thread in a static <c>ThreadLocal</c> of its own type, whose buffer is built on first
    /// use; HOLDER is the static that holds the instances, READ how <c>Current</c> reads it.
    /// </summary>
    private const string ScratchContextPerThread = """
        using System;
        using System.Collections.Generic;
        using System.Threading;

        public sealed class ScratchContext
        {
            HOLDER

            private List<string>? _parts;

            private ScratchContext() { }

            public List<string> Parts => {|#0:_parts ??= new List<string>()|};

            public static ScratchContext Current => READ;
        }

        public static class Joiner
        {
            public static string Join(string text)
            {
                var parts = ScratchContext.Current.Parts;
                parts.Clear();
                parts.AddRange(text.Split(' '));
                return string.Join("-", parts);
            }
        }
        """;

    [Theory]
    [InlineData("private static readonly ThreadLocal<ScratchContext> s_perThread = new(() => new ScratchContext());", "s_perThread.Value!")]
    [InlineData("[ThreadStatic] private static ScratchContext? t_current;", "t_current ??= new ScratchContext()")]
    public async Task InstanceField_OfAnObjectEachThreadHasItsOwn(string holder, string read)
    {
        // Each thread gets its own context: no other thread can see its buffer unset.
        await Test(ScratchContextPerThread.Replace("HOLDER", holder).Replace("READ", read).Replace("{|#0:", "").Replace("()|}", "()"))
            .ValidateAsync();
    }

    [Fact]
    public async Task InstanceField_OfTheOneInstanceEveryThreadShares_IsReported()
    {
        await Test(ScratchContextPerThread.Replace("HOLDER", "private static readonly ScratchContext s_shared = new();").Replace("READ", "s_shared"))
            .ExpectDiagnostic(At(0, "_parts"))
            .ValidateAsync();
    }

    /// <summary>
    /// A site binding registered as a singleton instance, whose host names are split from its configured list on first
    /// read; VALUE is what <c>Hosts</c> stores.
    /// </summary>
    private const string SiteBindingWithLazyHosts = """
        using System;
        using System.Collections.Generic;
        using Microsoft.Extensions.DependencyInjection;

        public sealed class SiteBinding
        {
            private static readonly char[] Separators = [',', ' '];
            private readonly string? _hostList;
            private string[]? _hosts;

            public SiteBinding(string? hostList) => _hostList = hostList;

            public string[] Hosts => {|#0:_hosts ??= VALUE|};
        }

        public static class SiteRegistration
        {
            public static IServiceCollection AddSite(this IServiceCollection services, string hosts) => services.AddSingleton(new SiteBinding(hosts));
        }
        """;

    [Theory]
    [InlineData("_hostList?.Split(Separators, StringSplitOptions.RemoveEmptyEntries) ?? []")]
    [InlineData("_hostList?.Split(Separators, StringSplitOptions.RemoveEmptyEntries) ?? Array.Empty<string>()")]
    [InlineData("(_hostList ?? \"\").Split(Separators, StringSplitOptions.RemoveEmptyEntries)")]
    public async Task BuiltArray_ThroughANullConditionalCallOrWithAnEmptyFallback(string value)
    {
        // Two racing readers each split the same text: equal arrays that nothing writes into.
        await Test(SiteBindingWithLazyHosts.Replace("VALUE", value).Replace("{|#0:", "").Replace("|};", ";"), References.DependencyInjection)
            .ValidateAsync();
    }

    [Theory]
    [InlineData("_hostList?.Split(Separators, StringSplitOptions.RemoveEmptyEntries) ?? new string[4]")]
    [InlineData("_hostList is null ? new string[4] : _hostList.Split(Separators)")]
    public async Task ArrayToFill_AsTheFallbackOfABuiltOne_IsReported(string value)
    {
        // An array with room, created to be filled: a caller can fill the copy that is then replaced.
        await Test(SiteBindingWithLazyHosts.Replace("VALUE", value).Replace("public string[] Hosts", "public string[] Hosts").Replace("// (fill)", ""), References.DependencyInjection)
            .ExpectDiagnostic(At(0, "_hosts"))
            .ValidateAsync();
    }

    [Fact]
    public async Task StatelessSingleton_BuiltTwiceIsTheSameObject()
    {
        // The type's own instance, with nothing in it: two racing threads build two instances no caller can tell apart.
        await Test("""
            public sealed class OrdinalComparer : System.Collections.Generic.IComparer<string>
            {
                private static OrdinalComparer? s_instance;

                private OrdinalComparer() { }

                public static OrdinalComparer Instance => s_instance ??= new OrdinalComparer();

                public int Compare(string? x, string? y) => string.CompareOrdinal(x, y);
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task StatelessSingleton_LockedOnIsReported()
    {
        // Two threads that lock on two instances do not exclude each other.
        await Test("""
            public sealed class Gate
            {
                private static Gate? s_instance;

                public static Gate Instance => {|#0:s_instance ??= new Gate()|};

                public static void Run(System.Action action)
                {
                    lock (Instance)
                    {
                        action();
                    }
                }
            }
            """)
            .ExpectDiagnostic(At(0, "s_instance"))
            .ValidateAsync();
    }

    [Fact]
    public async Task NewInstanceOfAProjectClass_InADependencyInjectionSingleton()
    {
        await Test("""
            using Microsoft.Extensions.DependencyInjection;

            public class PdfRenderer
            {
                public int Uses { get; set; }

                public byte[] Render(string html) => System.Text.Encoding.UTF8.GetBytes(html);
            }

            public class InvoicePrinter
            {
                public int Uses { get; set; }

                private PdfRenderer? _renderer;

                public byte[] Print(string html) => ({|#0:_renderer ??= new PdfRenderer()|}).Render(html);
            }

            public static class Setup
            {
                public static void Register(IServiceCollection services) => services.AddSingleton<InvoicePrinter>();
            }
            """, References.DependencyInjection)
            .ExpectDiagnostic(At(0, "_renderer"))
            .ValidateAsync();
    }

    /// <summary>
    /// A DI singleton that lazily builds a view of itself (<c>_tracker ??= new Tracker(ARGUMENT)</c>) whose constructor
    /// keeps what it is given, plus EXTRA; and a converter that is its own lazily built instance of the same kind.
    /// </summary>
    private const string WrapperTemplate = """
        using System;
        using Microsoft.Extensions.DependencyInjection;

        public sealed class Tracker
        {
            private readonly Runtime _runtime;
            private readonly Type _kind = typeof(Runtime);

            public Tracker(Runtime runtime)
            {
                _runtime = runtime ?? throw new ArgumentNullException(nameof(runtime));
                EXTRA
            }

            public void Sent(string message) => _runtime.Record(message);
        }

        public sealed class Runtime
        {
            private Tracker? _tracker;

            public Tracker Traffic => {|#0:_tracker ??= new Tracker(ARGUMENT)|};

            public void Record(string message) { }

            private static Runtime Create() => new();
        }

        public sealed class ElementConverter
        {
            private static ElementConverter? s_instance;
            private readonly Func<string, object> _element;

            private ElementConverter(Func<string, object> element)
            {
                ArgumentNullException.ThrowIfNull(element);
                _element = element;
            }

            public static ElementConverter Get(Func<string, object> element) => {|#1:s_instance ??= new ElementConverter(element)|};

            private static Func<string, object> Checked(Func<string, object> element) => element;
        }

        public static class Setup
        {
            public static void Register(IServiceCollection services) => services.AddSingleton<Runtime>();
        }
        """;

    [Fact]
    public async Task NewWrapperThatKeepsOnlyWhatItIsGiven_IsLeftAlone()
    {
        // Two racing threads each build a Tracker over the same runtime: the copies cannot be told apart, and the last
        // one stored wins. Nothing is lost, leaked or run twice that matters.
        await Test(WrapperTemplate.Replace("EXTRA", "").Replace("ARGUMENT", "this").Replace("{|#0:", "").Replace("{|#1:", "").Replace(")|};", ");"), References.DependencyInjection)
            .ValidateAsync();
    }

    [Fact]
    public async Task NewWrapperThatAlsoBuildsStateOrIsGivenAComputedValue_IsReported()
    {
        // A constructor that builds state of its own, or an argument computed for the call, runs once per racing thread.
        var withState = WrapperTemplate.Replace("EXTRA", "Pending = new System.Collections.Generic.List<string>();")
            .Replace("public void Sent(", "public System.Collections.Generic.List<string> Pending { get; }\n\n    public void Sent(")
            .Replace("ARGUMENT", "this").Replace("{|#1:", "").Replace("s_instance ??= new ElementConverter(element)|};", "s_instance ??= new ElementConverter(element);");
        await Test(withState, References.DependencyInjection)
            .ExpectDiagnostic(At(0, "_tracker"))
            .ValidateAsync();

        var computed = WrapperTemplate.Replace("EXTRA", "").Replace("ARGUMENT", "Create()")
            .Replace("(element)|};", "(Checked(element))|};");
        await Test(computed, References.DependencyInjection)
            .ExpectDiagnostic(At(0, "_tracker"))
            .ExpectDiagnostic(At(1, "s_instance"))
            .ValidateAsync();
    }

    /// <summary>
    /// Options that create their list of prefixes on the first add (in ADD), configured by CONFIGURE, and registered as
    /// a singleton from <c>IOptions&lt;T&gt;.Value</c>.
    /// </summary>
    private const string TracerOptionsTemplate = """
        using System;
        using System.Collections.Generic;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.Options;

        public class TracerOptions
        {
            internal List<string>? IgnoredPrefixes { get; set; }

            ADD

            public bool IsIgnored(string name) => IgnoredPrefixes?.Exists(name.StartsWith) == true;
        }

        public static class TracerSetup
        {
            public static IServiceCollection AddTracer(this IServiceCollection services, Action<TracerOptions> configure)
            {
                services.Configure(configure);
                return services.AddSingleton<TracerOptions>(sp => sp.GetRequiredService<IOptions<TracerOptions>>().Value);
            }
        }

        CONFIGURE
        """;

    private const string IgnorePrefix = """
        public void IgnorePrefix(string prefix)
        {
            if (IgnoredPrefixes == null)
            {
                {|#0:IgnoredPrefixes = new List<string> { prefix }|};
            }
            else
            {
                IgnoredPrefixes.Add(prefix);
            }
        }
        """;

    [Theory]
    [InlineData("")]
    [InlineData("public sealed class TracerDefaults : IConfigureOptions<TracerOptions> { public void Configure(TracerOptions options) => options.IgnorePrefix(\"System.\"); }")]
    [InlineData("public static class Composition { public static void Compose(IServiceCollection services) => services.AddTracer(o => o.IgnorePrefix(\"System.\")); }")]
    public async Task OptionsListCreatedOnTheFirstAdd_WhileConfiguring_IsLeftAlone(string configure)
    {
        // The options pattern runs the configure steps once, before any consumer is handed the options.
        await Test(TracerOptionsTemplate.Replace("ADD", IgnorePrefix.Replace("{|#0:", "").Replace("}|};", "};")).Replace("CONFIGURE", configure), References.DependencyInjection)
            .ValidateAsync();
    }

    [Theory]
    // A request handler adds to the singleton's options.
    [InlineData(IgnorePrefix, "public sealed class MuteEndpoint(TracerOptions options) { public void Mute(string p) => options.IgnorePrefix(p); }")]
    // Created in a getter, which anyone reads at any time.
    [InlineData("public List<string> Prefixes => {|#0:IgnoredPrefixes ??= new List<string>()|};", "")]
    public async Task OptionsListCreatedOutsideTheirConfiguration_IsReported(string add, string configure)
    {
        await Test(TracerOptionsTemplate.Replace("ADD", add).Replace("CONFIGURE", configure), References.DependencyInjection)
            .ExpectDiagnostic(At(0, "IgnoredPrefixes"))
            .ValidateAsync();
    }

    /// <summary>A tool wrapper with a primary constructor (DECLARATION, BODY), built lazily by a DI singleton from a path it reads.</summary>
    private const string PrimaryConstructorWrapper = """
        using System.IO;
        using Microsoft.Extensions.DependencyInjection;

        public class ToolBase(string name)
        {
            public string Name => name;
        }

        internal sealed class ToolRunner(string path) DECLARATION
        {
            BODY

            public string Run(string input) => input + "@" + USE;
        }

        public interface IMinifier { string Minify(string code); }

        internal sealed class ToolMinifier : IMinifier
        {
            private readonly string _path = Path.Combine(Path.GetTempPath(), "tool");
            private ToolRunner? _runner;

            public string Minify(string code) => ({|#0:_runner ??= new ToolRunner(_path)|}).Run(code);
        }

        public static class MinifierSetup
        {
            public static IServiceCollection AddMinifier(this IServiceCollection services) => services.AddSingleton<IMinifier, ToolMinifier>();
        }
        """;

    [Theory]
    [InlineData("", "private readonly string _path = path;", "_path")]
    [InlineData("", "", "path")]
    [InlineData(": ToolBase(path)", "private readonly string _path = path;", "_path + Name")]
    [InlineData(": ToolBase(\"tool\")", "private readonly int _retries = 3;", "path + _retries")]
    public async Task NewWrapperWithAPrimaryConstructorThatKeepsWhatItIsGiven_IsLeftAlone(string declaration, string body, string use)
    {
        // The same wrapper as one whose constructor stores its parameter: two racing copies cannot be told apart.
        await Test(PrimaryConstructorWrapper.Replace("DECLARATION", declaration).Replace("BODY", body).Replace("USE", use)
                .Replace("{|#0:", "").Replace("_path)|})", "_path))"), References.DependencyInjection)
            .ValidateAsync();
    }

    private const string Guards = """

        public static class Guard
        {
            public static T NotNull<T>(this T value, string name = "value") where T : class => value ?? throw new System.ArgumentNullException(name);

            public static T Checked<T>(T value) where T : class
            {
                System.ArgumentNullException.ThrowIfNull(value);
                if (value is string { Length: 0 })
                {
                    throw new System.ArgumentException("empty");
                }

                return value;
            }

            public static string Trimmed(string value) => value?.Trim() ?? throw new System.ArgumentNullException(nameof(value));
        }
        """;

    [Theory]
    [InlineData("private readonly string _path = path ?? throw new System.ArgumentNullException(nameof(path));")]
    [InlineData("private readonly string _path = path.NotNull();")]
    [InlineData("private readonly string _path = Guard.Checked(path);")]
    public async Task NewWrapperWithAPrimaryConstructorThatGuardsWhatItIsGiven_IsLeftAlone(string body)
    {
        // A null guard (`?? throw`, or a project guard method that returns its argument once checked) keeps the parameter.
        await Test((PrimaryConstructorWrapper + Guards).Replace("DECLARATION", "").Replace("BODY", body).Replace("USE", "_path")
                .Replace("{|#0:", "").Replace("_path)|})", "_path))"), References.DependencyInjection)
            .ValidateAsync();
    }

    [Fact]
    public async Task NewWrapperWithAPrimaryConstructorThatKeepsWhatAGuardComputed_IsReported()
    {
        // The counterpart: a method that checks and also changes the value (trims it) computes a value of its own.
        await Test((PrimaryConstructorWrapper + Guards).Replace("DECLARATION", "").Replace("BODY", "private readonly string _path = Guard.Trimmed(path);").Replace("USE", "_path"),
                References.DependencyInjection)
            .ExpectDiagnostic(At(0, "_runner"))
            .ValidateAsync();
    }

    [Theory]
    // A field built from the parameter, a parameter written later, state of its own, a computed base argument.
    [InlineData("", "private readonly string _full = Path.GetFullPath(path);", "_full")]
    [InlineData("", "public void Move(string to) => path = to;", "path")]
    [InlineData("", "private readonly System.Collections.Generic.List<string> _runs = new();", "path + _runs.Count")]
    [InlineData(": ToolBase(Path.GetFileName(path))", "", "path + Name")]
    public async Task NewWrapperWithAPrimaryConstructorThatKeepsMore_IsReported(string declaration, string body, string use)
    {
        await Test(PrimaryConstructorWrapper.Replace("DECLARATION", declaration).Replace("BODY", body).Replace("USE", use), References.DependencyInjection)
            .ExpectDiagnostic(At(0, "_runner"))
            .ValidateAsync();
    }

    /// <summary>Shared empty results built on first use, from the kind and ITEMS; the base is given a kind the built-in operators pick.</summary>
    private const string EmptyResultTemplate = """
        using System;
        using System.Collections.Generic;

        public abstract class Result
        {
            private static Result? s_emptyList;

            protected Result(int kind) => Kind = kind;

            public int Kind { get; }

            public abstract int Count { get; }

            public static Result EmptyList(int count) => MARKED;

            private static Result[] Load(int count) => new Result[count];

            private sealed class ListResult : Result
            {
                private readonly IEnumerable<Result> _items;

                public ListResult(IEnumerable<Result> items, int kind) : base(items is null ? -1 : kind) => _items = items;

                public override int Count => System.Linq.Enumerable.Count(_items);
            }
        }
        """;

    [Theory]
    [InlineData("Array.Empty<Result>()")]
    [InlineData("System.Linq.Enumerable.Empty<Result>()")]
    [InlineData("new Result[0]")]
    [InlineData("new Result[] { }")]
    [InlineData("[]")]
    public async Task NewWrapperOfAnEmptyValue_IsLeftAlone(string items)
    {
        // An empty array or sequence is the same whichever thread builds it: two racing copies cannot be told apart.
        await Test(EmptyResultTemplate.Replace("MARKED", "s_emptyList ??= new ListResult(ITEMS, 1)").Replace("ITEMS", items))
            .ValidateAsync();
    }

    [Theory]
    [InlineData("Load(count)")]
    [InlineData("new Result[count]")]
    [InlineData("new Result[] { null! }")]
    public async Task NewWrapperOfAComputedOrFilledArray_IsReported(string items)
    {
        await Test(EmptyResultTemplate.Replace("MARKED", "{|#0:s_emptyList ??= new ListResult(ITEMS, 1)|}").Replace("ITEMS", items))
            .ExpectDiagnostic(At(0, "s_emptyList"))
            .ValidateAsync();
    }

    [Fact]
    public async Task StaticPropertyBackingField_ThroughTheFieldKeyword()
    {
        // C# 14's `field`: the property's own backing field is checked and assigned like a named one.
        await Test("""
            public sealed class Engine
            {
                public int Uses { get; set; }

                public static Engine Current => {|#0:field ??= new Engine()|};

                public static Engine Fallback
                {
                    get
                    {
                        if (field == null)
                        {
                            {|#1:field = new Engine()|};
                        }

                        return field;
                    }
                }
            }
            """)
            .WithLanguageVersion(Microsoft.CodeAnalysis.CSharp.LanguageVersion.Preview)
            .ExpectDiagnostic(At(0, "Current"))
            .ExpectDiagnostic(At(1, "Fallback"))
            .ValidateAsync();
    }

    [Fact]
    public async Task InstanceField_OfMiddleware()
    {
        await Test("""
            using System.Threading;
            using System.Threading.Tasks;
            using Microsoft.AspNetCore.Http;

            public sealed class ThrottleMiddleware
            {
                private readonly RequestDelegate _next;
                private SemaphoreSlim? _gate;

                public ThrottleMiddleware(RequestDelegate next) => _next = next;

                public async Task InvokeAsync(HttpContext context)
                {
                    {|#0:_gate ??= new SemaphoreSlim(4)|};
                    await _gate.WaitAsync();
                    try
                    {
                        await _next(context);
                    }
                    finally
                    {
                        _gate.Release();
                    }
                }
            }
            """, References.AspNetCore)
            .ExpectDiagnostic(At(0, "_gate"))
            .ValidateAsync();
    }

    [Fact]
    public async Task CheckOutsideTheLock_AssignInside_WithoutSecondCheck()
    {
        await Test("""
            public sealed class Connection
            {
                public int Uses { get; set; }

                private static readonly object s_gate = new();
                private static volatile Connection? s_shared;

                public static Connection Shared
                {
                    get
                    {
                        if (s_shared == null)
                        {
                            lock (s_gate)
                            {
                                {|#0:s_shared = new Connection()|};
                            }
                        }

                        return s_shared;
                    }
                }
            }
            """)
            .ExpectDiagnostic(At(0, "s_shared"))
            .ValidateAsync();
    }

    [Fact]
    public async Task ConditionalAnd_LockObjectBuiltLazily()
    {
        // Two threads that each build a lock object each take their own lock: nothing is excluded.
        await Test("""
            using System.Collections.Generic;

            public static class Journal
            {
                private static object? s_gate;
                private static readonly List<string> s_lines = new();

                public static void Write(bool enabled, string line)
                {
                    if (enabled && s_gate == null) {|#0:s_gate = new object()|};
                    lock (s_gate!)
                    {
                        s_lines.Add(line);
                    }
                }
            }
            """)
            .ExpectDiagnostic(At(0, "s_gate"))
            .ValidateAsync();
    }

    [Fact]
    public async Task DoubleCheckedLocking_OverANonVolatileField_IsReportedAsInfo_WhenTheProjectTurnsItsReportOn()
    {
        var result = await Test(SharedShapes.DoubleCheckedRegistry)
            .WithEditorConfig(SharedShapes.ReportDoubleCheckedLocking)
            .ExpectDiagnostic(DiagnosticResult.Create("SSA009").WithLocation(0).WithMessage(DoubleCheckedMessage("s_instance")))
            .ValidateAsync();

        Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Info, Assert.Single(result.AnalyzerDiagnostics).Severity);
    }

    [Fact]
    public async Task DoubleCheckedLocking_PublishesTheMapBeforeFillingIt_EvenWhenVolatile()
    {
        // A reader that passes the unlocked check while the lock holder is still filling gets an empty map: a
        // Warning, whatever the memory model. The same when the filling is in a helper of the type, or sets a member.
        var result = await Test("""
            using System.Collections.Generic;

            public sealed class Settings
            {
                public string Name { get; set; } = "";
            }

            public static class ImportProfiles
            {
                private static readonly object s_lock = new();
                private static volatile Dictionary<string, string>? s_properties;
                private static Dictionary<string, int>? s_registrations;
                private static volatile Settings? s_settings;

                public static string? Property(string key)
                {
                    if (s_properties == null)
                    {
                        lock (s_lock)
                        {
                            if (s_properties == null)
                            {
                                {|#0:s_properties = new Dictionary<string, string>()|};
                                foreach (var name in new[] { "Name", "Sku" })
                                {
                                    s_properties[name] = name.ToUpperInvariant();
                                }
                            }
                        }
                    }

                    return s_properties.TryGetValue(key, out var value) ? value : null;
                }

                public static int Registration(string key)
                {
                    if (s_registrations == null)
                    {
                        lock (s_lock)
                        {
                            if (s_registrations == null)
                            {
                                {|#1:s_registrations = new Dictionary<string, int>()|};
                                Register("a", "b");
                            }
                        }
                    }

                    return s_registrations[key];
                }

                internal static void Register(params string[] keys)
                {
                    foreach (var key in keys)
                    {
                        ImportProfiles.s_registrations![key] = key.Length;
                    }
                }

                public static Settings Current()
                {
                    if (s_settings == null)
                    {
                        lock (s_lock)
                        {
                            if (s_settings == null)
                            {
                                {|#2:s_settings = new Settings()|};
                                s_settings.Name = "default";
                            }
                        }
                    }

                    return s_settings;
                }
            }
            """)
            .ExpectDiagnostic(DiagnosticResult.Create("SSA009").WithLocation(0).WithMessage(PublishedBeforeFilledMessage("s_properties")))
            .ExpectDiagnostic(DiagnosticResult.Create("SSA009").WithLocation(1).WithMessage(PublishedBeforeFilledMessage("s_registrations")))
            .ExpectDiagnostic(DiagnosticResult.Create("SSA009").WithLocation(2).WithMessage(PublishedBeforeFilledMessage("s_settings")))
            .ValidateAsync();

        Assert.All(result.AnalyzerDiagnostics, diagnostic => Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Warning, diagnostic.Severity));
    }

    [Fact]
    public async Task DoubleCheckedLocking_FilledByAHelperWhoseCallDoesNotBind()
    {
        // The scanner's type comes from a package the build cannot resolve: the call to Register does not bind, and
        // the type's own Register is read instead.
        await Test("""
            using System.Collections.Generic;

            public static class MapperFactory
            {
                private static readonly object s_lock = new();
                private static Dictionary<string, int>? s_registrations;

                public static int Registration(string key)
                {
                    if (s_registrations == null)
                    {
                        lock (s_lock)
                        {
                            if (s_registrations == null)
                            {
                                {|#0:s_registrations = new Dictionary<string, int>()|};
                                var types = TypeScanner.FindTypes("IMapper");
                                Register(types.ToArray());
                            }
                        }
                    }

                    return s_registrations[key];
                }

                internal static void Register(params string[] keys)
                {
                    foreach (var key in keys)
                    {
                        s_registrations![key] = key.Length;
                    }
                }
            }
            """)
            .AllowCompilerErrors()
            .ExpectDiagnostic(DiagnosticResult.Create("SSA009").WithLocation(0).WithMessage(PublishedBeforeFilledMessage("s_registrations")))
            .ValidateAsync();
    }

    /// <summary>
    /// A slug table built on first use by a helper that takes the lock, checks, assigns and fills; CALL is how the
    /// request path calls the helper, READ how it reads the table, and BUILD how the helper builds it.
    /// </summary>
    internal const string SlugTableFilledUnderALock = """
        using System.Collections.Generic;
        using System.Text;
        using System.Threading;

        public static class Slugs
        {
            private static readonly Lock s_gate = new();
            private static Dictionary<string, string>? s_table;

            public static string Make(string name, string conversions)
            {
                CALL
                var builder = new StringBuilder();
                foreach (var c in name)
                {
                    var text = c.ToString();
                    READ
                    builder.Append(text);
                }

                return builder.ToString();
            }

            private static void Init(string conversions)
            {
                lock (s_gate)
                {
                    if (s_table != null)
                    {
                        return;
                    }

                    BUILD
                }
            }
        }
        """;

    internal const string ReadWithoutTheLock = "if (s_table != null && s_table.TryGetValue(text, out var mapped)) text = mapped;";

    internal const string AssignThenFill = """
        {|#0:s_table = new Dictionary<string, string>()|};
                    foreach (var pair in conversions.Split(';'))
                    {
                        var parts = pair.Split(':');
                        if (parts.Length == 2) s_table[parts[0]] = parts[1];
                    }
        """;

    internal const string CallOnlyWhileUnset = "if (s_table == null) Init(conversions);";

    [Fact]
    public async Task AssignedAndFilledUnderALock_CallerChecksItOutsideTheLock()
    {
        // Double-checked locking split between the caller and the helper: once the table is assigned, a request skips
        // the helper and its lock, and reads the table while the first caller is still filling it.
        await Test(SlugTableFilledUnderALock.Replace("CALL", CallOnlyWhileUnset).Replace("READ", ReadWithoutTheLock).Replace("BUILD", AssignThenFill))
            .ExpectDiagnostic(DiagnosticResult.Create("SSA009").WithLocation(0).WithMessage(
                "'s_table' is assigned and then filled under a lock that its callers skip once it is set: a caller that checks it first can read it empty or half-filled; fill a local and assign the field last, or use Lazy<T>"))
            .ValidateAsync();
    }

    [Theory]
    [InlineData("Init(conversions);", AssignThenFill)]
    [InlineData(CallOnlyWhileUnset, "var table = new Dictionary<string, string>();\n            foreach (var pair in conversions.Split(';')) { var parts = pair.Split(':'); if (parts.Length == 2) table[parts[0]] = parts[1]; }\n            s_table = table;")]
    public async Task AssignedAndFilledUnderALock_EveryCallerTakesTheLock_OrFilledBeforeItIsAssigned(string call, string build)
    {
        // Every request passes through the lock before it reads (the lock's release publishes the filled table), or the
        // table is complete before anyone can see it.
        await Test(SlugTableFilledUnderALock.Replace("CALL", call).Replace("READ", ReadWithoutTheLock).Replace("BUILD", build.Replace("{|#0:", "").Replace("|};", ";")))
            .ValidateAsync();
    }

    [Fact]
    public async Task DoubleCheckedLocking_FillsALocalAndAssignsItLast()
    {
        // The map is complete before the field holds it, and the field is volatile: correct.
        await Test("""
            using System.Collections.Generic;

            public static class ImportProfiles
            {
                private static readonly object s_lock = new();
                private static volatile Dictionary<string, string>? s_properties;

                public static string? Property(string key)
                {
                    if (s_properties == null)
                    {
                        lock (s_lock)
                        {
                            if (s_properties == null)
                            {
                                var properties = new Dictionary<string, string>();
                                properties["Name"] = "NAME";
                                s_properties = properties;
                            }

                            s_properties.TryGetValue("Sku", out _);
                        }
                    }

                    return s_properties.TryGetValue(key, out var value) ? value : null;
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task PlainRace_IsReportedAsWarning()
    {
        var result = await Test("""
            public sealed class Registry
            {
                public int Uses { get; set; }

                private static Registry? s_instance;

                public static Registry Instance => [|s_instance ??= new Registry()|];
            }
            """)
            .ValidateAsync();

        Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Warning, Assert.Single(result.AnalyzerDiagnostics).Severity);
    }

    [Fact]
    public async Task PrivateHelper_CalledOnceOutsideALock()
    {
        await Test("""
            using System.Collections.Generic;

            public static class Registry
            {
                private static readonly object s_gate = new();
                private static List<string>? s_names;

                public static void Add(string name)
                {
                    lock (s_gate)
                    {
                        EnsureCreated();
                        s_names!.Add(name);
                    }
                }

                public static int Count()
                {
                    EnsureCreated();
                    return s_names!.Count;
                }

                private static void EnsureCreated()
                {
                    if (s_names == null) {|#0:s_names = new List<string>()|};
                }
            }
            """)
            .ExpectDiagnostic(At(0, "s_names"))
            .ValidateAsync();
    }

    [Fact]
    public async Task NestedType_IsAnalyzedOnItsOwn()
    {
        await Test("""
            using System.Text;

            public sealed class Outer
            {
                private static StringBuilder? s_outer;

                public static StringBuilder OuterLog => {|#0:s_outer ??= new StringBuilder()|};

                private static class Inner
                {
                    private static StringBuilder? s_inner;

                    public static StringBuilder InnerLog
                    {
                        get
                        {
                            if (s_inner == null) {|#1:s_inner = new StringBuilder()|};
                            return s_inner;
                        }
                    }
                }
            }
            """)
            .ExpectDiagnostic(At(0, "s_outer"))
            .ExpectDiagnostic(At(1, "s_inner"))
            .ValidateAsync();
    }

    [Fact]
    public async Task InsideALambda_CheckedInTheLambda()
    {
        await Test("""
            using System;
            using System.Text;

            public static class Deferred
            {
                private static StringBuilder? s_log;

                public static Action Init() => () =>
                {
                    if (s_log == null) {|#0:s_log = new StringBuilder()|};
                    s_log.AppendLine("started");
                };
            }
            """)
            .ExpectDiagnostic(At(0, "s_log"))
            .ValidateAsync();
    }

    private const string PathFilters = """
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using Microsoft.AspNetCore.Http;
        using Microsoft.Extensions.Options;

        public sealed class PathListOptions
        {
            public List<string> Paths { get; } = new();
        }

        public sealed class PathSet
        {
            private readonly List<string> _paths = new();

            public void Add(string path) => _paths.Add(path);

            public bool Contains(PathString path) => _paths.Exists(p => path.StartsWithSegments(p));
        }

        public sealed class PathFilterMiddleware
        {
            private readonly RequestDelegate _next;
            private PathSet? _paths;

            public PathFilterMiddleware(RequestDelegate next, IOptionsMonitor<PathListOptions> options)
            {
                _next = next;
                CONSTRUCTOR
            }

            private void Load(PathListOptions options) => AddAll(options.Paths);

            private void AddAll(List<string> paths)
            {
                foreach (var path in paths)
                {
                    if (_paths == null)
                    {
                        ASSIGNMENT;
                    }

                    _paths.Add(path);
                }
            }

            public Task InvokeAsync(HttpContext context)
            {
                INVOKE
                return _paths != null && _paths.Contains(context.Request.Path)
                    ? context.Response.WriteAsync("filtered")
                    : _next(context);
            }
        }
        """;

    [Fact]
    public async Task InstanceField_SetUpByAConstructorHelper_ThatRequestsAlsoCall()
    {
        // The helper is also called while requests are served: two requests can both see the field unset.
        await Test(PathFilters.Replace("CONSTRUCTOR", "Load(options.CurrentValue);").Replace("ASSIGNMENT", "{|#0:_paths = new PathSet()|}").Replace("INVOKE", "if (_paths == null) Load(new PathListOptions());"), References.AspNetCore)
            .ExpectDiagnostic(At(0, "_paths"))
            .ValidateAsync();
    }

    [Fact]
    public async Task StaticField_SetUpByAHelperThatOnlyTheConstructorCalls()
    {
        // Every instance's constructor runs the helper, and the static field is shared by all of them: two scoped
        // instances built at once, by two requests, can both see it unset.
        await Test("""
            using System.Collections.Generic;
            using Microsoft.Extensions.DependencyInjection;

            public sealed class Catalog
            {
                private static Dictionary<string, string>? s_names;

                public Catalog(IEnumerable<string> names) => Load(names);

                private void Load(IEnumerable<string> names)
                {
                    if (s_names == null)
                    {
                        {|#0:s_names = new Dictionary<string, string>()|};
                    }

                    foreach (var name in names)
                    {
                        s_names[name] = name.ToUpperInvariant();
                    }
                }

                public string? Find(string name) => s_names != null && s_names.TryGetValue(name, out var found) ? found : null;
            }

            public static class Registration
            {
                public static void Add(IServiceCollection services) => services.AddScoped<Catalog>();
            }
            """, References.DependencyInjection)
            .ExpectDiagnostic(At(0, "s_names"))
            .ValidateAsync();
    }

    [Fact]
    public async Task InstanceField_SetUpByAConstructorHelper_AlsoCalledFromAChangeCallback()
    {
        // The constructor only subscribes: the callback runs later, on whatever thread reloads the options.
        await Test(PathFilters.Replace("CONSTRUCTOR", "Load(options.CurrentValue);\n        options.OnChange(changed => Load(changed));").Replace("ASSIGNMENT", "{|#0:_paths = new PathSet()|}").Replace("INVOKE", ""), References.AspNetCore)
            .ExpectDiagnostic(At(0, "_paths"))
            .ValidateAsync();
    }

    private const string CatalogRoots = """
        using System.Collections.Generic;

        public sealed class Catalog
        {
            public Dictionary<string, Catalog> Children { get; } = new();
        }

        public static class Catalogs
        {
            private static readonly object s_gate = new();
            private static Catalog? s_root;

            public static Catalog Root(int depth)
            {
                lock (s_gate)
                {
                    return Ensure(depth);
                }
            }

            OUTSIDE
            private static Catalog Ensure(int depth)
            {
                if (s_root == null)
                {
                    MARK;
                }

                s_root.Children["level" + depth] = new Catalog();
                return depth > 0 ? Ensure(depth - 1) : s_root;
            }
        }
        """;

    [Fact]
    public async Task RecursiveHelperAlsoCalledWithoutTheLock()
    {
        await Test(CatalogRoots.Replace("MARK", "{|#0:s_root = new Catalog()|}").Replace("OUTSIDE", "public static Catalog Peek() => Ensure(0);\n"))
            .ExpectDiagnostic(At(0, "s_root"))
            .ValidateAsync();
    }

    private const string TelemetryStarters = """
        using System.Diagnostics;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.Hosting;

        public sealed class TelemetryStarter : IHostedService
        {
            private static DiagnosticListener? s_listener;

            public TelemetryStarter() => EnsureListener();

            private static void EnsureListener()
            {
                if (s_listener != null)
                {
                    return;
                }

                MARK;
            }

            public Task StartAsync(CancellationToken token) => Task.CompletedTask;

            public Task StopAsync(CancellationToken token) => Task.CompletedTask;
        }

        public static class TelemetrySetup
        {
            public static IServiceCollection AddTelemetry(this IServiceCollection services)
                => services.AddSingleton<TelemetryStarter>()
                    .AddSingleton<IHostedService>(provider => provider.GetRequiredService<TelemetryStarter>());
        EXTRA
        }
        """;

    [Fact]
    public async Task StaticFieldSetUpByTheConstructorOfASingletonAlsoCreatedWithNew()
    {
        // A second instance is made by hand: two constructors can race on the static field.
        await Test(TelemetryStarters.Replace("MARK", "{|#0:s_listener = new DiagnosticListener(\"App.Startup\")|}").Replace("EXTRA", "\n    public static IHostedService CreateForTests() => new TelemetryStarter();"), References.DependencyInjection)
            .ExpectDiagnostic(At(0, "s_listener"))
            .ValidateAsync();
    }

    private const string LazyAccessor = """
        using System;
        using System.Collections.Generic;
        using System.Reflection;

        internal sealed class Accessor
        {
            private readonly Dictionary<string, PropertyInfo> _members = new();
            private int _uses;

            private Accessor() { }

            public static Accessor Create(Type type, params string[] names)
            {
                var accessor = new Accessor();
                foreach (var name in names)
                {
                    accessor._members[name] = type.GetProperty(name)!;
                }

                return accessor;
            }

            public object? GetValue(object target, string name) => _members[name].GetValue(target);

            public void SetValue(object target, string name, object? value) => _members[name].SetValue(target, value);

            public void Add(string name, PropertyInfo property) => _members.Add(name, property);

            public void Remove(string name) => _members.Remove(name);

            public void Clear() => _uses = 0;

            public void Insert(string name) => Add(name, typeof(string).GetProperty("Length")!);

            public void SetRange(string name, PropertyInfo property) => _members[name] = property;
        }

        public sealed class Point { public int X { get; set; } }

        public class PointConverter
        {
            private static Accessor? s_accessor;

            public object Read(Type objectType, int x)
            {
                if (s_accessor == null)
                {
                    {|#0:s_accessor = Accessor.Create(objectType, "X")|};
                }

                object point = Activator.CreateInstance(objectType)!;
                USE;
                return point;
            }
        }
        """;

    [Fact]
    public async Task MethodNamedLikeAChange_ThatLeavesItsObjectAsItIs()
    {
        // `SetValue` writes the target it is given, through a member the accessor holds: the accessor does not change,
        // and a second one built by a racing thread is as good (Newtonsoft.Json's EntityKeyMemberConverter).
        await Test(LazyAccessor.Replace("{|#0:s_accessor = Accessor.Create(objectType, \"X\")|}", "s_accessor = Accessor.Create(objectType, \"X\")").Replace("USE", "s_accessor.SetValue(point, \"X\", x)"))
            .ValidateAsync();
    }

    [Theory]
    // The object's own state changes: the entry added to the first instance is lost when a racing thread replaces it.
    [InlineData("s_accessor.Add(\"Y\", typeof(Point).GetProperty(\"X\")!)")]
    [InlineData("s_accessor.Remove(\"X\")")]
    [InlineData("s_accessor.Clear()")]
    [InlineData("s_accessor.Insert(\"Y\")")]
    [InlineData("s_accessor.SetRange(\"Y\", typeof(Point).GetProperty(\"X\")!)")]
    public async Task MethodThatChangesItsObject_IsReported(string use)
    {
        await Test(LazyAccessor.Replace("USE", use))
            .ExpectDiagnostic(At(0, "s_accessor"))
            .ValidateAsync();
    }

    [Theory]
    [InlineData("static ComponentSource() { if (Directory.Exists(\"c\")) { LoadAll(\"c\"); } }")]
    [InlineData("static ComponentSource() { Action load = () => LoadAll(\"c\"); }")]
    [InlineData("static ComponentSource() { var ready = Directory.Exists(\"c\") && Components.Count > 0; }")]
    [InlineData("private static readonly string s_folder = AppContext.BaseDirectory;")]
    public async Task LazyAccessorNotReadUnconditionallyByTypeInitialization_IsReported(string initialization)
    {
        // The counterpart of LazyAccessorFirstReadByTheTypesOwnInitialization: a read in a branch, a lambda or the
        // right side of && may not run while the type initializes, and an initializer that does not read it does nothing.
        await Test(ReadByTypeInitialization.Replace("INIT", initialization))
            .ExpectDiagnostic(At(0, "_components"))
            .ValidateAsync();
    }

    private const string ReadByTypeInitialization = """
        using System;
        using System.Collections.Generic;
        using System.IO;

        public static class ComponentSource
        {
            INIT

            private static Dictionary<string, string> _components;

            public static Dictionary<string, string> Components
            {
                get
                {
                    if (_components == null)
                    {
                        {|#0:_components = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)|};
                    }

                    return _components;
                }
            }

            public static void LoadAll(string folder)
            {
                var map = Components;
                foreach (var file in Directory.GetFiles(folder, "*.html"))
                {
                    map[Path.GetFileNameWithoutExtension(file)] = File.ReadAllText(file);
                }
            }

            public static bool Has(string name) => Components.ContainsKey(name);
        }
        """;

    // ---------------------------------------------------------------- left alone

    [Theory]
    [InlineData("static ComponentSource() { LoadAll(AppContext.BaseDirectory); }")]
    [InlineData("static ComponentSource() { var count = Components.Count; }")]
    [InlineData("static ComponentSource() => LoadAll(AppContext.BaseDirectory);")]
    [InlineData("private static readonly int s_initialCount = Components.Count;")]
    [InlineData("private static readonly bool s_loaded = Load();  private static bool Load() { LoadAll(AppContext.BaseDirectory); return true; }")]
    public async Task LazyAccessorFirstReadByTheTypesOwnInitialization(string initialization)
    {
        // The static constructor (or a static initializer) reads the accessor, directly or through a static method of
        // the type: it runs once, under the type's initialization lock, before any other thread reads the field.
        await Test(ReadByTypeInitialization.Replace("INIT", initialization)).ValidateAsync();
    }


    [Fact]
    public async Task StaticFieldSetUpByTheConstructorOfASingletonTheContainerBuildsOnce()
    {
        // Registered once as a singleton, never created with new: its constructor runs once for the process.
        await Test(TelemetryStarters.Replace("MARK", "s_listener = new DiagnosticListener(\"App.Startup\")").Replace("EXTRA", ""), References.DependencyInjection)
            .ValidateAsync();
    }

    [Fact]
    public async Task SingletonRecordsItselfInItsConstructor()
    {
        // `s_current ??= this`: nothing is built, the object stores itself.
        await Test("""
            using Microsoft.Extensions.DependencyInjection;

            public interface ISearchBackend
            {
                string Query(string text);
            }

            public sealed class SearchService
            {
                private static SearchService? s_current;
                private readonly ISearchBackend _backend;

                public SearchService(ISearchBackend backend)
                {
                    _backend = backend;
                    s_current ??= this;
                }

                public static SearchService? Current => s_current;

                public string Find(string text) => _backend.Query(text);
            }

            public static class Registration
            {
                public static IServiceCollection AddSearch(this IServiceCollection services) => services.AddSingleton<SearchService>();
            }
            """, References.DependencyInjection)
            .ValidateAsync();
    }

    [Fact]
    public async Task RecursiveHelperCalledOnlyUnderTheLock()
    {
        // The helper's calls of itself run under the lock its caller holds.
        await Test(CatalogRoots.Replace("MARK", "s_root = new Catalog()").Replace("OUTSIDE", ""))
            .ValidateAsync();
    }

    [Fact]
    public async Task InstancePropertyBackingField_ThroughTheFieldKeyword_OfAnOrdinaryClass()
    {
        // Each object builds its own on first use: not shared.
        await Test("""
            using System.Text;

            public sealed class ReportBuilder
            {
                public StringBuilder Text => field ??= new StringBuilder();

                public string Name => field ??= "report";
            }
            """)
            .WithLanguageVersion(Microsoft.CodeAnalysis.CSharp.LanguageVersion.Preview)
            .ValidateAsync();
    }

    [Fact]
    public async Task InstanceField_SetUpByPrivateHelpersThatOnlyTheConstructorCalls()
    {
        // The middleware's constructor builds its lookup through two private helpers: nothing else calls them, so the
        // object is not shared before the field is set.
        await Test(PathFilters.Replace("CONSTRUCTOR", "Load(options.CurrentValue);").Replace("ASSIGNMENT", "_paths = new PathSet()").Replace("INVOKE", ""), References.AspNetCore)
            .ValidateAsync();
    }

    [Fact]
    public async Task PrivateHelperCalledOnlyFromTheStaticConstructor()
    {
        // The runtime runs the static constructor once, under the type's initialization lock.
        await Test("""
            using System.Collections.Generic;
            using System.Linq;

            public static class RomanNumerals
            {
                private static HashSet<int> _mapping = null!;
                private static Dictionary<int, string> _simple = null!;

                static RomanNumerals() => Populate();

                private static void Populate()
                {
                    if (_simple != null || _mapping != null)
                    {
                        return;
                    }

                    _mapping = new HashSet<int>();
                    _simple = new Dictionary<int, string>();
                    foreach (var i in Enumerable.Range(1, 20))
                    {
                        _mapping.Add(i);
                        _simple.Add(i, i.ToString());
                    }
                }

                public static string? Get(int i) => _simple.TryGetValue(i, out var s) ? s : null;
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task CompletedTaskBuiltTwice()
    {
        // A Task is IDisposable only for a wait handle a completed task never makes: a second copy costs nothing.
        await Test("""
            using System.Threading.Tasks;

            public static class Results
            {
                private static Task<bool>? s_true;

                public static Task<bool> True => s_true ??= Task.FromResult(true);
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task CheckedAndAssigned_InsideALock()
    {
        await Test("""
            public sealed class Registry
            {
                private static readonly object s_gate = new();
                private static Registry? s_instance;

                public static Registry Instance
                {
                    get
                    {
                        lock (s_gate)
                        {
                            if (s_instance == null) s_instance = new Registry();
                            return s_instance;
                        }
                    }
                }

                public static Registry Other()
                {
                    lock (s_gate)
                    {
                        return s_instance ??= new Registry();
                    }
                }
            }
            """)
            .ValidateAsync();
    }

    /// <summary>
    /// A factory whose internal <c>RegisterMappers</c> step builds the registrations lazily (<paramref name="assignment"/>,
    /// with markup) and is called under the factory's lock; <paramref name="extra"/> adds types.
    /// </summary>
    private static string MapperFactory(string assignment, string extra) => $$"""
        using System.Collections.Generic;

        public static class MapperFactory
        {
            private static readonly object s_lock = new();
            private static Dictionary<string, string>? s_registrations;

            public static string? Find(string key)
            {
                lock (s_lock)
                {
                    RegisterMappers(new[] { "order", "invoice" });
                    return s_registrations!.TryGetValue(key, out var mapper) ? mapper : null;
                }
            }

            // Internal so that tests can register their own mappers.
            internal static void RegisterMappers(IEnumerable<string> keys)
            {
                {{assignment}};
                foreach (var key in keys)
                {
                    s_registrations[key] = key + "Mapper";
                }
            }
        }
        {{extra}}
        """;

    [Fact]
    public async Task InternalHelper_EveryCallInTheAssemblyUnderALock()
    {
        await Test(MapperFactory("s_registrations ??= new Dictionary<string, string>()", string.Empty))
            .ValidateAsync();
    }

    [Fact]
    public async Task InternalHelper_CalledOutsideALockElsewhereInTheAssembly_IsReported()
    {
        const string plugins = """
            public static class Plugins
            {
                public static void Load() => MapperFactory.RegisterMappers(new[] { "plugin" });
            }
            """;
        await Test(MapperFactory("{|#0:s_registrations ??= new Dictionary<string, string>()|}", plugins))
            .ExpectDiagnostic(At(0, "s_registrations"))
            .ValidateAsync();
    }

    [Fact]
    public async Task CheckedAndAssigned_UnderAProjectsOwnDisposableLockHelpers()
    {
        await Test("""
            using System;
            using System.Threading;

            public sealed class DataSettings
            {
                private static readonly ReaderWriterLockSlim s_rw = new();
                private static DataSettings? s_instance;

                private DataSettings() { }

                public static DataSettings Instance
                {
                    get
                    {
                        using (s_rw.GetUpgradeableReadLock())
                        {
                            if (s_instance == null)
                            {
                                using (s_rw.GetWriteLock())
                                {
                                    s_instance = new DataSettings();
                                }
                            }

                            return s_instance;
                        }
                    }
                }
            }

            """ + SharedShapes.LockExtensions)
            .ValidateAsync();
    }

    [Fact]
    public async Task DoubleCheckedLocking_OverANonVolatileField_ByDefault()
    {
        // Correct on the .NET runtime's memory model: storing the reference publishes the object built before it
        // (the runtime's Memory-model.md lists this pattern as working on every supported platform). Reported only
        // when a project turns the report on.
        await Test("""
            using System.Threading;

            public sealed class DataSettings
            {
                private static DataSettings? _instance;
                private static readonly Lock _lock = new();
                private readonly string _path;

                private DataSettings(string path) { _path = path; }

                public static DataSettings Instance => _instance ?? throw new System.InvalidOperationException();

                public static void Initialize(string path)
                {
                    if (_instance == null)
                    {
                        lock (_lock) { _instance ??= new DataSettings(path); }
                    }
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task DoubleCheckedLocking_OverAVolatileField()
    {
        await Test("""
            public sealed class Registry
            {
                private static readonly object s_gate = new();
                private static volatile Registry? s_instance;

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
                                    s_instance = new Registry();
                                }
                            }
                        }

                        return s_instance;
                    }
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Lazy_LazyInitializer_AndInterlocked()
    {
        await Test("""
            using System;
            using System.Threading;

            public sealed class Registry
            {
                private static readonly Lazy<Registry> s_lazy = new(() => new Registry());
                private static Registry? s_ensured;
                private static Registry? s_exchanged;

                public static Registry Lazy => s_lazy.Value;

                public static Registry Ensured => LazyInitializer.EnsureInitialized(ref s_ensured, () => new Registry());

                public static Registry Exchanged
                {
                    get
                    {
                        if (s_exchanged == null)
                        {
                            Interlocked.CompareExchange(ref s_exchanged, new Registry(), null);
                        }

                        return s_exchanged;
                    }
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task InstanceField_OfAnOrdinaryClass()
    {
        await Test("""
            using System.Collections.Generic;
            using System.Text;

            public sealed class ReportBuilder
            {
                private StringBuilder? _text;
                private List<string>? _lines;

                public StringBuilder Text => _text ??= new StringBuilder();

                public List<string> Lines
                {
                    get
                    {
                        if (_lines == null) _lines = new List<string>();
                        return _lines;
                    }
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task StaticConstructor_AndInitializers()
    {
        await Test("""
            using System.Text;

            public sealed class Registry
            {
                private static StringBuilder? s_log;
                private static StringBuilder? s_other = s_log ??= new StringBuilder();

                static Registry()
                {
                    if (s_log == null) s_log = new StringBuilder();
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task ThreadStaticField()
    {
        await Test("""
            using System;
            using System.Text;

            public static class Buffers
            {
                [ThreadStatic]
                private static StringBuilder? t_builder;

                public static StringBuilder Builder => t_builder ??= new StringBuilder();
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task BoolFlagGuard()
    {
        await Test("""
            public static class Startup
            {
                private static bool s_initialized;

                public static void EnsureInitialized()
                {
                    if (!s_initialized)
                    {
                        Init();
                        s_initialized = true;
                    }
                }

                private static void Init() { }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task CheckAndAssignmentOnDifferentFields()
    {
        await Test("""
            using System.Text;

            public static class Pair
            {
                private static StringBuilder? s_first;
                private static StringBuilder? s_second;

                public static void Copy()
                {
                    if (s_first == null) s_second = new StringBuilder();
                    if (s_first != null) s_second = new StringBuilder();
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task ResetToNullInDispose_AndPlainAssignments()
    {
        await Test("""
            using System;
            using System.Net.Http;

            public static class Http
            {
                private static HttpClient? s_client;

                public static void Configure(HttpClient client) => s_client = new HttpClient();

                public static void Reset()
                {
                    if (s_client != null)
                    {
                        s_client.Dispose();
                        s_client = null;
                    }
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task CheapIdempotentValues()
    {
        await Test("""
            using System;
            using System.Reflection;

            public static class Names
            {
                private static string? s_name;
                private static int? s_size;
                private static MethodInfo? s_method;
                private static Type[]? s_none;
                private static object? s_boxed;
                private static Func<string, string>? s_normalize;

                public static string Name => s_name ??= typeof(Names).FullName ?? "Names";

                public static int Size => s_size ??= Environment.ProcessorCount * 2;

                public static MethodInfo Method => s_method ??= typeof(Names).GetMethod(nameof(Register))!;

                public static Type[] None => s_none ??= Array.Empty<Type>();

                public static Func<string, string> Normalize => s_normalize ??= text => text.Trim().ToUpperInvariant();

                public static void Register(object value)
                {
                    if (s_boxed == null) s_boxed = value;
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task ValuesWhoseSecondCopyIsHarmless()
    {
        // Built twice, the last one stored wins and nothing is lost: options and patterns no one changes, a table only
        // read, a read-only wrapper, a table handed out as IReadOnlyDictionary, a struct, an object that already exists
        // (a shared constant instance).
        await Test("""
            using System;
            using System.Collections.Generic;
            using System.Collections.ObjectModel;
            using System.Text.Json;
            using System.Text.RegularExpressions;

            public readonly record struct Limits(int Max, TimeSpan Window);

            public sealed class Level
            {
                public static readonly Level Info = new();
            }

            public static class Settings
            {
                private static JsonSerializerOptions? s_options;
                private static Regex? s_pattern;
                private static Dictionary<string, int>? s_lookup;
                private static ReadOnlyCollection<string>? s_names;
                private static Limits? s_limits;
                private static Uri? s_endpoint;
                private static Level? s_level;
                private static Dictionary<string, string>? s_map;

                public static JsonSerializerOptions Options => s_options ??= new JsonSerializerOptions(JsonSerializerDefaults.Web);

                public static bool IsOrder(string text) => (s_pattern ??= new Regex("^ORD-[0-9]+$")).IsMatch(text);

                public static int Code(string name) => (s_lookup ??= BuildLookup())[name];

                public static ReadOnlyCollection<string> Names => s_names ??= new ReadOnlyCollection<string>(new[] { "a", "b" });

                public static Limits GetLimits()
                {
                    if (!s_limits.HasValue) s_limits = new Limits(10, TimeSpan.FromSeconds(1));
                    return s_limits.Value;
                }

                public static Uri Endpoint => s_endpoint ??= new Uri("https://example.com");

                public static void EnableLogging()
                {
                    if (s_level is null) s_level = Level.Info;
                }

                public static IReadOnlyDictionary<string, string> Map => s_map ??= new Dictionary<string, string> { ["a"] = "A" };

                private static Dictionary<string, int> BuildLookup() => new() { ["a"] = 1, ["b"] = 2 };
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task CollectionsBuiltCompletelyBeforeTheyAreHandedOut()
    {
        // The getter fills a local (or takes a LINQ result, or a file's bytes) and stores it finished: a caller keeps a
        // complete list whichever copy it got, and callers only read it. The empty list and the new buffer handed out
        // below are still reported.
        await Test("""
            using System;
            using System.Collections.Generic;
            using System.Linq;
            using System.Reflection;

            public static class ModelTypes
            {
                private static List<Type>? s_models;
                private static List<Type>? s_viewModels;
                private static List<string>? s_names;
                private static List<string>? s_tags;
                private static Dictionary<string, string>? s_settings;
                private static byte[]? s_icon;
                private static byte[]? s_buffer;

                public static byte[] Icon => s_icon ?? (s_icon = System.IO.File.ReadAllBytes("favicon.ico"));

                public static byte[] Buffer => {|#1:s_buffer ??= new byte[4096]|};

                public static List<Type> GetModels()
                {
                    if (s_models == null)
                    {
                        var types = new List<Type>();
                        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
                        {
                            types.AddRange(assembly.GetExportedTypes().Where(t => t.Name.EndsWith("Model")));
                        }

                        s_models = types;
                    }

                    return s_models;
                }

                public static List<Type> GetViewModels()
                    => s_viewModels ??= typeof(ModelTypes).Assembly.GetTypes().Where(t => t.Name.EndsWith("VM")).ToList();

                public static List<string> Names => s_names ??= new List<string>(new[] { "a", "b" });

                public static Dictionary<string, string> GetSettings()
                {
                    if (s_settings == null)
                    {
                        var map = new Dictionary<string, string>();
                        foreach (var line in System.IO.File.ReadAllLines("app.settings"))
                        {
                            var pair = line.Split('=', 2);
                            map[pair[0]] = pair[1];
                        }

                        s_settings = map;
                    }

                    return s_settings;
                }

                public static List<string> Tags()
                {
                    if (s_tags == null)
                    {
                        var empty = new List<string>();
                        {|#0:s_tags = empty|};
                    }

                    return s_tags;
                }
            }
            """)
            .ExpectDiagnostic(DiagnosticResult.Create("SSA009").WithLocation(0))
            .ExpectDiagnostic(DiagnosticResult.Create("SSA009").WithLocation(1))
            .ValidateAsync();
    }

    [Fact]
    public async Task MeterFromTheMeterFactory_IsTheFactorysCachedInstance()
    {
        // IMeterFactory.Create returns the same Meter for the same name and version: racing threads get one object. A new
        // ActivitySource built twice is two sources, one never disposed.
        await Test("""
            using System.Diagnostics;
            using System.Diagnostics.Metrics;
            using Microsoft.Extensions.DependencyInjection;

            public sealed class Diagnostics
            {
                private readonly IMeterFactory _meters;
                private Meter? _meter;
                private ActivitySource? _source;

                public Diagnostics(IMeterFactory meters) => _meters = meters;

                public Counter<long> Requests() => (_meter ??= _meters.Create("Booking")).CreateCounter<long>("requests");

                public Activity? Start(string name) => ({|#0:_source ??= new ActivitySource("Booking")|}).StartActivity(name);
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services) => services.AddSingleton<Diagnostics>();
            }
            """, References.DependencyInjection)
            .ExpectDiagnostic(DiagnosticResult.Create("SSA009").WithLocation(0))
            .ValidateAsync();
    }

    [Fact]
    public async Task ProjectRecordsAndStructs_AreValues()
    {
        // A record or a struct of the project is a value: two equal copies, the last one stored wins.
        await Test("""
            public sealed record RetryPolicy(int Attempts);

            public struct Window
            {
                public int Seconds;
            }

            public static class Defaults
            {
                private static RetryPolicy? s_retry;
                private static Window? s_window;

                public static RetryPolicy Retry => s_retry ??= new RetryPolicy(3);

                public static Window Window => s_window ??= new Window { Seconds = 10 };
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task EventSource_CountersCreatedInOnEventCommand()
    {
        // The runtime calls OnEventCommand under its listeners' lock: counters created there on Enable are synchronized.
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
    public async Task LocalVariables()
    {
        await Test("""
            using System.Text;

            public static class Locals
            {
                public static string Build()
                {
                    StringBuilder? builder = null;
                    if (builder == null) builder = new StringBuilder();
                    builder ??= new StringBuilder();
                    return builder.ToString();
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task SynchronizedMethod()
    {
        await Test("""
            using System.Runtime.CompilerServices;
            using System.Text;

            public static class Log
            {
                private static StringBuilder? s_buffer;

                [MethodImpl(MethodImplOptions.Synchronized)]
                public static StringBuilder Buffer()
                {
                    if (s_buffer == null) s_buffer = new StringBuilder();
                    return s_buffer;
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task ReadonlyFields_AndConstructorAssignments()
    {
        await Test("""
            using System.Text;

            public sealed class Holder
            {
                public static readonly Holder Instance = new();
                private readonly StringBuilder _text;
                private StringBuilder? _other;

                private Holder()
                {
                    _other ??= new StringBuilder();
                    _text = new StringBuilder();
                }

                public StringBuilder Text => _text;
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task OrAgainstAnotherCondition_IsARefreshNotAnInitialization()
    {
        await Test("""
            using System;

            public sealed class Token
            {
                private static Token? s_current;
                public DateTime Expires { get; } = DateTime.UtcNow.AddMinutes(5);

                public static Token Current
                {
                    get
                    {
                        if (s_current == null || s_current.Expires < DateTime.UtcNow) s_current = new Token();
                        return s_current;
                    }
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task HostedService_StartAsync_IsCalledOnce_ButOtherMembersAreReported()
    {
        await Test("""
            using System;
            using System.Threading;
            using System.Threading.Tasks;
            using Microsoft.Extensions.Hosting;

            public sealed class Poller : IHostedService
            {
                private Timer? _timer;
                private CancellationTokenSource? _polls;

                public Task StartAsync(CancellationToken cancellationToken)
                {
                    _timer ??= new Timer(_ => Poll(), null, TimeSpan.Zero, TimeSpan.FromMinutes(1));
                    return Task.CompletedTask;
                }

                public Task StopAsync(CancellationToken cancellationToken)
                {
                    _timer?.Dispose();
                    return Task.CompletedTask;
                }

                public CancellationToken Polls => ({|#0:_polls ??= new CancellationTokenSource()|}).Token;

                private void Poll() { }
            }
            """, References.AspNetCore)
            .ExpectDiagnostic(At(0, "_polls"))
            .ValidateAsync();
    }

    [Fact]
    public async Task PrivateHelper_CalledOnlyUnderTheCallersLock()
    {
        await Test("""
            using System.Collections.Generic;

            public static class Registry
            {
                private static readonly object s_gate = new();
                private static List<string>? s_names;

                public static void Add(string name)
                {
                    lock (s_gate)
                    {
                        EnsureCreated();
                        s_names!.Add(name);
                    }
                }

                public static int Count()
                {
                    lock (s_gate)
                    {
                        EnsureCreated();
                        return s_names!.Count;
                    }
                }

                private static void EnsureCreated()
                {
                    if (s_names == null) s_names = new List<string>();
                }
            }
            """)
            .ValidateAsync();
    }

    /// <summary>
    /// An id generator whose providers are private static properties built on first read; the generator reads them
    /// while it builds itself under a spin lock. <c>READ</c> is where a test adds another read.
    /// </summary>
    private const string IdGeneratorWithLazyProviders = """
        using System.Threading;

        public interface IClock { long Ticks { get; } }
        public sealed class SystemClock : IClock { public long Offset { get; set; } public long Ticks => System.DateTime.UtcNow.Ticks + Offset; }
        public interface IWorkerId { int Value { get; } }
        public sealed class MachineWorkerId : IWorkerId { public int Value => System.Environment.ProcessId; }

        public sealed class IdGenerator
        {
            public IdGenerator(IClock clock, IWorkerId worker) { }
            public long Next() => 0;
        }

        public static class Ids
        {
            private static IClock? s_clock;
            private static IWorkerId? s_worker;
            private static IdGenerator? s_generator;
            private static SpinLock s_spin = new(false);
            private static readonly object s_gate = new();

            private static IClock Clock => {|#0:s_clock ??= new SystemClock()|};

            private static IWorkerId Worker
            {
                get
                {
                    lock (s_gate)
                    {
                        return s_worker ??= new MachineWorkerId();
                    }
                }
            }

            public static void UseClock(IClock clock) => s_clock = clock;

            public static long Next()
            {
                if (s_generator != null)
                {
                    return s_generator.Next();
                }

                var taken = false;
                try
                {
                    s_spin.Enter(ref taken);
                    s_generator ??= new IdGenerator(Clock, Worker);
                }
                finally
                {
                    if (taken) s_spin.Exit();
                }

                return s_generator.Next();
            }
            READ
        }
        """;

    [Fact]
    public async Task PrivateLazyProperty_EveryReadUnderALock()
    {
        await Test(IdGeneratorWithLazyProviders.Replace("{|#0:", "").Replace("|};", ";").Replace("READ", string.Empty))
            .ValidateAsync();
    }

    [Theory]
    [InlineData("public static long Now() => Clock.Ticks;")]
    [InlineData("public static System.Func<long> Later() => () => Clock.Ticks;")]
    public async Task PrivateLazyProperty_ReadOnceOutsideALock_IsReported(string read)
    {
        await Test(IdGeneratorWithLazyProviders.Replace("READ", read))
            .ExpectDiagnostic(At(0, "s_clock"))
            .ValidateAsync();
    }

    [Fact]
    public async Task AnotherInstancesField()
    {
        await Test("""
            using System.Text;

            public sealed class Node
            {
                public static readonly Node Root = new();
                private StringBuilder? _text;

                public static void Fill(Node other)
                {
                    if (other._text == null) other._text = new StringBuilder();
                }
            }
            """)
            .ValidateAsync();
    }
    /// <summary>
    /// A service (whose project references ASP.NET Core) that <c>Main</c> starts through a chain of static methods; the
    /// last one creates the config watcher on first call. <c>// (elsewhere)</c> is where a test adds another caller.
    /// </summary>
    private const string StartupChain = """
        using System.IO;
        using System.Threading.Tasks;

        public static class Service
        {
            private static FileSystemWatcher? s_watcher;

            internal static async Task<bool> Init()
            {
                await Task.Yield();
                StartWatching();
                return true;
            }

            private static void StartWatching()
            {
                if (s_watcher == null)
                {
                    {|#0:s_watcher = new FileSystemWatcher("config")|};
                    s_watcher.EnableRaisingEvents = true;
                }
            }

            // (elsewhere)
        }

        public static class Program
        {
            private static readonly TaskCompletionSource<int> s_shutdown = new();

            private static async Task<int> Main(string[] args)
            {
                await Init(args).ConfigureAwait(false);
                return await s_shutdown.Task.ConfigureAwait(false);
            }

            private static async Task Init(string[] args)
            {
                if (!await InitCore(args).ConfigureAwait(false))
                {
                    s_shutdown.SetResult(1);
                }
            }

            private static async Task<bool> InitCore(string[] args) => args.Length >= 0 && await Service.Init().ConfigureAwait(false);
        }
        """;

    [Fact]
    public async Task CheckThenAssign_InAMethodOnlyTheStartUpChainCalls()
    {
        // Main → Init → InitCore → Service.Init → StartWatching: run once, on the main thread, before anything else.
        await Test(StartupChain, References.AspNetCore).ValidateAsync();
    }

    [Fact]
    public async Task CheckThenAssign_InAStartUpMethodThatIsAlsoCalledFromATask_IsReported()
    {
        await Test(StartupChain.Replace(
                "// (elsewhere)",
                "public static Task RestartLater() => Task.Run(() => StartWatching());"),
                References.AspNetCore)
            .ExpectDiagnostic(At(0, "s_watcher"))
            .ValidateAsync();
    }

    /// <summary>
    /// The same service started by an app host instead of <c>Main</c>: the pipeline's <c>UseServiceHost</c> extension
    /// calls the host's virtual <c>Init</c>, whose override in the app's host calls the base, which starts the service.
    /// </summary>
    private static readonly string StartupChainThroughAVirtualInit = StartupChain[..StartupChain.IndexOf("public static class Program", StringComparison.Ordinal)]
        .Replace("using System.IO;", "using System.IO;\nusing Microsoft.AspNetCore.Builder;") + """
        public abstract class ServiceHostBase
        {
            public virtual void Init() => Service.Init().GetAwaiter().GetResult();
        }

        public sealed class ServiceHost : ServiceHostBase
        {
            public override void Init()
            {
                base.Init();
            }

            // (host)
        }

        public static class HostExtensions
        {
            public static IApplicationBuilder UseServiceHost(this IApplicationBuilder app, ServiceHostBase host)
            {
                host.Init();
                return app;
            }
        }
        """;

    [Fact]
    public async Task CheckThenAssign_InAMethodOnlyAVirtualStartUpChainCalls()
    {
        // UseServiceHost → ServiceHostBase.Init (the host's override runs, and calls the base) → Service.Init → StartWatching.
        await Test(StartupChainThroughAVirtualInit, References.AspNetCore).ValidateAsync();
    }

    [Fact]
    public async Task CheckThenAssign_InAMethodOnlyAnExtensionOfTheBuiltHostCalls()
    {
        // `host.UseServiceHost(appHost)` on the built IHost runs in Program between Build() and Run().
        await Test(
                StartupChainThroughAVirtualInit
                    .Replace("IApplicationBuilder UseServiceHost(this IApplicationBuilder app", "IHost UseServiceHost(this IHost app")
                    .Replace("using Microsoft.AspNetCore.Builder;", "using Microsoft.Extensions.Hosting;"),
                References.AspNetCore)
            .ValidateAsync();
    }

    [Fact]
    public async Task CheckThenAssign_InAVirtualStartUpChainThatAMemberRunsAgain_IsReported()
    {
        await Test(StartupChainThroughAVirtualInit.Replace("// (host)", "public void Restart() => Init();"), References.AspNetCore)
            .ExpectDiagnostic(At(0, "s_watcher"))
            .ValidateAsync();
    }

    /// <summary>
    /// A singleton's header-name map that its <c>Add</c> creates on the first call; the only caller is an extension of
    /// the service collection that finds the registered instance and adds to it while the app is composed.
    /// <c>// (elsewhere)</c> is where a test adds another caller.
    /// </summary>
    private const string HeaderNamesAddedWhileComposing = """
        using System.Collections.Generic;
        using System.Linq;
        using Microsoft.AspNetCore.Builder;
        using Microsoft.Extensions.DependencyInjection;

        public interface IHeaderNames
        {
            void Add(string from, string to);
            string Map(string name);
        }

        public sealed class HeaderNames : IHeaderNames
        {
            private Dictionary<string, string>? _names;

            public void Add(string from, string to)
            {
                {|#0:_names ??= new Dictionary<string, string>()|};
                _names[from] = to;
            }

            public string Map(string name) => _names != null && _names.TryGetValue(name, out var mapped) ? mapped : name;
        }

        public static class HeaderNamesSetup
        {
            public static IServiceCollection AddHeaderNames(this IServiceCollection services)
                => services.AddSingleton<IHeaderNames>(new HeaderNames());

            public static IServiceCollection WithHeaderName(this IServiceCollection services, string from, string to)
            {
                var names = (IHeaderNames)services.Single(d => d.ServiceType == typeof(IHeaderNames)).ImplementationInstance!;
                names.Add(from, to);
                return services;
            }

            // (elsewhere)
        }
        """;

    [Fact]
    public async Task CheckThenAssign_InASingletonsInstanceMethodOnlyTheCompositionCalls()
    {
        // WithHeaderName runs on the service collection, once, before the container exists: no second thread sees null.
        await Test(HeaderNamesAddedWhileComposing, References.AspNetCore).ValidateAsync();
    }

    [Fact]
    public async Task CheckThenAssign_InASingletonsInstanceMethodAnEndpointAlsoCalls_IsReported()
    {
        await Test(
                HeaderNamesAddedWhileComposing.Replace(
                    "// (elsewhere)",
                    """public static void MapHeaderNames(WebApplication app) => app.MapPost("/names", (IHeaderNames names, string from, string to) => names.Add(from, to));"""),
                References.AspNetCore)
            .ExpectDiagnostic(At(0, "_names"))
            .ValidateAsync();
    }

    [Fact]
    public async Task CheckThenAssign_InASingletonsInstanceMethodAServiceAlsoCalls_IsReported()
    {
        // A call through the interface from a service's method: the search binds it, and the service runs at any time.
        await Test(
                HeaderNamesAddedWhileComposing.Replace(
                    "// (elsewhere)",
                    "}\n\npublic sealed class Renamer(IHeaderNames names)\n{\n    public void Learn(string from, string to) => names.Add(from, to);"),
                References.AspNetCore)
            .ExpectDiagnostic(At(0, "_names"))
            .ValidateAsync();
    }

    /// <summary>
    /// A hand-rolled settings singleton whose <c>Main</c> reads it first and fills it from the command line, then runs
    /// the web app; <c>// (before run)</c> and <c>// (after run)</c> are where a test moves that read.
    /// </summary>
    private const string SettingsReadByMain = """
        using Microsoft.AspNetCore.Builder;

        public sealed class StartupSettings
        {
            private static StartupSettings? instance;

            private StartupSettings() { }

            public static StartupSettings Instance => instance ?? ({|#0:instance = new StartupSettings()|});

            public string StoragePath { get; set; } = string.Empty;
        }

        public static class Program
        {
            public static void Main(string[] args)
            {
                var storagePath = args.Length > 0 ? args[0] : string.Empty;
                // (before run)
                var app = WebApplication.CreateBuilder(args).Build();
                app.MapGet("/storage", () => StartupSettings.Instance.StoragePath);
                app.Run();
                // (after run)
            }
        }
        """;

    [Fact]
    public async Task LazySingleton_FirstReadByMainBeforeTheAppRuns()
    {
        // Main builds the instance on the main thread before any request can ask for it.
        await Test(
                SettingsReadByMain.Replace("// (before run)", "StartupSettings.Instance.StoragePath = storagePath;"),
                References.AspNetCore)
            .ValidateAsync();
    }

    /// <summary>
    /// A hand-rolled scheduler singleton that a Startup class's <c>Configure</c> warms up through an extension method;
    /// EXTRA is more code that may call that method.
    /// </summary>
    private const string SchedulerWarmedByStartup = """
        using System;
        using Microsoft.AspNetCore.Builder;
        using Microsoft.AspNetCore.Mvc;

        public sealed class JobHub
        {
            private static JobHub? s_instance;
            private readonly System.Collections.Generic.Dictionary<string, DateTime> _jobs = new();

            private JobHub() { }

            public static JobHub Instance => s_instance ?? ({|#0:s_instance = new JobHub()|});

            public void Schedule(string name) { lock (_jobs) _jobs[name] = DateTime.UtcNow; }
        }

        public static class JobHubSetup
        {
            public static void UseJobs(this IServiceProvider services) => JobHub.Instance.Schedule("nightly");
        }

        public sealed class Startup
        {
            public void Configure(IApplicationBuilder app)
            {
                app.ApplicationServices.UseJobs();
                app.UseRouting();
            }
        }

        [ApiController]
        public sealed class JobsController : ControllerBase
        {
            [HttpPost("jobs/{name}")]
            public IActionResult Run(string name) { JobHub.Instance.Schedule(name); return Ok(); }

            EXTRA
        }
        """;

    [Fact]
    public async Task LazySingleton_FirstReadWhileTheAppIsComposed()
    {
        // Startup.Configure runs once, before the server takes requests: the instance is built by then.
        await Test(SchedulerWarmedByStartup.Replace("EXTRA", "").Replace("{|#0:", "").Replace("|});", ");"), References.AspNetCore)
            .ValidateAsync();
    }

    /// <summary>The scheduler with a method accessor, <c>JobHub.GetInstance()</c>, in place of the property.</summary>
    private static string SchedulerWithAMethodAccessor(string extra)
        => SchedulerWarmedByStartup.Replace("EXTRA", extra)
            .Replace("public static JobHub Instance => s_instance ?? ({|#0:s_instance = new JobHub()|});",
                "public static JobHub GetInstance()\n    {\n        if (s_instance == null)\n        {\n            {|#0:s_instance = new JobHub()|};\n        }\n\n        return s_instance;\n    }")
            .Replace("JobHub.Instance", "JobHub.GetInstance()");

    [Fact]
    public async Task LazySingleton_MethodAccessorFirstCalledWhileTheAppIsComposed()
    {
        // The same as the property: Startup.Configure calls it before the server takes requests.
        await Test(SchedulerWithAMethodAccessor("").Replace("{|#0:", "").Replace("|};", ";"), References.AspNetCore)
            .ValidateAsync();
    }

    /// <summary>
    /// A certificate loaded on first use through an accessor that takes the configuration; COMPOSE is what the app's
    /// set-up extension does with it (Bit.Boilerplate's <c>AppCertificateService</c>).
    /// </summary>
    private const string CertificateLoadedOnFirstUse = """
        using System.Security.Cryptography.X509Certificates;
        using Microsoft.AspNetCore.Builder;
        using Microsoft.Extensions.Configuration;
        using Microsoft.Extensions.DependencyInjection;

        public static class CertificateStore
        {
            private static X509Certificate2? s_certificate;

            public static X509Certificate2 Get(IConfiguration configuration)
            {
                if (s_certificate is not null)
                {
                    return s_certificate;
                }

                {|#0:s_certificate = X509Certificate2.CreateFromPemFile(configuration["Certificate:Pem"] ?? "app.crt", "app.key")|};
                return s_certificate;
            }
        }

        public static class ServerSetup
        {
            public static void AddApiServices(this WebApplicationBuilder builder)
            {
                COMPOSE
            }

            public static void MapApi(this WebApplication app)
                => app.MapGet("/thumbprint", (IConfiguration configuration) => CertificateStore.Get(configuration).Thumbprint);
        }
        """;

    [Fact]
    public async Task LazySingleton_AccessorWithArgumentsFirstCalledWhileTheAppIsComposed()
    {
        // The set-up extension loads the certificate before the app is built; requests only find it set.
        await Test(CertificateLoadedOnFirstUse
                .Replace("COMPOSE", "var certificate = CertificateStore.Get(builder.Configuration);\n        builder.Services.AddSingleton(certificate);")
                .Replace("{|#0:", "").Replace("|};", ";"), References.AspNetCore)
            .ValidateAsync();
    }

    [Theory]
    [InlineData("")]
    [InlineData("builder.Services.AddSingleton(sp => CertificateStore.Get(sp.GetRequiredService<IConfiguration>()));")]
    public async Task LazySingleton_AccessorWithArgumentsNotCalledWhileComposing_IsReported(string compose)
    {
        // Only requests call it (a factory lambda runs later, on first resolution): two first requests can each load one.
        await Test(CertificateLoadedOnFirstUse.Replace("COMPOSE", compose), References.AspNetCore)
            .ExpectDiagnostic(At(0, "s_certificate"))
            .ValidateAsync();
    }

    [Fact]
    public async Task LazySingleton_MethodAccessorNotCalledWhileComposing_IsReported()
    {
        // Only requests call it: two first requests can each build one.
        await Test(SchedulerWithAMethodAccessor("").Replace("app.ApplicationServices.UseJobs();", ""), References.AspNetCore)
            .ExpectDiagnostic(At(0, "s_instance"))
            .ValidateAsync();
    }

    [Fact]
    public async Task LazySingleton_FirstReadByAHostedServicesStart()
    {
        // A hosted service's StartAsync runs before the server (a hosted service the host starts last) takes requests.
        var source = SchedulerWarmedByStartup.Replace("EXTRA", "").Replace("{|#0:", "").Replace("|});", ");")
            .Replace("app.ApplicationServices.UseJobs();", "")
            .Replace("public sealed class Startup", WarmUpService + "\npublic sealed class Startup");
        await Test(source, References.AspNetCore).ValidateAsync();
    }

    [Fact]
    public async Task LazySingleton_ReadByAHostedServicesStartAfterItStartsATimerIsReported()
    {
        // The timer's callback may already read the accessor, on another thread, while the start reads it.
        var source = SchedulerWarmedByStartup.Replace("EXTRA", "")
            .Replace("app.ApplicationServices.UseJobs();", "")
            .Replace("public sealed class Startup", WarmUpService.Replace("// (before)", "_timer = new System.Threading.Timer(_ => JobHub.Instance.Schedule(\"tick\"), null, 0, 1000);") + "\npublic sealed class Startup");
        await Test(source, References.AspNetCore)
            .ExpectDiagnostic(At(0, "s_instance"))
            .ValidateAsync();
    }

    /// <summary>A hosted service that schedules the nightly job when it starts; <c>// (before)</c> comes first.</summary>
    private const string WarmUpService = """
        public sealed class JobsWarmUp : Microsoft.Extensions.Hosting.IHostedService
        {
            private System.Threading.Timer? _timer;

            public System.Threading.Tasks.Task StartAsync(System.Threading.CancellationToken cancellationToken)
            {
                // (before)
                JobHub.Instance.Schedule("nightly");
                return System.Threading.Tasks.Task.CompletedTask;
            }

            public System.Threading.Tasks.Task StopAsync(System.Threading.CancellationToken cancellationToken)
            {
                _timer?.Dispose();
                return System.Threading.Tasks.Task.CompletedTask;
            }
        }
        """;

    /// <summary>The scheduler singleton with a protected field and constructor, as a base class would declare them.</summary>
    private static string ProtectedSchedulerWarmedByStartup(string derived)
        => SchedulerWarmedByStartup.Replace("EXTRA", "")
            .Replace("public sealed class JobHub", "public class JobHub")
            .Replace("private static JobHub? s_instance;", "protected static JobHub? s_instance;")
            .Replace("private JobHub() { }", "protected JobHub() { }")
            + derived;

    [Fact]
    public async Task LazySingleton_ProtectedFieldFirstReadWhileTheAppIsComposed()
    {
        // No type of the compilation derives from JobHub: the protected field is assigned only by its accessor.
        await Test(ProtectedSchedulerWarmedByStartup("").Replace("{|#0:", "").Replace("|});", ");"), References.AspNetCore)
            .ValidateAsync();
    }

    [Fact]
    public async Task LazySingleton_ProtectedFieldADerivedTypeCanResetIsReported()
    {
        // A derived type can put the field back to unset while requests run.
        await Test(
                ProtectedSchedulerWarmedByStartup("""

                    public sealed class TestJobHub : JobHub
                    {
                        public static void Reset() => s_instance = null;
                    }
                    """),
                References.AspNetCore)
            .ExpectDiagnostic(At(0, "s_instance"))
            .ValidateAsync();
    }

    [Fact]
    public async Task LazySingleton_WarmUpMethodAlsoCalledByAnEndpointIsReported()
    {
        // The same warm-up from a request: nothing shows the composition read it first.
        await Test(SchedulerWarmedByStartup.Replace("EXTRA", "[HttpPost(\"jobs/warm\")]\n    public void Warm([FromServices] IServiceProvider services) => services.UseJobs();"), References.AspNetCore)
            .ExpectDiagnostic(At(0, "s_instance"))
            .ValidateAsync();
    }

    [Fact]
    public async Task LazySingleton_ReadByMainOnlyAfterTheAppRanIsReported()
    {
        await Test(
                SettingsReadByMain.Replace("// (after run)", "StartupSettings.Instance.StoragePath = storagePath;"),
                References.AspNetCore)
            .ExpectDiagnostic(At(0, "instance"))
            .ValidateAsync();
    }

    [Fact]
    public async Task LazySingleton_ReadByMainButAlsoResetIsReported()
    {
        // A reset puts the field back to unset while requests run: the next two readers race again.
        await Test(
                SettingsReadByMain
                    .Replace("// (before run)", "StartupSettings.Instance.StoragePath = storagePath;")
                    .Replace("public string StoragePath", "public static void Reset() => instance = null;\n\n    public string StoragePath"),
                References.AspNetCore)
            .ExpectDiagnostic(At(0, "instance"))
            .ValidateAsync();
    }
}
