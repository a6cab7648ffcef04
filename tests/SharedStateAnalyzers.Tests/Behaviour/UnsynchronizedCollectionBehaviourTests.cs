using System.Reflection;
using SharedStateAnalyzers.CodeFixes;
using SharedStateAnalyzers.Rules;
using SharedStateAnalyzers.Tests.Verification;
using Xunit.Abstractions;

namespace SharedStateAnalyzers.Tests.Behaviour;

/// <summary>
/// SSA002's scenario, run for real: a static registry of ids in a <c>Dictionary&lt;int, int&gt;</c>, written by
/// concurrent requests without a lock. Unfixed, the dictionary loses entries, throws, or loops; each fix's exact
/// output is compiled and run under the same load and keeps every entry.
/// </summary>
public sealed class UnsynchronizedCollectionBehaviourTests
{
    private const int Workers = 8;
    private const int KeysPerWorker = 20_000;
    private const int Attempts = 5;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private const string Seed = """
        using System.Collections.Generic;

        namespace Registry;

        public static class SeenIds
        {
            private static readonly Dictionary<int, int> [|_seen|] = new();

            public static void Register(int id)
            {
                _seen[id] = id;
            }

            public static int Count => _seen.Count;
        }
        """;

    private const string WithConcurrentDictionary = """
        using System.Collections.Concurrent;
        using System.Collections.Generic;

        namespace Registry;

        public static class SeenIds
        {
            private static readonly ConcurrentDictionary<int, int> _seen = new();

            public static void Register(int id)
            {
                _seen[id] = id;
            }

            public static int Count => _seen.Count;
        }
        """;

    private const string WithLock = """
        using System.Collections.Generic;

        namespace Registry;

        public static class SeenIds
        {
            private static readonly Dictionary<int, int> _seen = new();
            private static readonly object _seenLock = new();

            public static void Register(int id)
            {
                lock (_seenLock)
                {
                    _seen[id] = id;
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
        }
        """;

    private readonly ITestOutputHelper _output;

    public UnsynchronizedCollectionBehaviourTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Theory]
    [InlineData(UnsynchronizedCollectionFixer.UseConcurrentCollectionKey, WithConcurrentDictionary)]
    [InlineData(UnsynchronizedCollectionFixer.GuardWithLockKey, WithLock)]
    public async Task EachFixsExactOutput_KeepsEveryEntryUnderConcurrentWrites(string key, string expected)
    {
        var result = await AnalyzerTest.Create<UnsynchronizedCollectionAnalyzer>()
            .WithCodeFix<UnsynchronizedCollectionFixer>()
            .WithCodeFixEquivalenceKey(key)
            .WithSource(Seed)
            .ShouldFixCodeWith(expected)
            .ValidateAsync();

        // The code run is the fix's output itself, not the constant that describes it.
        var fixedSource = Assert.Single(result.FixedSources).Value;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var run = Run(fixedSource);
            Assert.True(run.Finished, $"{key}: the workers did not finish within {Deadline}");
            Assert.Null(run.Exception);
            Assert.Equal(Workers * KeysPerWorker, run.Count);
        }
    }

    [Fact]
    public void Unfixed_ConcurrentWritesCorruptTheDictionary()
    {
        var source = Seed.Replace("[|", "", StringComparison.Ordinal).Replace("|]", "", StringComparison.Ordinal);
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            var run = Run(source);
            var outcome = !run.Finished ? "the workers never finished (a corrupted Dictionary loops)"
                : run.Exception is { } exception ? $"{exception.GetType().Name}: {exception.Message}"
                : run.Count != Workers * KeysPerWorker ? $"{run.Count} of {Workers * KeysPerWorker} entries kept"
                : null;
            _output.WriteLine($"attempt {attempt}: {outcome ?? "no corruption seen"}");
            if (outcome is not null)
            {
                return;
            }
        }

        Assert.Fail($"{Attempts} runs of {Workers} threads x {KeysPerWorker} keys never corrupted the unsynchronized Dictionary.");
    }

    /// <summary>
    /// Loads the source into a fresh assembly (fresh static state) and registers <see cref="KeysPerWorker"/> distinct
    /// ids from each of <see cref="Workers"/> threads, started together. The threads are background threads: one stuck
    /// in a corrupted dictionary cannot keep the test process alive.
    /// </summary>
    private static RunResult Run(string source)
    {
        var type = TestCompiler.CompileAndLoad([source]).GetType("Registry.SeenIds", throwOnError: true)!;
        var register = type.GetMethod("Register", BindingFlags.Public | BindingFlags.Static)!.CreateDelegate<Action<int>>();
        var count = type.GetProperty("Count", BindingFlags.Public | BindingFlags.Static)!;

        Exception? failure = null;
        using var start = new ManualResetEventSlim();
        var threads = new Thread[Workers];
        for (var worker = 0; worker < Workers; worker++)
        {
            var first = worker * KeysPerWorker;
            threads[worker] = new Thread(() =>
            {
                start.Wait();
                try
                {
                    for (var id = first; id < first + KeysPerWorker; id++)
                    {
                        register(id);
                    }
                }
                catch (Exception exception)
                {
                    Interlocked.CompareExchange(ref failure, exception, null);
                }
            })
            {
                IsBackground = true,
                Name = "SSA002 worker " + worker,
            };
            threads[worker].Start();
        }

        start.Set();
        var deadline = DateTime.UtcNow + Deadline;
        foreach (var thread in threads)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !thread.Join(left))
            {
                return new RunResult(false, failure, -1);
            }
        }

        if (failure is not null)
        {
            return new RunResult(true, failure, -1);
        }

        // Reading the count of a corrupted dictionary may itself throw.
        try
        {
            return new RunResult(true, null, (int)count.GetValue(null)!);
        }
        catch (TargetInvocationException exception)
        {
            return new RunResult(true, exception.InnerException, -1);
        }
    }

    private sealed record RunResult(bool Finished, Exception? Exception, int Count);
}
