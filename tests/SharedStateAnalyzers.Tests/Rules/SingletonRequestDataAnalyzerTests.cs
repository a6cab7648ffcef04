using SharedStateAnalyzers.Rules;
using SharedStateAnalyzers.Tests.Verification;

namespace SharedStateAnalyzers.Tests.Rules;

/// <summary>SSA005: what is reported, with which message, and what is left alone.</summary>
public sealed class SingletonRequestDataAnalyzerTests
{
    private const References Web = References.AspNetCore;

    private static AnalyzerTest Test(string source, References references = Web)
        => AnalyzerTest.Create<SingletonRequestDataAnalyzer>().WithReferences(references).WithSource(source);

    private static DiagnosticResult Expected(string field, string lifetime, string type, string what)
        => DiagnosticResult.Create("SSA005").WithLocation(0).WithMessage(
            $"'{field}' of {lifetime} '{type}' holds {what}: every request shares it, so one request's data is served to the next and concurrent requests overwrite each other");

    // ---------------------------------------------------------------- flagged: fields of request-scoped types

    [Fact]
    public async Task Middleware_StoresTheContext()
    {
        await Test("""
            using System.Threading.Tasks;
            using Microsoft.AspNetCore.Http;

            public sealed class TimingMiddleware
            {
                private readonly RequestDelegate _next;
                private HttpContext? {|#0:_context|};

                public TimingMiddleware(RequestDelegate next) => _next = next;

                public async Task InvokeAsync(HttpContext context)
                {
                    _context = context;
                    await _next(context);
                    _context.Response.Headers["X-Done"] = "1";
                }
            }
            """)
            .ExpectDiagnostic(Expected("_context", "middleware", "TimingMiddleware", "a request-scoped HttpContext"))
            .ValidateAsync();
    }

    [Fact]
    public async Task Singleton_CapturesTheContextInItsConstructor()
    {
        await Test("""
            using Microsoft.AspNetCore.Http;
            using Microsoft.Extensions.DependencyInjection;

            public sealed class TenantResolver
            {
                private readonly HttpContext? {|#0:_context|};

                public TenantResolver(IHttpContextAccessor accessor) => _context = accessor.HttpContext;

                public string? Tenant => _context?.Request.Host.Host;
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services) => services.AddSingleton<TenantResolver>();
            }
            """)
            .ExpectDiagnostic(Expected("_context", "singleton", "TenantResolver", "a request-scoped HttpContext"))
            .ValidateAsync();
    }

