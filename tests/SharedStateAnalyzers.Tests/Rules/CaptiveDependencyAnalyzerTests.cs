using SharedStateAnalyzers.Rules;
using SharedStateAnalyzers.Tests.Verification;

namespace SharedStateAnalyzers.Tests.Rules;

/// <summary>SSA006: which singleton registrations capture a shorter-lived dependency, with which message, and what is left alone.</summary>
public sealed class CaptiveDependencyAnalyzerTests
{
    private const string ScopedConsequence = "the instance made for one scope is kept for the life of the process and shared by every request";
    private const string DisposableConsequence = "the instance is kept for the life of the process and disposed only when it ends";
    private const string HttpClientConsequence = "the client is kept for the life of the process, so its handler is never rotated and DNS changes are never seen";

    private static AnalyzerTest Test(string source, References references = References.DependencyInjection)
        => AnalyzerTest.Create<CaptiveDependencyAnalyzer>().WithReferences(references).WithSource(source);

    private static DiagnosticResult Scoped(string consumer, string dependency, string via = "", int location = 0, int dependencyLocation = 1)
        => DiagnosticResult.Create("SSA006").WithLocation(location).WithAdditionalLocation(dependencyLocation)
            .WithMessage($"Singleton '{consumer}' depends on scoped '{dependency}'{via}: {ScopedConsequence}");

    private static DiagnosticResult Disposable(string consumer, string dependency, int location = 0, int dependencyLocation = 1)
        => DiagnosticResult.Create("SSA006").WithLocation(location).WithAdditionalLocation(dependencyLocation)
            .WithMessage($"Singleton '{consumer}' depends on disposable transient '{dependency}': {DisposableConsequence}");

    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.DependencyInjection.Extensions;

        """;

    // ---------------------------------------------------------------- flagged

    [Fact]
    public async Task Singleton_TakesScopedRepository_ThroughConstructor()
    {
        await Test(Usings + """
            public interface IOrderRepository { }
            public sealed class OrderRepository : IOrderRepository { }
            public sealed class OrderNotifier
            {
                public OrderNotifier(IOrderRepository orders) { }
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.{|#1:AddScoped<IOrderRepository, OrderRepository>()|};
                    services.{|#0:AddSingleton<OrderNotifier>()|};
                }
            }
            """)
            .ExpectDiagnostic(Scoped("OrderNotifier", "IOrderRepository"))
            .ValidateAsync();
    }

    [Fact]
    public async Task Registrations_VerbatimOrChained_AndNotInCommentsOrStrings()
    {
        // A verbatim name is the method's name, a call chained on another registration counts, and a registration
        // written in a comment or a string registers nothing (IClock stays the singleton it is registered as).
        await Test(Usings + """
            public interface IOrderRepository { }
            public sealed class OrderRepository : IOrderRepository { }
            public interface IClock { }
            public sealed class Clock : IClock { }
            public sealed class OrderNotifier
            {
                public OrderNotifier(IOrderRepository orders, IClock clock) { }
            }

