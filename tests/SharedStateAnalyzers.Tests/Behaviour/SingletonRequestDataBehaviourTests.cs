using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using SharedStateAnalyzers.CodeFixes;
using SharedStateAnalyzers.Rules;
using SharedStateAnalyzers.Tests.Verification;

namespace SharedStateAnalyzers.Tests.Behaviour;

/// <summary>
/// SSA005's middleware scenario, run for real in the ASP.NET Core test host: a conventional middleware (one instance
/// for the process) keeps the request's carrier code in a field, awaits the rest of the pipeline, then writes the code
/// into the response. Two concurrent requests are ordered by the endpoint so that request A writes the field, then
/// request B writes it, then A reads it: unfixed, A answers with B's carrier; with the "Move to a local" fix's exact
/// output, each request answers with its own.
/// </summary>
public sealed class SingletonRequestDataBehaviourTests
{
    private const string Seed = """
        using System.Threading.Tasks;
        using Microsoft.AspNetCore.Http;

        namespace Shipping;

        public sealed class CarrierMiddleware
        {
            private readonly RequestDelegate _next;
            private string? [|_carrier|];

            public CarrierMiddleware(RequestDelegate next) => _next = next;

            public async Task InvokeAsync(HttpContext context)
            {
                _carrier = context.Request.Headers["X-Carrier"];
                await _next(context);
                await context.Response.WriteAsync("carrier=" + _carrier);
            }
        }
        """;

    private const string Fixed = """
        using System.Threading.Tasks;
        using Microsoft.AspNetCore.Http;

        namespace Shipping;

        public sealed class CarrierMiddleware
        {
            private readonly RequestDelegate _next;

            public CarrierMiddleware(RequestDelegate next) => _next = next;

            public async Task InvokeAsync(HttpContext context)
            {
                string? carrier = context.Request.Headers["X-Carrier"];
                await _next(context);
                await context.Response.WriteAsync("carrier=" + carrier);
            }
        }
        """;

    private static async Task<string> FixerOutputAsync()
    {
        var result = await AnalyzerTest.Create<SingletonRequestDataAnalyzer>()
            .WithCodeFix<SingletonRequestDataFixer>()
            .WithReferences(References.AspNetCore)
            .WithCodeFixEquivalenceKey(SingletonRequestDataFixer.MoveToLocalKey)
            .WithSource(Seed)
            .ShouldFixCodeWith(Fixed)
            .ValidateAsync();
        return Assert.Single(result.FixedSources).Value;
    }

    private static Type Compile(string source)
        => TestCompiler.CompileAndLoad([source], References.AspNetCore).GetType("Shipping.CarrierMiddleware", throwOnError: true)!;

    /// <summary>
    /// Sends request A (carrier "DHL") and request B (carrier "UPS") through the middleware, ordered: A's endpoint waits
    /// until B has gone through the middleware's write, so A reads the field after B wrote it. Returns both bodies.
    /// </summary>
    private static async Task<(string A, string B)> RunTwoRequestsAsync(Type middleware)
    {
        var aInside = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var bWritten = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        await using var app = builder.Build();
        app.UseMiddleware(middleware);
        app.Run(async context =>
        {
            if (context.Request.Headers["X-Carrier"] == "DHL")
            {
                // A has written the field; hold it here until B has written it too.
                aInside.SetResult();
                await bWritten.Task.WaitAsync(TimeSpan.FromSeconds(30));
            }
            else
            {
                bWritten.SetResult();
            }
        });

        await app.StartAsync();
        using var client = app.GetTestClient();

        async Task<string> SendAsync(string carrier)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/quote");
            request.Headers.Add("X-Carrier", carrier);
            using var response = await client.SendAsync(request);
            return await response.Content.ReadAsStringAsync();
        }

        var a = SendAsync("DHL");
        await aInside.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var b = await SendAsync("UPS");
        return (await a, b);
    }

    [Fact]
    public async Task Unfixed_RequestA_AnswersWithRequestBsCarrier()
    {
        var (a, b) = await RunTwoRequestsAsync(Compile(Seed.Replace("[|", "").Replace("|]", "")));

        Assert.Equal("carrier=UPS", b);
        Assert.Equal("carrier=UPS", a);
    }

    [Fact]
    public async Task Fixed_EachRequestAnswersWithItsOwnCarrier()
    {
        var (a, b) = await RunTwoRequestsAsync(Compile(await FixerOutputAsync()));

        Assert.Equal("carrier=UPS", b);
        Assert.Equal("carrier=DHL", a);
    }
}
