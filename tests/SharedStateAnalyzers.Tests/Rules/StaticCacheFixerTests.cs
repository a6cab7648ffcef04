using Microsoft.CodeAnalysis.CodeFixes;
using SharedStateAnalyzers.CodeFixes;
using SharedStateAnalyzers.Rules;
using SharedStateAnalyzers.Tests.Verification;

namespace SharedStateAnalyzers.Tests.Rules;

/// <summary>SSA001's fixes: exact output, Fix All, where they are not offered. The verifier compiles every fixed output.</summary>
public sealed class StaticCacheFixerTests
{
    private static AnalyzerTest Test(References references = References.MemoryCache)
        => AnalyzerTest.Create<StaticCacheAnalyzer>().WithCodeFix<StaticCacheFixer>().WithReferences(references);

    [Fact]
    public async Task UseMemoryCache_Seed_ContainsKeyThenInsert_AddsConstructor()
    {
        await Test(References.MemoryCache | References.EntityFrameworkCore)
            .WithCodeFixEquivalenceKey(StaticCacheFixer.UseMemoryCacheKey)
            .WithSource("""
                using System.Collections.Generic;
                using System.Linq;
                using Microsoft.EntityFrameworkCore;

                namespace Crawlers;

                public sealed class CarrierConfig { public string ScacCode { get; set; } = ""; public bool Enabled { get; set; } }

                public sealed class ConfigDbContext : DbContext
                {
                    public DbSet<CarrierConfig> Carriers => Set<CarrierConfig>();
                }

                public sealed class ConfigGetter
                {
                    // Rows of the configuration table, by carrier.
                    private static readonly Dictionary<string, CarrierConfig> [|_configCache|] = new();

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
                """)
            .ShouldFixCodeWith("""
                using System;
                using System.Collections.Generic;
                using System.Linq;
                using Microsoft.EntityFrameworkCore;
                using Microsoft.Extensions.Caching.Memory;

                namespace Crawlers;

                public sealed class CarrierConfig { public string ScacCode { get; set; } = ""; public bool Enabled { get; set; } }

                public sealed class ConfigDbContext : DbContext
                {
                    public DbSet<CarrierConfig> Carriers => Set<CarrierConfig>();
                }

                public sealed class ConfigGetter
                {
                    // Rows of the configuration table, by carrier.
                    private readonly IMemoryCache _configCache;

                    public ConfigGetter(IMemoryCache configCache)
                    {
                        _configCache = configCache;
                    }

                    public CarrierConfig GetConfig(string scacCode)
                    {
                        return _configCache.GetOrCreate<CarrierConfig>(("Crawlers.ConfigGetter._configCache", scacCode), entry =>
                        {
                            entry.AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5);
                            var config = PrepareConfig(scacCode);
                            return config;
                        })!;
                    }

                    private CarrierConfig PrepareConfig(string scacCode)
                    {
                        using var db = new ConfigDbContext();
                        return db.Carriers.AsNoTracking().Single(c => c.ScacCode == scacCode);
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task UseMemoryCache_TryGetValueThenInsert_ExtendsTheConstructor_KeepsComments()
    {
        await Test()
            .WithCodeFixEquivalenceKey(StaticCacheFixer.UseMemoryCacheKey)
            .WithSource("""
                using System;
                using System.Collections.Generic;
                using System.IO;
                using Microsoft.Extensions.Caching.Memory;

                namespace Shop;

                public sealed class PriceLookup
                {
                    private static readonly Dictionary<string, decimal> [|_prices|] = new();
                    private readonly string _folder;

                    public PriceLookup(string folder)
                    {
                        _folder = folder;
                    }

                    public decimal GetPrice(string sku)
                    {
                        if (!_prices.TryGetValue(sku, out var price))
                        {
                            // One file per SKU.
                            price = decimal.Parse(File.ReadAllText(Path.Combine(_folder, sku)));
                            _prices[sku] = price;
                        }

                        return price;
                    }
                }
                """)
            .ShouldFixCodeWith("""
                using System;
                using System.Collections.Generic;
                using System.IO;
                using Microsoft.Extensions.Caching.Memory;

                namespace Shop;

                public sealed class PriceLookup
                {
                    private readonly IMemoryCache _prices;
                    private readonly string _folder;

                    public PriceLookup(string folder, IMemoryCache prices)
                    {
                        _folder = folder;
                        _prices = prices;
                    }

                    public decimal GetPrice(string sku)
                    {
                        var price = _prices.GetOrCreate<decimal>(("Shop.PriceLookup._prices", sku), entry =>
                        {
                            entry.AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5);
                            // One file per SKU.
                            return decimal.Parse(File.ReadAllText(Path.Combine(_folder, sku)));
                        });

                        return price;
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task UseMemoryCache_AsyncEarlyReturn_BecomesGetOrCreateAsync()
    {
        await Test()
            .WithCodeFixEquivalenceKey(StaticCacheFixer.UseMemoryCacheKey)
            .WithSource("""
                using System.Collections.Generic;
                using System.Net.Http;
                using System.Threading.Tasks;

                public sealed class ProfileClient
                {
                    private static readonly Dictionary<string, string> [|_profiles|] = new();
                    private readonly HttpClient _http;

                    public ProfileClient(HttpClient http)
                    {
                        _http = http;
                    }

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
            .ShouldFixCodeWith("""
                using System;
                using System.Collections.Generic;
                using System.Net.Http;
                using System.Threading.Tasks;
                using Microsoft.Extensions.Caching.Memory;

                public sealed class ProfileClient
                {
                    private readonly IMemoryCache _profiles;
                    private readonly HttpClient _http;

                    public ProfileClient(HttpClient http, IMemoryCache profiles)
                    {
                        _http = http;
                        _profiles = profiles;
                    }

                    public async Task<string> GetProfileAsync(string userId)
                    {
                        return (await _profiles.GetOrCreateAsync<string>(("ProfileClient._profiles", userId), async entry =>
                        {
                            entry.AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5);
                            var profile = await _http.GetStringAsync("https://profiles.example/" + userId);
                            return profile;
                        }))!;
                    }
                }
                """)
            .ValidateAsync();
    }

    private const string StockSource = """
        using System.Collections.Concurrent;
        using System.IO;
        using System.Threading.Tasks;

        namespace Shop;

        public interface IStockSource
        {
            Task<int> CountAsync(string sku);
        }

        public class StockService
        {
            private static readonly ConcurrentDictionary<string, Task<int>> [|s_stock|] = new();
            private static readonly ConcurrentDictionary<string, string> [|s_descriptions|] = new();
            private readonly IStockSource _source;

            public StockService(IStockSource source)
            {
                _source = source;
            }

            public Task<int> StockAsync(string sku) => s_stock.GetOrAdd(sku, key => _source.CountAsync(key));

            public string Description(string sku) => s_descriptions.GetOrAdd(sku, ReadDescription);

            private static string ReadDescription(string sku) => File.ReadAllText(sku + ".txt");
        }
        """;

    private const string StockFixed = """
        using System;
        using System.Collections.Concurrent;
        using System.IO;
        using System.Threading.Tasks;
        using Microsoft.Extensions.Caching.Memory;

        namespace Shop;

        public interface IStockSource
        {
            Task<int> CountAsync(string sku);
        }

        public class StockService
        {
            private readonly IMemoryCache _stock;
            private readonly IMemoryCache _descriptions;
            private readonly IStockSource _source;

            public StockService(IStockSource source, IMemoryCache stock, IMemoryCache descriptions)
            {
                _source = source;
                _stock = stock;
                _descriptions = descriptions;
            }

            public Task<int> StockAsync(string sku) => _stock.GetOrCreate<Task<int>>(("Shop.StockService._stock", sku), entry =>
            {
                entry.AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5);
                return _source.CountAsync(sku);
            })!;

            public string Description(string sku) => _descriptions.GetOrCreate<string>(("Shop.StockService._descriptions", sku), entry =>
            {
                entry.AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5);
                return ReadDescription(sku);
            })!;

            private static string ReadDescription(string sku) => File.ReadAllText(sku + ".txt");
        }
        """;

    [Fact]
    public async Task UseMemoryCache_GetOrAdd_LambdaAndMethodGroup_FixAllInDocument()
    {
        await Test()
            .WithCodeFixEquivalenceKey(StaticCacheFixer.UseMemoryCacheKey)
            .WithSource(StockSource)
            .ShouldFixCodeWith(StockFixed)
            .ValidateAsync();
    }

    [Fact]
    public async Task MakePerInstance_IsTheOnlyFixWithoutMemoryCache_AndUnqualifiesReferences()
    {
        await Test(References.Net)
            .WithSource("""
                using System.Collections.Generic;
                using System.IO;

                namespace Shop;

                public sealed class PriceLookup
                {
                    /// <summary>Prices by SKU.</summary>
                    private static readonly Dictionary<string, decimal> [|s_prices|] = new();

                    public decimal GetPrice(string sku)
                    {
                        if (!PriceLookup.s_prices.TryGetValue(sku, out var price))
                        {
                            price = decimal.Parse(File.ReadAllText(sku));
                            PriceLookup.s_prices[sku] = price;
                        }

                        return price;
                    }
                }
                """)
            .ShouldFixCodeWith("""
                using System.Collections.Generic;
                using System.IO;

                namespace Shop;

                public sealed class PriceLookup
                {
                    /// <summary>Prices by SKU.</summary>
                    private readonly Dictionary<string, decimal> _prices = new();

                    public decimal GetPrice(string sku)
                    {
                        if (!_prices.TryGetValue(sku, out var price))
                        {
                            price = decimal.Parse(File.ReadAllText(sku));
                            _prices[sku] = price;
                        }

                        return price;
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task MakePerInstance_FixAllAcrossDocuments()
    {
        const string first = """
            using System.Collections.Generic;
            using System.IO;

            public sealed class Templates
            {
                static Dictionary<string, string> [|_templates|] = new();

                public string Get(string name)
                {
                    if (!_templates.ContainsKey(name))
                    {
                        _templates[name] = File.ReadAllText(name);
                    }

                    return _templates[name];
                }
            }
            """;
        const string second = """
            using System;
            using System.Collections.Generic;

            public sealed class Variables
            {
                private static Dictionary<string, string?> [|Values|] { get; } = new();

                public string? Get(string name)
                {
                    if (!Values.TryGetValue(name, out var value))
                    {
                        value = Environment.GetEnvironmentVariable(name);
                        Values[name] = value;
                    }

                    return value;
                }
            }
            """;
        await Test(References.Net)
            .WithCodeFixEquivalenceKey(StaticCacheFixer.MakePerInstanceKey)
            .WithSource("Templates.cs", first)
            .WithSource("Variables.cs", second)
            .WithFixAllScopes(FixAllScope.Project, FixAllScope.Solution)
            .ShouldFixCodeWith("Templates.cs", first.Replace("static Dictionary", "Dictionary").Replace("[|_templates|]", "_templates"))
            .ShouldFixCodeWith("Variables.cs", second.Replace("private static Dictionary", "private Dictionary").Replace("[|Values|]", "Values"))
            .ValidateAsync();
    }

    private const string SeenSetSource = """
        using System.Collections.Generic;
        using System.IO;

        public sealed class ReportIndex
        {
            private static readonly HashSet<string> [|s_published|] = new();

            public bool IsPublished(string name)
            {
                if (s_published.Contains(name))
                {
                    return true;
                }

                if (File.Exists("published/" + name))
                {
                    s_published.Add(name);
                    return true;
                }

                return false;
            }
        }
        """;

    [Fact]
    public async Task SeenSet_MakePerInstance()
    {
        await Test(References.Net)
            .WithCodeFixEquivalenceKey(StaticCacheFixer.MakePerInstanceKey)
            .WithSource(SeenSetSource)
            .ShouldFixCodeWith(SeenSetSource.Replace("private static readonly HashSet", "private readonly HashSet").Replace("[|s_published|]", "_published").Replace("s_published", "_published"))
            .ValidateAsync();
    }

    [Theory]
    [InlineData(StaticCacheFixer.UseMemoryCacheKey)]
    [InlineData(StaticCacheFixer.MakeInvalidatableKey)]
    public async Task SeenSet_NoMemoryCacheFix(string key)
    {
        // A memory cache maps keys to values; a set's membership has no exact rewrite into one.
        await Test(References.Net)
            .WithCodeFixEquivalenceKey(key)
            .WithSource(SeenSetSource)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    private const string SingletonSource = """
        using System.Collections.Generic;
        using System.IO;

        public sealed class ConfigGetter
        {
            private static ConfigGetter? _instance;

            // One entry per configuration file.
            private static readonly Dictionary<string, string> [|_configCache|] = new();

            private ConfigGetter()
            {
            }

            public static ConfigGetter Instance => _instance ??= new ConfigGetter();

            public string GetConfig(string key)
            {
                if (!_configCache.ContainsKey(key))
                {
                    _configCache[key] = File.ReadAllText(key);
                }

                return _configCache[key];
            }
        }
        """;

    [Theory]
    [InlineData(StaticCacheFixer.UseMemoryCacheKey)]
    [InlineData(StaticCacheFixer.MakePerInstanceKey)]
    public async Task NoInjectedOrPerInstanceFix_ForAHandRolledSingleton(string key)
    {
        // The instance lives as long as the process, and a private constructor cannot take an injected cache:
        // moving the state into the container is SSA004's fix.
        await Test()
            .WithCodeFixEquivalenceKey(key)
            .WithSource(SingletonSource)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task MakeInvalidatable_HandRolledSingleton_IsTheFixDotnetFormatApplies()
    {
        // No key: the first fix offered. For a singleton only the invalidatable cache is exact.
        await Test()
            .WithSource(SingletonSource)
            .ShouldFixCodeWith("""
                using System;
                using System.Collections.Generic;
                using System.IO;
                using Microsoft.Extensions.Caching.Memory;

                public sealed class ConfigGetter
                {
                    private static ConfigGetter? _instance;

                    // One entry per configuration file.
                    private static readonly MemoryCache _configCache = new MemoryCache(new MemoryCacheOptions());

                    /// <summary>Evicts one entry: call it after the data behind <paramref name="key"/> changes.</summary>
                    public static void InvalidateConfigCache(string key) => _configCache.Remove(key);

                    /// <summary>Evicts every entry.</summary>
                    public static void ClearConfigCache() => _configCache.Clear();

                    private ConfigGetter()
                    {
                    }

                    public static ConfigGetter Instance => _instance ??= new ConfigGetter();

                    public string GetConfig(string key)
                    {
                        return _configCache.GetOrCreate<string>(key, entry =>
                        {
                            entry.AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5);
                            return File.ReadAllText(key);
                        })!;
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task MakeInvalidatable_StaticClass_GetOrAddAsync_AndTwoFields()
    {
        await Test()
            .WithCodeFixEquivalenceKey(StaticCacheFixer.MakeInvalidatableKey)
            .WithSource("""
                using System.Collections.Concurrent;
                using System.Net.Http;
                using System.Threading.Tasks;

                namespace Rates;

                public static class RateTable
                {
                    private static readonly HttpClient Http = new();
                    private static readonly ConcurrentDictionary<string, Task<string>> [|s_rates|] = new();
                    private static readonly ConcurrentDictionary<int, string> [|s_names|] = new();

                    public static Task<string> GetRateAsync(string currency)
                        => s_rates.GetOrAdd(currency, c => Http.GetStringAsync("https://rates.example/" + c));

                    public static string GetName(int id)
                        => s_names.GetOrAdd(id, LoadName);

                    private static string LoadName(int id) => Http.GetStringAsync("https://names.example/" + id).Result;
                }
                """)
            .ShouldFixCodeWith("""
                using System;
                using System.Collections.Concurrent;
                using System.Net.Http;
                using System.Threading.Tasks;
                using Microsoft.Extensions.Caching.Memory;

                namespace Rates;

                public static class RateTable
                {
                    private static readonly HttpClient Http = new();
                    private static readonly MemoryCache s_rates = new MemoryCache(new MemoryCacheOptions());
                    private static readonly MemoryCache s_names = new MemoryCache(new MemoryCacheOptions());

                    /// <summary>Evicts one entry: call it after the data behind <paramref name="key"/> changes.</summary>
                    public static void InvalidateNames(int key) => s_names.Remove(key);

                    /// <summary>Evicts every entry.</summary>
                    public static void ClearNames() => s_names.Clear();

                    /// <summary>Evicts one entry: call it after the data behind <paramref name="key"/> changes.</summary>
                    public static void InvalidateRates(string key) => s_rates.Remove(key);

                    /// <summary>Evicts every entry.</summary>
                    public static void ClearRates() => s_rates.Clear();

                    public static Task<string> GetRateAsync(string currency)
                        => s_rates.GetOrCreate<Task<string>>(currency, entry =>
                        {
                            entry.AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5);
                            return Http.GetStringAsync("https://rates.example/" + currency);
                        })!;

                    public static string GetName(int id)
                        => s_names.GetOrCreate<string>(id, entry =>
                        {
                            entry.AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5);
                            return LoadName(id);
                        })!;

                    private static string LoadName(int id) => Http.GetStringAsync("https://names.example/" + id).Result;
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task NoPerInstanceFix_WhenAConstructorInitializerReadsTheCache()
    {
        // `: this(_settings.Count)` runs before the instance exists: an instance field could not be read there.
        await Test(References.Net)
            .WithCodeFixEquivalenceKey(StaticCacheFixer.MakePerInstanceKey)
            .WithSource("""
                using System.Collections.Generic;
                using System.IO;

                public sealed class Settings
                {
                    private static readonly Dictionary<string, string> [|_settings|] = new();
                    private readonly int _known;

                    public Settings() : this(_settings.Count)
                    {
                    }

                    private Settings(int known)
                    {
                        _known = known;
                    }

                    public string Get(string name)
                    {
                        if (!_settings.TryGetValue(name, out var value))
                        {
                            value = File.ReadAllText(name) + _known;
                            _settings[name] = value;
                        }

                        return value;
                    }
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task NoInvalidatableFix_WithoutTheMemoryCachePackage()
    {
        await Test(References.Net)
            .WithCodeFixEquivalenceKey(StaticCacheFixer.MakeInvalidatableKey)
            .WithSource(SingletonSource)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task NoInvalidatableFix_WhenTheEvictionMembersExist()
    {
        await Test()
            .WithCodeFixEquivalenceKey(StaticCacheFixer.MakeInvalidatableKey)
            .WithSource(SingletonSource.Replace("    public static ConfigGetter Instance", "    public static void ClearConfigCache() { }\n\n    public static ConfigGetter Instance"))
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task NoMemoryCacheFix_WhenTheFieldIsUsedOutsideAMemo()
    {
        await Test()
            .WithCodeFixEquivalenceKey(StaticCacheFixer.UseMemoryCacheKey)
            .WithSource("""
                using System.Collections.Generic;
                using System.IO;

                public sealed class Documents
                {
                    private static readonly Dictionary<string, string> [|_documents|] = new();

                    public int Count => _documents.Count;

                    public string Get(string path)
                    {
                        if (!_documents.TryGetValue(path, out var text))
                        {
                            text = File.ReadAllText(path);
                            _documents[path] = text;
                        }

                        return text;
                    }
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task NoMemoryCacheFix_WhenTheConstructorIsCalledWithNew()
    {
        await Test()
            .WithCodeFixEquivalenceKey(StaticCacheFixer.UseMemoryCacheKey)
            .WithSource("""
                using System.Collections.Generic;
                using System.IO;

                public sealed class Documents
                {
                    private static readonly Dictionary<string, string> [|_documents|] = new();

                    public string Get(string path)
                    {
                        if (!_documents.TryGetValue(path, out var text))
                        {
                            text = File.ReadAllText(path);
                            _documents[path] = text;
                        }

                        return text;
                    }
                }

                public static class Use
                {
                    public static string Read() => new Documents().Get("a.txt");
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task NoPerInstanceFix_WhenAStaticMemberUsesTheField()
    {
        await Test(References.Net)
            .WithSource("""
                using System.Collections.Generic;
                using System.IO;

                public sealed class Documents
                {
                    private static readonly Dictionary<string, string> [|_documents|] = new();

                    public static string Get(string path)
                    {
                        if (!_documents.TryGetValue(path, out var text))
                        {
                            text = File.ReadAllText(path);
                            _documents[path] = text;
                        }

                        return text;
                    }
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task NoFix_ForANonPrivateField()
    {
        await Test()
            .WithSource("""
                using System.Collections.Generic;
                using System.IO;

                public sealed class Documents
                {
                    internal static readonly Dictionary<string, string> [|Cache|] = new();

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
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task MemoryCacheFixIsOfferedFirst_SoDotnetFormatAppliesIt()
    {
        // No equivalence key: the verifier applies the first action offered, as dotnet format does.
        await Test()
            .WithSource(StockSource)
            .ShouldFixCodeWith(StockFixed)
            .WithFixAllScopes(FixAllScope.Document)
            .ValidateAsync();
    }
}
