using System.Reflection;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Internal;
using SharedStateAnalyzers.CodeFixes;
using SharedStateAnalyzers.Rules;
using SharedStateAnalyzers.Tests.Verification;

namespace SharedStateAnalyzers.Tests.Behaviour;

/// <summary>
/// The first seed's scenario, run for real: a config getter caches rows of a configuration store (one file per
/// carrier) in a static dictionary. Unfixed, an update is never seen. Each SSA001 fix's exact output is compiled and
/// run: after an update and an invalidation (or once the entry expires), the next read returns the new value.
/// </summary>
public sealed class StaticCacheBehaviourTests : IDisposable
{
    private const string Seed = """
        using System.Collections.Generic;
        using System.IO;

        namespace Crawlers;

        public sealed class ConfigGetter
        {
            private static readonly Dictionary<string, string> [|_configCache|] = new();
            private readonly string _folder;

            public ConfigGetter(string folder)
            {
                _folder = folder;
            }

            public string GetConfig(string scac)
            {
                if (!_configCache.ContainsKey(scac))
                {
                    var config = File.ReadAllText(Path.Combine(_folder, scac));
                    _configCache[scac] = config;
                }

                return _configCache[scac];
            }
        }
        """;

    private const string WithInjectedCache = """
        using System;
        using System.Collections.Generic;
        using System.IO;
        using Microsoft.Extensions.Caching.Memory;

        namespace Crawlers;

        public sealed class ConfigGetter
        {
            private readonly IMemoryCache _configCache;
            private readonly string _folder;

            public ConfigGetter(string folder, IMemoryCache configCache)
            {
                _folder = folder;
                _configCache = configCache;
            }

            public string GetConfig(string scac)
            {
                return _configCache.GetOrCreate<string>(("Crawlers.ConfigGetter._configCache", scac), entry =>
                {
                    entry.AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5);
                    var config = File.ReadAllText(Path.Combine(_folder, scac));
                    return config;
                })!;
            }
        }
        """;

    private const string PerInstance = """
        using System.Collections.Generic;
        using System.IO;

        namespace Crawlers;

        public sealed class ConfigGetter
        {
            private readonly Dictionary<string, string> _configCache = new();
            private readonly string _folder;

            public ConfigGetter(string folder)
            {
                _folder = folder;
            }

            public string GetConfig(string scac)
            {
                if (!_configCache.ContainsKey(scac))
                {
                    var config = File.ReadAllText(Path.Combine(_folder, scac));
                    _configCache[scac] = config;
                }

                return _configCache[scac];
            }
        }
        """;

