namespace SharedStateAnalyzers.Tests.Rules;

/// <summary>Real-world shapes that more than one test class uses.</summary>
internal static class SharedShapes
{
    /// <summary>A micro-ORM's row reader: a delegate stored in a property, which reads a row only when it is called.</summary>
    public const string RowReaderType = """
        public sealed class RowReader
        {
            public string Columns { get; init; } = "*";

            public System.Func<System.Data.Common.DbDataReader, object> Read { get; init; } = row => row.GetValue(0);
        }
        """;

    /// <summary>An <c>.editorconfig</c> that turns on SSA009's report of double-checked locking over a non-volatile field.</summary>
    public const string ReportDoubleCheckedLocking = "root = true\n\n[*.cs]\nshared_state.report_double_checked_locking = true\n";

    /// <summary>
    /// Double-checked locking over a non-volatile static field, the assignment marked <c>{|#0:…|}</c>: SSA009 reports it
    /// at Info when <see cref="ReportDoubleCheckedLocking"/> turns that report on, and leaves it alone by default.
    /// </summary>
    public const string DoubleCheckedRegistry = """
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
        """;

    /// <summary>
    /// A pool of open streams guarded by one static lock, changed in private helpers that the public members call
    /// inside the lock, one or two calls down (<c>Get</c> → <c>Open</c> → <c>Drop</c>): guarded by their callers (SSA002
    /// and SSA003 both leave it alone). OUTSIDE adds a member; MARK_OPEN and MARK_DROP mark the changes.
    /// </summary>
    public const string HelpersTwoCallsUnderTheLock = """
        using System.Collections.Generic;
        using System.IO;

        public sealed record Channel(Stream Stream, string Owner);

        public class ChannelPool
        {
            private static readonly Dictionary<string, Channel> {|#0:s_open|} = new();
            private static readonly object s_gate = new();

            public Stream Get(string name)
            {
                lock (s_gate)
                {
                    return s_open.TryGetValue(name, out var open) ? open.Stream : Open(name);
                }
            }

            public void Close(string name)
            {
                lock (s_gate) { Drop(name); }
            }

            OUTSIDE

            private Stream Open(string name)
            {
                Drop(name);
                var stream = new MemoryStream();
                MARK_OPEN
                return stream;
            }

            private void Drop(string name)
            {
                if (!s_open.TryGetValue(name, out var old)) return;
                old.Stream.Dispose();
                MARK_DROP
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

    /// <summary>
    /// Two "smart enums" whose constructors register each instance in a static map, every instance created by the
    /// type's own static initializers: the maps are complete once the types are initialized (SSA002 and SSA003 leave
    /// them alone).
    /// </summary>
    public const string SelfRegisteringSmartEnums = """
        using System;
        using System.Collections.Generic;

        public abstract class RuleOperator
        {
            private static readonly Dictionary<string, RuleOperator> s_map = new(StringComparer.OrdinalIgnoreCase);

            public static readonly RuleOperator IsEqualTo = new EqualOperator();
            public static readonly RuleOperator Contains = new ContainsOperator();

            protected RuleOperator(string op)
            {
                Operator = op;
                s_map[op] = this;
            }

            public string Operator { get; }

            public static RuleOperator Get(string op) => s_map[op];
        }

        internal sealed class EqualOperator : RuleOperator
        {
            public EqualOperator() : base("=") { }
        }

        internal sealed class ContainsOperator : RuleOperator
        {
            public ContainsOperator() : base("contains") { }
        }

        public readonly struct MediaType
        {
            private static readonly Dictionary<string, MediaType> s_types = new(StringComparer.OrdinalIgnoreCase);

            public static readonly MediaType Image = new("image");
            public static readonly MediaType Video = new("video");

            internal MediaType(string name)
            {
                Name = name;
                s_types[name] = this;
            }

            public string Name { get; }

            public static MediaType Get(string name) => s_types[name];
        }
        """;

    /// <summary>
    /// A project's own disposable wrappers over <c>ReaderWriterLockSlim</c> (<c>using (_rw.GetWriteLock())</c>), appended
    /// to a test's source; it needs <c>using System;</c> and <c>using System.Threading;</c>.
    /// </summary>
    public const string LockExtensions = """
        public static class LockExtensions
        {
            public static IDisposable GetReadLock(this ReaderWriterLockSlim rw)
            {
                rw.EnterReadLock();
                return new Releaser(rw.ExitReadLock);
            }

            public static IDisposable GetUpgradeableReadLock(this ReaderWriterLockSlim rw)
            {
                rw.EnterUpgradeableReadLock();
                return new Releaser(rw.ExitUpgradeableReadLock);
            }

            public static IDisposable GetWriteLock(this ReaderWriterLockSlim rw)
            {
                rw.EnterWriteLock();
                return new Releaser(rw.ExitWriteLock);
            }

            private sealed class Releaser(Action release) : IDisposable
            {
                public void Dispose() => release();
            }
        }
        """;
}
