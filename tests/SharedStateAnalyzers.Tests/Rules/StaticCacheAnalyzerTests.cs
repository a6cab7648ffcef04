using SharedStateAnalyzers.Rules;
using SharedStateAnalyzers.Tests.Verification;

namespace SharedStateAnalyzers.Tests.Rules;

/// <summary>SSA001: what is reported, with which message, and what is left alone.</summary>
public sealed class StaticCacheAnalyzerTests
{
    private static AnalyzerTest Test(string source, References references = References.Net)
        => AnalyzerTest.Create<StaticCacheAnalyzer>().WithReferences(references).WithSource(source);

    private static string Message(string field, string what)
        => $"'{field}' caches {what} in a process-wide collection: its entries never expire, are never seen by other processes, and grow without bound";

    // ---------------------------------------------------------------- flagged

    [Fact]
    public async Task Seed_ContainsKeyThenInsert_FromDbContext()
    {
        await Test("""
            using System.Collections.Generic;
            using System.Linq;
            using Microsoft.EntityFrameworkCore;

            public sealed class CarrierConfig { public string ScacCode { get; set; } = ""; public bool Enabled { get; set; } }

            public sealed class ConfigDbContext : DbContext
            {
                public DbSet<CarrierConfig> Carriers => Set<CarrierConfig>();
            }

            public sealed class ConfigGetter
            {
                private static readonly Dictionary<string, CarrierConfig> {|#0:_configCache|} = new();

                public CarrierConfig GetConfig(string scacCode)
                {
                    if (!_configCache.ContainsKey(scacCode))
                    {
                        var config = PrepareConfig(scacCode);
                        _configCache[scacCode] = config;
                    }

                    return _configCache[scacCode];
                }

                private CarrierConfig PrepareConfig(string scacCode)
                {
                    using var db = new ConfigDbContext();
                    return db.Carriers.AsNoTracking().Single(c => c.ScacCode == scacCode);
                }
            }
            """, References.EntityFrameworkCore)
            .ExpectDiagnostic(DiagnosticResult.Create("SSA001").WithLocation(0).WithMessage(Message("_configCache", "data read from a database")))
            .ValidateAsync();
    }

    [Fact]
    public async Task TryGetValueThenInsert_FromFile()
    {
        await Test("""
            using System.Collections.Generic;
            using System.IO;

            public sealed class PriceLookup
            {
                private static readonly Dictionary<string, decimal> {|#0:_prices|} = new();

                public decimal GetPrice(string sku)
                {
                    if (!_prices.TryGetValue(sku, out var price))
                    {
                        price = decimal.Parse(File.ReadAllText(Path.Combine("prices", sku)));
                        _prices[sku] = price;
                    }

                    return price;
                }
            }
            """)
            .ExpectDiagnostic(DiagnosticResult.Create("SSA001").WithLocation(0).WithMessage(Message("_prices", "data read from files")))
            .ValidateAsync();
    }

    [Theory]
    [InlineData("File.OpenText(path)")]
    [InlineData("new StreamReader(File.OpenRead(path))")]
    public async Task ReadersOverFiles_AreReported(string open)
    {
        // The counterpart of WritersOverFilesTheCacheOpensForWriting: a reader serves what the file held when it was opened.
        await Test(LogChannels.Replace("TextWriter", "TextReader").Replace("writer.WriteLine(line)", "writer.ReadLine()").Replace("OPEN", open))
            .ExpectDiagnostic(DiagnosticResult.Create("SSA001").WithLocation(0).WithMessage(Message("s_channels", "data read from files")))
            .ValidateAsync();
    }

    private const string StatusPoller = """
        using System;
        using System.Collections.Generic;
        using System.Net.Http;
        using System.Threading.Tasks;

        public sealed class StatusPoller
        {
            private static readonly Dictionary<string, string> {|#0:s_lastStatus|} = new();
            private readonly HttpClient _http = new();

            public event Action<string, string>? Changed;

            public async Task PollAsync(IEnumerable<string> hosts)
            {
                foreach (var host in hosts)
                {
                    // read on every pass
                    var now = await _http.GetStringAsync("https://" + host + "/status");
                    lock (s_lastStatus)
                    {
                        LOOKUP
                        s_lastStatus[host] = now;
                    }

                    Changed?.Invoke(host, now);
                }
            }
        }
        """;

    [Theory]
    [InlineData("if (s_lastStatus.TryGetValue(host, out var before) && before == now) continue;")]
    [InlineData("if (s_lastStatus.TryGetValue(host, out var before) && string.Equals(before, now, StringComparison.Ordinal)) continue;")]
    [InlineData("if (s_lastStatus.GetValueOrDefault(host) == now) continue;")]
    public async Task ChangeDetection_LastValueSeenComparedWithAReadMadeEveryTime(string lookup)
    {
        // Not a memo: the value is read before the lookup on every pass, and the entry only decides whether the value
        // changed. A hit never stands in for the read, so nothing can go stale.
        await Test(StatusPoller.Replace("{|#0:s_lastStatus|}", "s_lastStatus").Replace("LOOKUP", lookup))
            .ValidateAsync();
    }

    [Theory]
    // A hit hands out the entry in place of the value just read: first value wins, for the life of the process.
    [InlineData("if (s_lastStatus.TryGetValue(host, out var before)) { Changed?.Invoke(host, before); continue; }")]
    [InlineData("if (s_lastStatus.ContainsKey(host)) continue;")]
    // The read is made only on some passes, after the lookup may have decided.
    [InlineData("if (s_lastStatus.TryGetValue(host, out var before) && before == now) continue; if (host.Length > 0) now = _http.GetStringAsync(host).GetAwaiter().GetResult();")]
    public async Task ChangeDetectionThatServesTheEntry_IsReported(string lookup)
    {
        await Test(StatusPoller.Replace("LOOKUP", lookup))
            .ExpectDiagnostic(DiagnosticResult.Create("SSA001").WithLocation(0).WithMessage(Message("s_lastStatus", "data read over the network")))
            .ValidateAsync();
    }

    [Fact]
    public async Task GetOrAdd_WithFactory_FromHttpClient()
    {
        await Test("""
            using System.Collections.Concurrent;
            using System.Net.Http;
            using System.Threading.Tasks;

            public sealed class RatesClient
            {
                private static readonly ConcurrentDictionary<string, Task<string>> {|#0:s_rates|} = new();
                private readonly HttpClient _http = new();

                public Task<string> GetRateAsync(string currency)
                    => s_rates.GetOrAdd(currency, c => _http.GetStringAsync("https://rates.example/" + c));
            }
            """)
            .ExpectDiagnostic(DiagnosticResult.Create("SSA001").WithLocation(0).WithMessage(Message("s_rates", "data read over the network")))
            .ValidateAsync();
    }

