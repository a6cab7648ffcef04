using System.Reflection;
using Xunit.Abstractions;
using SharedStateAnalyzers.CodeFixes;
using SharedStateAnalyzers.Rules;
using SharedStateAnalyzers.Tests.Verification;

namespace SharedStateAnalyzers.Tests.Behaviour;

/// <summary>
/// The hand-rolled singleton, run for real: its <c>Instance</c> getter checks a static field and then assigns it, and
/// its constructor counts constructions (and takes a little time, as a constructor that reads configuration does).
/// Threads released at once: unfixed, more than one instance is built and callers hold different instances; each
/// SSA009 fix's exact output builds exactly one under the same load.
/// </summary>
public sealed class UnsynchronizedInitializationBehaviourTests(ITestOutputHelper output)
{
    private const int Threads = 8;
    private const int MaxUnfixedRounds = 20;
    private const int FixedRounds = 3;

    private const string Unfixed = """
        using System.Threading;

        namespace Singletons;

        public sealed class ConfigGetter
        {
            private static ConfigGetter? s_instance;
            private static int s_constructed;

            private ConfigGetter()
            {
                Interlocked.Increment(ref s_constructed);
                Thread.Sleep(20);
            }

            public static int Constructed => Volatile.Read(ref s_constructed);

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

    private const string WithLazy = """
        using System;
        using System.Threading;

        namespace Singletons;

        public sealed class ConfigGetter
        {
            private static readonly Lazy<ConfigGetter> s_instance = new(() => new ConfigGetter());
            private static int s_constructed;

            private ConfigGetter()
            {
                Interlocked.Increment(ref s_constructed);
                Thread.Sleep(20);
            }

            public static int Constructed => Volatile.Read(ref s_constructed);

            public static ConfigGetter Instance
            {
                get
                {
                    return s_instance.Value;
                }
            }
        }
        """;

    private const string WithReadonlyInitializer = """
        using System.Threading;

        namespace Singletons;

        public sealed class ConfigGetter
        {
            private static readonly ConfigGetter s_instance = new ConfigGetter();
            private static int s_constructed;

            private ConfigGetter()
            {
                Interlocked.Increment(ref s_constructed);
                Thread.Sleep(20);
            }

            public static int Constructed => Volatile.Read(ref s_constructed);

            public static ConfigGetter Instance
            {
                get
                {
                    return s_instance;
                }
            }
        }
        """;

    private static Type Compile(string source)
        => TestCompiler.CompileAndLoad([source]).GetType("Singletons.ConfigGetter", throwOnError: true)!;

    /// <summary>Calls <c>Instance</c> from <see cref="Threads"/> threads released together; returns the constructions counted and the distinct instances seen.</summary>
    private static (int Constructed, int DistinctInstances) RunConcurrently(Type type)
    {
        var instance = type.GetProperty("Instance", BindingFlags.Public | BindingFlags.Static)!;
        var constructed = type.GetProperty("Constructed", BindingFlags.Public | BindingFlags.Static)!;
        var results = new object?[Threads];
        using var ready = new CountdownEvent(Threads);
        using var go = new ManualResetEventSlim();
        var threads = Enumerable.Range(0, Threads).Select(i => new Thread(() =>
        {
            ready.Signal();
            go.Wait();
            results[i] = instance.GetValue(null);
        })).ToList();

        threads.ForEach(t => t.Start());
        ready.Wait();
        go.Set();
        threads.ForEach(t => t.Join());

        Assert.All(results, Assert.NotNull);
        return ((int)constructed.GetValue(null)!, results.Distinct(ReferenceEqualityComparer.Instance).Count());
    }

    [Fact]
    public void Unfixed_ConcurrentFirstCalls_BuildMoreThanOneInstance()
    {
        var type = Compile(Unfixed.Replace("[|", "").Replace("|]", ""));
        var instanceField = type.GetField("s_instance", BindingFlags.NonPublic | BindingFlags.Static)!;
        var counterField = type.GetField("s_constructed", BindingFlags.NonPublic | BindingFlags.Static)!;

        var rounds = 0;
        (int Constructed, int DistinctInstances) seen = default;
        while (rounds < MaxUnfixedRounds)
        {
            rounds++;
            instanceField.SetValue(null, null);
            counterField.SetValue(null, 0);
            seen = RunConcurrently(type);
            if (seen.Constructed > 1)
            {
                break;
            }
        }

        output.WriteLine($"round {rounds}: {seen.Constructed} constructions, {seen.DistinctInstances} distinct instances among {Threads} callers");
        Assert.True(seen.Constructed > 1, $"no second construction in {rounds} rounds of {Threads} threads: the race did not show on this machine");
        Assert.True(seen.DistinctInstances > 1, $"{seen.Constructed} constructions, but every caller got the same instance");
    }

    [Theory]
    [InlineData(UnsynchronizedInitializationFixer.UseLazyKey, WithLazy)]
    [InlineData(UnsynchronizedInitializationFixer.UseStaticReadonlyInitializerKey, WithReadonlyInitializer)]
    public async Task EachFixsExactOutput_BuildsExactlyOneInstance_UnderTheSameLoad(string key, string expected)
    {
        var result = await AnalyzerTest.Create<UnsynchronizedInitializationAnalyzer>()
            .WithCodeFix<UnsynchronizedInitializationFixer>()
            .WithCodeFixEquivalenceKey(key)
            .WithSource(Unfixed)
            .ShouldFixCodeWith(expected)
            .ValidateAsync();
        var fixedSource = Assert.Single(result.FixedSources).Value;

        for (var round = 0; round < FixedRounds; round++)
        {
            // A fresh load per round: the first calls race again.
            var (constructed, distinct) = RunConcurrently(Compile(fixedSource));
            Assert.Equal(1, constructed);
            Assert.Equal(1, distinct);
        }
    }
}