            public static class Startup
            {
                public static string Configure(IServiceCollection services)
                {
                    // services.AddScoped<IClock, Clock>();
                    services.AddSingleton<IClock, Clock>().{|#1:@AddScoped<IOrderRepository, OrderRepository>()|};
                    services.{|#0:AddSingleton<OrderNotifier>()|};
                    return "services.AddScoped<IClock, Clock>()";
                }
            }
            """)
            .ExpectDiagnostic(Scoped("OrderNotifier", "IOrderRepository"))
            .ValidateAsync();
    }

    [Fact]
    public async Task ConstructorWithAnUnresolvedParameterType_StillReportsTheScopedOne()
    {
        // Half-typed code (a package not restored yet): the parameter whose type does not resolve is skipped.
        await Test(Usings + """
            public interface IOrderRepository { }
            public sealed class OrderRepository : IOrderRepository { }
            public sealed class OrderNotifier
            {
                public OrderNotifier(IMissingClock clock, IOrderRepository orders, [FromKeyedServices("a")] IMissingBus bus) { }
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.{|#1:AddScoped<IOrderRepository, OrderRepository>()|};
                    services.{|#0:AddSingleton<OrderNotifier>()|};
                }
            }
            """)
            .AllowCompilerErrors()
            .ExpectDiagnostic(Scoped("OrderNotifier", "IOrderRepository"))
            .ValidateAsync();
    }

    [Fact]
    public async Task HostedService_TakesDbContext_WhoseOptionsLambdaDoesNotBindYet()
    {
        // While the options are being typed (or a provider package is not restored), the lambda has errors and the
        // call binds to no single overload; the context is registered as scoped all the same.
        await Test("""
            using System.Threading;
            using System.Threading.Tasks;
            using Microsoft.EntityFrameworkCore;
            using Microsoft.Extensions.DependencyInjection;
            using Microsoft.Extensions.Hosting;

            public sealed class ShopContext : DbContext
            {
                public ShopContext(DbContextOptions<ShopContext> options) : base(options) { }
            }

            public sealed class Cleanup : BackgroundService
            {
                private readonly ShopContext _db;
                public Cleanup(ShopContext db) => _db = db;
                protected override Task ExecuteAsync(CancellationToken stoppingToken) => _db.Database.EnsureCreatedAsync(stoppingToken);
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services, bool inMemory)
                {
                    services.{|#1:AddDbContext<ShopContext>(builder =>
                    {
                        _ = inMemory switch { true => builder.UseInMemoryDatabase("shop"), _ => builder.UseSqlite("Data Source=shop.db") };
                    })|};
                    services.{|#0:AddHostedService<Cleanup>()|};
                }
            }
            """, References.EntityFrameworkCore | References.DependencyInjection)
            .AllowCompilerErrors()
            .ExpectDiagnostic(Scoped("Cleanup", "ShopContext"))
            .ValidateAsync();
    }

    [Fact]
    public async Task Singleton_TakesDbContext_FromAddDbContext()
    {
        await Test("""
            using Microsoft.EntityFrameworkCore;
            using Microsoft.Extensions.DependencyInjection;

            public sealed class ShopContext : DbContext
            {
                public ShopContext(DbContextOptions<ShopContext> options) : base(options) { }
            }

            public sealed class PriceCache
            {
                private readonly ShopContext _db;
                public PriceCache(ShopContext db) => _db = db;
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.{|#1:AddDbContext<ShopContext>()|};
                    services.{|#0:AddSingleton<PriceCache>()|};
                }
            }
            """, References.EntityFrameworkCore)
            .ExpectDiagnostic(Scoped("PriceCache", "ShopContext"))
            .ValidateAsync();
    }

    [Fact]
    public async Task Singleton_TakesPooledDbContext()
    {
        await Test("""
            using Microsoft.EntityFrameworkCore;
            using Microsoft.Extensions.DependencyInjection;

            public sealed class ShopContext : DbContext
            {
                public ShopContext(DbContextOptions<ShopContext> options) : base(options) { }
            }

            public sealed class Reports
            {
                public Reports(ShopContext db) { }
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.{|#1:AddDbContextPool<ShopContext>(o => { })|};
                    services.{|#0:AddSingleton<Reports>()|};
                }
            }
            """, References.EntityFrameworkCore)
            .ExpectDiagnostic(Scoped("Reports", "ShopContext"))
            .ValidateAsync();
    }

    [Fact]
    public async Task FactoryLambda_GetRequiredService_OfScoped()
    {
        await Test(Usings + """
            public sealed class UnitOfWork { }
            public interface IClock { }
            public sealed class Clock : IClock
            {
                public Clock(UnitOfWork work) { }
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.{|#1:AddScoped<UnitOfWork>()|};
                    services.{|#0:AddSingleton<IClock>(sp => new Clock(sp.GetRequiredService<UnitOfWork>()))|};
                }
            }
            """)
            .ExpectDiagnostic(Scoped("Clock", "UnitOfWork"))
            .ValidateAsync();
    }

    [Fact]
    public async Task FactoryLambda_GetService_Typeof_OfScoped()
    {
        await Test(Usings + """
            public sealed class UnitOfWork { }
            public sealed class Auditor
            {
                public Auditor(object work) { }
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.{|#1:AddScoped(typeof(UnitOfWork))|};
                    services.{|#0:AddSingleton(typeof(Auditor), sp => new Auditor(sp.GetService(typeof(UnitOfWork))!))|};
                }
            }
            """)
            .ExpectDiagnostic(Scoped("Auditor", "UnitOfWork"))
            .ValidateAsync();
    }

    [Fact]
    public async Task Enumerable_OfScopedHandlers()
    {
        await Test(Usings + """
            public interface IHandler { }
            public sealed class MailHandler : IHandler { }
            public sealed class SmsHandler : IHandler { }
            public sealed class Dispatcher
            {
                public Dispatcher(IEnumerable<IHandler> handlers) { }
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.AddTransient<IHandler, MailHandler>();
                    services.{|#1:AddScoped<IHandler, SmsHandler>()|};
                    services.{|#0:AddSingleton<Dispatcher>()|};
                }
            }
            """)
            .ExpectDiagnostic(Scoped("Dispatcher", "IHandler"))
            .ValidateAsync();
    }

    /// <summary>
    /// Sinks a widget service takes as a sequence, each registered by ADD_SINK; the service registered by REGISTER_SERVICE.
    /// </summary>
    private const string SinksTakingTheServicesLifetime = """
        using System.Linq;

        public interface IAuditSink { }
        public sealed class ConsoleSink : IAuditSink { }
        public sealed class FileSink : IAuditSink { }
        public sealed class WidgetService
        {
            public WidgetService(IEnumerable<IAuditSink> sinks) { }
        }

        public static class WidgetSetup
        {
            public static IServiceCollection AddWidgets(this IServiceCollection services)
            {
                REGISTER_SERVICE
                return services;
            }

            public static IServiceCollection AddSink<T>(this IServiceCollection services) where T : class, IAuditSink
            {
                ADD_SINK
                return services;
            }
        }
        """;

    [Theory]
    [InlineData("""
        if (services.Any(d => d.ServiceType == typeof(WidgetService) && d.Lifetime == ServiceLifetime.Scoped))
            services.AddScoped<IAuditSink, T>();
        else
            services.AddSingleton<IAuditSink, T>();
        """)]
    [InlineData("""
        if (services.Any(d => d.ServiceType == typeof(WidgetService) && d.Lifetime == ServiceLifetime.Singleton))
        {
            services.AddSingleton(typeof(IAuditSink), typeof(T));
        }
        else
        {
            // matches the consumer
            services.AddScoped(typeof(IAuditSink), typeof(T));
        }
        """)]
    [InlineData("""
        _ = services.Any(d => d.ServiceType == typeof(WidgetService) && d.Lifetime == ServiceLifetime.Scoped)
            ? services.AddScoped<IAuditSink, T>()
            : services.AddSingleton<IAuditSink, T>();
        """)]
    public async Task Enumerable_OfAServiceWhoseLifetimeABranchChooses(string addSink)
    {
        // The sink is scoped only when the consumer is: the singleton consumer gets the other branch, a singleton sink.
        await Test(Usings + SinksTakingTheServicesLifetime.Replace("REGISTER_SERVICE", "services.AddSingleton<WidgetService>();").Replace("ADD_SINK", addSink))
            .ValidateAsync();
    }

    [Theory]
    // Both branches scoped, or the singleton one registers another service.
    [InlineData("""
        if (services.Count > 3)
            services.{|#1:AddScoped<IAuditSink, T>()|};
        else
            services.AddScoped<IAuditSink, ConsoleSink>();
        """)]
    [InlineData("""
        if (services.Count > 3)
            services.{|#1:AddScoped<IAuditSink, T>()|};
        else
            services.AddSingleton<ConsoleSink>();
        """)]
    // A singleton registration before the if, not in its other branch: both run.
    [InlineData("""
        services.AddSingleton<IAuditSink, ConsoleSink>();
        if (services.Count > 3)
            services.{|#1:AddScoped<IAuditSink, T>()|};
        """)]
    public async Task Enumerable_OfAScopedServiceNotChosenAgainstASingleton_IsReported(string addSink)
    {
        await Test(Usings + SinksTakingTheServicesLifetime.Replace("REGISTER_SERVICE", "services.{|#0:AddSingleton<WidgetService>()|};").Replace("ADD_SINK", addSink))
            .ExpectDiagnostic(Scoped("WidgetService", "IAuditSink"))
            .ValidateAsync();
    }

    [Fact]
    public async Task OpenGeneric_ScopedRepository()
    {
        await Test(Usings + """
            public interface IRepository<T> { }
            public sealed class Repository<T> : IRepository<T> { }
            public sealed class Order { }
            public sealed class OrderExporter
            {
                public OrderExporter(IRepository<Order> orders) { }
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.{|#1:AddScoped(typeof(IRepository<>), typeof(Repository<>))|};
                    services.{|#0:AddSingleton<OrderExporter>()|};
                }
            }
            """)
            .ExpectDiagnostic(Scoped("OrderExporter", "IRepository<Order>"))
            .ValidateAsync();
    }

    [Fact]
    public async Task Transitive_ThroughTransient()
    {
        await Test(Usings + """
            public sealed class UserSession { }
            public sealed class PermissionChecker
            {
                public PermissionChecker(UserSession session) { }
            }
            public sealed class MenuBuilder
            {
                public MenuBuilder(PermissionChecker permissions) { }
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.{|#1:AddScoped<UserSession>()|};
                    services.AddTransient<PermissionChecker>();
                    services.{|#0:AddSingleton<MenuBuilder>()|};
                }
            }
            """)
            .ExpectDiagnostic(Scoped("MenuBuilder", "UserSession", " through transient 'PermissionChecker'"))
            .ValidateAsync();
    }

    [Fact]
    public async Task OneDependencyReachedSeveralWays_OneDiagnosticAtTheShortestPath()
    {
        // The unit of work takes the context through two transient repositories first, then directly: one context is
        // captured, so one diagnostic, naming the direct dependency.
        await Test(Usings + """
            public sealed class ShopContext { }
            public sealed class Repository<T>
            {
                public Repository(ShopContext context) { }
            }
            public sealed class UnitOfWork
            {
                public UnitOfWork(Repository<string> users, Repository<int> orders, ShopContext context) { }
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.{|#1:AddScoped<ShopContext>()|};
                    services.AddTransient<Repository<string>>();
                    services.AddTransient<Repository<int>>();
                    services.{|#0:AddSingleton<UnitOfWork>()|};
                }
            }
            """)
            .ExpectDiagnostic(Scoped("UnitOfWork", "ShopContext"))
            .ValidateAsync();
    }

    [Fact]
    public async Task DisposableTransient()
    {
        await Test(Usings + """
            public sealed class FileWriter : IDisposable
            {
                public void Dispose() { }
            }
            public sealed class AuditLog
            {
                public AuditLog(FileWriter writer) { }
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.{|#1:AddTransient<FileWriter>()|};
                    services.{|#0:AddSingleton<AuditLog>()|};
                }
            }
            """)
            .ExpectDiagnostic(Disposable("AuditLog", "FileWriter"))
            .ValidateAsync();
    }

    [Fact]
    public async Task AsyncDisposableTransient_BehindInterface()
    {
        await Test(Usings + """
            using System.Threading.Tasks;

            public interface IConnection { }
            public sealed class Connection : IConnection, IAsyncDisposable
            {
                public ValueTask DisposeAsync() => default;
            }
            public sealed class Poller
            {
                public Poller(IConnection connection) { }
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.{|#1:AddTransient<IConnection, Connection>()|};
                    services.{|#0:AddSingleton<Poller>()|};
                }
            }
            """)
            .ExpectDiagnostic(Disposable("Poller", "IConnection"))
            .ValidateAsync();
    }

    [Fact]
    public async Task TypedHttpClient()
    {
        await Test("""
            using System.Net.Http;
            using Microsoft.Extensions.DependencyInjection;

            public sealed class WeatherClient
            {
                public WeatherClient(HttpClient http) { }
            }
            public sealed class WeatherCache
            {
                public WeatherCache(WeatherClient client) { }
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.{|#1:AddHttpClient<WeatherClient>()|};
                    services.{|#0:AddSingleton<WeatherCache>()|};
                }
            }
            """, References.AspNetCore)
            .ExpectDiagnostic(DiagnosticResult.Create("SSA006").WithLocation(0).WithAdditionalLocation(1)
                .WithMessage($"Singleton 'WeatherCache' depends on transient typed HttpClient 'WeatherClient': {HttpClientConsequence}"))
            .ValidateAsync();
    }

    /// <summary>
    /// A basket service that takes a generated gRPC client; the gRPC client factory's <c>AddGrpcClient</c> is declared
    /// here with the package's namespace and shape. <c>REGISTRATION</c> registers the service.
    /// </summary>
    private const string GrpcBasket = """
        using System;
        using Microsoft.Extensions.DependencyInjection;

        namespace Microsoft.Extensions.DependencyInjection
        {
            public sealed class GrpcClientFactoryOptions { public Uri? Address { get; set; } }

            public static class GrpcClientServiceExtensions
            {
                public static IServiceCollection AddGrpcClient<TClient>(this IServiceCollection services, Action<GrpcClientFactoryOptions> configureClient)
                    where TClient : class
                    => services.AddTransient<TClient>();
            }
        }

        public sealed class BasketClient { }

        public sealed class BasketService
        {
            public BasketService(BasketClient client) { }
        }

        public static class Startup
        {
            public static void Configure(IServiceCollection services)
            {
                services.{|#1:AddGrpcClient<BasketClient>(o => o.Address = new Uri("http://basket-api"))|};
                REGISTRATION;
            }
        }
        """;

    [Fact]
    public async Task GrpcClientOfTheClientFactory()
    {
        // eShop's WebApp: a singleton BasketService keeps the gRPC client, and with it the typed HttpClient under it.
        await Test(GrpcBasket.Replace("REGISTRATION", "services.{|#0:AddSingleton<BasketService>()|}"), References.AspNetCore)
            .ExpectDiagnostic(DiagnosticResult.Create("SSA006").WithLocation(0).WithAdditionalLocation(1)
                .WithMessage($"Singleton 'BasketService' depends on transient gRPC client 'BasketClient': {HttpClientConsequence}"))
            .ValidateAsync();
    }

    [Theory]
    [InlineData("services.AddScoped<BasketService>()")]
    [InlineData("services.AddTransient<BasketService>()")]
    public async Task GrpcClientTakenByAShorterLivedService(string registration)
    {
        await Test(GrpcBasket.Replace("{|#1:", "").Replace(")|};", ");").Replace("REGISTRATION", registration), References.AspNetCore)
            .ValidateAsync();
    }

    [Fact]
    public async Task HostedService_TakesScoped()
    {
        await Test(Usings + """
            using System.Threading;
            using System.Threading.Tasks;
            using Microsoft.Extensions.Hosting;

            public sealed class OrderQueue { }
            public sealed class OrderWorker : IHostedService
            {
                public OrderWorker(OrderQueue queue) { }
                public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
                public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.{|#1:AddScoped<OrderQueue>()|};
                    services.{|#0:AddHostedService<OrderWorker>()|};
                }
            }
            """)
            .ExpectDiagnostic(Scoped("OrderWorker", "OrderQueue"))
            .ValidateAsync();
    }

    [Fact]
    public async Task TryAddAndKeyedForms()
    {
        await Test(Usings + """
            public sealed class Tenant { }
            public sealed class TenantCache
            {
                public TenantCache(Tenant tenant) { }
            }
            public sealed class Pricing
            {
                public Pricing([FromKeyedServices("eu")] Tenant tenant) { }
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.{|#1:TryAddScoped<Tenant>()|};
                    services.{|#3:AddKeyedScoped<Tenant>("eu")|};
                    services.{|#0:TryAddSingleton<TenantCache>()|};
                    services.{|#2:AddKeyedSingleton<Pricing>("eu")|};
                }
            }
            """)
            .ExpectDiagnostic(Scoped("TenantCache", "Tenant"))
            .ExpectDiagnostic(Scoped("Pricing", "Tenant", location: 2, dependencyLocation: 3))
            .ValidateAsync();
    }

    [Fact]
    public async Task RegistrationsInOwnExtensionMethods_AcrossFiles()
    {
        await AnalyzerTest.Create<CaptiveDependencyAnalyzer>()
            .WithReferences(References.DependencyInjection)
            .WithSource("Data.cs", """
                using Microsoft.Extensions.DependencyInjection;

                public sealed class CartStore { }

                public static class DataServices
                {
                    public static IServiceCollection AddData(this IServiceCollection services)
                        => services.{|#1:AddScoped<CartStore>()|};
                }
                """)
            .WithSource("Web.cs", """
                using Microsoft.Extensions.DependencyInjection;

                public sealed class CartTotals
                {
                    public CartTotals(CartStore store) { }
                }

                public static class WebServices
                {
                    public static IServiceCollection AddWeb(this IServiceCollection services)
                        => services.AddData().{|#0:AddSingleton<CartTotals>()|};
                }
                """)
            .ExpectDiagnostic(Scoped("CartTotals", "CartStore"))
            .ValidateAsync();
    }

    [Fact]
    public async Task ActivatorUtilitiesConstructor_IsTheOneUsed()
    {
        await Test(Usings + """
            public sealed class Session { }
            public sealed class Greeter
            {
                public Greeter() { }

                [ActivatorUtilitiesConstructor]
                public Greeter(Session session) { }

                public Greeter(string a, string b) { }
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.{|#1:AddScoped<Session>()|};
                    services.{|#0:AddSingleton<Greeter>()|};
                }
            }
            """)
            .ExpectDiagnostic(Scoped("Greeter", "Session"))
            .ValidateAsync();
    }

    [Fact]
    public async Task TwoScopedParameters_TwoDiagnostics()
    {
        await Test(Usings + """
            public sealed class Cart { }
            public sealed class Customer { }
            public sealed class Checkout
            {
                public Checkout(Cart cart, Customer customer) { }
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.{|#1:AddScoped<Cart>()|};
                    services.{|#2:AddScoped<Customer>()|};
                    services.{|#0:AddSingleton<Checkout>()|};
                }
            }
            """)
            .ExpectDiagnostic(Scoped("Checkout", "Cart"))
            .ExpectDiagnostic(Scoped("Checkout", "Customer", dependencyLocation: 2))
            .ValidateAsync();
    }

    [Fact]
    public async Task ServiceDescriptorForms_HandedToTheCollection()
    {
        // Descriptors given to TryAdd, Add, Replace and TryAddEnumerable register like AddSingleton and AddScoped: the
        // generic, typeof and keyed factories, and Describe with a constant lifetime.
        await Test(Usings + """
            public sealed class Tenant { }
            public interface IAuditSink { }
            public sealed class AuditSink : IAuditSink { }
            public interface IPriceList { }
            public sealed class PriceList : IPriceList
            {
                public PriceList(Tenant tenant) { }
            }
            public sealed class Dashboard
            {
                public Dashboard(IAuditSink sink) { }
            }
            public interface IStartupCheck { }
            public sealed class TenantCheck : IStartupCheck
            {
                public TenantCheck([FromKeyedServices("eu")] Tenant tenant) { }
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.TryAdd(ServiceDescriptor.{|#1:Scoped<Tenant, Tenant>()|});
                    services.Add(ServiceDescriptor.{|#3:Describe(typeof(IAuditSink), typeof(AuditSink), ServiceLifetime.Scoped)|});
                    services.Add(ServiceDescriptor.{|#5:KeyedScoped<Tenant, Tenant>("eu")|});
                    services.Replace(ServiceDescriptor.{|#0:Singleton(typeof(IPriceList), typeof(PriceList))|});
                    services.TryAdd(ServiceDescriptor.{|#2:Describe(typeof(Dashboard), typeof(Dashboard), ServiceLifetime.Singleton)|});
                    services.TryAddEnumerable(ServiceDescriptor.{|#4:Singleton<IStartupCheck, TenantCheck>()|});
                }
            }
            """)
            .ExpectDiagnostic(Scoped("PriceList", "Tenant"))
            .ExpectDiagnostic(Scoped("Dashboard", "IAuditSink", location: 2, dependencyLocation: 3))
            .ExpectDiagnostic(Scoped("TenantCheck", "Tenant", location: 4, dependencyLocation: 5))
            .ValidateAsync();
    }

    // ---------------------------------------------------------------- left alone

    [Fact]
    public async Task ServiceDescriptors_NotHandedToTheCollection_OrOfAnotherLifetime()
    {
        // A descriptor that is only compared, one whose lifetime is not a constant, and a transient or scoped one
        // register no singleton.
        await Test(Usings + """
            public sealed class Tenant { }
            public sealed class TenantCache
            {
                public TenantCache(Tenant tenant) { }
            }
            public sealed class TenantReport
            {
                public TenantReport(Tenant tenant) { }
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services, ServiceLifetime lifetime)
                {
                    services.AddScoped<Tenant>();
                    var probe = ServiceDescriptor.Singleton<TenantCache, TenantCache>();
                    if (!services.Contains(probe))
                    {
                        services.Add(ServiceDescriptor.Scoped<TenantCache, TenantCache>());
                    }

                    services.Add(ServiceDescriptor.Describe(typeof(TenantReport), typeof(TenantReport), lifetime));
                    services.TryAdd(ServiceDescriptor.Transient<TenantReport, TenantReport>());
                }
            }
            """)
            .ValidateAsync();
    }


    [Fact]
    public async Task TransientHandler_HandedToTheSingletonClientThatOwnsIt()
    {
        // The factory builds the client around the handler chain it resolves: the HttpClient (and the outer handler, for
        // its InnerHandler) owns and disposes what it is given, down the chain (the telemetry handler's inner handler).
        // A class of the project given the same handler is still reported.
        await Test(Usings + """
            using System.Net.Http;

            public sealed class RetryHandler : DelegatingHandler { }
            public sealed class LoggingHandler : DelegatingHandler { }
            public sealed class TelemetryHandler : DelegatingHandler
            {
                public TelemetryHandler(HttpClientHandler inner) : base(inner) { }
            }
            public sealed class Sender
            {
                public Sender(HttpMessageHandler handler) { }
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.{|#1:AddTransient<RetryHandler>()|};
                    services.AddTransient<LoggingHandler>();
                    services.AddSingleton(sp => new HttpClient(sp.GetRequiredService<RetryHandler>()));
                    services.AddSingleton(sp => new HttpMessageInvoker(new LoggingHandler { InnerHandler = sp.GetRequiredService<LoggingHandler>() }));
                    services.AddTransient<HttpClientHandler>();
                    services.AddTransient(sp => (HttpMessageHandler)new TelemetryHandler(sp.GetRequiredService<HttpClientHandler>()));
                    services.AddSingleton(sp => new HttpClient(sp.GetRequiredService<HttpMessageHandler>()));
                    services.{|#0:AddSingleton(sp => new Sender(sp.GetRequiredService<RetryHandler>()))|};
                }
            }
            """)
            .ExpectDiagnostic(Disposable("Sender", "RetryHandler"))
            .ValidateAsync();
    }

    [Fact]
    public async Task TryAddScoped_OfAFrameworkService_TheFrameworkMayHaveRegisteredFirst()
    {
        // AddHttpContextAccessor (also called by AddIdentity) registers the accessor as a singleton first; the
        // TryAddScoped after it does nothing at run time.
        await Test(Usings + """
            using Microsoft.AspNetCore.Http;

            public sealed class AppType
            {
                private readonly IHttpContextAccessor _accessor;
                public AppType(IHttpContextAccessor accessor) { _accessor = accessor; }
                public string? Path => _accessor.HttpContext?.Request.Path;
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.AddHttpContextAccessor();
                    services.TryAddScoped<IHttpContextAccessor, HttpContextAccessor>();
                    services.AddSingleton<AppType>();
                }
            }
            """, References.DependencyInjection | References.AspNetCore)
            .ValidateAsync();
    }

    [Fact]
    public async Task Clean_OptionsLoggersScopeFactoryAndProvider()
    {
        await Test(Usings + """
            using Microsoft.Extensions.Logging;
            using Microsoft.Extensions.Options;

            public sealed class MailSettings { }
            public sealed class Mailer
            {
                public Mailer(IOptions<MailSettings> options, IOptionsMonitor<MailSettings> monitor, ILogger<Mailer> logger,
                    IServiceScopeFactory scopes, IServiceProvider provider) { }
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.AddSingleton<Mailer>();
                }
            }
            """, References.AspNetCore)
            .ValidateAsync();
    }

    [Fact]
    public async Task Clean_SingletonDependency()
    {
        await Test(Usings + """
            public sealed class Clock { }
            public sealed class Scheduler
            {
                public Scheduler(Clock clock) { }
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.AddSingleton<Clock>();
                    services.AddSingleton<Scheduler>();
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Clean_TransientNotDisposable()
    {
        await Test(Usings + """
            public sealed class PriceFormatter { }
            public sealed class Catalog
            {
                public Catalog(PriceFormatter formatter) { }
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.AddTransient<PriceFormatter>();
                    services.AddSingleton<Catalog>();
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Clean_ScopedAndTransientConsumers()
    {
        await Test(Usings + """
            public sealed class Cart { }
            public sealed class CartView
            {
                public CartView(Cart cart) { }
            }
            public sealed class CartExport
            {
                public CartExport(Cart cart) { }
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.AddScoped<Cart>();
                    services.AddScoped<CartView>();
                    services.AddTransient<CartExport>();
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Clean_DependencyNotRegisteredInTheCompilation()
    {
        await Test(Usings + """
            public sealed class Cart { }
            public sealed class CartTotals
            {
                public CartTotals(Cart cart) { }
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.AddSingleton<CartTotals>();
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Clean_InstanceRegistration()
    {
        await Test(Usings + """
            public sealed class Cart { }
            public sealed class CartTotals
            {
                public CartTotals(Cart cart) { }
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.AddScoped<Cart>();
                    services.AddSingleton(new CartTotals(new Cart()));
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Clean_FactoryCreatesAScope()
    {
        await Test(Usings + """
            public sealed class Cart { }
            public sealed class Warmup
            {
                public Warmup(IServiceScopeFactory scopes) { }
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.AddScoped<Cart>();
                    services.AddSingleton(sp =>
                    {
                        using var scope = sp.CreateScope();
                        scope.ServiceProvider.GetRequiredService<Cart>();
                        return new Warmup(sp.GetRequiredService<IServiceScopeFactory>());
                    });
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Clean_KeyedParameter_OtherKey()
    {
        await Test(Usings + """
            public sealed class Tenant { }
            public sealed class Pricing
            {
                public Pricing([FromKeyedServices("us")] Tenant tenant) { }
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.AddKeyedScoped<Tenant>("eu");
                    services.AddKeyedSingleton<Tenant>("us");
                    services.AddSingleton<Pricing>();
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Clean_UnkeyedParameter_OnlyKeyedScopedRegistration()
    {
        await Test(Usings + """
            public sealed class Tenant { }
            public sealed class Pricing
            {
                public Pricing(Tenant tenant) { }
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.AddKeyedScoped<Tenant>("eu");
                    services.AddSingleton<Tenant>();
                    services.AddSingleton<Pricing>();
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Clean_ServiceAlsoRegisteredAsSingleton()
    {
        await Test(Usings + """
            public interface IClock { }
            public sealed class SystemClock : IClock { }
            public sealed class TestClock : IClock { }
            public sealed class Scheduler
            {
                public Scheduler(IClock clock) { }
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services, bool test)
                {
                    if (test)
                    {
                        services.AddScoped<IClock, TestClock>();
                    }
                    else
                    {
                        services.AddSingleton<IClock, SystemClock>();
                    }

                    services.AddSingleton<Scheduler>();
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Clean_MemoryCacheUser()
    {
        await Test(Usings + """
            using Microsoft.Extensions.Caching.Memory;

            public sealed class Rates
            {
                public Rates(IMemoryCache cache) { }
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.AddMemoryCache();
                    services.AddSingleton<Rates>();
                }
            }
            """, References.AspNetCore)
            .ValidateAsync();
    }

    [Fact]
    public async Task Clean_TransientChain_WithoutScopedAtTheEnd_AndCycle()
    {
        await Test(Usings + """
            public sealed class A
            {
                public A(B b) { }
            }
            public sealed class B
            {
                public B(A a) { }
            }
            public sealed class Root
            {
                public Root(A a) { }
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.AddTransient<A>();
                    services.AddTransient<B>();
                    services.AddSingleton<Root>();
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Clean_HttpContextAccessor_AndNamedHttpClient()
    {
        await Test(Usings + """
            using System.Net.Http;
            using Microsoft.AspNetCore.Http;

            public sealed class Tracker
            {
                public Tracker(IHttpContextAccessor accessor, IHttpClientFactory clients) { }
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.AddHttpContextAccessor();
                    services.AddHttpClient("weather");
                    services.AddSingleton<Tracker>();
                }
            }
            """, References.AspNetCore)
            .ValidateAsync();
    }

    [Fact]
    public async Task Clean_HalfTypedCode()
    {
        await Test(Usings + """
            public sealed class Cart { }
            public sealed class Totals
            {
                public Totals(Missing missing, Cart cart) { }
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.AddScoped<Cart>();
                    services.AddSingleton<Unknown>();
                    services.AddSingleton(typeof(Totals), );
                    services.AddScoped(
                }
            }
            """)
            .AllowCompilerErrors()
            .AllowUnexpectedDiagnostics()
            .ValidateAsync();
    }

    [Fact]
    public async Task TypedHttpClient_WithInterface_AndConfigureLambda()
    {
        await Test("""
            using System;
            using System.Net.Http;
            using Microsoft.Extensions.DependencyInjection;

            public interface IRatesClient { }
            public sealed class RatesClient : IRatesClient
            {
                public RatesClient(HttpClient http) { }
            }
            public sealed class RatesCache
            {
                public RatesCache(IRatesClient client) { }
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.{|#1:AddHttpClient<IRatesClient, RatesClient>(c => c.BaseAddress = new Uri("https://rates.example"))|};
                    services.{|#0:AddSingleton<RatesCache>()|};
                }
            }
            """, References.AspNetCore)
            .ExpectDiagnostic(DiagnosticResult.Create("SSA006").WithLocation(0).WithAdditionalLocation(1)
                .WithMessage($"Singleton 'RatesCache' depends on transient typed HttpClient 'IRatesClient': {HttpClientConsequence}"))
            .ValidateAsync();
    }

    [Fact]
    public async Task Clean_DbContextRegisteredWithSingletonLifetime()
    {
        await Test("""
            using Microsoft.EntityFrameworkCore;
            using Microsoft.Extensions.DependencyInjection;

            public sealed class LookupContext : DbContext
            {
                public LookupContext(DbContextOptions<LookupContext> options) : base(options) { }
            }

            public sealed class Lookups
            {
                public Lookups(LookupContext db) { }
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.AddDbContext<LookupContext>(o => { }, ServiceLifetime.Singleton);
                    services.AddSingleton<Lookups>();
                }
            }
            """, References.EntityFrameworkCore)
            .ValidateAsync();
    }
}
