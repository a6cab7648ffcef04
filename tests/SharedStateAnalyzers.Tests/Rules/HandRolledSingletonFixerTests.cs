using SharedStateAnalyzers.CodeFixes;
using SharedStateAnalyzers.Rules;
using SharedStateAnalyzers.Tests.Verification;

namespace SharedStateAnalyzers.Tests.Rules;

/// <summary>SSA004's fix: exact output in every document it changes, Fix All, and where it is not offered.</summary>
public sealed class HandRolledSingletonFixerTests
{
    private const References Web = References.AspNetCore | References.DependencyInjection;

    private static AnalyzerTest Test(References references = Web)
        => AnalyzerTest.Create<HandRolledSingletonAnalyzer>().WithCodeFix<HandRolledSingletonFixer>().WithReferences(references);

    [Fact]
    public async Task EagerSingleton_UsedByAServiceAndAHandler()
    {
        await Test()
            .WithSource("VisitCounter.cs", """
                namespace Shop;

                public sealed class VisitCounter
                {
                    // The one instance of the process.
                    private static readonly VisitCounter s_instance = new VisitCounter();
                    private int _visits;

                    private VisitCounter() { }

                    public static VisitCounter [|Instance|] => s_instance;

                    public int Visit() => ++_visits;
                }
                """)
            .WithSource("Catalog.cs", """
                namespace Shop;

                public sealed class Catalog
                {
                    private readonly string _name;

                    public Catalog()
                    {
                        _name = "main";
                    }

                    public string Describe() => _name + " " + VisitCounter.Instance.Visit();
                }
                """)
            .WithSource("App.cs", """
                using Microsoft.AspNetCore.Builder;
                using Microsoft.AspNetCore.Http;
                using Microsoft.Extensions.DependencyInjection;

                namespace Shop;

                public static class App
                {
                    public static WebApplication Build(string[] args)
                    {
                        var builder = WebApplication.CreateBuilder(args);
                        builder.Services.AddScoped<Catalog>();

                        var app = builder.Build();
                        app.MapGet("/visits", () => Results.Ok(VisitCounter.Instance.Visit()));
                        app.MapGet("/catalog", (Catalog catalog) => catalog.Describe());
                        return app;
                    }
                }
                """)
            .ShouldFixCodeWith("VisitCounter.cs", """
                namespace Shop;

                public sealed class VisitCounter
                {
                    private int _visits;

                    public VisitCounter() { }

                    public int Visit() => ++_visits;
                }
                """)
            .ShouldFixCodeWith("Catalog.cs", """
                namespace Shop;

                public sealed class Catalog
                {
                    private readonly string _name;
                    private readonly VisitCounter _visitCounter;

                    public Catalog(VisitCounter visitCounter)
                    {
                        _name = "main";
                        _visitCounter = visitCounter;
                    }

                    public string Describe() => _name + " " + _visitCounter.Visit();
                }
                """)
            .ShouldFixCodeWith("App.cs", """
                using Microsoft.AspNetCore.Builder;
                using Microsoft.AspNetCore.Http;
                using Microsoft.Extensions.DependencyInjection;

                namespace Shop;

                public static class App
                {
                    public static WebApplication Build(string[] args)
                    {
                        var builder = WebApplication.CreateBuilder(args);
                        builder.Services.AddScoped<Catalog>();
                        builder.Services.AddSingleton<VisitCounter>();

                        var app = builder.Build();
                        app.MapGet("/visits", (VisitCounter visitCounter) => Results.Ok(visitCounter.Visit()));
                        app.MapGet("/catalog", (Catalog catalog) => catalog.Describe());
                        return app;
                    }
                }
                """)
            .ValidateAsync();
    }
}
