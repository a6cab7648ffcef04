using Microsoft.CodeAnalysis.CodeFixes;
using SharedStateAnalyzers.CodeFixes;
using SharedStateAnalyzers.Rules;
using SharedStateAnalyzers.Tests.Verification;

namespace SharedStateAnalyzers.Tests.Rules;

/// <summary>SSA006's fixes: exact output, Fix All, where they are not offered. The verifier compiles every fixed output.</summary>
public sealed class CaptiveDependencyFixerTests
{
    private static AnalyzerTest Test(References references = References.DependencyInjection)
        => AnalyzerTest.Create<CaptiveDependencyAnalyzer>().WithCodeFix<CaptiveDependencyFixer>().WithReferences(references);

    // ---------------------------------------------------------------- Register as scoped

    [Fact]
    public async Task Scoped_AddSingleton_BecomesAddScoped()
    {
        // No key: registering as scoped is offered first, so dotnet format applies it.
        await Test()
            .WithSource("""
                using Microsoft.Extensions.DependencyInjection;

                public sealed class Cart { }
                public sealed class CartTotals
                {
                    private readonly Cart _cart;
                    public CartTotals(Cart cart) => _cart = cart;
                }

                public static class Startup
                {
                    public static void Configure(IServiceCollection services)
                    {
                        services.AddScoped<Cart>();
                        // Totals of the current cart.
                        services.[|AddSingleton<CartTotals>()|];
                    }
                }
                """)
            .ShouldFixCodeWith("""
                using Microsoft.Extensions.DependencyInjection;

                public sealed class Cart { }
                public sealed class CartTotals
                {
                    private readonly Cart _cart;
                    public CartTotals(Cart cart) => _cart = cart;
                }

                public static class Startup
                {
                    public static void Configure(IServiceCollection services)
                    {
                        services.AddScoped<Cart>();
                        // Totals of the current cart.
                        services.AddScoped<CartTotals>();
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Scoped_TryAddKeyedAndFactoryForms_FixAllInDocument()
    {
        await Test()
            .WithCodeFixEquivalenceKey(CaptiveDependencyFixer.RegisterAsScopedKey)
            .WithSource("""
                using Microsoft.Extensions.DependencyInjection;
                using Microsoft.Extensions.DependencyInjection.Extensions;

                public sealed class Tenant { }
                public interface IPricing { }
                public sealed class Pricing : IPricing
                {
                    public Pricing(Tenant tenant) { }
                }
                public sealed class Invoicing
                {
                    public Invoicing(Tenant tenant) { }
                }
                public sealed class Billing
                {
                    public Billing(Tenant first, Tenant second) { }
                }

                public static class Startup
                {
                    public static void Configure(IServiceCollection services)
                    {
                        services.AddScoped<Tenant>();
                        services.[|TryAddSingleton<IPricing, Pricing>()|];
                        services.[|AddKeyedSingleton<Invoicing>("eu")|];
                        services.[|AddSingleton<IPricing>(sp => new Pricing(sp.GetRequiredService<Tenant>()))|];
                        services.[|TryAddKeyedSingleton<Billing>("eu")|];
                    }
                }
                """)
            .ShouldFixCodeWith("""
                using Microsoft.Extensions.DependencyInjection;
                using Microsoft.Extensions.DependencyInjection.Extensions;

                public sealed class Tenant { }
                public interface IPricing { }
                public sealed class Pricing : IPricing
                {
                    public Pricing(Tenant tenant) { }
                }
                public sealed class Invoicing
                {
                    public Invoicing(Tenant tenant) { }
                }
                public sealed class Billing
                {
                    public Billing(Tenant first, Tenant second) { }
                }

                public static class Startup
                {
                    public static void Configure(IServiceCollection services)
                    {
                        services.AddScoped<Tenant>();
                        services.TryAddScoped<IPricing, Pricing>();
                        services.AddKeyedScoped<Invoicing>("eu");
                        services.AddScoped<IPricing>(sp => new Pricing(sp.GetRequiredService<Tenant>()));
                        services.TryAddKeyedScoped<Billing>("eu");
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Scoped_FixAllInProject_AcrossFiles()
    {
        await Test()
            .WithCodeFixEquivalenceKey(CaptiveDependencyFixer.RegisterAsScopedKey)
            .WithSource("Orders.cs", """
                using Microsoft.Extensions.DependencyInjection;

                public sealed class Session { }
                public sealed class OrderView
                {
                    public OrderView(Session session) { }
                }

                public static class OrderServices
                {
                    public static IServiceCollection AddOrders(this IServiceCollection services)
                        => services.AddScoped<Session>().[|AddSingleton<OrderView>()|];
                }
                """)
            .WithSource("Users.cs", """
                using Microsoft.Extensions.DependencyInjection;

                public sealed class UserView
                {
                    public UserView(Session session) { }
                }

                public static class UserServices
                {
                    public static IServiceCollection AddUsers(this IServiceCollection services)
                        => services.[|AddSingleton<UserView>()|];
                }
                """)
            .ShouldFixCodeWith("Orders.cs", """
                using Microsoft.Extensions.DependencyInjection;

                public sealed class Session { }
                public sealed class OrderView
                {
                    public OrderView(Session session) { }
                }

                public static class OrderServices
                {
                    public static IServiceCollection AddOrders(this IServiceCollection services)
                        => services.AddScoped<Session>().AddScoped<OrderView>();
                }
                """)
            .ShouldFixCodeWith("Users.cs", """
                using Microsoft.Extensions.DependencyInjection;

                public sealed class UserView
                {
                    public UserView(Session session) { }
                }

                public static class UserServices
                {
                    public static IServiceCollection AddUsers(this IServiceCollection services)
                        => services.AddScoped<UserView>();
                }
                """)
            .WithFixAllScopes(FixAllScope.Project, FixAllScope.Solution)
            .ValidateAsync();
    }

    [Fact]
    public async Task Scoped_NotOffered_WhenAnotherSingletonTakesTheConsumer()
    {
        await Test()
            .WithCodeFixEquivalenceKey(CaptiveDependencyFixer.RegisterAsScopedKey)
            .WithSource("""
                using Microsoft.Extensions.DependencyInjection;

                public sealed class Cart { }
                public sealed class CartTotals
                {
                    public CartTotals(Cart cart) { }
                }
                public sealed class Dashboard
                {
                    public Dashboard(CartTotals totals) { }
                }

                public static class Startup
                {
                    public static void Configure(IServiceCollection services)
                    {
                        services.AddScoped<Cart>();
                        services.[|AddSingleton<CartTotals>()|];
                        services.AddSingleton<Dashboard>();
                    }
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task Scoped_NotOffered_ForADescriptorRegistration()
    {
        // The lifetime of a descriptor handed to TryAdd is its factory's name, not the call's: no rename is offered.
        await Test()
            .WithCodeFixEquivalenceKey(CaptiveDependencyFixer.RegisterAsScopedKey)
            .WithSource("""
                using Microsoft.Extensions.DependencyInjection;
                using Microsoft.Extensions.DependencyInjection.Extensions;

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
                        services.TryAdd(ServiceDescriptor.[|Singleton<CartTotals, CartTotals>()|]);
                    }
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task Scoped_NotOffered_ForAHostedService()
    {
        await Test()
            .WithCodeFixEquivalenceKey(CaptiveDependencyFixer.RegisterAsScopedKey)
            .WithSource("""
                using System.Threading;
                using System.Threading.Tasks;
                using Microsoft.Extensions.DependencyInjection;
                using Microsoft.Extensions.Hosting;

                public sealed class Queue { }
                public sealed class Worker : BackgroundService
                {
                    public Worker(Queue queue) { }
                    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.CompletedTask;
                }
                public sealed class Pump : BackgroundService
                {
                    public Pump(Queue queue) { }
                    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.CompletedTask;
                }

                public static class Startup
                {
                    public static void Configure(IServiceCollection services)
                    {
                        services.AddScoped<Queue>();
                        services.[|AddHostedService<Worker>()|];
                        services.[|AddSingleton<Pump>()|];
                    }
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task Scoped_NotOffered_WhenResolvedFromTheRootProvider()
    {
        await Test()
            .WithCodeFixEquivalenceKey(CaptiveDependencyFixer.RegisterAsScopedKey)
            .WithSource("""
                using System;
                using Microsoft.Extensions.DependencyInjection;

                public sealed class Cart { }
                public sealed class CartTotals
                {
                    public CartTotals(Cart cart) { }
                }

                public static class Startup
                {
                    public static IServiceProvider Build()
                    {
                        var services = new ServiceCollection();
                        services.AddScoped<Cart>();
                        services.[|AddSingleton<CartTotals>()|];
                        var provider = services.BuildServiceProvider();
                        provider.GetRequiredService<CartTotals>();
                        return provider;
                    }
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task Scoped_NotOffered_WhenResolvedByHand_EvenFromAScope()
    {
        // The fix shares SSA005's check: which provider a GetService call gets is not known, so any such call refuses.
        await Test()
            .WithCodeFixEquivalenceKey(CaptiveDependencyFixer.RegisterAsScopedKey)
            .WithSource("""
                using System;
                using Microsoft.Extensions.DependencyInjection;

                public sealed class Cart { }
                public sealed class CartTotals
                {
                    public CartTotals(Cart cart) { }
                }

                public static class Startup
                {
                    public static void Run()
                    {
                        var services = new ServiceCollection();
                        services.AddScoped<Cart>();
                        services.[|AddSingleton<CartTotals>()|];
                        using var provider = services.BuildServiceProvider();
                        using var scope = provider.CreateScope();
                        scope.ServiceProvider.GetRequiredService<CartTotals>();
                    }
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task Scoped_NotOffered_WhenAHostedServiceTakesTheConsumerLazily()
    {
        await Test()
            .WithCodeFixEquivalenceKey(CaptiveDependencyFixer.RegisterAsScopedKey)
            .WithSource("""
                using System;
                using System.Threading;
                using System.Threading.Tasks;
                using Microsoft.Extensions.DependencyInjection;
                using Microsoft.Extensions.Hosting;

                public sealed class Cart { }
                public sealed class CartTotals
                {
                    public CartTotals(Cart cart) { }
                }
                public sealed class Warmer : BackgroundService
                {
                    public Warmer(Lazy<CartTotals> totals) { }
                    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.CompletedTask;
                }

                public static class Startup
                {
                    public static void Configure(IServiceCollection services)
                    {
                        services.AddScoped<Cart>();
                        services.[|AddSingleton<CartTotals>()|];
                        services.AddHostedService<Warmer>();
                    }
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    // ---------------------------------------------------------------- Inject IServiceScopeFactory

    private const string Registration = """
        using Microsoft.Extensions.DependencyInjection;

        namespace Shop;

        public static class Startup
        {
            public static void Configure(IServiceCollection services)
            {
                services.AddScoped<OrderStore>();
                services.[|AddSingleton<OrderReport>()|];
            }
        }
        """;

    [Fact]
    public async Task ScopeFactory_ConsumerInAnotherFile_EachMethodOpensAScope()
    {
        await Test()
            .WithCodeFixEquivalenceKey(CaptiveDependencyFixer.InjectScopeFactoryKey)
            .WithSource("Startup.cs", Registration)
            .WithSource("OrderReport.cs", """
                using System.Threading.Tasks;

                namespace Shop;

                public sealed class OrderStore
                {
                    public int Count() => 3;
                    public Task<int> CountAsync() => Task.FromResult(3);
                }

                public sealed class OrderReport
                {
                    // Where the orders come from.
                    private readonly OrderStore _orders;
                    private readonly string _title;

                    public OrderReport(OrderStore orders)
                    {
                        _orders = orders;
                        _title = "Orders";
                    }

                    public string Render()
                    {
                        var count = _orders.Count();
                        return _title + ": " + count + " (" + this._orders.Count() + ")";
                    }

                    public async Task<int> TotalAsync()
                    {
                        return await _orders.CountAsync();
                    }

                    public string Title() => _title;
                }
                """)
            .ShouldFixCodeWith("Startup.cs", Registration.Replace("[|", "").Replace("|]", ""))
            .ShouldFixCodeWith("OrderReport.cs", """
                using System.Threading.Tasks;
                using Microsoft.Extensions.DependencyInjection;

                namespace Shop;

                public sealed class OrderStore
                {
                    public int Count() => 3;
                    public Task<int> CountAsync() => Task.FromResult(3);
                }

                public sealed class OrderReport
                {
                    // Where the orders come from.
                    private readonly IServiceScopeFactory _scopeFactory;
                    private readonly string _title;

                    public OrderReport(IServiceScopeFactory scopeFactory)
                    {
                        _scopeFactory = scopeFactory;
                        _title = "Orders";
                    }

                    public string Render()
                    {
                        using var scope = _scopeFactory.CreateScope();
                        var orders = scope.ServiceProvider.GetRequiredService<OrderStore>();
                        var count = orders.Count();
                        return _title + ": " + count + " (" + orders.Count() + ")";
                    }

                    public async Task<int> TotalAsync()
                    {
                        using var scope = _scopeFactory.CreateScope();
                        var orders = scope.ServiceProvider.GetRequiredService<OrderStore>();
                        return await orders.CountAsync();
                    }

                    public string Title() => _title;
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task ScopeFactory_TwoDependencies_FixAllSharesTheFactoryAndTheScope()
    {
        await Test()
            .WithCodeFixEquivalenceKey(CaptiveDependencyFixer.InjectScopeFactoryKey)
            .WithSource("""
                using Microsoft.Extensions.DependencyInjection;

                public sealed class Cart
                {
                    public int Items => 2;
                }
                public sealed class Customer
                {
                    public string Name => "Ada";
                }
                public sealed class Checkout
                {
                    private readonly Cart _cart;
                    private readonly Customer _customer;

                    public Checkout(Cart cart, Customer customer)
                    {
                        _cart = cart;
                        _customer = customer;
                    }

                    public string Describe()
                    {
                        return _customer.Name + ": " + _cart.Items;
                    }

                    public int Items()
                    {
                        return _cart.Items;
                    }
                }

                public static class Startup
                {
                    public static void Configure(IServiceCollection services)
                    {
                        services.AddScoped<Cart>();
                        services.AddScoped<Customer>();
                        services.{|SSA006:{|SSA006:AddSingleton<Checkout>()|}|};
                    }
                }
                """)
            .ShouldFixCodeWith("""
                using Microsoft.Extensions.DependencyInjection;

                public sealed class Cart
                {
                    public int Items => 2;
                }
                public sealed class Customer
                {
                    public string Name => "Ada";
                }
                public sealed class Checkout
                {
                    private readonly IServiceScopeFactory _scopeFactory;

                    public Checkout(IServiceScopeFactory scopeFactory)
                    {
                        _scopeFactory = scopeFactory;
                    }

                    public string Describe()
                    {
                        using var scope = _scopeFactory.CreateScope();
                        var cart = scope.ServiceProvider.GetRequiredService<Cart>();
                        var customer = scope.ServiceProvider.GetRequiredService<Customer>();
                        return customer.Name + ": " + cart.Items;
                    }

                    public int Items()
                    {
                        using var scope = _scopeFactory.CreateScope();
                        var cart = scope.ServiceProvider.GetRequiredService<Cart>();
                        return cart.Items;
                    }
                }

                public static class Startup
                {
                    public static void Configure(IServiceCollection services)
                    {
                        services.AddScoped<Cart>();
                        services.AddScoped<Customer>();
                        services.AddSingleton<Checkout>();
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task ScopeFactory_NotOffered_WhenTheFieldIsUsedInALambda()
    {
        await Test()
            .WithCodeFixEquivalenceKey(CaptiveDependencyFixer.InjectScopeFactoryKey)
            .WithSource("Startup.cs", Registration)
            .WithSource("OrderReport.cs", """
                using System;

                namespace Shop;

                public sealed class OrderStore
                {
                    public int Count() => 3;
                }

                public sealed class OrderReport
                {
                    private readonly OrderStore _orders;

                    public OrderReport(OrderStore orders)
                    {
                        _orders = orders;
                    }

                    public Func<int> Counter()
                    {
                        return () => _orders.Count();
                    }
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task ScopeFactory_NotOffered_WhenTheFieldIsUsedInAProperty()
    {
        await Test()
            .WithCodeFixEquivalenceKey(CaptiveDependencyFixer.InjectScopeFactoryKey)
            .WithSource("Startup.cs", Registration)
            .WithSource("OrderReport.cs", """
                namespace Shop;

                public sealed class OrderStore
                {
                    public int Count() => 3;
                }

                public sealed class OrderReport
                {
                    private readonly OrderStore _orders;

                    public OrderReport(OrderStore orders)
                    {
                        _orders = orders;
                    }

                    public int Count => _orders.Count();
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task ScopeFactory_NotOffered_WhenTheParameterIsUsedTwice()
    {
        await Test()
            .WithCodeFixEquivalenceKey(CaptiveDependencyFixer.InjectScopeFactoryKey)
            .WithSource("Startup.cs", Registration)
            .WithSource("OrderReport.cs", """
                namespace Shop;

                public sealed class OrderStore
                {
                    public int Count() => 3;
                }

                public sealed class OrderReport
                {
                    private readonly OrderStore _orders;
                    private readonly int _initial;

                    public OrderReport(OrderStore orders)
                    {
                        _orders = orders;
                        _initial = orders.Count();
                    }

                    public int Count()
                    {
                        return _orders.Count() - _initial;
                    }
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task ScopeFactory_NotOffered_ForAFactoryRegistration()
    {
        await Test()
            .WithCodeFixEquivalenceKey(CaptiveDependencyFixer.InjectScopeFactoryKey)
            .WithSource("""
                using Microsoft.Extensions.DependencyInjection;

                public sealed class OrderStore { }
                public sealed class OrderReport
                {
                    private readonly OrderStore _orders;
                    public OrderReport(OrderStore orders) { _orders = orders; }
                    public OrderStore Store() { return _orders; }
                }

                public static class Startup
                {
                    public static void Configure(IServiceCollection services)
                    {
                        services.AddScoped<OrderStore>();
                        services.[|AddSingleton(sp => new OrderReport(sp.GetRequiredService<OrderStore>()))|];
                    }
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task ScopeFactory_NotOffered_WhenTheNameIsTaken()
    {
        await Test()
            .WithCodeFixEquivalenceKey(CaptiveDependencyFixer.InjectScopeFactoryKey)
            .WithSource("Startup.cs", Registration)
            .WithSource("OrderReport.cs", """
                namespace Shop;

                public sealed class OrderStore
                {
                    public int Count() => 3;
                }

                public sealed class OrderReport
                {
                    private readonly OrderStore _orders;

                    public OrderReport(OrderStore orders)
                    {
                        _orders = orders;
                    }

                    public int Count(int scope)
                    {
                        return _orders.Count() + scope;
                    }
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task ScopeFactory_HostedService_IsOfferedWhereScopedIsNot()
    {
        // A hosted service must stay a singleton: the scope factory is its only fix, and the first one offered.
        await Test()
            .WithSource("""
                using System.Threading;
                using System.Threading.Tasks;
                using Microsoft.Extensions.DependencyInjection;
                using Microsoft.Extensions.Hosting;

                public sealed class OutboxStore
                {
                    public Task SendPendingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
                }

                public sealed class OutboxWorker : BackgroundService
                {
                    private readonly OutboxStore _outbox;

                    public OutboxWorker(OutboxStore outbox)
                    {
                        _outbox = outbox;
                    }

                    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
                    {
                        while (!stoppingToken.IsCancellationRequested)
                        {
                            await _outbox.SendPendingAsync(stoppingToken);
                            await Task.Delay(1000, stoppingToken);
                        }
                    }
                }

                public static class Startup
                {
                    public static void Configure(IServiceCollection services)
                    {
                        services.AddScoped<OutboxStore>();
                        services.[|AddHostedService<OutboxWorker>()|];
                    }
                }
                """)
            .ShouldFixCodeWith("""
                using System.Threading;
                using System.Threading.Tasks;
                using Microsoft.Extensions.DependencyInjection;
                using Microsoft.Extensions.Hosting;

                public sealed class OutboxStore
                {
                    public Task SendPendingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
                }

                public sealed class OutboxWorker : BackgroundService
                {
                    private readonly IServiceScopeFactory _scopeFactory;

                    public OutboxWorker(IServiceScopeFactory scopeFactory)
                    {
                        _scopeFactory = scopeFactory;
                    }

                    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
                    {
                        using var scope = _scopeFactory.CreateScope();
                        var outbox = scope.ServiceProvider.GetRequiredService<OutboxStore>();
                        while (!stoppingToken.IsCancellationRequested)
                        {
                            await outbox.SendPendingAsync(stoppingToken);
                            await Task.Delay(1000, stoppingToken);
                        }
                    }
                }

                public static class Startup
                {
                    public static void Configure(IServiceCollection services)
                    {
                        services.AddScoped<OutboxStore>();
                        services.AddHostedService<OutboxWorker>();
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task ScopeFactory_ThroughTransient_ResolvesTheTransientInTheScope()
    {
        await Test()
            .WithCodeFixEquivalenceKey(CaptiveDependencyFixer.InjectScopeFactoryKey)
            .WithSource("""
                using Microsoft.Extensions.DependencyInjection;

                public sealed class UserSession { }
                public sealed class PermissionChecker
                {
                    public PermissionChecker(UserSession session) { }
                    public bool CanEdit() => true;
                }
                public sealed class MenuBuilder
                {
                    private readonly PermissionChecker _permissions;

                    public MenuBuilder(PermissionChecker permissions)
                    {
                        _permissions = permissions;
                    }

                    public string Build()
                    {
                        return _permissions.CanEdit() ? "edit" : "view";
                    }
                }

                public static class Startup
                {
                    public static void Configure(IServiceCollection services)
                    {
                        services.AddScoped<UserSession>();
                        services.AddTransient<PermissionChecker>();
                        services.[|AddSingleton<MenuBuilder>()|];
                    }
                }
                """)
            .ShouldFixCodeWith("""
                using Microsoft.Extensions.DependencyInjection;

                public sealed class UserSession { }
                public sealed class PermissionChecker
                {
                    public PermissionChecker(UserSession session) { }
                    public bool CanEdit() => true;
                }
                public sealed class MenuBuilder
                {
                    private readonly IServiceScopeFactory _scopeFactory;

                    public MenuBuilder(IServiceScopeFactory scopeFactory)
                    {
                        _scopeFactory = scopeFactory;
                    }

                    public string Build()
                    {
                        using var scope = _scopeFactory.CreateScope();
                        var permissions = scope.ServiceProvider.GetRequiredService<PermissionChecker>();
                        return permissions.CanEdit() ? "edit" : "view";
                    }
                }

                public static class Startup
                {
                    public static void Configure(IServiceCollection services)
                    {
                        services.AddScoped<UserSession>();
                        services.AddTransient<PermissionChecker>();
                        services.AddSingleton<MenuBuilder>();
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Scoped_NotOffered_WhenAMiddlewareTakesTheConsumer()
    {
        await Test(References.AspNetCore)
            .WithCodeFixEquivalenceKey(CaptiveDependencyFixer.RegisterAsScopedKey)
            .WithSource("""
                using System.Threading.Tasks;
                using Microsoft.AspNetCore.Http;
                using Microsoft.Extensions.DependencyInjection;

                public sealed class Tenant { }
                public sealed class TenantBanner
                {
                    public TenantBanner(Tenant tenant) { }
                }

                public sealed class BannerMiddleware
                {
                    private readonly RequestDelegate _next;

                    public BannerMiddleware(RequestDelegate next, TenantBanner banner)
                    {
                        _next = next;
                    }

                    public Task InvokeAsync(HttpContext context) => _next(context);
                }

                public static class Startup
                {
                    public static void Configure(IServiceCollection services)
                    {
                        services.AddScoped<Tenant>();
                        services.[|AddSingleton<TenantBanner>()|];
                    }
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }
}