    private const string Invalidatable = """
        using System;
        using System.Collections.Generic;
        using System.IO;
        using Microsoft.Extensions.Caching.Memory;

        namespace Crawlers;

        public sealed class ConfigGetter
        {
            private static readonly MemoryCache _configCache = new MemoryCache(new MemoryCacheOptions());
            private readonly string _folder;

            /// <summary>Evicts one entry: call it after the data behind <paramref name="key"/> changes.</summary>
            public static void InvalidateConfigCache(string key) => _configCache.Remove(key);

            /// <summary>Evicts every entry.</summary>
            public static void ClearConfigCache() => _configCache.Clear();

            public ConfigGetter(string folder)
            {
                _folder = folder;
            }

            public string GetConfig(string scac)
            {
                return _configCache.GetOrCreate<string>(scac, entry =>
                {
                    entry.AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5);
                    var config = File.ReadAllText(Path.Combine(_folder, scac));
                    return config;
                })!;
            }
        }
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("ssa001-config-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private void Store(string scac, string value) => File.WriteAllText(Path.Combine(_folder, scac), value);

    private static Type Compile(string source)
        => TestCompiler.CompileAndLoad([source], References.MemoryCache).GetType("Crawlers.ConfigGetter", throwOnError: true)!;

    private static string Read(object getter, string scac)
        => (string)getter.GetType().GetMethod("GetConfig")!.Invoke(getter, [scac])!;

    [Theory]
    [InlineData(StaticCacheFixer.UseMemoryCacheKey, WithInjectedCache)]
    [InlineData(StaticCacheFixer.MakePerInstanceKey, PerInstance)]
    [InlineData(StaticCacheFixer.MakeInvalidatableKey, Invalidatable)]
    public async Task TheCompiledCode_IsEachFixsExactOutput(string key, string expected)
    {
        await AnalyzerTest.Create<StaticCacheAnalyzer>()
            .WithCodeFix<StaticCacheFixer>()
            .WithReferences(References.MemoryCache)
            .WithCodeFixEquivalenceKey(key)
            .WithSource(Seed)
            .ShouldFixCodeWith(expected)
            .ValidateAsync();
    }

    [Fact]
    public void Unfixed_AnUpdateIsNeverSeen()
    {
        var type = Compile(Seed.Replace("[|", "").Replace("|]", ""));
        Store("ABCD", "enabled=true");
        Assert.Equal("enabled=true", Read(Activator.CreateInstance(type, _folder)!, "ABCD"));

        Store("ABCD", "enabled=false");

        // Another request, another getter: the process-wide dictionary still answers with the old row.
        Assert.Equal("enabled=true", Read(Activator.CreateInstance(type, _folder)!, "ABCD"));
    }

    [Fact]
    public void InjectedCache_ReadAfterTheExpiration_ReturnsTheNewValue_AndRemoveInvalidates()
    {
        var type = Compile(WithInjectedCache);
        var clock = new ManualClock();
        using var cache = new MemoryCache(new MemoryCacheOptions { Clock = clock });
        var getter = Activator.CreateInstance(type, _folder, cache)!;
        Store("ABCD", "enabled=true");
        Assert.Equal("enabled=true", Read(getter, "ABCD"));

        Store("ABCD", "enabled=false");
        Assert.Equal("enabled=true", Read(getter, "ABCD"));
        clock.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal("enabled=true", Read(getter, "ABCD"));
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal("enabled=false", Read(getter, "ABCD"));

        // An update can also invalidate at once, through the key the fix documents.
        Store("ABCD", "enabled=maybe");
        cache.Remove(("Crawlers.ConfigGetter._configCache", "ABCD"));
        Assert.Equal("enabled=maybe", Read(getter, "ABCD"));
    }

    [Fact]
    public void PerInstance_TheNextRequestsGetterReadsTheNewValue()
    {
        var type = Compile(PerInstance);
        Store("ABCD", "enabled=true");
        var first = Activator.CreateInstance(type, _folder)!;
        Assert.Equal("enabled=true", Read(first, "ABCD"));

        Store("ABCD", "enabled=false");
        Assert.Equal("enabled=true", Read(first, "ABCD"));
        Assert.Equal("enabled=false", Read(Activator.CreateInstance(type, _folder)!, "ABCD"));
    }

    [Fact]
    public void Invalidatable_AfterAnUpdateAndAnInvalidation_TheNextReadReturnsTheNewValue()
    {
        var type = Compile(Invalidatable);
        var invalidate = type.GetMethod("InvalidateConfigCache", BindingFlags.Public | BindingFlags.Static)!;
        var clear = type.GetMethod("ClearConfigCache", BindingFlags.Public | BindingFlags.Static)!;
        Store("ABCD", "enabled=true");
        Store("EFGH", "enabled=true");
        Assert.Equal("enabled=true", Read(Activator.CreateInstance(type, _folder)!, "ABCD"));
        Assert.Equal("enabled=true", Read(Activator.CreateInstance(type, _folder)!, "EFGH"));

        Store("ABCD", "enabled=false");
        Store("EFGH", "enabled=false");
        Assert.Equal("enabled=true", Read(Activator.CreateInstance(type, _folder)!, "ABCD"));

        invalidate.Invoke(null, ["ABCD"]);
        Assert.Equal("enabled=false", Read(Activator.CreateInstance(type, _folder)!, "ABCD"));
        Assert.Equal("enabled=true", Read(Activator.CreateInstance(type, _folder)!, "EFGH"));

        clear.Invoke(null, null);
        Assert.Equal("enabled=false", Read(Activator.CreateInstance(type, _folder)!, "EFGH"));
    }

#pragma warning disable CS0618 // ISystemClock is the clock MemoryCacheOptions takes.
    private sealed class ManualClock : ISystemClock
    {
        public DateTimeOffset UtcNow { get; private set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public void Advance(TimeSpan by) => UtcNow += by;
    }
#pragma warning restore CS0618
}