    [Fact]
    public async Task Async_TryGetValueEarlyReturn_AwaitingTheNetwork()
    {
        await Test("""
            using System.Collections.Generic;
            using System.Net.Http;
            using System.Threading.Tasks;

            public sealed class ProfileClient
            {
                private static readonly Dictionary<string, string> [|_profiles|] = new();
                private readonly HttpClient _http = new();

                public async Task<string> GetProfileAsync(string userId)
                {
                    if (_profiles.TryGetValue(userId, out var cached))
                    {
                        return cached;
                    }

                    var profile = await _http.GetStringAsync("https://profiles.example/" + userId);
                    _profiles[userId] = profile;
                    return profile;
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task GetOrAdd_ThroughTheProjectsOwnUnimplementedInterface()
    {
        await Test("""
            using System.Collections.Concurrent;
            using System.Threading.Tasks;

            public interface ITariffRepository
            {
                Task<decimal> LoadTariffAsync(string lane);
            }

            public sealed class TariffService
            {
                private static readonly ConcurrentDictionary<string, Task<decimal>> {|#0:_tariffs|} = new();
                private readonly ITariffRepository _repository;

                public TariffService(ITariffRepository repository) => _repository = repository;

                public Task<decimal> GetAsync(string lane) => _tariffs.GetOrAdd(lane, _repository.LoadTariffAsync);
            }
            """)
            .ExpectDiagnostic(DiagnosticResult.Create("SSA001").WithLocation(0).WithMessage(Message("_tariffs", "data from 'ITariffRepository.LoadTariffAsync'")))
            .ValidateAsync();
    }

    [Fact]
    public async Task IndexerReadThenWrite_FromConfiguration()
    {
        await Test("""
            using System.Collections.Generic;
            using Microsoft.Extensions.Configuration;

            public sealed class FeatureFlags
            {
                private static readonly Dictionary<string, string?> {|#0:_flags|} = new();
                private readonly IConfiguration _configuration;

                public FeatureFlags(IConfiguration configuration) => _configuration = configuration;

                public string? Get(string name)
                {
                    if (_flags.ContainsKey(name))
                    {
                        return _flags[name];
                    }

                    _flags[name] = _configuration["Features:" + name];
                    return _flags[name];
                }
            }
            """, References.AspNetCore)
            .ExpectDiagnostic(DiagnosticResult.Create("SSA001").WithLocation(0).WithMessage(Message("_flags", "configuration values")))
            .ValidateAsync();
    }

    [Fact]
    public async Task StaticClass_FromEnvironment()
    {
        await Test("""
            using System;
            using System.Collections.Generic;

            public static class Settings
            {
                private static readonly Dictionary<string, string> {|#0:Values|} = new();

                public static string Get(string name)
                {
                    if (!Values.TryGetValue(name, out var value))
                    {
                        value = Environment.GetEnvironmentVariable(name) ?? "";
                        Values.Add(name, value);
                    }

                    return value;
                }
            }
            """)
            .ExpectDiagnostic(DiagnosticResult.Create("SSA001").WithLocation(0).WithMessage(Message("Values", "environment variables")))
            .ValidateAsync();
    }

    [Fact]
    public async Task StaticAutoProperty()
    {
        await Test("""
            using System.Collections.Generic;
            using System.IO;

            public sealed class TemplateStore
            {
                private static Dictionary<string, string> [|Templates|] { get; } = new();

                public string Load(string name)
                {
                    if (!Templates.TryGetValue(name, out var template))
                    {
                        template = File.ReadAllText(name + ".html");
                        Templates[name] = template;
                    }

                    return template;
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task FollowsSourceCallsThreeLevelsDeep_ToAdoNet()
    {
        await Test("""
            using System.Collections.Generic;
            using System.Data.Common;

            public sealed class CustomerNames
            {
                private static readonly Dictionary<int, string> {|#0:_names|} = new();
                private readonly DbConnection _connection;

                public CustomerNames(DbConnection connection) => _connection = connection;

                public string Get(int id)
                {
                    if (!_names.TryGetValue(id, out var name))
                    {
                        name = Load(id);
                        _names[id] = name;
                    }

                    return name;
                }

                private string Load(int id) => Format(Query(id));

                private static string Format(object? value) => value?.ToString() ?? "";

                private object? Query(int id) => Execute("select name from customers where id = " + id);

                private object? Execute(string sql)
                {
                    using var command = _connection.CreateCommand();
                    command.CommandText = sql;
                    return command.ExecuteScalar();
                }
            }
            """)
            .ExpectDiagnostic(DiagnosticResult.Create("SSA001").WithLocation(0).WithMessage(Message("_names", "data read from a database")))
            .ValidateAsync();
    }

    /// <summary>
    /// A memo whose value is read three calls deep, the third through <c>LOOKUP</c>: a repository interface the project
    /// implements, or a fourth method of its own.
    /// </summary>
    private const string TranslationsThreeCallsDeep = """
        using System.Collections.Generic;
        using System.IO;
        using System.Linq;

        public interface IRepository<T>
        {
            IQueryable<T> Table { get; }
        }

        public sealed class FileRepository<T> : IRepository<T>
        {
            public IQueryable<T> Table => File.ReadAllLines(typeof(T).Name + ".txt").Select(Parse).AsQueryable();

            private static T Parse(string line) => default!;
        }

        public sealed record Translation(string Language, string Name, string Value);

        public sealed class Translations
        {
            private static readonly Dictionary<string, Dictionary<string, string>> {|#0:s_byLanguage|} = new();
            private readonly IRepository<Translation> _repository;

            public Translations(IRepository<Translation> repository) => _repository = repository;

            public string? Get(string language, string name)
            {
                if (!s_byLanguage.TryGetValue(language, out var names))
                {
                    names = Build(language);
                    s_byLanguage[language] = names;
                }

                return names.TryGetValue(name, out var value) ? value : null;
            }

            private Dictionary<string, string> Build(string language) => Rows(language).ToDictionary(t => t.Name, t => t.Value);

            private List<Translation> Rows(string language) => LOOKUP.Where(t => t.Language == language).ToList();

            private IQueryable<Translation> Own() => new FileRepository<Translation>().Table;
        }
        """;

    [Fact]
    public async Task FollowsAnInterfaceCallAtTheThirdLevelIntoItsImplementation()
    {
        await Test(TranslationsThreeCallsDeep.Replace("LOOKUP", "_repository.Table"))
            .ExpectDiagnostic(DiagnosticResult.Create("SSA001").WithLocation(0).WithMessage(Message("s_byLanguage", "data read from files")))
            .ValidateAsync();
    }

    [Fact]
    public async Task StopsAfterThreeCallsOfItsOwn()
    {
        await Test(TranslationsThreeCallsDeep.Replace("{|#0:s_byLanguage|}", "s_byLanguage").Replace("LOOKUP", "Own()"))
            .ValidateAsync();
    }

    [Fact]
    public async Task FollowsInterfaceToItsImplementationInTheProject()
    {
        await Test("""
            using System.Collections.Generic;
            using System.IO;

            public interface IDocumentSource
            {
                string Read(string path);
            }

            public sealed class DiskDocumentSource : IDocumentSource
            {
                public string Read(string path) => File.ReadAllText(path);
            }

            public sealed class Documents
            {
                private static readonly IDictionary<string, string> {|#0:_documents|} = new Dictionary<string, string>();
                private readonly IDocumentSource _source = new DiskDocumentSource();

                public string Get(string path)
                {
                    if (!_documents.ContainsKey(path))
                    {
                        _documents.Add(path, _source.Read(path));
                    }

                    return _documents[path];
                }
            }
            """)
            .ExpectDiagnostic(DiagnosticResult.Create("SSA001").WithLocation(0).WithMessage(Message("_documents", "data read from files")))
            .ValidateAsync();
    }

    /// <summary>
    /// A route memo of a singleton, keyed by service name, whose entries carry the first request's headers; BUILD makes
    /// <c>info</c> from <c>headers</c>, and HELPERS adds members.
    /// </summary>
    private const string RoutesWithFirstRequestsHeaders = """
        using System.Collections.Concurrent;
        using System.Collections.Generic;
        using System.Linq;
        using Microsoft.AspNetCore.Http;
        using Microsoft.Extensions.DependencyInjection;

        public sealed record RouteInfo(string Service, Dictionary<string, string> Headers);

        public sealed class RouteFinder
        {
            private readonly ConcurrentDictionary<string, RouteInfo> {|#0:_routes|} = new();

            public RouteInfo Find(string service, IHeaderDictionary headers)
            {
                if (_routes.TryGetValue(service, out var cached))
                {
                    return cached;
                }

                BUILD
                _routes.TryAdd(service, info);
                return info;
            }

            HELPERS
        }

        public static class Setup
        {
            public static void Configure(IServiceCollection services) => services.AddSingleton<RouteFinder>();
        }
        """;

    [Theory]
    [InlineData("var info = new RouteInfo(service, headers.ToDictionary(h => h.Key, h => h.Value.ToString()));", "")]
    [InlineData("var info = new RouteInfo(service, new Dictionary<string, string>(headers.Select(h => KeyValuePair.Create(h.Key, h.Value.ToString()))));", "")]
    [InlineData("var copied = new Dictionary<string, string>(); foreach (var header in headers) { copied[header.Key] = header.Value.ToString(); } var info = new RouteInfo(service, copied);", "")]
    [InlineData("var info = new RouteInfo(service, Copy(headers));", "private static Dictionary<string, string> Copy(IHeaderDictionary source) { var copy = new Dictionary<string, string>(); foreach (var pair in source) { copy.Add(pair.Key, pair.Value.ToString()); } return copy; }")]
    public async Task RequestData_TakenAsAWholeCollection(string build, string helpers)
    {
        // The first request's headers, copied whole (by LINQ, by a loop, by a helper that loops), are served to every
        // later request for that service.
        await Test(RoutesWithFirstRequestsHeaders.Replace("BUILD", build).Replace("HELPERS", helpers), References.AspNetCore)
            .ExpectDiagnostic(DiagnosticResult.Create("SSA001").WithLocation(0).WithMessage(Message("_routes", "request data")))
            .ValidateAsync();
    }

    [Theory]
    [InlineData("var info = new RouteInfo(service, new Dictionary<string, string> { [\"count\"] = headers.Count.ToString() });", "")]
    [InlineData("var known = new Dictionary<string, string>(); foreach (var name in s_names) { known[name] = name; } var info = new RouteInfo(service, known);", "private static readonly string[] s_names = { \"a\", \"b\" };")]
    [InlineData("var info = new RouteInfo(service, new Dictionary<string, string>()); Log(headers);", "private static void Log(IHeaderDictionary values) { foreach (var pair in values) { System.Console.WriteLine(pair.Key); } }")]
    public async Task ValueThatDoesNotCarryTheRequest(string build, string helpers)
    {
        // A route built from the service name and constants; the request is only looked at, not kept.
        await Test(RoutesWithFirstRequestsHeaders.Replace("BUILD", build).Replace("HELPERS", helpers).Replace("{|#0:_routes|}", "_routes"), References.AspNetCore)
            .ValidateAsync();
    }

    [Fact]
    public async Task RequestData_InAStaticMemo()
    {
        await Test("""
            using System.Collections.Generic;
            using Microsoft.AspNetCore.Http;

            public sealed class TenantResolver
            {
                private static readonly Dictionary<string, string> {|#0:_tenantsByHost|} = new();

                public string Resolve(HttpContext context)
                {
                    var host = context.Request.Host.Host;
                    if (!_tenantsByHost.TryGetValue(host, out var tenant))
                    {
                        tenant = context.Request.Headers["X-Tenant"].ToString();
                        _tenantsByHost[host] = tenant;
                    }

                    return tenant;
                }
            }
            """, References.AspNetCore)
            .ExpectDiagnostic(DiagnosticResult.Create("SSA001").WithLocation(0).WithMessage(Message("_tenantsByHost", "request data")))
            .ValidateAsync();
    }

    [Fact]
    public async Task OptionsMonitor_GetValueOrDefaultThenTryAdd()
    {
        await Test("""
            using System.Collections.Concurrent;
            using System.Collections.Generic;
            using Microsoft.Extensions.Options;

            public sealed class MailSettings { public string Host { get; set; } = ""; }

            public sealed class MailSettingsCache
            {
                private static readonly ConcurrentDictionary<string, MailSettings> [|_byName|] = new();
                private readonly IOptionsMonitor<MailSettings> _monitor;

                public MailSettingsCache(IOptionsMonitor<MailSettings> monitor) => _monitor = monitor;

                public MailSettings Get(string name)
                {
                    var settings = _byName.GetValueOrDefault(name);
                    if (settings is null)
                    {
                        settings = _monitor.Get(name);
                        _byName.TryAdd(name, settings);
                    }

                    return settings;
                }
            }
            """, References.AspNetCore)
            .ValidateAsync();
    }

    [Fact]
    public async Task TwoCachesInOneType_AndHashtable()
    {
        await Test("""
            using System.Collections;
            using System.Collections.Generic;
            using System.IO;

            public sealed class Catalog
            {
                private static readonly SortedDictionary<string, string> [|_titles|] = new();
                private static readonly Hashtable [|_sizes|] = new();

                public string Title(string id)
                {
                    if (!_titles.TryGetValue(id, out var title))
                    {
                        title = File.ReadAllLines(id)[0];
                        _titles[id] = title;
                    }

                    return title;
                }

                public long Size(string id)
                {
                    if (!_sizes.ContainsKey(id))
                    {
                        _sizes[id] = new FileInfo(id).Length;
                    }

                    return (long)_sizes[id]!;
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task InstanceField_OfAHandRolledSingleton()
    {
        await Test("""
            using System.Collections.Generic;
            using System.IO;

            public sealed class TemplateStore
            {
                public static TemplateStore Instance { get; } = new();

                private readonly Dictionary<string, string> {|#0:_templates|} = new();

                private TemplateStore()
                {
                }

                public string Get(string name)
                {
                    if (!_templates.TryGetValue(name, out var text))
                    {
                        text = File.ReadAllText(name + ".html");
                        _templates[name] = text;
                    }

                    return text;
                }
            }
            """)
            .ExpectDiagnostic(DiagnosticResult.Create("SSA001").WithLocation(0).WithMessage(Message("_templates", "data read from files")))
            .ValidateAsync();
    }

    [Fact]
    public async Task InstanceField_OfAConventionalMiddleware()
    {
        await Test("""
            using System.Collections.Generic;
            using System.Net.Http;
            using System.Threading.Tasks;
            using Microsoft.AspNetCore.Http;

            public sealed class GeoMiddleware
            {
                private readonly RequestDelegate _next;
                private readonly HttpClient _http;
                private readonly Dictionary<string, string> {|#0:_countries|} = new();

                public GeoMiddleware(RequestDelegate next, HttpClient http)
                {
                    _next = next;
                    _http = http;
                }

                public async Task InvokeAsync(HttpContext context)
                {
                    var ip = context.Connection.RemoteIpAddress?.ToString() ?? "";
                    if (!_countries.TryGetValue(ip, out var country))
                    {
                        country = await _http.GetStringAsync("https://geo.example/" + ip);
                        _countries[ip] = country;
                    }

                    context.Items["country"] = country;
                    await _next(context);
                }
            }
            """, References.AspNetCore)
            .ExpectDiagnostic(DiagnosticResult.Create("SSA001").WithLocation(0).WithMessage(Message("_countries", "data read over the network")))
            .ValidateAsync();
    }

    [Fact]
    public async Task InstanceField_OfAServiceRegisteredAsSingleton()
    {
        await Test("""
            using System.Collections.Concurrent;
            using Microsoft.Extensions.Configuration;
            using Microsoft.Extensions.DependencyInjection;

            public interface IFeatureFlags { bool IsOn(string name); }

            public sealed class FeatureFlags : IFeatureFlags
            {
                private readonly IConfiguration _configuration;
                private readonly ConcurrentDictionary<string, bool> {|#0:_flags|} = new();

                public FeatureFlags(IConfiguration configuration) => _configuration = configuration;

                public bool IsOn(string name) => _flags.GetOrAdd(name, n => _configuration.GetValue<bool>("Features:" + n));
            }

            public static class Registration
            {
                public static IServiceCollection AddFlags(this IServiceCollection services)
                    => services.AddSingleton<IFeatureFlags, FeatureFlags>();
            }
            """, References.AspNetCore)
            .ExpectDiagnostic(DiagnosticResult.Create("SSA001").WithLocation(0).WithMessage(Message("_flags", "configuration values")))
            .ValidateAsync();
    }

    [Fact]
    public async Task StreamReaderOverAPath_IsAFileRead()
    {
        await Test("""
            using System.Collections.Generic;
            using System.IO;

            public static class Templates
            {
                private static readonly Dictionary<string, string> {|#0:s_templates|} = new();

                public static string Get(string path)
                {
                    if (!s_templates.TryGetValue(path, out var text))
                    {
                        using var reader = new StreamReader(path);
                        text = reader.ReadToEnd();
                        s_templates[path] = text;
                    }

                    return text;
                }
            }
            """)
            .ExpectDiagnostic(DiagnosticResult.Create("SSA001").WithLocation(0).WithMessage(Message("s_templates", "data read from files")))
            .ValidateAsync();
    }

    [Fact]
    public async Task EntryComparedWithAConstant_IsNoValidation()
    {
        // Checking the entry against a constant (`Count == 0`) says nothing about whether the file changed.
        await Test("""
            using System.Collections.Generic;
            using System.IO;

            public static class Templates
            {
                private static readonly Dictionary<string, string[]> {|#0:s_lines|} = new();

                public static string[] Get(string path)
                {
                    if (s_lines.TryGetValue(path, out var cached) && cached.Length != 0)
                    {
                        return cached;
                    }

                    var lines = File.ReadAllLines(path);
                    s_lines[path] = lines;
                    return lines;
                }
            }
            """)
            .ExpectDiagnostic(DiagnosticResult.Create("SSA001").WithLocation(0).WithMessage(Message("s_lines", "data read from files")))
            .ValidateAsync();
    }

    [Fact]
    public async Task EmptinessTest_IsNotASizeBound()
    {
        // Filling the cache when it is empty is a load, not a bound: the entries still never expire.
        await Test("""
            using System.Collections.Generic;
            using System.IO;

            public static class Templates
            {
                private static readonly Dictionary<string, string> {|#0:s_templates|} = new();

                public static string Get(string name)
                {
                    if (s_templates.Count > 0 && s_templates.TryGetValue(name, out var text))
                    {
                        return text;
                    }

                    text = File.ReadAllText(name + ".html");
                    s_templates[name] = text;
                    return text;
                }
            }
            """)
            .ExpectDiagnostic(DiagnosticResult.Create("SSA001").WithLocation(0).WithMessage(Message("s_templates", "data read from files")))
            .ValidateAsync();
    }

    [Fact]
    public async Task HashSetSeenSet_RemembersADatabaseAnswer()
    {
        await Test("""
            using System;
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading.Tasks;
            using Microsoft.EntityFrameworkCore;

            public sealed class User
            {
                public int Id { get; set; }
                public string Email { get; set; } = "";
            }

            public sealed class AccountsDb : DbContext
            {
                public DbSet<User> Users => Set<User>();
            }

            public sealed class EmailVerifier
            {
                private static readonly HashSet<string> {|#0:s_knownEmails|} = new(StringComparer.OrdinalIgnoreCase);

                public async Task<bool> ExistsAsync(string email)
                {
                    if (s_knownEmails.Contains(email))
                    {
                        return true;
                    }

                    await using var db = new AccountsDb();
                    var exists = await db.Users.AnyAsync(u => u.Email == email);
                    if (exists)
                    {
                        s_knownEmails.Add(email);
                    }

                    return exists;
                }
            }
            """, References.EntityFrameworkCore)
            .ExpectDiagnostic(DiagnosticResult.Create("SSA001").WithLocation(0).WithMessage(Message("s_knownEmails", "data read from a database")))
            .ValidateAsync();
    }

    // ---------------------------------------------------------------- left alone

    private const string LogChannels = """
        using System.Collections.Concurrent;
        using System.IO;

        public static class LogChannels
        {
            private static readonly ConcurrentDictionary<string, TextWriter> {|#0:s_channels|} = new();

            public static void Add(string name, string path)
            {
                if (s_channels.ContainsKey(name))
                {
                    return;
                }

                var writer = OPEN;
                s_channels.TryAdd(name, TextWriter.Synchronized(writer));
            }

            public static void Write(string name, string line)
            {
                if (s_channels.TryGetValue(name, out var writer))
                {
                    writer.WriteLine(line);
                }
            }
        }
        """;

    [Theory]
    [InlineData("File.CreateText(path)")]
    [InlineData("File.AppendText(path)")]
    [InlineData("new StreamWriter(File.OpenWrite(path))")]
    [InlineData("new FileInfo(path).CreateText()")]
    [InlineData("new StreamWriter(File.Create(path))")]
    public async Task WritersOverFilesTheCacheOpensForWriting(string open)
    {
        // A file opened for writing is a sink: the registry holds writers, nothing read from the file system.
        await Test(LogChannels.Replace("OPEN", open)).ValidateAsync();
    }


    [Fact]
    public async Task LoadedAssembliesByName()
    {
        // The values are assemblies loaded into the default context, which never unloads them: the memo mirrors what
        // the runtime keeps for the process, and cannot go stale.
        await Test("""
            using System.Collections.Concurrent;
            using System.IO;
            using System.Reflection;
            using System.Runtime.Loader;

            public static class PluginAssemblies
            {
                private static readonly ConcurrentDictionary<string, Assembly> s_loaded = new();

                public static Assembly Load(string directory, string name)
                    => s_loaded.GetOrAdd(name, n =>
                    {
                        var path = Path.Combine(directory, n + ".dll");
                        return File.Exists(path)
                            ? AssemblyLoadContext.Default.LoadFromAssemblyPath(path)
                            : AssemblyLoadContext.Default.LoadFromAssemblyName(new AssemblyName(n));
                    });
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task WhatAPluginFileSays_ByName_IsReported()
    {
        // The same loader keeping the file's text instead of the assembly: data read from files.
        await Test("""
            using System.Collections.Concurrent;
            using System.IO;

            public static class PluginManifests
            {
                private static readonly ConcurrentDictionary<string, string> {|#0:s_manifests|} = new();

                public static string Load(string directory, string name)
                    => s_manifests.GetOrAdd(name, n => File.ReadAllText(Path.Combine(directory, n + ".json")));
            }
            """)
            .ExpectDiagnostic(DiagnosticResult.Create("SSA001").WithLocation(0).WithMessage(Message("s_manifests", "data read from files")))
            .ValidateAsync();
    }

    private const string MultipleResultSetsCache = """
        using System;
        using System.Collections.Concurrent;
        using System.Data.Common;

        public sealed class ConnectionSettingsView
        {
            private readonly string _text;

            public ConnectionSettingsView(string text) => _text = text;

            public bool MultipleResultSets => _text.Contains("MultipleActiveResultSets=True", StringComparison.OrdinalIgnoreCase);
        }

        public sealed class DialectProvider
        {
            private static readonly ConcurrentDictionary<string, bool> MARK = new(StringComparer.Ordinal);
            private readonly Func<string, ConnectionSettingsView> _parse = text => new ConnectionSettingsView(text);

            public bool SupportsMultipleResultSets(DbConnection connection)
            {
                var connectionString = connection.ConnectionString;
                if (!s_multipleResultSets.TryGetValue(connectionString, out var supported))
                {
                    VALUE
                    s_multipleResultSets[connectionString] = supported;
                }

                return supported;
            }
        }
        """;

    [Fact]
    public async Task ValueComputedFromItsKeyAlone()
    {
        // The flag is parsed from the connection string it is cached under: a function of the key, never stale for
        // it, wherever the key was read.
        await Test(MultipleResultSetsCache.Replace("MARK", "s_multipleResultSets").Replace("VALUE", "supported = _parse(connectionString).MultipleResultSets;"))
            .ValidateAsync();
    }

    [Fact]
    public async Task ValueReadFromTheDatabaseTheKeyNames_IsReported()
    {
        // The same cache, with the flag asked of the server the key names: data read from a database.
        await Test(MultipleResultSetsCache.Replace("MARK", "{|#0:s_multipleResultSets|}").Replace("VALUE", "using var command = connection.CreateCommand();\n            command.CommandText = \"SELECT SERVERPROPERTY('MultipleActiveResultSets')\";\n            supported = command.ExecuteScalar() is 1;"))
            .ExpectDiagnostic(DiagnosticResult.Create("SSA001").WithLocation(0).WithMessage(Message("s_multipleResultSets", "data read from a database")))
            .ValidateAsync();
    }

    private const string NodeListeners = """
        using System.Collections.Generic;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.Hosting;
        using Microsoft.Extensions.Options;

        public sealed class NodeOptions
        {
            public Dictionary<string, string> NodeByCurrency { get; set; } = new();

            public string Proxy { get; set; } = "";
        }

        public interface IEvents { void Publish(object message); }

        public sealed class NodeListener(string currency, string connectionString, IEvents events)
        {
            public string Currency { get; } = currency;

            public string ConnectionString { get; } = connectionString;

            public void Listen(string invoiceId) => events.Publish(Currency + ConnectionString + invoiceId);
        }

        public sealed class ListenerHost(IOptions<NodeOptions> options, IEvents events) : BackgroundService
        {
            private readonly Dictionary<(string, string), NodeListener> MARK = new();

            public void Listen(string currency, string invoiceId)
            {
                var connectionString = UrlFor(currency);
                if (connectionString is null)
                {
                    return;
                }

                lock (_listeners)
                {
                    LOOKUP
                    listener.Listen(invoiceId);
                }
            }

            private string? UrlFor(string currency) => options.Value.NodeByCurrency.TryGetValue(currency, out var url) ? url : null;

            protected override System.Threading.Tasks.Task ExecuteAsync(System.Threading.CancellationToken stoppingToken) => System.Threading.Tasks.Task.CompletedTask;
        }

        public static class Setup
        {
            public static IServiceCollection AddListeners(this IServiceCollection services) => services.AddHostedService<ListenerHost>();
        }
        """;

    [Theory]
    [InlineData("var key = (currency, connectionString); if (!_listeners.TryGetValue(key, out var listener)) { listener = new NodeListener(currency, connectionString, events); _listeners[key] = listener; }")]
    [InlineData("if (!_listeners.TryGetValue((currency, connectionString), out var listener)) { listener = new NodeListener(currency, connectionString, events); _listeners.Add((currency, connectionString), listener); }")]
    public async Task ValueBuiltFromTheLocalsItsTupleKeyIsMadeOf(string lookup)
    {
        // One live listener per configured node, keyed by the currency and the connection string it is built from: a
        // changed connection string is a new key (BTCPay Server's LightningListener).
        await Test(NodeListeners.Replace("MARK", "_listeners").Replace("LOOKUP", lookup), References.AspNetCore)
            .ValidateAsync();
    }

    [Fact]
    public async Task ValueBuiltFromTheKeyAndOtherConfiguration_IsReported()
    {
        // The proxy is configuration the key does not hold: a changed proxy is not seen for a node already listened to.
        await Test(NodeListeners.Replace("MARK", "{|#0:_listeners|}").Replace("LOOKUP", "var key = (currency, connectionString); if (!_listeners.TryGetValue(key, out var listener)) { listener = new NodeListener(currency, options.Value.Proxy, events); _listeners[key] = listener; }"), References.AspNetCore)
            .ExpectDiagnostic(DiagnosticResult.Create("SSA001").WithLocation(0).WithMessage(Message("_listeners", "configuration values")))
            .ValidateAsync();
    }

    private const string MailTemplates = """
        using System.Collections.Generic;
        using System.IO;
        using Microsoft.AspNetCore.Hosting;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.Options;

        public sealed class MailOptions
        {
            public string TemplateFolder { get; set; } = "";
        }

        public sealed class MailTemplates
        {
            private readonly Dictionary<string, string> MARK = new();
            private readonly string _folder;

            public MailTemplates(IWebHostEnvironment environment, IOptions<MailOptions> options)
            {
                _folder = FOLDER;
            }

            public string Get(string name)
            {
                lock (_templates)
                {
                    if (!_templates.TryGetValue(name, out var text))
                    {
                        text = File.ReadAllText(Path.Combine(_folder, name + ".html"));
                        _templates[name] = text;
                    }

                    return text;
                }
            }
        }

        public static class MailSetup
        {
            public static IServiceCollection AddMail(this IServiceCollection services) => services.AddSingleton<MailTemplates>();
        }
        """;

    [Fact]
    public async Task TemplatesTheAppShipsUnderItsContentRoot()
    {
        // The templates are deployed with the app: they change only with a new deployment, which starts new processes.
        await Test(MailTemplates.Replace("MARK", "_templates").Replace("FOLDER", "Path.Combine(environment.ContentRootPath, \"Templates\")"), References.AspNetCore)
            .ValidateAsync();
    }

    [Fact]
    public async Task AssetsTheAppShipsUnderItsBaseDirectory_ThroughAStaticRoot()
    {
        await Test("""
            using System;
            using System.Collections.Concurrent;
            using System.IO;
            using System.Threading.Tasks;

            public static class Assets
            {
                private static readonly string s_root = Path.Combine(AppContext.BaseDirectory, "wwwroot", "assets");
                private static readonly ConcurrentDictionary<string, byte[]> s_files = new();

                public static async Task<byte[]> GetAsync(string relativePath)
                {
                    var path = s_root + "/" + relativePath;
                    if (!s_files.TryGetValue(path, out var bytes))
                    {
                        bytes = await File.ReadAllBytesAsync(path);
                        s_files.TryAdd(path, bytes);
                    }

                    return bytes;
                }
            }
            """)
            .ValidateAsync();
    }

    private const string UiFiles = """
        using System;
        using System.Collections.Concurrent;
        using System.IO;
        using System.Threading.Tasks;
        using Microsoft.AspNetCore.Hosting;
        using Microsoft.AspNetCore.Http;

        public sealed class UiFilesMiddleware
        {
            private static string s_uiFolder = Path.Combine(AppContext.BaseDirectory, "wwwroot/ui");
            private static readonly ConcurrentDictionary<string, byte[]> MARK = new();
            private readonly RequestDelegate _next;

            public UiFilesMiddleware(RequestDelegate next, IWebHostEnvironment environment)
            {
                _next = next;
                var projectFolder = Path.Combine(environment.ContentRootPath, "wwwroot/ui");
                if (Directory.Exists(projectFolder))
                {
                    s_uiFolder = projectFolder;
                }
            }

            EXTRA

            public async Task InvokeAsync(HttpContext context)
            {
                var path = "";
                if (context.Request.Path.StartsWithSegments("/ui"))
                {
                    path = s_uiFolder + context.Request.Path;
                }

                if (path.Length == 0)
                {
                    await _next(context);
                    return;
                }

                if (!s_files.TryGetValue(path, out var bytes))
                {
                    bytes = await File.ReadAllBytesAsync(path);
                    s_files.TryAdd(path, bytes);
                }

                await context.Response.Body.WriteAsync(bytes);
            }
        }
        """;

    [Fact]
    public async Task FilesTheAppShips_RootInAWritableFieldSetOnlyToTheAppsFolders()
    {
        // The folder field is not readonly, but every value it is ever given is a folder the app ships (its base
        // directory, or the content root when that holds the files): the same as a readonly root.
        await Test(UiFiles.Replace("MARK", "s_files").Replace("EXTRA", ""), References.AspNetCore)
            .ValidateAsync();
    }

    [Fact]
    public async Task FilesUnderAWritableRoot_AlsoSetFromOutside_IsReported()
    {
        // One assignment from a caller's folder: the root may be anywhere, edited while the app runs.
        await Test(UiFiles.Replace("MARK", "{|#0:s_files|}").Replace("EXTRA", "public static void UseFolder(string folder) => s_uiFolder = folder;"), References.AspNetCore)
            .ExpectDiagnostic(DiagnosticResult.Create("SSA001").WithLocation(0).WithMessage(Message("s_files", "data read from files")))
            .ValidateAsync();
    }

    [Fact]
    public async Task FilesUnderAWritableRoot_ChangedByACompoundAssignment_IsReported()
    {
        await Test(UiFiles.Replace("MARK", "{|#0:s_files|}").Replace("EXTRA", "public static void Nest(string folder) => s_uiFolder += folder;"), References.AspNetCore)
            .ExpectDiagnostic(DiagnosticResult.Create("SSA001").WithLocation(0).WithMessage(Message("s_files", "data read from files")))
            .ValidateAsync();
    }

    [Fact]
    public async Task FilesUnderANonPrivateWritableRoot_IsReported()
    {
        // Code outside the type may set an internal field: its writes are not all in sight.
        await Test(UiFiles.Replace("MARK", "{|#0:s_files|}").Replace("EXTRA", "").Replace("private static string s_uiFolder", "internal static string s_uiFolder"), References.AspNetCore)
            .ExpectDiagnostic(DiagnosticResult.Create("SSA001").WithLocation(0).WithMessage(Message("s_files", "data read from files")))
            .ValidateAsync();
    }

    [Fact]
    public async Task TemplatesFromAConfiguredFolder_IsReported()
    {
        // A folder named by configuration may be anywhere, shared and edited while the app runs: data read from files.
        await Test(MailTemplates.Replace("MARK", "{|#0:_templates|}").Replace("FOLDER", "options.Value.TemplateFolder"), References.AspNetCore)
            .ExpectDiagnostic(DiagnosticResult.Create("SSA001").WithLocation(0).WithMessage(Message("_templates", "data read from files")))
            .ValidateAsync();
    }

    [Fact]
    public async Task ValueFromABodiedStaticInterfaceMember()
    {
        // A static interface member with a body is the program's own code, not an abstraction implemented elsewhere:
        // it is followed like any source method, here to the route table the program builds itself.
        await Test("""
            using System;
            using System.Collections.Concurrent;

            public interface IEndpoint
            {
                private static readonly ConcurrentDictionary<string, string> s_routes = new();

                internal static void Map(string endpoint, string route) => s_routes[endpoint] = route;

                public static string RouteOf(string endpoint) => s_routes[endpoint];
            }

            public static class RouteNames
            {
                private static readonly ConcurrentDictionary<string, string> s_byName = new();

                public static string For(string endpoint)
                {
                    if (!s_byName.ContainsKey(endpoint))
                    {
                        s_byName.TryAdd(endpoint, "/" + IEndpoint.RouteOf(endpoint));
                    }

                    return s_byName[endpoint];
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task KeyNamedAfterATypeThroughLocals_WithAThrowForANamelessType()
    {
        // `var name = type.FullName ?? throw …`: the throw gives no key, so the key is the type's name.
        await Test("""
            using System;
            using System.Collections.Generic;
            using System.IO;

            public static class HandlerDocs
            {
                private static readonly Dictionary<string, string> s_docs = new();

                public static string For<THandler>()
                {
                    var handlerType = typeof(THandler);
                    var name = handlerType.FullName ?? throw new InvalidOperationException("The handler type has no name.");
                    if (!s_docs.TryGetValue(name, out var text))
                    {
                        text = File.ReadAllText(Path.Combine("docs", handlerType.Name + ".md"));
                        s_docs[name] = text;
                    }

                    return text;
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task ValueFromABodiedStaticInterfaceMember_ThatReadsAFile_IsReported()
    {
        // Followed into its body: the member reads a file.
        await Test("""
            using System.Collections.Generic;
            using System.IO;

            public interface ITemplateSource
            {
                public static string Load(string name) => File.ReadAllText(Path.Combine("templates", name));
            }

            public static class Templates
            {
                private static readonly Dictionary<string, string> {|#0:s_templates|} = new();

                public static string Get(string name)
                {
                    if (!s_templates.TryGetValue(name, out var text))
                    {
                        text = ITemplateSource.Load(name);
                        s_templates[name] = text;
                    }

                    return text;
                }
            }
            """)
            .ExpectDiagnostic(DiagnosticResult.Create("SSA001").WithLocation(0).WithMessage(Message("s_templates", "data read from files")))
            .ValidateAsync();
    }

    [Fact]
    public async Task ConnectionStringBuilder_ParsesItsKey()
    {
        // The value is parsed from the key by a database library's connection string builder: it reads no database.
        await Test("""
            using System.Collections.Concurrent;
            using Microsoft.Data.Sqlite;

            public sealed class DataProvider
            {
                private static readonly ConcurrentDictionary<string, bool> s_pooling = new();

                public bool IsPooled(string connectionString)
                    => s_pooling.GetOrAdd(connectionString, cs => new SqliteConnectionStringBuilder(cs).Pooling);
            }
            """, References.DataProvider)
            .ValidateAsync();
    }

    [Fact]
    public async Task DataProviderRead_IsStillExternal()
    {
        await Test("""
            using System.Collections.Concurrent;
            using Microsoft.Data.Sqlite;

            public sealed class Versions
            {
                private static readonly ConcurrentDictionary<string, string> {|#0:s_versions|} = new();

                public string Of(string connectionString)
                    => s_versions.GetOrAdd(connectionString, cs =>
                    {
                        using var connection = new SqliteConnection(cs);
                        return connection.ServerVersion;
                    });
            }
            """, References.DataProvider)
            .ExpectDiagnostic(DiagnosticResult.Create("SSA001").WithLocation(0))
            .ValidateAsync();
    }

    [Fact]
    public async Task EntityFrameworkModelMetadata_ReadsNoRows()
    {
        // The context's model (entity types, keys, mappings) is built from code: a memo of it cannot go stale.
        await Test("""
            using System.Collections.Generic;
            using Microsoft.EntityFrameworkCore;

            public class Product { public int Id { get; set; } }

            public class ShopDb : DbContext
            {
                public DbSet<Product> Products => Set<Product>();
            }

            public static class EntityNames
            {
                private static readonly Dictionary<string, string?> s_clrNames = new();

                public static string? ClrNameOf(ShopDb db, string entity)
                {
                    if (!s_clrNames.TryGetValue(entity, out var name))
                    {
                        name = db.Model.FindEntityType(entity)?.ClrType.Name;
                        s_clrNames[entity] = name;
                    }

                    return name;
                }
            }
            """, References.EntityFrameworkCore)
            .ValidateAsync();
    }


    [Fact]
    public async Task SeenSets_OfWarningsGivenAndOfTypesVisited()
    {
        // What the code has already done (warned once, visited a type) is not data read from outside.
        await Test("""
            using System;
            using System.Collections.Generic;
            using System.IO;

            public static class Warnings
            {
                private static readonly HashSet<string> s_warned = new();
                private static readonly HashSet<Type> s_visited = new();

                public static void WarnOnce(string key, TextWriter log)
                {
                    if (s_warned.Contains(key))
                    {
                        return;
                    }

                    log.WriteLine("warning: " + key);
                    s_warned.Add(key);
                }

                public static bool Visit(Type type)
                {
                    if (s_visited.Contains(type))
                    {
                        return false;
                    }

                    if (File.Exists(type.Name + ".json"))
                    {
                        s_visited.Add(type);
                    }

                    return true;
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task CacheWithAnExplicitSizeBound()
    {
        await Test("""
            using System.Collections.Concurrent;
            using System.Collections.Generic;
            using System.Net.Http;
            using System.Threading.Tasks;

            public static class ShortUrlCache
            {
                private const int MaxEntries = 500;
                private static readonly ConcurrentDictionary<string, string> s_targets = new();
                private static readonly Dictionary<string, string> s_titles = new();
                private static readonly HttpClient Http = new();

                public static async Task<string> ResolveAsync(string code)
                {
                    if (s_targets.TryGetValue(code, out var target))
                    {
                        return target;
                    }

                    target = await Http.GetStringAsync("https://short.example.com/api/" + code);
                    if (s_targets.Count < MaxEntries)
                    {
                        s_targets.TryAdd(code, target);
                    }

                    return target;
                }

                public static async Task<string> TitleAsync(string code)
                {
                    if (s_titles.TryGetValue(code, out var title))
                    {
                        return title;
                    }

                    title = await Http.GetStringAsync("https://short.example.com/title/" + code);
                    if (s_titles.Count >= MaxEntries)
                    {
                        return title;
                    }

                    s_titles[code] = title;
                    return title;
                }
            }
            """)
            .ValidateAsync();
    }

    /// <summary>
    /// A memo of files whose insertions stop at a budget: GUARD is the early exit before the insertion, AFTER what runs
    /// after it, FLAG the members that keep a flag.
    /// </summary>
    private const string ThumbnailBudget = """
        using System.Collections.Concurrent;
        using System.IO;
        using System.Linq;

        public static class Thumbnails
        {
            private const long BudgetBytes = 8_000_000;
            private const int MaxEntries = 200;
            private static readonly ConcurrentDictionary<string, byte[]> {|#0:s_bytes|} = new();
            FLAG

            public static byte[] Get(string path)
            {
                if (s_bytes.TryGetValue(path, out var hit))
                {
                    return hit;
                }

                var data = File.ReadAllBytes(path);
                if (GUARD)
                {
                    return data;
                }

                s_bytes.TryAdd(path, data);
                AFTER
                return data;
            }
        }
        """;

    private static string Budget(string guard, string after = "", string flag = "")
        => ThumbnailBudget.Replace("GUARD", guard).Replace("AFTER", after).Replace("FLAG", flag);

    [Theory]
    [InlineData("s_bytes.Values.Sum(b => (long)b.Length) >= BudgetBytes", "", "")]
    [InlineData("s_bytes.Count() >= MaxEntries", "", "")]
    [InlineData("s_bytes.Keys.Count >= MaxEntries", "", "")]
    [InlineData("!s_accepting", "s_accepting = s_bytes.Values.Sum(b => (long)b.Length) < BudgetBytes;", "private static bool s_accepting = true;")]
    [InlineData("!s_accepting", "s_accepting = s_bytes.Count < MaxEntries;", "private static bool s_accepting = true;")]
    [InlineData("IsFull", "IsFull = s_bytes.Count >= MaxEntries;", "private static bool IsFull { get; set; }")]
    public async Task CacheBoundedByASizeOrAFlagKeptFromIt(string guard, string after, string flag)
    {
        // Insertions stop once the cache holds its budget, measured in entries or bytes, directly or through a flag
        // recomputed from that measure after each insertion: it does not grow without bound.
        await Test(Budget(guard, after, flag).Replace("{|#0:s_bytes|}", "s_bytes")).ValidateAsync();
    }

    [Theory]
    [InlineData("!s_accepting", "s_accepting = s_bytes.Count < MaxEntries;", "private static bool s_accepting = true; public static void Resume() => s_accepting = true;")]
    [InlineData("!s_accepting", "", "private static bool s_accepting = true; public static void Configure(bool on) => s_accepting = on;")]
    [InlineData("!s_accepting", "s_accepting = data.Length < BudgetBytes;", "private static bool s_accepting = true;")]
    [InlineData("s_bytes.Values.Sum(b => (long)b.Length) > 0 && data.Length == 0", "", "")]
    [InlineData("data.Sum(b => (long)b) >= BudgetBytes", "", "")]
    public async Task CacheWhoseGuardDoesNotBoundIt_IsReported(string guard, string after, string flag)
    {
        // A flag anyone can turn back on, one set from something else, or a test of something other than the cache's size.
        await Test(Budget(guard, after, flag))
            .ExpectDiagnostic(DiagnosticResult.Create("SSA001").WithLocation(0).WithMessage(Message("s_bytes", "data read from files")))
            .ValidateAsync();
    }

    [Fact]
    public async Task CacheValidatedOnEveryHit_ByLengthAndTimestamp()
    {
        // Each hit is checked against the file as it is now: a changed file is read again.
        await Test("""
            using System;
            using System.Collections.Concurrent;
            using System.Collections.Generic;
            using System.IO;

            public static class ETags
            {
                private static readonly ConcurrentDictionary<string, (long Length, DateTime LastWrite, string ETag)> s_tags = new();

                public static string Get(FileInfo file)
                {
                    if (s_tags.TryGetValue(file.FullName, out var cached)
                        && cached.Length == file.Length
                        && cached.LastWrite == file.LastWriteTimeUtc)
                    {
                        return cached.ETag;
                    }

                    var tag = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(file.FullName)));
                    s_tags[file.FullName] = (file.Length, file.LastWriteTimeUtc, tag);
                    return tag;
                }
            }

            public sealed class Versioned
            {
                public sealed record Entry(int Version, string Text);

                private static readonly Dictionary<string, Entry> s_texts = new();

                public static string Read(string path, int version)
                {
                    if (s_texts.TryGetValue(path, out Entry? entry))
                    {
                        if (entry.Version.Equals(version))
                        {
                            return entry.Text;
                        }
                    }

                    var text = File.ReadAllText(path);
                    s_texts[path] = new Entry(version, text);
                    return text;
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task EntriesCarryingTheirExpiry_CheckedAgainstTheClockOnEveryHit()
    {
        // A profile-picture memo whose entries expire after an hour: the value holds the expiry, and the hit compares it
        // with the clock. The second cache stamps its entries but never looks at the stamp, and is still reported.
        await Test("""
            using System;
            using System.Collections.Concurrent;
            using System.Net.Http;
            using System.Threading.Tasks;

            public sealed class ProfileRepository
            {
                private static readonly ConcurrentDictionary<string, (string Url, DateTime Expiry)> s_pictures = new();
                private static readonly ConcurrentDictionary<string, (string Name, DateTime Fetched)> {|#0:s_names|} = new();
                private readonly HttpClient _http;

                public ProfileRepository(HttpClient http) => _http = http;

                public async Task<string> PictureAsync(string user)
                {
                    if (s_pictures.ContainsKey(user))
                    {
                        var (url, expiry) = s_pictures[user];
                        if (expiry > DateTime.UtcNow)
                        {
                            return url;
                        }
                    }

                    var fresh = await _http.GetStringAsync("https://api.example.com/pictures/" + user);
                    s_pictures.AddOrUpdate(user, (fresh, DateTime.UtcNow.AddHours(1)), (_, _) => (fresh, DateTime.UtcNow.AddHours(1)));
                    return fresh;
                }

                public async Task<string> NameAsync(string user)
                {
                    if (s_names.TryGetValue(user, out var cached))
                    {
                        return cached.Name;
                    }

                    var name = await _http.GetStringAsync("https://api.example.com/names/" + user);
                    s_names[user] = (name, DateTime.UtcNow);
                    return name;
                }
            }
            """)
            .ExpectDiagnostic(DiagnosticResult.Create("SSA001").WithLocation(0).WithMessage(Message("s_names", "data read over the network")))
            .ValidateAsync();
    }

    /// <summary>
    /// A memo of pending DNS lookups whose entry class stamps itself (STAMP); the lookup trusts an entry for three
    /// minutes (CHECK).
    /// </summary>
    private const string SelfStampedEntries = """
        using System;
        using System.Collections.Concurrent;
        using System.Net;
        using System.Threading.Tasks;

        public sealed class Lookup
        {
            STAMP
            public Task<IPAddress[]> Task { get; set; } = null!;
        }

        public static class HostLookup
        {
            private static readonly ConcurrentDictionary<string, Lookup> {|#0:s_pending|} = new();

            public static Task<IPAddress[]> Resolve(string host)
            {
                if (s_pending.TryGetValue(host, out var entry) && CHECK)
                {
                    return entry.Task;
                }

                var task = Dns.GetHostAddressesAsync(host);
                s_pending[host] = new Lookup { Task = task };
                return task;
            }
        }
        """;

    private const string AgeCheck = "entry.Created > DateTime.Now.AddMinutes(-3)";

    [Theory]
    [InlineData("public DateTime Created { get; } = DateTime.Now;")]
    [InlineData("public DateTime Created;  public Lookup() { Created = DateTime.UtcNow; }")]
    [InlineData("public readonly DateTime Created = DateTime.UtcNow;")]
    public async Task EntriesStampedByTheirOwnClass_CheckedAgainstTheClockOnEveryHit(string stamp)
    {
        // The entry class reads the clock when it is made (an initializer or its constructor): the memo re-resolves a
        // host after three minutes.
        await Test(SelfStampedEntries.Replace("{|#0:s_pending|}", "s_pending").Replace("STAMP", stamp).Replace("CHECK", AgeCheck)).ValidateAsync();
    }

    [Fact]
    public async Task EntriesStampedByTheirOwnClass_InsertedThroughALocal()
    {
        await Test(SelfStampedEntries.Replace("{|#0:s_pending|}", "s_pending").Replace("STAMP", "public DateTime Created { get; } = DateTime.Now;")
                .Replace("CHECK", AgeCheck).Replace("s_pending[host] = new Lookup { Task = task };", "var fresh = new Lookup { Task = task };\n        s_pending[host] = fresh;"))
            .ValidateAsync();
    }

    [Fact]
    public async Task EntriesThroughALocalAlsoSetToAnUnstampedEntry_AreReported()
    {
        // The counterpart: one definition of the local is an entry made long before (a shared placeholder), not stamped now.
        await Test(SelfStampedEntries.Replace("STAMP", "public DateTime Created { get; set; } = DateTime.Now;  public static Lookup Placeholder { get; set; } = new();").Replace("CHECK", AgeCheck)
                .Replace("s_pending[host] = new Lookup { Task = task };", "var fresh = new Lookup { Task = task };\n        if (host.Length == 0) fresh = Lookup.Placeholder;\n        s_pending[host] = fresh;"))
            .ExpectDiagnostic(DiagnosticResult.Create("SSA001").WithLocation(0).WithMessage(Message("s_pending", "data read over the network")))
            .ValidateAsync();
    }

    [Theory]
    [InlineData("public DateTime Created { get; } = DateTime.Now;", "true")]
    [InlineData("public DateTime Created { get; set; }", AgeCheck)]
    public async Task EntriesStampedByTheirOwnClass_ButNeverChecked_AreReported(string stamp, string check)
    {
        // The counterpart: a stamp that no lookup compares with the clock, or an entry that never reads the clock.
        await Test(SelfStampedEntries.Replace("STAMP", stamp).Replace("CHECK", check))
            .ExpectDiagnostic(DiagnosticResult.Create("SSA001").WithLocation(0).WithMessage(Message("s_pending", "data read over the network")))
            .ValidateAsync();
    }

    [Fact]
    public async Task EmbeddedResources_ReadThroughAStreamReader()
    {
        // Resources compiled into the assembly cannot change while the process runs: caching them never goes stale.
        await Test("""
            using System.Collections.Concurrent;
            using System.IO;

            public static class FrontendTexts
            {
                private static readonly ConcurrentDictionary<string, string> Texts = new();

                public static string Get(string culture)
                    => Texts.GetOrAdd(culture, c =>
                    {
                        var stream = typeof(FrontendTexts).Assembly.GetManifestResourceStream($"App.Resources.texts_{c}.json");
                        if (stream is null)
                        {
                            return "{}";
                        }

                        using var reader = new StreamReader(stream);
                        return reader.ReadToEnd();
                    });
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task InstanceField_OfAScopedOrUnregisteredService()
    {
        // A scoped service's cache lives for one request: the per-instance shape SSA001's fix produces.
        await Test("""
            using System.Collections.Concurrent;
            using Microsoft.Extensions.Configuration;
            using Microsoft.Extensions.DependencyInjection;

            public sealed class FeatureFlags
            {
                private readonly IConfiguration _configuration;
                private readonly ConcurrentDictionary<string, bool> _flags = new();

                public FeatureFlags(IConfiguration configuration) => _configuration = configuration;

                public bool IsOn(string name) => _flags.GetOrAdd(name, n => _configuration.GetValue<bool>("Features:" + n));
            }

            public static class Registration
            {
                public static IServiceCollection AddFlags(this IServiceCollection services)
                    => services.AddScoped<FeatureFlags>();
            }
            """, References.AspNetCore)
            .ValidateAsync();
    }

    [Fact]
    public async Task InstanceField_OfASingleton_FilledInItsConstructor()
    {
        // Filled once from options when the singleton is built: a lookup table, not a memo.
        await Test("""
            using System.Collections.Generic;
            using Microsoft.Extensions.Options;
            using Microsoft.Extensions.DependencyInjection;

            public sealed class RoutingOptions { public Dictionary<string, string> Routes { get; set; } = new(); }

            public sealed class RouteTable
            {
                private readonly Dictionary<string, string> _routes = new();

                public RouteTable(IOptions<RoutingOptions> options)
                {
                    foreach (var (key, value) in options.Value.Routes)
                    {
                        if (!_routes.ContainsKey(key))
                        {
                            _routes[key] = value;
                        }
                    }
                }

                public string? Find(string key) => _routes.TryGetValue(key, out var route) ? route : null;
            }

            public static class Registration
            {
                public static IServiceCollection AddRoutes(this IServiceCollection services)
                    => services.AddSingleton<RouteTable>();
            }
            """, References.AspNetCore)
            .ValidateAsync();
    }

    [Fact]
    public async Task LookupTable_FilledInStaticConstructor()
    {
        await Test("""
            using System;
            using System.Collections.Generic;

            public static class Currencies
            {
                private static readonly Dictionary<string, int> Digits = new();

                static Currencies()
                {
                    Digits["EUR"] = 2;
                    Digits["JPY"] = 0;
                    Digits["PATH"] = Environment.GetEnvironmentVariable("DIGITS")?.Length ?? 2;
                }

                public static int For(string code) => Digits.TryGetValue(code, out var digits) ? digits : 2;
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task LookupTable_FromInitializer_ReadOnly()
    {
        await Test("""
            using System.Collections.Generic;

            public sealed class StatusText
            {
                private static readonly Dictionary<int, string> Texts = new()
                {
                    [200] = "OK",
                    [404] = "Not Found",
                };

                public string For(int status) => Texts.TryGetValue(status, out var text) ? text : "Unknown";
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task ReflectionCache_KeyedByType()
    {
        await Test("""
            using System;
            using System.Collections.Concurrent;
            using System.IO;
            using System.Reflection;

            public static class PropertyCache
            {
                private static readonly ConcurrentDictionary<Type, PropertyInfo[]> Properties = new();
                private static readonly ConcurrentDictionary<(Type, string), string> Templates = new();

                public static PropertyInfo[] For(Type type) => Properties.GetOrAdd(type, t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance));

                // A Type-keyed key space is bounded by the program's own types, even when a value comes from a file.
                public static string Template(Type type, string name) => Templates.GetOrAdd((type, name), k => File.ReadAllText(k.Item2));
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task KeyedByATypesOrAssemblysName()
    {
        // The name of an assembly or a type is as bounded a key as the Assembly or Type itself: each assembly's XML
        // documentation file, read once.
        await Test("""
            using System;
            using System.Collections.Concurrent;
            using System.Collections.Generic;
            using System.IO;
            using System.Reflection;
            using System.Xml.Linq;

            public static class XmlDocumentation
            {
                private static readonly ConcurrentDictionary<string, XDocument?> s_documents = new();
                private static readonly Dictionary<string, string> s_summaries = new();

                public static XDocument? For(Assembly assembly)
                {
                    var path = Path.ChangeExtension(assembly.Location, ".xml");
                    var name = assembly.GetName().FullName;
                    return s_documents.GetOrAdd(name, _ => File.Exists(path) ? XDocument.Load(path) : null);
                }

                public static XDocument? ForMember(MemberInfo member)
                    => s_documents.GetOrAdd(member.DeclaringType?.Assembly.FullName ?? "", _ => XDocument.Load(member.Module.Name + ".xml"));

                public static string Summary(Type type)
                {
                    if (!s_summaries.TryGetValue(type.FullName ?? type.Name, out var text))
                    {
                        text = File.ReadAllText(type.Name + ".md");
                        s_summaries[type.FullName ?? type.Name] = text;
                    }

                    return text;
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task KeyedByATypesNameAndMore_IsStillReported()
    {
        await Test("""
            using System;
            using System.Collections.Generic;
            using System.IO;

            public static class Templates
            {
                private static readonly Dictionary<string, string> {|#0:s_templates|} = new();

                public static string For(Type model, string view)
                {
                    var key = model.FullName + "/" + view;
                    if (!s_templates.TryGetValue(key, out var text))
                    {
                        text = File.ReadAllText(Path.Combine("views", view));
                        s_templates[model.Name + "/" + view] = text;
                    }

                    return text;
                }
            }
            """)
            .ExpectDiagnostic(DiagnosticResult.Create("SSA001").WithLocation(0).WithMessage(Message("s_templates", "data read from files")))
            .ValidateAsync();
    }

    [Fact]
    public async Task MemberInfoAndEnumKeys()
    {
        await Test("""
            using System.Collections.Generic;
            using System.IO;
            using System.Reflection;

            public enum Region { Eu, Us }

            public sealed class Lookups
            {
                private static readonly Dictionary<PropertyInfo, string> Names = new();
                private static readonly Dictionary<Region, string> Endpoints = new();

                public string Name(PropertyInfo property)
                {
                    if (!Names.TryGetValue(property, out var name))
                    {
                        name = property.Name.ToLowerInvariant();
                        Names[property] = name;
                    }

                    return name;
                }

                public string Endpoint(Region region)
                {
                    if (!Endpoints.TryGetValue(region, out var endpoint))
                    {
                        endpoint = File.ReadAllText(region + ".txt");
                        Endpoints[region] = endpoint;
                    }

                    return endpoint;
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task MemoryCacheUser()
    {
        await Test("""
            using System;
            using System.IO;
            using Microsoft.Extensions.Caching.Memory;

            public sealed class TemplateService
            {
                private readonly IMemoryCache _cache;

                public TemplateService(IMemoryCache cache) => _cache = cache;

                public string Get(string name) => _cache.GetOrCreate(name, entry =>
                {
                    entry.AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(1);
                    return File.ReadAllText(name);
                })!;
            }
            """, References.MemoryCache)
            .ValidateAsync();
    }

    [Fact]
    public async Task MemoOfCodeDerivedValues()
    {
        await Test("""
            using System;
            using System.Collections.Concurrent;
            using System.Collections.Generic;
            using System.Text.RegularExpressions;

            public static class Patterns
            {
                private static readonly ConcurrentDictionary<string, Regex> Compiled = new();
                private static readonly Dictionary<string, string> Slugs = new();
                private static readonly Dictionary<string, DateTime> FirstSeen = new();

                public static Regex Get(string pattern) => Compiled.GetOrAdd(pattern, p => new Regex(p, RegexOptions.Compiled));

                public static string Slug(string title)
                {
                    lock (Slugs)
                    {
                        if (!Slugs.TryGetValue(title, out var slug))
                        {
                            slug = title.Trim().ToLowerInvariant().Replace(' ', '-');
                            Slugs[title] = slug;
                        }

                        return slug;
                    }
                }

                public static DateTime Seen(string key)
                {
                    if (!FirstSeen.ContainsKey(key))
                    {
                        FirstSeen[key] = DateTime.UtcNow;
                    }

                    return FirstSeen[key];
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Registry_ValuesPassedInByTheCaller()
    {
        await Test("""
            using System;
            using System.Collections.Generic;

            public static class Handlers
            {
                private static readonly Dictionary<string, Func<string, string>> Registered = new();

                public static void Register(string name, Func<string, string> handler)
                {
                    if (Registered.ContainsKey(name))
                    {
                        throw new InvalidOperationException(name + " is registered");
                    }

                    Registered[name] = handler;
                }

                public static string Run(string name, string input) => Registered[name](input);
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task CacheWithEviction()
    {
        await Test("""
            using System.Collections.Concurrent;
            using System.IO;

            public sealed class FileCache
            {
                private static readonly ConcurrentDictionary<string, string> Files = new();

                public string Read(string path) => Files.GetOrAdd(path, File.ReadAllText);

                public void Invalidate(string path) => Files.TryRemove(path, out _);
            }
            """)
            .ValidateAsync();
    }

    /// <summary>
    /// A static memo of file contents whose static constructor subscribes a handler to the store's change event;
    /// HANDLER is that handler's body.
    /// </summary>
    private const string TagCacheWithAHandler = """
        using System;
        using System.Collections.Generic;
        using System.IO;

        public static class TagFiles
        {
            public static event Action<string>? Changed;

            public static void Write(string path, string text)
            {
                File.WriteAllText(path, text);
                Changed?.Invoke(path);
            }
        }

        public static class TagCache
        {
            private static readonly object s_gate = new();
            private static readonly Dictionary<string, string> {|#0:s_tags|} = new();

            static TagCache()
            {
                TagFiles.Changed += path => { HANDLER };
                LocalHandler();

                void LocalHandler() { }
            }

            public static string For(string path)
            {
                lock (s_gate)
                {
                    if (!s_tags.TryGetValue(path, out var tags))
                    {
                        s_tags[path] = tags = File.ReadAllText(path);
                    }

                    return tags;
                }
            }
        }
        """;

    [Theory]
    [InlineData("lock (s_gate) { s_tags.Remove(path); }")]
    [InlineData("lock (s_gate) { s_tags.Clear(); }")]
    public async Task CacheEvictedByAHandlerTheStaticConstructorSubscribes(string handler)
    {
        // The handler runs whenever a file changes, long after the type is initialized: the owner invalidates.
        await Test(TagCacheWithAHandler.Replace("HANDLER", handler).Replace("{|#0:s_tags|}", "s_tags"))
            .ValidateAsync();
    }

    [Fact]
    public async Task CacheCleared_OnlyWhileTheStaticConstructorRuns_IsReported()
    {
        // A Clear that runs once, in the static constructor itself, evicts nothing later.
        await Test(TagCacheWithAHandler.Replace("HANDLER", "Console.WriteLine(path);").Replace("LocalHandler();", "s_tags.Clear();"))
            .ExpectDiagnostic(DiagnosticResult.Create("SSA001").WithLocation(0).WithMessage(Message("s_tags", "data read from files")))
            .ValidateAsync();
    }

    /// <summary>
    /// A singleton's memo of validation settings per schema, built by running the configuration callbacks that named
    /// options hold; MEMBERS is what the options class holds besides them.
    /// </summary>
    private const string SettingsBuiltFromNamedOptionsOfCallbacks = """
        using System;
        using System.Collections.Concurrent;
        using System.Collections.Generic;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.Options;

        public sealed class ValidationSettings { public int MaxErrors { get; set; } = 10; }

        public sealed class ValidationModifiers
        {
            public List<Action<ValidationSettings>> Modifiers { get; } = new();
            MEMBERS
        }

        public sealed class ValidationConfiguration
        {
            private readonly ConcurrentDictionary<string, ValidationSettings> {|#0:_bySchema|} = new();
            private readonly IOptionsMonitor<ValidationModifiers> _modifiers;

            public ValidationConfiguration(IOptionsMonitor<ValidationModifiers> modifiers) => _modifiers = modifiers;

            public ValidationSettings For(string schema) => _bySchema.GetOrAdd(schema, Build);

            private ValidationSettings Build(string schema)
            {
                var settings = new ValidationSettings();
                foreach (var modify in _modifiers.Get(schema).Modifiers)
                {
                    modify(settings);
                }

                return settings;
            }
        }

        public static class ValidationRegistration
        {
            public static IServiceCollection AddValidation(this IServiceCollection services, string schema, Action<ValidationSettings> modify)
            {
                services.AddSingleton<ValidationConfiguration>();
                services.Configure<ValidationModifiers>(schema, m => m.Modifiers.Add(modify));
                return services;
            }
        }
        """;

    [Theory]
    [InlineData("")]
    [InlineData("public Dictionary<string, Func<string, bool>> Rules { get; } = new();")]
    public async Task MemoOfWhatOptionsOfCallbacksBuild(string members)
    {
        // The options hold only code (callbacks the app registered while composing): what they build is code-derived,
        // the same in every process and for as long as this one runs.
        await Test(SettingsBuiltFromNamedOptionsOfCallbacks.Replace("MEMBERS", members).Replace("{|#0:_bySchema|}", "_bySchema"), References.AspNetCore)
            .ValidateAsync();
    }

    [Theory]
    [InlineData("public int MaxDepth { get; set; }")]
    [InlineData("public List<string> Hosts { get; } = new();")]
    public async Task MemoOfWhatOptionsBuild_OptionsThatAlsoHoldValues_IsReported(string members)
    {
        // A value in the options may come from configuration, which can change while the process runs.
        await Test(SettingsBuiltFromNamedOptionsOfCallbacks.Replace("MEMBERS", members), References.AspNetCore)
            .ExpectDiagnostic(DiagnosticResult.Create("SSA001").WithLocation(0).WithMessage(Message("_bySchema", "configuration values")))
            .ValidateAsync();
    }

    [Fact]
    public async Task InstanceDictionary_OfAnOrdinaryClass()
    {
        await Test("""
            using System.Collections.Generic;
            using System.IO;

            public sealed class RequestScopedReader
            {
                private readonly Dictionary<string, string> _seen = new();

                public string Read(string path)
                {
                    if (!_seen.TryGetValue(path, out var text))
                    {
                        text = File.ReadAllText(path);
                        _seen[path] = text;
                    }

                    return text;
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task ThreadStaticDictionary()
    {
        await Test("""
            using System;
            using System.Collections.Generic;
            using System.IO;

            public sealed class PerThread
            {
                [ThreadStatic]
                private static Dictionary<string, string>? _buffers;

                public string Read(string path)
                {
                    var buffers = _buffers ??= new Dictionary<string, string>();
                    if (!buffers.TryGetValue(path, out var text))
                    {
                        text = File.ReadAllText(path);
                        buffers[path] = text;
                    }

                    return text;
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task FilledAtStartup_ReadElsewhere()
    {
        await Test("""
            using System.Collections.Generic;
            using Microsoft.Extensions.Configuration;

            public static class Routes
            {
                private static readonly Dictionary<string, string> Map = new();

                public static void Load(IConfiguration configuration)
                {
                    foreach (var section in configuration.GetSection("Routes").GetChildren())
                    {
                        Map[section.Key] = section.Value ?? "";
                    }
                }

                public static string? Find(string key) => Map.TryGetValue(key, out var value) ? value : null;
            }
            """, References.AspNetCore)
            .ValidateAsync();
    }

    [Fact]
    public async Task FrameworkInterfacesAreNotExternal()
    {
        await Test("""
            using System.Collections.Generic;

            public sealed class Ranker
            {
                private static readonly Dictionary<string, int> Ranks = new();
                private readonly IComparer<string> _comparer = StringComparer.Ordinal;
                private readonly IEnumerable<string> _names = new[] { "a", "b" };

                public int Rank(string name)
                {
                    if (!Ranks.TryGetValue(name, out var rank))
                    {
                        rank = 0;
                        foreach (var other in _names)
                        {
                            if (_comparer.Compare(other, name) < 0)
                            {
                                rank++;
                            }
                        }

                        Ranks[name] = rank;
                    }

                    return rank;
                }
            }

            public sealed class StringComparer
            {
                public static IComparer<string> Ordinal => Comparer<string>.Default;
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task GeneratedCode()
    {
        await Test("""
            // <auto-generated/>
            using System.Collections.Generic;
            using System.IO;

            public sealed class Generated
            {
                private static readonly Dictionary<string, string> Cache = new();

                public string Get(string path)
                {
                    if (!Cache.TryGetValue(path, out var text))
                    {
                        text = File.ReadAllText(path);
                        Cache[path] = text;
                    }

                    return text;
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task DataAccessLibrarysOwnCacheOfGeneratedCode()
    {
        // A micro-ORM analyzed in its own source: its namespace is a data-access library's, but the cached value is a
        // delegate its own code emits from the query's shape. Its methods are followed, not judged by the namespace.
        await Test("""
            using System;
            using System.Collections.Generic;
            using System.Data;
            using System.Reflection.Emit;

            namespace Dapper
            {
                public sealed class Identity : IEquatable<Identity>
                {
                    public Identity(string sql, Type type) { Sql = sql; Type = type; }
                    public string Sql { get; }
                    public Type Type { get; }
                    public bool Equals(Identity? other) => other is not null && other.Sql == Sql && other.Type == Type;
                    public override bool Equals(object? obj) => Equals(obj as Identity);
                    public override int GetHashCode() => HashCode.Combine(Sql, Type);
                }

                public sealed class Parameters
                {
                    private static readonly Dictionary<Identity, Action<IDbCommand, object>> s_appenders = new();

                    public void AddTo(IDbCommand command, Identity identity, object template)
                    {
                        Action<IDbCommand, object> appender;
                        lock (s_appenders)
                        {
                            if (!s_appenders.TryGetValue(identity, out appender!))
                            {
                                appender = Mapper.CreateAppender(identity);
                                s_appenders[identity] = appender;
                            }
                        }

                        appender(command, template);
                    }
                }

                public static class Mapper
                {
                    public static Action<IDbCommand, object> CreateAppender(Identity identity)
                    {
                        var method = new DynamicMethod("Add" + identity.Type.Name, null, new[] { typeof(IDbCommand), typeof(object) });
                        var il = method.GetILGenerator();
                        foreach (var property in identity.Type.GetProperties())
                        {
                            il.Emit(OpCodes.Ldarg_0);
                            il.Emit(OpCodes.Ldstr, property.Name);
                            il.Emit(OpCodes.Pop);
                            il.Emit(OpCodes.Pop);
                        }

                        il.Emit(OpCodes.Ret);
                        return (Action<IDbCommand, object>)method.CreateDelegate(typeof(Action<IDbCommand, object>));
                    }
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task FactoryBuildingARowReader_WhoseStoredLambdaReadsRowsWhenCalled()
    {
        await Test("""
            using System;
            using System.Collections.Concurrent;
            using System.Data.Common;

            public static class Select
            {
                private static readonly ConcurrentDictionary<string, RowReader> s_readers = new();

                public static RowReader For(string table) => s_readers.GetOrAdd(table, t => new RowReader
                {
                    Columns = t + ".*",
                    Read = row =>
                    {
                        var name = row.GetName(0);
                        return name;
                    },
                });
            }
            """ + SharedShapes.RowReaderType)
            .ValidateAsync();
    }

    [Fact]
    public async Task CacheOfDelegates_ThatCallTheDatabaseWhenInvoked()
    {
        // The cached value is code: building it touches no database, calling it later does, on the caller's command.
        await Test("""
            using System;
            using System.Collections.Generic;
            using System.Data;

            public sealed class ParameterBinder
            {
                private static readonly Dictionary<Type, Action<IDbCommand, object>> s_binders = new();

                public void Bind(IDbCommand command, object parameters)
                {
                    var type = parameters.GetType();
                    Action<IDbCommand, object> binder;
                    lock (s_binders)
                    {
                        if (!s_binders.TryGetValue(type, out binder!))
                        {
                            binder = CreateBinder(type.GetProperties());
                            s_binders[type] = binder;
                        }
                    }

                    binder(command, parameters);
                }

                private static Action<IDbCommand, object> CreateBinder(System.Reflection.PropertyInfo[] properties)
                    => (command, value) =>
                    {
                        foreach (var property in properties)
                        {
                            var parameter = command.CreateParameter();
                            parameter.ParameterName = property.Name;
                            parameter.Value = property.GetValue(value);
                            command.Parameters.Add(parameter);
                        }
                    };
            }

            public sealed class SqlTextBinder
            {
                private static readonly Dictionary<string, Action<IDbCommand>> s_byText = new();

                public void Bind(IDbCommand command, string sql)
                {
                    if (!s_byText.TryGetValue(sql, out var binder))
                    {
                        binder = Compile(sql);
                        s_byText[sql] = binder;
                    }

                    binder(command);
                }

                private static Action<IDbCommand> Compile(string sql) => command => command.CommandText = sql;
            }
            """)
            .ValidateAsync();
    }

    /// <summary>
    /// A static memo of labels read through a generic interface (<c>ILabel&lt;T&gt;</c>) that one generic class of the
    /// compilation implements; <c>NAME</c> is what the implementation returns.
    /// </summary>
    private const string LabelsThroughAGenericInterface = """
        using System;
        using System.Collections.Concurrent;
        using System.IO;

        public interface ILabel<T>
        {
            string Name { get; }
        }

        public sealed class TypeLabel<T> : ILabel<T>
        {
            private static readonly Lazy<ILabel<T>> s_instance = new(() => new TypeLabel<T>());

            public static string Name => s_instance.Value.Name;

            string ILabel<T>.Name => NAME;
        }

        public static class Labels
        {
            private static readonly ConcurrentDictionary<string, string> {|#0:s_cleaned|} = new();

            public static string For<THandler, TMessage>()
                => s_cleaned.GetOrAdd(TypeLabel<THandler>.Name, handler => handler.Replace("<" + TypeLabel<TMessage>.Name + ">", "_message"));
        }
        """;

    [Fact]
    public async Task ImplementedGenericInterfaceThatOnlyComputes()
    {
        await Test(LabelsThroughAGenericInterface.Replace("{|#0:s_cleaned|}", "s_cleaned").Replace("NAME", "typeof(T).Name"))
            .ValidateAsync();
    }

    [Fact]
    public async Task ImplementedGenericInterfaceThatReadsFiles_IsReported()
    {
        await Test(LabelsThroughAGenericInterface.Replace("NAME", "File.ReadAllText(typeof(T).Name + \".label\")"))
            .ExpectDiagnostic(DiagnosticResult.Create("SSA001").WithLocation(0).WithMessage(Message("s_cleaned", "data read from files")))
            .ValidateAsync();
    }

    [Fact]
    public async Task ImplementedInterfaceThatOnlyComputes()
    {
        await Test("""
            using System.Collections.Generic;

            public interface IPricing
            {
                decimal PriceFor(string sku);
            }

            public sealed class FlatPricing : IPricing
            {
                public decimal PriceFor(string sku) => sku.Length * 1.5m;
            }

            public sealed class PriceMemo
            {
                private static readonly Dictionary<string, decimal> Prices = new();
                private readonly IPricing _pricing = new FlatPricing();

                public decimal Get(string sku)
                {
                    if (!Prices.TryGetValue(sku, out var price))
                    {
                        price = _pricing.PriceFor(sku);
                        Prices[sku] = price;
                    }

                    return price;
                }
            }
            """)
            .ValidateAsync();
    }

    /// <summary>A memo of one HTTP client per name; BUILD makes the client.</summary>
    private const string ClientPerName = """
        using System.Collections.Generic;
        using System.Net;
        using System.Net.Http;
        using System.Threading.Tasks;

        public static class Clients
        {
            private static readonly object s_gate = new();
            private static readonly Dictionary<string, HttpClient> {|#0:s_clients|} = new();

            public static HttpClient For(string name, string user, string password)
            {
                lock (s_gate)
                {
                    if (!s_clients.ContainsKey(name))
                    {
                        BUILD
                        s_clients.Add(name, client);
                    }

                    return s_clients[name];
                }
            }
        }
        """;

    [Theory]
    [InlineData("var client = new HttpClient(new SocketsHttpHandler { Credentials = new NetworkCredential(user, password), UseProxy = false });")]
    [InlineData("var handler = new HttpClientHandler(); handler.Credentials = new NetworkCredential(user, password); var client = new HttpClient(handler);")]
    public async Task ClientPerName_ConfiguredByPropertySets_IsLeftAlone(string build)
    {
        // Setting a handler's properties writes configuration into a new client; nothing is read from the network, and
        // the memo holds clients, not data (DotnetSpider's HttpClientFactory).
        await Test(ClientPerName.Replace("BUILD", build).Replace("{|#0:s_clients|}", "s_clients"))
            .ValidateAsync();
    }

    [Fact]
    public async Task ClientPerName_BuiltFromAResponse_IsReported()
    {
        // A client whose base address comes from a response: data read over the network, cached under the name.
        await Test(ClientPerName.Replace(
                "BUILD",
                "var baseAddress = new HttpClient().GetStringAsync(\"https://registry/\" + name).Result; var client = new HttpClient { BaseAddress = new System.Uri(baseAddress) };"))
            .ExpectDiagnostic(DiagnosticResult.Create("SSA001").WithLocation(0).WithMessage(Message("s_clients", "data read over the network")))
            .ValidateAsync();
    }

    /// <summary>A room registry of a SignalR hub; STORE is how the joining user goes into the room's list.</summary>
    private const string RoomRegistry = """
        using System.Collections.Concurrent;
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using Microsoft.AspNetCore.SignalR;

        public sealed class Member
        {
            public string ConnectionId { get; set; } = "";
            public string Name { get; set; } = "";
        }

        public sealed class RoomHub : Hub
        {
            private static readonly ConcurrentDictionary<string, List<Member>> {|#0:Rooms|} = new();

            public async Task Join(string room)
            {
                var member = new Member { ConnectionId = Context.ConnectionId, Name = Context.User?.Identity?.Name ?? "" };
                STORE
                await Groups.AddToGroupAsync(Context.ConnectionId, room);
            }
        }
        """;

    [Theory]
    [InlineData("var members = Rooms.GetValueOrDefault(room) ?? new List<Member>(); members.Add(member); Rooms[room] = members;")]
    [InlineData("Rooms.TryAdd(room, new List<Member>()); var members = Rooms[room] ?? []; members.Add(member); Rooms[room] = members;")]
    [InlineData("if (!Rooms.TryGetValue(room, out var members)) { members = new List<Member>(); } members.Add(member); Rooms[room] = members;")]
    [InlineData("var members = Rooms.GetOrAdd(room, _ => new List<Member>()); members.Add(member); Rooms.AddOrUpdate(room, members, (_, _) => members);")]
    public async Task RoomEntry_StoredBack_IsLeftAlone(string store)
    {
        // The room's own list, read from the registry (or made empty where the room is new), gets the member and is put
        // back: a registry of who is in which room, like GetOrAdd(room, _ => new List<Member>()).Add(member). Nothing
        // is loaded from outside and cached under the room (mix.core's BaseSignalrHub.Rooms).
        await Test(RoomRegistry.Replace("STORE", store).Replace("{|#0:Rooms|}", "Rooms"), References.AspNetCore)
            .ValidateAsync();
    }

    [Theory]
    [InlineData("var members = Rooms.GetValueOrDefault(room) ?? new List<Member> { member }; Rooms[room] = members;")]
    [InlineData("var members = Rooms.GetValueOrDefault(room) ?? new List<Member>(); members.Add(member); var copy = new List<Member>(members); Rooms[room] = copy;")]
    [InlineData("if (!Rooms.TryGetValue(room, out var members)) { members = new List<Member> { member }; } Rooms[room] = members;")]
    [InlineData("var members = Rooms.GetValueOrDefault(room) ?? new List<Member>(); members.Add(member); members = new List<Member> { member }; Rooms[room] = members;")]
    public async Task RoomEntry_NewListWithTheRequestsUser_IsReported(string store)
    {
        // A new list that holds the caller (not the registry's own entry stored back) caches the request's user.
        await Test(RoomRegistry.Replace("STORE", store), References.AspNetCore)
            .ExpectDiagnostic(DiagnosticResult.Create("SSA001").WithLocation(0).WithMessage(Message("Rooms", "request data")))
            .ValidateAsync();
    }

    /// <summary>A memo of pages read from disk; PAGE is the type of what it holds.</summary>
    private const string FileMemoOf = """
        using System.Collections.Concurrent;
        using System.IO;

        public static class Pages
        {
            private static readonly ConcurrentDictionary<string, PAGE> {|#0:s_pages|} = new();

            public static PAGE Get(string path) => s_pages.GetOrAdd(path, p => new PAGE(File.ReadAllText(p)));
        }
        """;

    [Theory]
    [InlineData("Page")]
    [InlineData("Markup.Page")]
    public async Task Memo_OfATypeThatDoesNotResolve(string page)
    {
        // The page type's package is missing (or its name is still being typed): what the cache holds cannot be seen,
        // so it is not judged.
        await Test(FileMemoOf.Replace("PAGE", page).Replace("{|#0:s_pages|}", "s_pages"))
            .AllowCompilerErrors()
            .ValidateAsync();
    }

    [Fact]
    public async Task Memo_OfATypeThatResolves_IsReported()
    {
        await Test(FileMemoOf.Replace("PAGE", "System.Text.StringBuilder"))
            .ExpectDiagnostic(DiagnosticResult.Create("SSA001").WithLocation(0).WithMessage(Message("s_pages", "data read from files")))
            .ValidateAsync();
    }

    [Theory]
    [InlineData("private static readonly Dictionary<string, string> _c = new();\n public string Get(string k) { if (!_c.TryGetValue(k, out var v)) { v = File.ReadAllText(k); _c[k] = ")]
    [InlineData("private static readonly Dictionary<string, string> _c = new();\n public string Get(string k) => _c.GetOrAdd(k, File.")]
    [InlineData("private static readonly Dictionary<string, > _c = new();\n public string Get(string k) { _c[k] = File.ReadAllText(k); return _c[")]
    [InlineData("private static readonly Dictionary<string, string> _c = new();\n public string Get(string k) { if (!_c.ContainsKey(k)) _c[k] = Undefined.Load(k); return _c[k]; } }")]
    public async Task HalfTypedCode_DoesNotThrow(string member)
    {
        // The verifier fails on any analyzer exception; which diagnostics broken code gets is not asserted beyond their ID.
        var result = await AnalyzerTest.Create<StaticCacheAnalyzer>()
            .WithSource("using System.Collections.Generic;\nusing System.IO;\npublic class C {\n" + member)
            .AllowCompilerErrors()
            .AllowUnexpectedDiagnostics()
            .ValidateAsync();
        Assert.NotEmpty(result.CompilerDiagnostics);
        Assert.All(result.AnalyzerDiagnostics, diagnostic => Assert.Equal("SSA001", diagnostic.Id));
    }
}