    [Fact]
    public async Task Singleton_HoldsTheUser()
    {
        await Test("""
            using System.Security.Claims;
            using Microsoft.Extensions.DependencyInjection;

            public interface IAuditLog { void Write(string what); }

            public sealed class AuditLog : IAuditLog
            {
                private ClaimsPrincipal? [|_user|];

                public void SetUser(ClaimsPrincipal user) => _user = user;

                public void Write(string what) => System.Console.WriteLine(_user?.Identity?.Name + ": " + what);
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services) => services.AddSingleton<IAuditLog, AuditLog>();
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Singleton_HoldsADbContext()
    {
        await Test("""
            using Microsoft.EntityFrameworkCore;
            using Microsoft.Extensions.DependencyInjection;

            public sealed class ShopDb : DbContext
            {
                public ShopDb(DbContextOptions<ShopDb> options) : base(options) { }
            }

            public sealed class PriceService
            {
                private readonly ShopDb {|#0:_db|};

                public PriceService(ShopDb db) => _db = db;

                public bool HasChanges() => _db.ChangeTracker.HasChanges();
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services) => services.AddSingleton(typeof(PriceService));
            }
            """, References.EntityFrameworkCore | References.DependencyInjection)
            .ExpectDiagnostic(Expected("_db", "singleton", "PriceService", "a request-scoped ShopDb"))
            .ValidateAsync();
    }

    [Fact]
    public async Task HandRolledSingleton_HoldsTheSession()
    {
        await Test("""
            using Microsoft.AspNetCore.Http;

            public sealed class CartStore
            {
                public static readonly CartStore Instance = new();

                private CartStore() { }

                public ISession? {|#0:Session|} { get; set; }
            }
            """)
            .ExpectDiagnostic(Expected("Session", "hand-rolled singleton", "CartStore", "a request-scoped ISession"))
            .ValidateAsync();
    }

    [Fact]
    public async Task HostedService_HoldsARequest()
    {
        await Test("""
            using System.Threading;
            using System.Threading.Tasks;
            using Microsoft.AspNetCore.Http;
            using Microsoft.Extensions.Hosting;

            public sealed class Reporter : BackgroundService
            {
                public HttpRequest? [|LastRequest|] { get; set; }

                protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.CompletedTask;
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task ConfiguredType_OnASingleton()
    {
        await AnalyzerTest.Create<SingletonRequestDataAnalyzer>()
            .WithReferences(References.DependencyInjection)
            .WithEditorConfig("""
                root = true

                [*.cs]
                shared_state.request_scoped_types = Shop.TenantContext
                """)
            .WithSource("""
                using Microsoft.Extensions.DependencyInjection;

                namespace Shop;

                public sealed class TenantContext { public string Name { get; set; } = ""; }

                public sealed class Greeter
                {
                    private TenantContext? [|_tenant|];

                    public void Use(TenantContext tenant) => _tenant = tenant;

                    public string Greet() => "Hello " + _tenant?.Name;
                }

                public static class Startup
                {
                    public static void Configure(IServiceCollection services) => services.AddSingleton<Greeter>();
                }
                """)
            .ValidateAsync();
    }

    /// <summary>A singleton-shaped class that keeps the request; <c>REGISTRATION</c> is how the app registers it.</summary>
    private const string ClientInfoRegistered = """
        using Microsoft.AspNetCore.Http;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.DependencyInjection.Extensions;

        public interface IClientInfo
        {
            string? Ip { get; }
        }

        public sealed class ClientInfo : IClientInfo
        {
            private HttpContext? {|#0:_context|};

            public void Capture(HttpContext context) => _context = context;

            public string? Ip => _context?.Connection.RemoteIpAddress?.ToString();

            public static ClientInfo Create() => new();
        }

        public sealed class OtherInfo : IClientInfo
        {
            public string? Ip => null;
        }

        public static class Holder
        {
            public static ClientInfo Current { get; } = new();
        }

        public static class Startup
        {
            public static void Configure(IServiceCollection services) => REGISTRATION;
        }
        """;

    [Theory]
    [InlineData("services.AddSingleton(sp => new ClientInfo())")]
    [InlineData("services.AddSingleton(_ => { return new ClientInfo(); })")]
    [InlineData("services.AddSingleton(new ClientInfo())")]
    [InlineData("services.AddSingleton<IClientInfo>(new ClientInfo())")]
    [InlineData("services.TryAddSingleton<IClientInfo>(sp => new ClientInfo())")]
    // A factory with more to do than `new`: the class it returns, or the type the call infers from it.
    [InlineData("services.AddSingleton(sp => { var info = new ClientInfo(); info.Capture(null!); return info; })")]
    [InlineData("services.TryAddSingleton<IClientInfo>(sp => { var info = new ClientInfo(); return info; })")]
    [InlineData("services.AddSingleton<IClientInfo>(sp => { var verbose = sp.GetService<object>() is null; return verbose ? new ClientInfo() : new ClientInfo(); })")]
    [InlineData("services.AddSingleton(sp => ClientInfo.Create())")]
    public async Task Singleton_RegisteredAsAnInstanceOrThroughAFactory(string registration)
    {
        await Test(ClientInfoRegistered.Replace("REGISTRATION", registration))
            .ExpectDiagnostic(Expected("_context", "singleton", "ClientInfo", "a request-scoped HttpContext"))
            .ValidateAsync();
    }

    [Theory]
    // Scoped and transient factories build one per request or per use.
    [InlineData("services.AddScoped(sp => { var info = new ClientInfo(); return info; })")]
    [InlineData("services.AddTransient<IClientInfo>(sp => { var info = new ClientInfo(); return info; })")]
    // A singleton factory that returns one of two classes, or a service it resolves: which class is not told.
    [InlineData("services.AddSingleton<IClientInfo>(sp => sp.GetService<object>() is null ? new ClientInfo() : new OtherInfo())")]
    [InlineData("services.AddSingleton<IClientInfo>(sp => { var other = new OtherInfo(); return sp.GetService<object>() is null ? new ClientInfo() : other; })")]
    [InlineData("services.AddSingleton(sp => sp.GetRequiredService<IClientInfo>())")]
    // An object a static member holds, handed over: the static member's business.
    [InlineData("services.AddSingleton(_ => Holder.Current)")]
    public async Task FactoryThatDoesNotBuildTheClassOnce_IsLeftAlone(string registration)
    {
        await Test(ClientInfoRegistered.Replace("{|#0:_context|}", "_context").Replace("REGISTRATION", registration))
            .ValidateAsync();
    }

    /// <summary>A launcher's main view model, a DI singleton of a desktop app; <c>// (ui)</c> is where a test declares its UI framework.</summary>
    private const string LauncherViewModel = """
        using System;
        using System.Threading.Tasks;
        using Microsoft.Extensions.DependencyInjection;

        // (ui)

        public sealed class MainViewModel
        {
            private string {|#0:_queryText|} = "";

            public async Task QueryAsync(string queryText)
            {
                _queryText = queryText;
                await Task.Yield();
                Console.WriteLine(_queryText);
            }
        }

        public static class Composition
        {
            public static IServiceProvider Build() => new ServiceCollection().AddSingleton<MainViewModel>().BuildServiceProvider();
        }
        """;

    [Theory]
    [InlineData("namespace System.Windows { public class Application { } }")]
    [InlineData("namespace Avalonia { public class Application { } }")]
    public async Task SingletonOfADesktopAppWithoutAServer_ServesNoRequests(string ui)
    {
        // One user's window: what the view model stores is the app's state, not a request's (Flow.Launcher's MainViewModel).
        await Test(LauncherViewModel.Replace("{|#0:_queryText|}", "_queryText").Replace("// (ui)", ui), References.DependencyInjection)
            .ValidateAsync();
    }

    [Theory]
    // A desktop framework beside a server: the server's requests reach the singleton.
    [InlineData("namespace System.Windows { public class Application { } }", References.AspNetCore)]
    // No desktop framework: a library of a web app that does not reference ASP.NET Core itself.
    [InlineData("// no UI", References.DependencyInjection)]
    public async Task SingletonOfAnAppThatMayServeRequests_IsReported(string ui, References references)
    {
        await Test(LauncherViewModel.Replace("// (ui)", ui), references)
            .ExpectDiagnostic(Expected("_queryText", "singleton", "MainViewModel", "per-request data written in 'QueryAsync'"))
            .ValidateAsync();
    }

    // ---------------------------------------------------------------- flagged: fields set from request data

    [Fact]
    public async Task Middleware_WritesAHeaderIntoAField()
    {
        await Test("""
            using System.Threading.Tasks;
            using Microsoft.AspNetCore.Http;

            public sealed class CarrierMiddleware
            {
                private readonly RequestDelegate _next;
                private string? {|#0:_carrier|};

                public CarrierMiddleware(RequestDelegate next) => _next = next;

                public async Task InvokeAsync(HttpContext context)
                {
                    _carrier = context.Request.Headers["X-Carrier"];
                    await _next(context);
                    context.Response.Headers["X-Carrier"] = _carrier;
                }
            }
            """)
            .ExpectDiagnostic(Expected("_carrier", "middleware", "CarrierMiddleware", "per-request data written in 'InvokeAsync'"))
            .ValidateAsync();
    }

    [Fact]
    public async Task Middleware_PrivateHelperWritesTheField()
    {
        await Test("""
            using System.Threading.Tasks;
            using Microsoft.AspNetCore.Http;

            public sealed class LocaleMiddleware
            {
                private readonly RequestDelegate _next;
                private string [|_locale|] = "en";

                public LocaleMiddleware(RequestDelegate next) => _next = next;

                public Task Invoke(HttpContext context)
                {
                    Remember(context.Request.Query["lang"].ToString());
                    context.Items["locale"] = _locale;
                    return _next(context);
                }

                private void Remember(string locale) => _locale = locale;
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Singleton_PublicMethodWritesItsParameter()
    {
        await Test("""
            using Microsoft.Extensions.DependencyInjection;

            public sealed class QuoteService
            {
                private string? {|#0:_carrier|};

                public async System.Threading.Tasks.Task<decimal> QuoteAsync(string carrier, decimal weight)
                {
                    _carrier = carrier;
                    await System.Threading.Tasks.Task.Yield();
                    return Rate() * weight;
                }

                private decimal Rate() => _carrier == "DHL" ? 2m : 1m;
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services) => services.AddSingleton<QuoteService>();
            }
            """, References.DependencyInjection)
            .ExpectDiagnostic(Expected("_carrier", "singleton", "QuoteService", "per-request data written in 'QuoteAsync'"))
            .ValidateAsync();
    }

    [Fact]
    public async Task Singleton_StoresTheResultOfACallMadeWithItsParameter()
    {
        await Test("""
            using System.Threading.Tasks;
            using Microsoft.Extensions.DependencyInjection;
            using Microsoft.Extensions.DependencyInjection.Extensions;

            public interface IRateClient { Task<decimal> GetRateAsync(string carrier); }

            public sealed class RateService
            {
                private readonly IRateClient _client;
                private decimal [|_rate|];

                public RateService(IRateClient client) => _client = client;

                public async Task<decimal> PriceAsync(string carrier, decimal weight)
                {
                    _rate = await _client.GetRateAsync(carrier);
                    return _rate * weight;
                }
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services) => services.TryAddSingleton<RateService>();
            }
            """, References.DependencyInjection)
            .ValidateAsync();
    }

    [Fact]
    public async Task Singleton_StoresAValueReadFromTheRequestThroughALocal()
    {
        await Test("""
            using Microsoft.AspNetCore.Http;
            using Microsoft.Extensions.DependencyInjection;

            public interface ICorrelation { string? Current { get; } void Begin(HttpRequest request); }

            public sealed class Correlation : ICorrelation
            {
                public string? [|Current|] { get; private set; }

                public void Begin(HttpRequest request)
                {
                    var id = request.Headers["X-Correlation-Id"].ToString();
                    Current = id;
                }
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services) => services.AddSingleton<ICorrelation, Correlation>();
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task HostedService_PublicMethodCalledByRequests()
    {
        await Test("""
            using System.Threading;
            using System.Threading.Tasks;
            using Microsoft.Extensions.Hosting;

            public sealed class MailQueue : BackgroundService
            {
                private string? [|_lastRecipient|];

                public async Task EnqueueAsync(string recipient)
                {
                    _lastRecipient = recipient;
                    await Task.Yield();
                }

                protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.CompletedTask;
            }
            """, References.DependencyInjection)
            .ValidateAsync();
    }

    [Fact]
    public async Task OneDiagnosticPerField_WrittenInSeveralMethods()
    {
        await Test("""
            using Microsoft.Extensions.DependencyInjection;

            public sealed class Tracker
            {
                private string? {|#0:_page|};

                public async System.Threading.Tasks.Task EnterAsync(string page) { _page = page; await System.Threading.Tasks.Task.Yield(); }

                public void Leave(string page)
                {
                    _page = page + "/left";
                }

                public string? Page => _page;
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services) => services.AddSingleton<Tracker>();
            }
            """, References.DependencyInjection)
            .ExpectDiagnostic(Expected("_page", "singleton", "Tracker", "per-request data written in 'EnterAsync'"))
            .ValidateAsync();
    }

    [Fact]
    public async Task TwoFields_TwoDiagnostics()
    {
        await Test("""
            using System.Security.Claims;
            using System.Threading.Tasks;
            using Microsoft.AspNetCore.Http;

            public sealed class UserMiddleware
            {
                private readonly RequestDelegate _next;
                private ClaimsPrincipal? [|_user|];
                private string? [|_name|];

                public UserMiddleware(RequestDelegate next) => _next = next;

                public Task InvokeAsync(HttpContext context)
                {
                    _user = context.User;
                    _name = context.User.Identity?.Name;
                    return _next(context);
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Singleton_WritesInALambdaAndAnExplicitInterfaceMember()
    {
        await Test("""
            using System.Threading.Tasks;
            using Microsoft.Extensions.DependencyInjection;

            public interface INotifier { Task NotifyAsync(string user); }

            public sealed class Notifier : INotifier
            {
                private string? [|_pending|];
                private string? [|_last|];

                public async Task QueueAsync(string user) => await Task.Run(() => { _pending = user; });

                async Task INotifier.NotifyAsync(string user)
                {
                    _last = user;
                    await Task.Yield();
                }
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services) => services.AddSingleton<INotifier, Notifier>();
            }
            """, References.DependencyInjection)
            .ValidateAsync();
    }

    [Fact]
    public async Task Singleton_SynchronousWiringMethods_StoreTheirArguments()
    {
        // Start-up hands a singleton its parts: synchronous methods that store what they are given are wiring, not
        // request handling (a synchronous method merely callable from request code is not request code by itself).
        await Test("""
            using System;
            using System.Collections.Generic;
            using System.Linq;
            using Microsoft.Extensions.DependencyInjection;

            public interface IImageProvider { }

            public sealed class ProviderManager
            {
                private IImageProvider[] _imageProviders = Array.Empty<IImageProvider>();
                private IReadOnlyList<string> _encoders = Array.Empty<string>();
                private Version? _ffmpegVersion;

                public void AddParts(IEnumerable<IImageProvider> imageProviders) => _imageProviders = imageProviders.ToArray();

                public void SetAvailableEncoders(IEnumerable<string> list) => _encoders = list.ToList();

                public void SetMediaEncoderVersion(Version version) => _ffmpegVersion = version;

                public int Count => _imageProviders.Length + _encoders.Count + (_ffmpegVersion is null ? 0 : 1);
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services) => services.AddSingleton<ProviderManager>();
            }
            """, References.DependencyInjection)
            .ValidateAsync();
    }

    [Fact]
    public async Task Singleton_SynchronousMethodAControllerCallsWithItsArguments()
    {
        // The catalog's "members of DI singletons that requests call": the controller hands the singleton each
        // request's values, and the field keeps the last request's.
        await Test("""
            using System;
            using Microsoft.AspNetCore.Mvc;
            using Microsoft.Extensions.DependencyInjection;

            public class PricingService
            {
                private string {|#0:_currency|} = "EUR";

                public decimal Quote(decimal amount, string currency)
                {
                    _currency = currency;
                    return Math.Round(amount, 2);
                }

                public string Currency => _currency;
            }

            [ApiController]
            [Route("api/quotes")]
            public class QuotesController : ControllerBase
            {
                private readonly PricingService _pricing;

                public QuotesController(PricingService pricing) => _pricing = pricing;

                [HttpGet]
                public IActionResult Get(decimal amount, string currency)
                    => Ok(new { Price = _pricing.Quote(amount, currency), Currency = _pricing.Currency });
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services) => services.AddSingleton<PricingService>();
            }
            """, Web | References.DependencyInjection)
            .ExpectDiagnostic(Expected("_currency", "singleton", "PricingService", "per-request data written in 'Quote'"))
            .ValidateAsync();
    }

    [Fact]
    public async Task Singleton_SynchronousMethodAMinimalApiHandlerCallsThroughItsInterface()
    {
        await Test("""
            using Microsoft.AspNetCore.Builder;
            using Microsoft.Extensions.DependencyInjection;

            public interface IGreetingService
            {
                string Greet(string name);
            }

            public class GreetingService : IGreetingService
            {
                private string? {|#0:_lastName|};

                public string Greet(string name)
                {
                    _lastName = name;
                    return "Hello " + _lastName;
                }
            }

            public static class Endpoints
            {
                public static void Map(WebApplication app)
                    => app.MapGet("/hello/{name}", (string name, IGreetingService greetings) => greetings.Greet(name));

                public static void Register(IServiceCollection services) => services.AddSingleton<IGreetingService, GreetingService>();
            }
            """, Web | References.DependencyInjection)
            .ExpectDiagnostic(Expected("_lastName", "singleton", "GreetingService", "per-request data written in 'Greet'"))
            .ValidateAsync();
    }

    [Fact]
    public async Task Singleton_SynchronousMethod_CalledByHandlersOnlyWithConstants_OrOnlyByOtherCode()
    {
        // A handler that passes a constant hands over no request data; a method that only start-up code or another
        // service's synchronous helper calls is not called by a request handler.
        await Test("""
            using Microsoft.AspNetCore.Mvc;
            using Microsoft.Extensions.DependencyInjection;

            public class ModeSwitch
            {
                private string _mode = "normal";
                private string _region = "eu";
                private int _limit;

                public void SetMode(string mode) => _mode = mode;

                public void SetRegion(string region) => _region = region;

                public void SetLimit(int limit) => _limit = limit;

                public string Describe() => _mode + _region + _limit;
            }

            public class Maintenance
            {
                private readonly ModeSwitch _switch;

                public Maintenance(ModeSwitch modeSwitch) => _switch = modeSwitch;

                public void Apply(string region) => _switch.SetRegion(region);
            }

            [ApiController]
            public class AdminController : ControllerBase
            {
                private readonly ModeSwitch _switch;

                public AdminController(ModeSwitch modeSwitch) => _switch = modeSwitch;

                [HttpPost("maintenance")]
                public IActionResult Enter()
                {
                    _switch.SetMode("maintenance");
                    return Ok(_switch.Describe());
                }
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    var modeSwitch = new ModeSwitch();
                    modeSwitch.SetLimit(services.Count);
                    services.AddSingleton(modeSwitch);
                    services.AddSingleton<Maintenance>();
                }
            }
            """, Web | References.DependencyInjection)
            .ValidateAsync();
    }

    [Fact]
    public async Task ComputedPropertyOfARequestType_HoldsNothing()
    {
        await Test("""
            using Microsoft.AspNetCore.Http;
            using Microsoft.Extensions.DependencyInjection;

            public sealed class CurrentRequest
            {
                private readonly IHttpContextAccessor _accessor;

                public CurrentRequest(IHttpContextAccessor accessor) => _accessor = accessor;

                public HttpContext? Context => _accessor.HttpContext;

                public HttpRequest? Request { get => _accessor.HttpContext?.Request; }
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services) => services.AddSingleton<CurrentRequest>();
            }
            """)
            .ValidateAsync();
    }

    // ---------------------------------------------------------------- left alone

    /// <summary>
    /// A throttling middleware that samples the host's health every 15 seconds through a service its
    /// <c>InvokeAsync</c> takes by method injection, and keeps the answer. <c>VALUE</c> is what it stores.
    /// </summary>
    private const string ThrottleMiddlewareSamplingAService = """
        using System;
        using System.Threading.Tasks;
        using Microsoft.AspNetCore.Http;
        using Microsoft.Extensions.DependencyInjection;

        public interface IHostHealth
        {
            bool IsOverloaded();
        }

        public interface ITenantContext
        {
            string Name { get; }
        }

        public sealed class ThrottleMiddleware
        {
            private readonly RequestDelegate _next;
            private DateTime _lastCheck;
            private bool {|#0:_reject|};
            private string? {|#1:_tenant|};

            public ThrottleMiddleware(RequestDelegate next) => _next = next;

            public async Task InvokeAsync(HttpContext context, IHostHealth health, ITenantContext tenant)
            {
                if (DateTime.UtcNow - _lastCheck > TimeSpan.FromSeconds(15))
                {
                    _reject = VALUE;
                    _lastCheck = DateTime.UtcNow;
                    TENANT
                }

                if (_reject)
                {
                    context.Response.StatusCode = 429;
                    return;
                }

                await _next(context);
            }
        }

        public static class Registration
        {
            public static IServiceCollection AddThrottle(this IServiceCollection services) => services.AddScoped<ITenantContext>(_ => null!);
        }
        """;

    [Fact]
    public async Task Middleware_KeepsWhatAServiceItsInvokeTakesAnswers()
    {
        // The services InvokeAsync takes after the HttpContext come from the container: what a method of one returns
        // is the host's state, not the request's.
        await Test(ThrottleMiddlewareSamplingAService.Replace("{|#0:_reject|}", "_reject").Replace("{|#1:_tenant|}", "_tenant")
                .Replace("VALUE", "health.IsOverloaded()").Replace("TENANT", ""), Web)
            .ValidateAsync();
    }

    [Fact]
    public async Task Middleware_KeepsTheRequestsOrAScopedServicesState_IsReported()
    {
        // A header of the request; a plain property of a service the app registers as scoped (its request's state).
        await Test(ThrottleMiddlewareSamplingAService.Replace("VALUE", "context.Request.Headers.ContainsKey(\"X-Overload\")").Replace("TENANT", "_tenant = tenant.Name;"), Web)
            .ExpectDiagnostic(Expected("_reject", "middleware", "ThrottleMiddleware", "per-request data written in 'InvokeAsync'"))
            .ExpectDiagnostic(DiagnosticResult.Create("SSA005").WithLocation(1).WithMessage(
                "'_tenant' of middleware 'ThrottleMiddleware' holds per-request data written in 'InvokeAsync': every request shares it, so one request's data is served to the next and concurrent requests overwrite each other"))
            .ValidateAsync();
    }


    /// <summary>
    /// A singleton health contributor that keeps the remote server's answer for a while. The refresh is a private async
    /// helper handed the client; <c>CALLER</c> is the public member that calls it.
    /// </summary>
    private const string HealthContributorWithATimedCache = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.Extensions.DependencyInjection;

        public sealed class ClientOptions
        {
            public string Label { get; set; } = "main";
        }

        public sealed class RemoteConfigClient
        {
            public ClientOptions Options { get; } = new();

            public Task<string[]> LoadSourcesAsync(ClientOptions options, CancellationToken cancellationToken) => Task.FromResult(new[] { options.Label });
        }

        public sealed class RemoteConfigHealthContributor
        {
            private readonly RemoteConfigClient _client;

            public RemoteConfigHealthContributor(RemoteConfigClient client) => _client = client;

            public string[]? {|#0:Cached|} { get; set; }

            public DateTime LastAccess { get; set; }

            CALLER

            ACCESS async Task<string[]?> GetSourcesAsync(RemoteConfigClient client, ClientOptions options, CancellationToken cancellationToken)
            {
                if (Cached == null || DateTime.UtcNow - LastAccess > TimeSpan.FromSeconds(30))
                {
                    LastAccess = DateTime.UtcNow;
                    Cached = await client.LoadSourcesAsync(options, cancellationToken);
                }

                return Cached;
            }
        }

        public static class HealthRegistration
        {
            public static IServiceCollection AddRemoteConfigHealth(this IServiceCollection services)
                => services.AddSingleton<RemoteConfigHealthContributor>();
        }
        """;

    [Theory]
    [InlineData("private")]
    [InlineData("internal")]
    public async Task PrivateAsyncHelperHandedOnlyTheSingletonsOwnState(string access)
    {
        // Every call of the helper passes the singleton's own client and a local read from it: what it stores is the
        // remote server's answer, the same for every caller, not a request's.
        await Test(HealthContributorWithATimedCache.Replace("{|#0:Cached|}", "Cached").Replace("ACCESS", access)
                .Replace("CALLER", """
                    public Task<string[]?> CheckHealthAsync(CancellationToken cancellationToken)
                    {
                        var options = _client.Options;
                        return GetSourcesAsync(_client, options, cancellationToken);
                    }
                    """))
            .ValidateAsync();
    }

    [Theory]
    [InlineData("public Task<string[]?> CheckHealthAsync(RemoteConfigClient client, CancellationToken cancellationToken) => GetSourcesAsync(client, client.Options, cancellationToken);")]
    [InlineData("public Task<string[]?> CheckHealthAsync(ClientOptions options, CancellationToken cancellationToken) => GetSourcesAsync(_client, options, cancellationToken);")]
    public async Task PrivateAsyncHelperHandedACallersParameter_IsReported(string caller)
    {
        // A public member passes what it is handed: that may be anything a request brings.
        await Test(HealthContributorWithATimedCache.Replace("ACCESS", "private").Replace("CALLER", caller))
            .ExpectDiagnostic(Expected("Cached", "singleton", "RemoteConfigHealthContributor", "per-request data written in 'GetSourcesAsync'"))
            .ValidateAsync();
    }


    [Fact]
    public async Task OptionsAndLoggerInASingleton()
    {
        await Test("""
            using Microsoft.Extensions.DependencyInjection;
            using Microsoft.Extensions.Logging;
            using Microsoft.Extensions.Options;

            public sealed class MailSettings { public string Host { get; set; } = ""; }

            public sealed class Mailer
            {
                private readonly IOptionsMonitor<MailSettings> _settings;
                private readonly ILogger<Mailer> _logger;
                private ILogger? _scopedLogger;

                public Mailer(IOptionsMonitor<MailSettings> settings, ILogger<Mailer> logger)
                {
                    _settings = settings;
                    _logger = logger;
                }

                public void UseLogger(ILogger logger) => _scopedLogger = logger;

                public void Send(string to) => _logger.LogInformation("Sending to {To} via {Host}", to, _settings.CurrentValue.Host);
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services) => services.AddSingleton<Mailer>();
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task MemoryCacheUser()
    {
        await Test("""
            using System;
            using Microsoft.Extensions.Caching.Memory;
            using Microsoft.Extensions.DependencyInjection;

            public sealed class CarrierNames
            {
                private readonly IMemoryCache _cache;

                public CarrierNames(IMemoryCache cache) => _cache = cache;

                public string Get(string code) => _cache.GetOrCreate(code, entry =>
                {
                    entry.AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5);
                    return code.ToUpperInvariant();
                })!;
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services) => services.AddSingleton<CarrierNames>();
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task ConcurrentDictionaryCache()
    {
        await Test("""
            using System.Collections.Concurrent;
            using Microsoft.Extensions.DependencyInjection;

            public sealed class SlugCache
            {
                private ConcurrentDictionary<string, string> _slugs = new();

                public string Slug(string title) => _slugs.GetOrAdd(title, t => t.ToLowerInvariant().Replace(' ', '-'));

                public void Reset(ConcurrentDictionary<string, string> seed) => _slugs = seed;
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services) => services.AddSingleton<SlugCache>();
            }
            """, References.DependencyInjection)
            .ValidateAsync();
    }

    [Fact]
    public async Task HttpContextAccessorAndScopeFactoryFields()
    {
        await Test("""
            using System;
            using Microsoft.AspNetCore.Http;
            using Microsoft.Extensions.DependencyInjection;

            public sealed class CurrentUser
            {
                private readonly IHttpContextAccessor _accessor;
                private readonly IServiceScopeFactory _scopes;
                private readonly IServiceProvider _services;

                public CurrentUser(IHttpContextAccessor accessor, IServiceScopeFactory scopes, IServiceProvider services)
                {
                    _accessor = accessor;
                    _scopes = scopes;
                    _services = services;
                }

                public string? Name => _accessor.HttpContext?.User.Identity?.Name;
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services) => services.AddSingleton<CurrentUser>();
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task HostedService_TimerAndLoopState()
    {
        await Test("""
            using System;
            using System.Threading;
            using System.Threading.Tasks;
            using Microsoft.Extensions.Hosting;

            public sealed class Heartbeat : IHostedService, IDisposable
            {
                private Timer? _timer;
                private object? _lastState;
                private CancellationToken _stopping;

                public Task StartAsync(CancellationToken cancellationToken)
                {
                    _stopping = cancellationToken;
                    _timer = new Timer(Beat, cancellationToken, TimeSpan.Zero, TimeSpan.FromSeconds(5));
                    return Task.CompletedTask;
                }

                private void Beat(object? state) => _lastState = state;

                public Task StopAsync(CancellationToken cancellationToken)
                {
                    _timer?.Change(Timeout.Infinite, 0);
                    return Task.CompletedTask;
                }

                public void Dispose() => _timer?.Dispose();
            }
            """, References.DependencyInjection)
            .ValidateAsync();
    }

    private const string HeartbeatMonitor = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.AspNetCore.Builder;
        using Microsoft.AspNetCore.Mvc;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.Hosting;

        public interface IEndpointMonitor
        {
            Task CheckAsync(DateTime threshold, CancellationToken cancellationToken);
        }

        public sealed class EndpointMonitor : IEndpointMonitor
        {
            private string? {|#0:_previousStats|};

            public async Task CheckAsync(DateTime threshold, CancellationToken cancellationToken)
            {
                await Task.Delay(1, cancellationToken);
                _previousStats = threshold.ToString("O");
            }
        }

        public sealed class RetryDequeuer
        {
            private int? {|#1:_targetCount|};

            public async Task RunAsync(string batchId, int? expected)
            {
                _targetCount = expected;
                await Task.Yield();
            }
        }

        public sealed class RetryProcessor(RetryDequeuer dequeuer)
        {
            public Task ForwardAsync(string batchId, int count) => dequeuer.RunAsync(batchId, count);
        }

        public sealed class HeartbeatService(IEndpointMonitor monitor, RetryProcessor retries) : IHostedService
        {
            private Timer? _timer;

            public Task StartAsync(CancellationToken cancellationToken)
            {
                _timer = new Timer(_ => Beat(), null, TimeSpan.Zero, TimeSpan.FromSeconds(5));
                return retries.ForwardAsync("startup", 10);
            }

            private void Beat() => _ = monitor.CheckAsync(DateTime.UtcNow.AddMinutes(-1), CancellationToken.None);

            public Task StopAsync(CancellationToken cancellationToken)
            {
                _timer?.Dispose();
                return Task.CompletedTask;
            }
        }

        public sealed class GatewayClient
        {
            private string? {|#2:_sessionId|};

            public Task ConnectAsync(string token)
            {
                /*start*/
                return Task.CompletedTask;
            }

            private async Task ReceiveLoopAsync()
            {
                while (true)
                {
                    var payload = await Task.FromResult("session-1");
                    await OnReadyAsync(payload);
                }
            }

            internal async Task OnReadyAsync(string sessionId)
            {
                _sessionId = sessionId;
                await Task.Yield();
            }
        }

        public static class Startup
        {
            public static void Register(IServiceCollection services)
            {
                services.AddSingleton<IEndpointMonitor, EndpointMonitor>();
                services.AddSingleton<RetryDequeuer>();
                services.AddSingleton<RetryProcessor>();
                services.AddSingleton<GatewayClient>();
                services.AddHostedService<HeartbeatService>();
            }
        }

        /*handlers*/
        """;

    [Theory]
    [InlineData("_ = ReceiveLoopAsync();")]
    [InlineData("_ = Task.Run(ReceiveLoopAsync);")]
    [InlineData("_ = Task.Run(async () => await ReceiveLoopAsync());")]
    public async Task WrittenOnlyByBackgroundWork_IsLeftAlone(string start)
    {
        // A heartbeat check a hosted service's timer runs (through an interface), a batch forwarder its start step
        // calls two services down, and a gateway session the client's own receive loop sets: no request reaches them.
        await Test(HeartbeatMonitor.Replace("{|#0:_previousStats|}", "_previousStats").Replace("{|#1:_targetCount|}", "_targetCount")
                .Replace("{|#2:_sessionId|}", "_sessionId").Replace("/*start*/", start))
            .ValidateAsync();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task WrittenFromAnOverrideABaseHostedServiceRuns_IsLeftAlone_UnlessARequestWritesToo(bool reported)
    {
        // The base class's start step runs the abstract RunAsync on a task of its own; the override watches a feed and
        // publishes each configuration to the dispatcher, which keeps the last one for late subscribers. A controller
        // publishing too makes the write request handling again.
        var test = Test($$"""
            using System.Threading;
            using System.Threading.Tasks;
            using Microsoft.AspNetCore.Mvc;
            using Microsoft.Extensions.DependencyInjection;
            using Microsoft.Extensions.Hosting;

            public abstract class BackgroundHostedService : IHostedService
            {
                private Task? _run;

                public Task StartAsync(CancellationToken cancellationToken)
                {
                    _run = Task.Run(CallRunAsync, CancellationToken.None);
                    return Task.CompletedTask;

                    async Task CallRunAsync() => await RunAsync(CancellationToken.None);
                }

                public Task StopAsync(CancellationToken cancellationToken) => _run ?? Task.CompletedTask;

                public abstract Task RunAsync(CancellationToken cancellationToken);
            }

            public sealed class Dispatcher
            {
                private byte[]? {{(reported ? "{|#0:_lastMessage|}" : "_lastMessage")}};

                public async Task SendAsync(byte[] message, CancellationToken cancellationToken)
                {
                    _lastMessage = message;
                    await Task.Delay(1, cancellationToken);
                }
            }

            public sealed class FeedWatcher(Dispatcher dispatcher) : BackgroundHostedService
            {
                public override async Task RunAsync(CancellationToken cancellationToken)
                {
                    while (!cancellationToken.IsCancellationRequested)
                    {
                        await dispatcher.SendAsync(new byte[] { 1 }, cancellationToken);
                    }
                }
            }

            public static class Startup
            {
                public static void Register(IServiceCollection services)
                {
                    services.AddSingleton<Dispatcher>();
                    services.AddHostedService<FeedWatcher>();
                }
            }
            {{(reported ? """
            public class PublishController(Dispatcher dispatcher) : ControllerBase
            {
                [HttpPost("publish")]
                public Task Publish(byte[] body) => dispatcher.SendAsync(body, HttpContext.RequestAborted);
            }
            """ : "")}}
            """);
        await (reported ? test.ExpectDiagnostic(Expected("_lastMessage", "singleton", "Dispatcher", "per-request data written in 'SendAsync'")) : test)
            .ValidateAsync();
    }

    [Fact]
    public async Task HandlerAHostedServiceSubscribesToAnEvent_IsReported()
    {
        // The start step only subscribes: the handler runs for each message the server receives, not in the step.
        await Test("""
            using System;
            using System.Threading;
            using System.Threading.Tasks;
            using Microsoft.Extensions.DependencyInjection;
            using Microsoft.Extensions.Hosting;

            public sealed class MessageServer
            {
                public event Func<string, Task>? MessageReceived;

                public Task ReceiveAsync(string message) => MessageReceived?.Invoke(message) ?? Task.CompletedTask;
            }

            public sealed class LastMessage
            {
                private string? {|#0:_last|};

                public async Task StoreAsync(string message)
                {
                    _last = message;
                    await Task.Yield();
                }
            }

            public sealed class Listener(MessageServer server, LastMessage last) : IHostedService
            {
                public Task StartAsync(CancellationToken cancellationToken)
                {
                    server.MessageReceived += message => last.StoreAsync(message);
                    return Task.CompletedTask;
                }

                public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
            }

            public static class Startup
            {
                public static void Register(IServiceCollection services)
                {
                    services.AddSingleton<MessageServer>();
                    services.AddSingleton<LastMessage>();
                    services.AddHostedService<Listener>();
                }
            }
            """, References.DependencyInjection)
            .ExpectDiagnostic(Expected("_last", "singleton", "LastMessage", "per-request data written in 'StoreAsync'"))
            .ValidateAsync();
    }

    [Fact]
    public async Task FrameworkEntryPointAlsoCalledByAHostedService_IsReported()
    {
        // The framework calls IMiddleware.InvokeAsync for every request; a warm-up call from a start step does not make
        // it background work.
        await Test("""
            using System.Threading;
            using System.Threading.Tasks;
            using Microsoft.AspNetCore.Http;
            using Microsoft.Extensions.DependencyInjection;
            using Microsoft.Extensions.Hosting;

            public sealed class LastPathMiddleware : IMiddleware
            {
                private string? {|#0:_lastPath|};

                public async Task InvokeAsync(HttpContext context, RequestDelegate next)
                {
                    _lastPath = context.Request.Path;
                    await next(context);
                }
            }

            public sealed class Warmup(LastPathMiddleware middleware) : IHostedService
            {
                public Task StartAsync(CancellationToken cancellationToken) => middleware.InvokeAsync(new DefaultHttpContext(), _ => Task.CompletedTask);

                public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
            }

            public static class Startup
            {
                public static void Register(IServiceCollection services)
                {
                    services.AddSingleton<LastPathMiddleware>();
                    services.AddHostedService<Warmup>();
                }
            }
            """)
            .ExpectDiagnostic(Expected("_lastPath", "singleton", "LastPathMiddleware", "per-request data written in 'InvokeAsync'"))
            .ValidateAsync();
    }

    [Fact]
    public async Task WrittenByBackgroundWorkAndByARequest_IsReported()
    {
        await Test(HeartbeatMonitor.Replace("{|#2:_sessionId|}", "_sessionId").Replace("/*start*/", "_ = ReceiveLoopAsync();").Replace("/*handlers*/", """
            public class StatusController(IEndpointMonitor monitor, RetryDequeuer dequeuer) : ControllerBase
            {
                [HttpPost("check")]
                public Task Check(DateTime since) => monitor.CheckAsync(since, HttpContext.RequestAborted);

                [HttpPost("retry")]
                public Task Retry(string batch, int count) => dequeuer.RunAsync(batch, count);
            }
            """))
            .ExpectDiagnostic(Expected("_previousStats", "singleton", "EndpointMonitor", "per-request data written in 'CheckAsync'").WithLocation(0))
            .ExpectDiagnostic(Expected("_targetCount", "singleton", "RetryDequeuer", "per-request data written in 'RunAsync'").WithLocation(1))
            .ValidateAsync();
    }

    [Theory]
    [InlineData("_ = ReceiveLoopAsync(token);", "private async Task ReceiveLoopAsync()", "private async Task ReceiveLoopAsync(string token)")]
    [InlineData("ReceiveLoopAsync().Wait();", "", "")]
    [InlineData("_ = OnReadyAsync(token);", "", "")]
    public async Task LoopGivenTheCallersValue_IsReported(string start, string declaration, string replacement)
    {
        // The loop carries its starter's argument, is waited for by it, or the public method writes its own argument:
        // the public ConnectAsync is called by code the compilation does not show.
        var source = HeartbeatMonitor.Replace("{|#0:_previousStats|}", "_previousStats").Replace("{|#1:_targetCount|}", "_targetCount")
            .Replace("{|#2:_sessionId|}", "{|#0:_sessionId|}").Replace("/*start*/", start);
        await Test(declaration.Length == 0 ? source : source.Replace(declaration, replacement))
            .ExpectDiagnostic(Expected("_sessionId", "singleton", "GatewayClient", "per-request data written in 'OnReadyAsync'"))
            .ValidateAsync();
    }

    [Fact]
    public async Task InterlockedAndVolatileCounters()
    {
        await Test("""
            using System.Threading;
            using Microsoft.Extensions.DependencyInjection;

            public sealed class Stats
            {
                private long _requests;
                private volatile string? _lastPath;

                public void Count(string path)
                {
                    Interlocked.Increment(ref _requests);
                    _lastPath = path;
                    Volatile.Write(ref _requests, 0);
                }
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services) => services.AddSingleton<Stats>();
            }
            """, References.DependencyInjection)
            .ValidateAsync();
    }

    [Fact]
    public async Task LazyInitialization()
    {
        await Test("""
            using System.Net.Http;
            using Microsoft.Extensions.DependencyInjection;

            public sealed class Downloader
            {
                private HttpClient? _client;
                private string? _baseAddress;

                public HttpClient Client(string baseAddress)
                {
                    if (_baseAddress == null)
                    {
                        _baseAddress = baseAddress;
                    }

                    return _client ??= new HttpClient { BaseAddress = new System.Uri(baseAddress) };
                }
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services) => services.AddSingleton<Downloader>();
            }
            """, References.DependencyInjection)
            .ValidateAsync();
    }

    [Fact]
    public async Task ConstructorOnlyWrites()
    {
        await Test("""
            using Microsoft.Extensions.DependencyInjection;
            using Microsoft.Extensions.Options;

            public sealed class Branding { public string Name { get; set; } = ""; }

            public sealed class Footer
            {
                private string _name;
                private int _year;

                public Footer(IOptions<Branding> options)
                {
                    _name = options.Value.Name;
                    _year = 2025;
                }

                public string Render() => _name + " " + _year;
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services) => services.AddSingleton<Footer>();
            }
            """, References.DependencyInjection)
            .ValidateAsync();
    }

    [Fact]
    public async Task ScopedServiceHoldingTheContext()
    {
        await Test("""
            using Microsoft.AspNetCore.Http;
            using Microsoft.Extensions.DependencyInjection;

            public sealed class RequestInfo
            {
                private HttpContext? _context;
                private string? _path;

                public void Begin(HttpContext context)
                {
                    _context = context;
                    _path = context.Request.Path;
                }

                public string? Path => _path ?? _context?.Request.Path;
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services) => services.AddScoped<RequestInfo>();
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task MiddlewareWhoseFieldsAreAllReadOnly()
    {
        await Test("""
            using System.Threading.Tasks;
            using Microsoft.AspNetCore.Http;
            using Microsoft.Extensions.Logging;

            public sealed class LoggingMiddleware
            {
                private readonly RequestDelegate _next;
                private readonly ILogger<LoggingMiddleware> _logger;
                private readonly string _header = "X-Trace";

                public LoggingMiddleware(RequestDelegate next, ILogger<LoggingMiddleware> logger)
                {
                    _next = next;
                    _logger = logger;
                }

                public async Task InvokeAsync(HttpContext context)
                {
                    var trace = context.Request.Headers[_header].ToString();
                    _logger.LogInformation("Request {Trace}", trace);
                    await _next(context);
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task WriteUnderALock_SharedOnPurpose()
    {
        await Test("""
            using Microsoft.Extensions.DependencyInjection;

            public sealed class Settings { public string Theme { get; set; } = ""; }

            public sealed class SettingsStore
            {
                private readonly object _gate = new();
                private Settings _current = new();

                public void Replace(Settings settings)
                {
                    lock (_gate)
                    {
                        _current = settings;
                    }
                }

                public Settings Current { get { lock (_gate) { return _current; } } }
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services) => services.AddSingleton<SettingsStore>();
            }
            """, References.DependencyInjection)
            .ValidateAsync();
    }

    [Fact]
    public async Task CollectionContentChanges_AndStaticFields()
    {
        await Test("""
            using System.Collections.Generic;
            using Microsoft.Extensions.DependencyInjection;

            public sealed class Registry
            {
                private readonly List<string> _names = new();
                private readonly Dictionary<string, int> _counts = new();
                private static string? s_last;

                public void Register(string name)
                {
                    _names.Add(name);
                    _counts[name] = 1;
                    s_last = name;
                }
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services) => services.AddSingleton<Registry>();
            }
            """, References.DependencyInjection)
            .ValidateAsync();
    }

    [Fact]
    public async Task ValuesNotFromTheRequest_ClockTokensAndResets()
    {
        await Test("""
            using System;
            using System.Threading.Tasks;
            using Microsoft.Extensions.DependencyInjection;

            public interface ITokenSource { Task<string> FetchAsync(); }

            public sealed class TokenCache
            {
                private readonly ITokenSource _source;
                private string? _token;
                private DateTime _fetchedAt;

                public TokenCache(ITokenSource source) => _source = source;

                public async Task<string> GetAsync()
                {
                    if (DateTime.UtcNow - _fetchedAt > TimeSpan.FromMinutes(5))
                    {
                        _token = await _source.FetchAsync();
                        _fetchedAt = DateTime.UtcNow;
                    }

                    return _token!;
                }

                public void Clear() => _token = null;
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services) => services.AddSingleton<TokenCache>();
            }
            """, References.DependencyInjection)
            .ValidateAsync();
    }

    [Fact]
    public async Task PropertySetterAndCodeCreatedPrincipal()
    {
        await Test("""
            using System.Security.Claims;
            using Microsoft.Extensions.DependencyInjection;

            public sealed class BackgroundIdentity
            {
                private readonly ClaimsPrincipal _system = new(new ClaimsIdentity("system"));
                private string _mode = "fast";

                public string Mode { get => _mode; set => _mode = value; }

                public ClaimsPrincipal System => _system;
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services) => services.AddSingleton<BackgroundIdentity>();
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task ScopedOnlyByRegistration_IsSsa006s()
    {
        await Test("""
            using Microsoft.Extensions.DependencyInjection;

            public sealed class UserSession { public string? Name { get; set; } }

            public sealed class Greeter
            {
                private readonly UserSession _session;

                public Greeter(UserSession session) => _session = session;

                public string Greet() => "Hello " + _session.Name;
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.AddScoped<UserSession>();
                    services.AddSingleton<Greeter>();
                }
            }
            """, References.DependencyInjection)
            .ValidateAsync();
    }

    [Fact]
    public async Task TypeNotProcessLifetime_AndNoWebOrDiReferences()
    {
        await Test("""
            public sealed class Counter
            {
                public static readonly Counter Instance = new();

                private string? _last;

                private Counter() { }

                public void Record(string name) => _last = name;

                public string? Last => _last;
            }

            public sealed class PlainService
            {
                private string? _last;

                public void Record(string name) => _last = name;
            }
            """, References.Net)
            .ValidateAsync();
    }

    [Fact]
    public async Task TestFixture_NestedMiddleware()
    {
        await Test("""
            using System;
            using System.Threading.Tasks;
            using Microsoft.AspNetCore.Http;

            [AttributeUsage(AttributeTargets.Method)]
            public sealed class FactAttribute : Attribute { }

            public sealed class PipelineTests
            {
                [Fact]
                public void Runs() { }

                private sealed class RecordingMiddleware
                {
                    private readonly RequestDelegate _next;
                    private HttpContext? _seen;

                    public RecordingMiddleware(RequestDelegate next) => _next = next;

                    public Task InvokeAsync(HttpContext context)
                    {
                        _seen = context;
                        return _next(context);
                    }
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task HalfTypedCode_DoesNotThrow()
    {
        await Test("""
            using System.Threading.Tasks;
            using Microsoft.AspNetCore.Http;

            public sealed class BrokenMiddleware
            {
                private readonly RequestDelegate _next;
                private Missing _thing;

                public BrokenMiddleware(RequestDelegate next) => _next = next;

                public Task InvokeAsync(HttpContext context)
                {
                    _thing = context.Request.;
                    return _next(context);
                }
            }
            """)
            .AllowCompilerErrors()
            .ValidateAsync();
    }
}
