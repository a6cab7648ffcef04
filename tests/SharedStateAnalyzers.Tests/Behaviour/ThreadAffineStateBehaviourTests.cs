using System.Reflection;
using Xunit.Abstractions;
using SharedStateAnalyzers.CodeFixes;
using SharedStateAnalyzers.Rules;
using SharedStateAnalyzers.Tests.Verification;

namespace SharedStateAnalyzers.Tests.Behaviour;

/// <summary>
/// SSA008's scenario, run for real: a request context keeps the current user in a <c>[ThreadStatic]</c> field, set at
/// the start of an async handler and read after awaits. Run as many concurrent flows, the unfixed code answers some
/// flow with another flow's user (or none); the fix's exact output (an <c>AsyncLocal&lt;T&gt;</c>) answers every flow
/// with its own user.
/// </summary>
public sealed class ThreadAffineStateBehaviourTests
{
    private const int Flows = 200;

    private readonly ITestOutputHelper _output;

    public ThreadAffineStateBehaviourTests(ITestOutputHelper output) => _output = output;

    private const string Seed = """
        using System;
        using System.Threading.Tasks;

        namespace Requests;

        public static class RequestContext
        {
            [ThreadStatic]
            private static string? s_user;

            public static async Task<string?> HandleAsync(string user)
            {
                [|s_user|] = user;
                await Task.Yield();
                await Task.Delay(1);
                return s_user;
            }
        }
        """;

    private const string Fixed = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        namespace Requests;

        public static class RequestContext
        {
            private static readonly AsyncLocal<string?> s_user = new();

            public static async Task<string?> HandleAsync(string user)
            {
                s_user.Value = user;
                await Task.Yield();
                await Task.Delay(1);
                return s_user.Value;
            }
        }
        """;

    private static async Task<string> FixerOutputAsync()
    {
        var result = await AnalyzerTest.Create<ThreadAffineStateAnalyzer>()
            .WithCodeFix<ThreadAffineStateFixer>()
            .WithCodeFixEquivalenceKey(ThreadAffineStateFixer.UseAsyncLocalKey)
            .WithSource(Seed)
            .ShouldFixCodeWith(Fixed)
            .ValidateAsync();
        return Assert.Single(result.FixedSources).Value;
    }

    private static MethodInfo Compile(string source)
        => TestCompiler.CompileAndLoad([source]).GetType("Requests.RequestContext", throwOnError: true)!
            .GetMethod("HandleAsync", BindingFlags.Public | BindingFlags.Static)!;

    /// <summary>Runs <see cref="Flows"/> concurrent flows, each for its own user; returns how many got another answer.</summary>
    private static async Task<int> CountWrongAnswersAsync(MethodInfo handle)
    {
        var flows = Enumerable.Range(0, Flows)
            .Select(i => Task.Run(async () =>
            {
                var user = "user-" + i;
                var answer = await (Task<string?>)handle.Invoke(null, [user])!;
                return answer == user;
            }))
            .ToArray();
        var results = await Task.WhenAll(flows);
        return results.Count(ok => !ok);
    }

    [Fact]
    public async Task Unfixed_SomeFlowSeesAnotherFlowsUser()
    {
        var handle = Compile(Seed.Replace("[|", "").Replace("|]", ""));

        // A thread-pool hop after the awaits is what exposes the bug; a few rounds make it certain in practice.
        var wrong = 0;
        for (var round = 0; round < 10 && wrong == 0; round++)
        {
            wrong = await CountWrongAnswersAsync(handle);
            _output.WriteLine($"round {round + 1}: {wrong} of {Flows} flows read another user");
        }

        Assert.True(wrong > 0, $"every one of {Flows} flows, in up to 10 rounds, read back its own user from the [ThreadStatic] field");
    }

    [Fact]
    public async Task Fixed_EveryFlowSeesItsOwnUser_EveryTime()
    {
        var handle = Compile(await FixerOutputAsync());
        for (var round = 0; round < 10; round++)
        {
            Assert.Equal(0, await CountWrongAnswersAsync(handle));
        }
    }
}
