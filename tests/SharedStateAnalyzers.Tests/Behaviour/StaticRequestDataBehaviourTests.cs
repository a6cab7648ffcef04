using System.Reflection;
using SharedStateAnalyzers.CodeFixes;
using SharedStateAnalyzers.Rules;
using SharedStateAnalyzers.Tests.Verification;

namespace SharedStateAnalyzers.Tests.Behaviour;

/// <summary>
/// SSA007's ambient-context scenario, run for real: a static auto-property remembers the current user, set at the
/// start of each request's flow and read later in it. Run as many concurrent flows, the unfixed code answers some flow
/// with another flow's user; the "Use AsyncLocal&lt;T&gt;" fix's exact output answers every flow with its own user.
/// </summary>
public sealed class StaticRequestDataBehaviourTests
{
    private const int Flows = 200;

    private const string Seed = """
        using System.Threading.Tasks;
        using Microsoft.AspNetCore.Http;

        namespace Requests;

        public static class CurrentUser
        {
            public static string? [|Name|] { get; set; }

            public static void Enter(HttpContext context) => Name = context.User.Identity?.Name;
        }

        public static class Handler
        {
            public static async Task<string?> HandleAsync(HttpContext context)
            {
                CurrentUser.Enter(context);
                await Task.Yield();
                await Task.Delay(1);
                return CurrentUser.Name;
            }
        }
        """;

    private const string Fixed = """
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.AspNetCore.Http;

        namespace Requests;

        public static class CurrentUser
        {
            private static readonly AsyncLocal<string?> s_name = new();
            public static string? Name { get => s_name.Value; set => s_name.Value = value; }

            public static void Enter(HttpContext context) => Name = context.User.Identity?.Name;
        }

        public static class Handler
        {
            public static async Task<string?> HandleAsync(HttpContext context)
            {
                CurrentUser.Enter(context);
                await Task.Yield();
                await Task.Delay(1);
                return CurrentUser.Name;
            }
        }
        """;

    private static async Task<string> FixerOutputAsync()
    {
        var result = await AnalyzerTest.Create<StaticRequestDataAnalyzer>()
            .WithCodeFix<StaticRequestDataFixer>()
            .WithReferences(References.AspNetCore)
            .WithCodeFixEquivalenceKey(StaticRequestDataFixer.UseAsyncLocalKey)
            .WithSource(Seed)
            .ShouldFixCodeWith(Fixed)
            .ValidateAsync();
        return Assert.Single(result.FixedSources).Value;
    }

    private static MethodInfo Compile(string source)
        => TestCompiler.CompileAndLoad([source], References.AspNetCore).GetType("Requests.Handler", throwOnError: true)!
            .GetMethod("HandleAsync", BindingFlags.Public | BindingFlags.Static)!;

    private static Microsoft.AspNetCore.Http.HttpContext Request(string user)
        => new Microsoft.AspNetCore.Http.DefaultHttpContext
        {
            User = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
                [new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.Name, user)], "test")),
        };

    /// <summary>Runs <see cref="Flows"/> concurrent requests, each for its own user; returns how many got another answer.</summary>
    private static async Task<int> CountWrongAnswersAsync(MethodInfo handle)
    {
        var flows = Enumerable.Range(0, Flows)
            .Select(i => Task.Run(async () =>
            {
                var user = "user-" + i;
                var answer = await (Task<string?>)handle.Invoke(null, [Request(user)])!;
                return answer == user;
            }))
            .ToArray();
        var results = await Task.WhenAll(flows);
        return results.Count(ok => !ok);
    }

    [Fact]
    public async Task Unfixed_SomeRequestSeesAnotherUsersName()
    {
        var handle = Compile(Seed.Replace("[|", "").Replace("|]", ""));
        var wrong = 0;
        for (var round = 0; round < 10 && wrong == 0; round++)
        {
            wrong = await CountWrongAnswersAsync(handle);
        }

        Assert.True(wrong > 0, $"every one of {Flows} concurrent requests, in up to 10 rounds, read back its own user from the static property");
    }

    [Fact]
    public async Task Fixed_EveryRequestSeesItsOwnUser_EveryTime()
    {
        var handle = Compile(await FixerOutputAsync());
        for (var round = 0; round < 10; round++)
        {
            Assert.Equal(0, await CountWrongAnswersAsync(handle));
        }
    }
}
