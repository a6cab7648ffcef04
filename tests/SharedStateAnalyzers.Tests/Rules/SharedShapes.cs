namespace SharedStateAnalyzers.Tests.Rules;

/// <summary>Real-world shapes that more than one test class uses.</summary>
internal static class SharedShapes
{
    /// <summary>
    /// Double-checked locking over a non-volatile static field, the assignment marked <c>{|#0:…|}</c>: SSA009 reports it
    /// at Info unless <c>shared_state.report_double_checked_locking = false</c>.
    /// </summary>
    public const string DoubleCheckedRegistry = """
        public sealed class Registry
        {
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
        """;

    /// <summary>
    /// A protected helper that removes expired entries from a static cache, called only inside <c>lock (cache)</c>
    /// by a derived indexer: guarded by its callers (SSA002 and SSA003 both leave it alone). An unrelated service's
    /// same-named method, called elsewhere without a lock, is not one of its calls.
    /// </summary>
    public const string HelperWhoseEveryCallerHoldsTheLock = """
        using System;
        using System.Collections.Generic;
        using System.Linq;

        public sealed record CachedQueryResult(string Query, DateTime Created);

        public abstract class CachingIndexer
        {
            protected static readonly List<CachedQueryResult> cache = new();

            // Removes expired entries; every caller holds the lock on the shared cache.
            protected void CleanCache()
            {
                foreach (var expired in cache.Where(i => DateTime.Now - i.Created > TimeSpan.FromMinutes(5)).ToList())
                {
                    cache.Remove(expired);
                }
            }
        }

        public sealed class AnimeIndexer : CachingIndexer
        {
            public CachedQueryResult? Search(string query)
            {
                lock (cache)
                {
                    CleanCache();
                    return cache.FirstOrDefault(i => i.Query == query);
                }
            }

            public void Store(string query)
            {
                lock (cache)
                {
                    cache.Add(new CachedQueryResult(query, DateTime.Now));
                }
            }
        }

        public interface ICacheService
        {
            void CleanCache();
        }

        public sealed class ServerConfigurationController
        {
            private readonly ICacheService cacheService;

            public ServerConfigurationController(ICacheService cacheService) => this.cacheService = cacheService;

            public void Save() => cacheService.CleanCache();
        }
        """;
}
