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

    [Fact]
    public async Task LazySingleton_UsedByAController_RegisteredInConfigureServices()
    {
        await Test()
            .WithSource("RecentSearches.cs", """
                using System;
                using System.Collections.Generic;

                namespace Shop;

                public sealed class RecentSearches
                {
                    private static readonly Lazy<RecentSearches> s_lazy = new(() => new RecentSearches());
                    private readonly List<string> _terms = new();

                    private RecentSearches() { }

                    /// <summary>The searches of the whole process.</summary>
                    public static RecentSearches [|Current|] => s_lazy.Value;

                    public void Add(string term) => _terms.Add(term);
                }
                """)
            .WithSource("SearchController.cs", """
                using Microsoft.AspNetCore.Mvc;

                namespace Shop;

                public sealed class SearchController : ControllerBase
                {
                    [HttpGet("/search")]
                    public IActionResult Search(string term)
                    {
                        RecentSearches.Current.Add(term);
                        return Ok();
                    }
                }
                """)
            .WithSource("Startup.cs", """
                using Microsoft.Extensions.DependencyInjection;

                namespace Shop;

                public sealed class Startup
                {
                    public void ConfigureServices(IServiceCollection services)
                    {
                        services.AddControllers();
                        services.AddMemoryCache();
                    }
                }
                """)
            .ShouldFixCodeWith("RecentSearches.cs", """
                using System;
                using System.Collections.Generic;

                namespace Shop;

                public sealed class RecentSearches
                {
                    private readonly List<string> _terms = new();

                    public RecentSearches() { }

                    public void Add(string term) => _terms.Add(term);
                }
                """)
            .ShouldFixCodeWith("SearchController.cs", """
                using Microsoft.AspNetCore.Mvc;

                namespace Shop;

                public sealed class SearchController : ControllerBase
                {
                    private readonly RecentSearches _recentSearches;

                    public SearchController(RecentSearches recentSearches)
                    {
                        _recentSearches = recentSearches;
                    }

                    [HttpGet("/search")]
                    public IActionResult Search(string term)
                    {
                        _recentSearches.Add(term);
                        return Ok();
                    }
                }
                """)
            .ShouldFixCodeWith("Startup.cs", """
                using Microsoft.Extensions.DependencyInjection;

                namespace Shop;

                public sealed class Startup
                {
                    public void ConfigureServices(IServiceCollection services)
                    {
                        services.AddControllers();
                        services.AddMemoryCache();
                        services.AddSingleton<RecentSearches>();
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task DoubleCheckedLocking_LockObjectGoes_OwnUseBecomesThis_RegisteredInAnExtensionMethod()
    {
        await Test()
            .WithSource("SessionTracker.cs", """
                namespace Shop;

                public sealed class SessionTracker
                {
                    private static volatile SessionTracker? s_instance;
                    private static readonly object s_gate = new();
                    private int _open;

                    private SessionTracker() { }

                    public static SessionTracker [|Instance|]
                    {
                        get
                        {
                            if (s_instance == null)
                            {
                                lock (s_gate)
                                {
                                    if (s_instance == null)
                                    {
                                        s_instance = new SessionTracker();
                                    }
                                }
                            }

                            return s_instance;
                        }
                    }

                    public SessionTracker Open()
                    {
                        _open++;
                        return Instance;
                    }
                }
                """)
            .WithSource("ShopServices.cs", """
                using Microsoft.Extensions.DependencyInjection;

                namespace Shop;

                public static class ShopServices
                {
                    public static IServiceCollection AddShop(this IServiceCollection services)
                    {
                        services.AddMemoryCache();
                        return services;
                    }
                }
                """)
            .ShouldFixCodeWith("SessionTracker.cs", """
                namespace Shop;

                public sealed class SessionTracker
                {
                    private int _open;

                    public SessionTracker() { }

                    public SessionTracker Open()
                    {
                        _open++;
                        return this;
                    }
                }
                """)
            .ShouldFixCodeWith("ShopServices.cs", """
                using Microsoft.Extensions.DependencyInjection;

                namespace Shop;

                public static class ShopServices
                {
                    public static IServiceCollection AddShop(this IServiceCollection services)
                    {
                        services.AddMemoryCache();
                        services.AddSingleton<SessionTracker>();
                        return services;
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task PrimaryConstructorConsumer_AndGetInstanceMethod_InTopLevelProgram()
    {
        await Test()
            .WithOutputKind(Microsoft.CodeAnalysis.OutputKind.ConsoleApplication)
            .WithSource("Clock.cs", """
                using System;

                namespace Shop;

                public sealed class Clock
                {
                    private static Clock? s_clock;
                    private long _ticks;

                    private Clock() { }

                    public static Clock [|GetInstance|]() => s_clock ??= new Clock();

                    public long Tick() => ++_ticks;
                }

                public interface IStamper
                {
                    string Stamp(string text);
                }

                public sealed class Ticker(TimeProvider time) : IStamper
                {
                    public string Stamp(string text) => time.GetUtcNow() + " #" + Clock.GetInstance().Tick() + ": " + text;
                }
                """)
            .WithSource("Program.cs", """
                using Microsoft.AspNetCore.Builder;
                using Microsoft.Extensions.DependencyInjection;
                using Shop;

                var builder = WebApplication.CreateBuilder(args);
                builder.Services.AddSingleton<IStamper, Ticker>();

                var app = builder.Build();
                app.MapGet("/tick", () => Clock.GetInstance().Tick());
                app.Run();
                """)
            .ShouldFixCodeWith("Clock.cs", """
                using System;

                namespace Shop;

                public sealed class Clock
                {
                    private long _ticks;

                    public Clock() { }

                    public long Tick() => ++_ticks;
                }

                public interface IStamper
                {
                    string Stamp(string text);
                }

                public sealed class Ticker(TimeProvider time, Clock clock) : IStamper
                {
                    public string Stamp(string text) => time.GetUtcNow() + " #" + clock.Tick() + ": " + text;
                }
                """)
            .ShouldFixCodeWith("Program.cs", """
                using Microsoft.AspNetCore.Builder;
                using Microsoft.Extensions.DependencyInjection;
                using Shop;

                var builder = WebApplication.CreateBuilder(args);
                builder.Services.AddSingleton<IStamper, Ticker>();
                builder.Services.AddSingleton<Clock>();

                var app = builder.Build();
                app.MapGet("/tick", (Clock clock) => clock.Tick());
                app.Run();
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task FixAll_TwoSingletons_EachRegisteredOnce_InOrder()
    {
        const string Singletons = """
            namespace Shop;

            public sealed class Ids
            {
                private int _last;

                private Ids() { }

                public static Ids [|Instance|] { get; } = new Ids();

                public int Next() => ++_last;
            }

            public sealed class Visits
            {
                private int _count;

                private Visits() { }

                public static Visits [|Instance|] { get; } = new Visits();

                public int Add() => ++_count;
            }
            """;
        const string App = """
            using Microsoft.AspNetCore.Builder;
            using Microsoft.Extensions.DependencyInjection;

            namespace Shop;

            public static class App
            {
                public static WebApplication Build(string[] args)
                {
                    var builder = WebApplication.CreateBuilder(args);
                    builder.Services.AddRouting();

                    var app = builder.Build();
                    app.MapGet("/next", () => Ids.Instance.Next() + Visits.Instance.Add());
                    return app;
                }
            }
            """;
        await Test()
            .WithSource("Singletons.cs", Singletons)
            .WithSource("App.cs", App)
            .ShouldFixCodeWith("Singletons.cs", """
                namespace Shop;

                public sealed class Ids
                {
                    private int _last;

                    public Ids() { }

                    public int Next() => ++_last;
                }

                public sealed class Visits
                {
                    private int _count;

                    public Visits() { }

                    public int Add() => ++_count;
                }
                """)
            .ShouldFixCodeWith("App.cs", """
                using Microsoft.AspNetCore.Builder;
                using Microsoft.Extensions.DependencyInjection;

                namespace Shop;

                public static class App
                {
                    public static WebApplication Build(string[] args)
                    {
                        var builder = WebApplication.CreateBuilder(args);
                        builder.Services.AddRouting();
                        builder.Services.AddSingleton<Ids>();
                        builder.Services.AddSingleton<Visits>();

                        var app = builder.Build();
                        app.MapGet("/next", (Ids ids, Visits visits) => ids.Next() + visits.Add());
                        return app;
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task UseInAConstructor_TakesTheParameter_AndTheRegistrationFileGainsTheUsing()
    {
        await Test()
            .WithSource("VisitCounter.cs", """
                namespace Shop
                {
                    public sealed class VisitCounter
                    {
                        private int _visits;

                        private VisitCounter() { }

                        public static VisitCounter [|Instance|] { get; } = new VisitCounter();

                        public int Visit() => ++_visits;
                    }

                    public sealed class Greeter
                    {
                        private readonly int _first;

                        public Greeter()
                        {
                            _first = VisitCounter.Instance.Visit();
                        }

                        public string Greet() => "visitor " + _first;
                    }
                }
                """)
            .WithSource("Startup.cs", """
                namespace Shop
                {
                    public sealed class Startup
                    {
                        public void ConfigureServices(Microsoft.Extensions.DependencyInjection.IServiceCollection services)
                        {
                            Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddScoped<Greeter>(services);
                        }
                    }
                }
                """)
            .ShouldFixCodeWith("VisitCounter.cs", """
                namespace Shop
                {
                    public sealed class VisitCounter
                    {
                        private int _visits;

                        public VisitCounter() { }

                        public int Visit() => ++_visits;
                    }

                    public sealed class Greeter
                    {
                        private readonly int _first;
                        private readonly VisitCounter _visitCounter;

                        public Greeter(VisitCounter visitCounter)
                        {
                            _first = visitCounter.Visit();
                            _visitCounter = visitCounter;
                        }

                        public string Greet() => "visitor " + _first;
                    }
                }
                """)
            .ShouldFixCodeWith("Startup.cs", """
                using Microsoft.Extensions.DependencyInjection;

                namespace Shop
                {
                    public sealed class Startup
                    {
                        public void ConfigureServices(Microsoft.Extensions.DependencyInjection.IServiceCollection services)
                        {
                            Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddScoped<Greeter>(services);
                            services.AddSingleton<VisitCounter>();
                        }
                    }
                }
                """)
            .ValidateAsync();
    }

    // ---------------------------------------------------------------- not offered

    private const string Counter = """
        namespace Shop;

        public sealed class VisitCounter
        {
            private int _visits;

            private VisitCounter() { }

            public static VisitCounter [|Instance|] { get; } = new VisitCounter();

            public int Visit() => ++_visits;
        }
        """;

    private const string Root = """
        using Microsoft.AspNetCore.Builder;
        using Microsoft.Extensions.DependencyInjection;

        namespace Shop;

        public static class App
        {
            public static WebApplication Build(string[] args)
            {
                var builder = WebApplication.CreateBuilder(args);
                builder.Services.AddRouting();
                return builder.Build();
            }
        }
        """;

    [Fact]
    public async Task NotOffered_UseInAStaticMethod()
    {
        await Test()
            .WithSource("VisitCounter.cs", Counter)
            .WithSource("App.cs", Root)
            .WithSource("Report.cs", """
                namespace Shop;

                public static class Report
                {
                    public static string Visits() => "visits: " + VisitCounter.Instance.Visit();
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task NotOffered_UseInAClassTheContainerDoesNotBuild()
    {
        await Test()
            .WithSource("VisitCounter.cs", Counter)
            .WithSource("App.cs", Root)
            .WithSource("Page.cs", """
                namespace Shop;

                public sealed class Page
                {
                    public int Render() => VisitCounter.Instance.Visit();
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task NotOffered_UseInAFieldInitializerOfARegisteredClass()
    {
        await Test()
            .WithSource("VisitCounter.cs", Counter)
            .WithSource("App.cs", Root.Replace("builder.Services.AddRouting();", "builder.Services.AddScoped<Page>();", StringComparison.Ordinal))
            .WithSource("Page.cs", """
                namespace Shop;

                public sealed class Page
                {
                    private readonly VisitCounter _counter = VisitCounter.Instance;

                    public int Render() => _counter.Visit();
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task NotOffered_UseInTopLevelCodeOutsideAHandler()
    {
        await Test()
            .WithOutputKind(Microsoft.CodeAnalysis.OutputKind.ConsoleApplication)
            .WithSource("VisitCounter.cs", Counter)
            .WithSource("Program.cs", """
                using Microsoft.AspNetCore.Builder;
                using Microsoft.Extensions.DependencyInjection;
                using Shop;

                var builder = WebApplication.CreateBuilder(args);
                builder.Services.AddRouting();

                var app = builder.Build();
                VisitCounter.Instance.Visit();
                app.Run();
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task NotOffered_ConstructorTakesAStringTheContainerCannotSupply()
    {
        await Test()
            .WithSource("PriceList.cs", """
                using System;
                using System.IO;

                namespace Shop;

                public sealed class PriceList
                {
                    private static PriceList? _instance;
                    private readonly string _folder;

                    private PriceList(string folder) => _folder = folder;

                    public static PriceList [|Instance|] => _instance ?? throw new InvalidOperationException("Configure first.");

                    public static void Configure(string folder) => _instance = new PriceList(folder);

                    public string Read(string sku) => File.ReadAllText(Path.Combine(_folder, sku));
                }
                """)
            .WithSource("App.cs", Root.Replace("builder.Services.AddRouting();", "builder.Services.AddRouting();\n        PriceList.Configure(\"prices\");", StringComparison.Ordinal))
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task NotOffered_NoCompositionRoot()
    {
        await Test()
            .WithSource("VisitCounter.cs", Counter)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task NotOffered_SetUpCallComputesItsArgument()
    {
        await Test()
            .WithSource("Settings.cs", """
                using System;
                using Microsoft.Extensions.Configuration;

                namespace Shop;

                public sealed class Settings
                {
                    private static Settings? _instance;
                    private string? _region;

                    private Settings(IConfiguration configuration) => _region = configuration["Region"];

                    public static Settings [|Current|] => _instance ?? throw new InvalidOperationException();

                    public static void Configure(IConfiguration configuration) => _instance = new Settings(configuration);

                    public void Move(string region) => _region = region;
                }
                """)
            .WithSource("App.cs", """
                using Microsoft.AspNetCore.Builder;
                using Microsoft.Extensions.Configuration;
                using Microsoft.Extensions.DependencyInjection;

                namespace Shop;

                public static class App
                {
                    public static WebApplication Build(string[] args)
                    {
                        var builder = WebApplication.CreateBuilder(args);
                        builder.Services.AddRouting();
                        var app = builder.Build();
                        Settings.Configure(new ConfigurationBuilder().AddInMemoryCollection().Build());
                        return app;
                    }
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }
}
