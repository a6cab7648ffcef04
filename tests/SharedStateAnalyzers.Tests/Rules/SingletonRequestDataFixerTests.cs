using SharedStateAnalyzers.CodeFixes;
using SharedStateAnalyzers.Rules;
using SharedStateAnalyzers.Tests.Verification;

namespace SharedStateAnalyzers.Tests.Rules;

/// <summary>SSA005's fixes: exact output, Fix All, where they are not offered. The verifier compiles every fixed output.</summary>
public sealed class SingletonRequestDataFixerTests
{
    private static AnalyzerTest Test(References references = References.AspNetCore)
        => AnalyzerTest.Create<SingletonRequestDataAnalyzer>().WithCodeFix<SingletonRequestDataFixer>().WithReferences(references);

    // ---------------------------------------------------------------- Move to a local

    [Fact]
    public async Task Local_MiddlewareField_WrittenThenReadAfterAnAwait()
    {
        // No key: moving to a local is offered first, so dotnet format applies it.
        await Test()
            .WithSource("""
                using System.Threading.Tasks;
                using Microsoft.AspNetCore.Http;

                public sealed class CarrierMiddleware
                {
                    private readonly RequestDelegate _next;

                    // The carrier of the current request.
                    private string? [|_carrier|];

                    public CarrierMiddleware(RequestDelegate next) => _next = next;

                    public async Task InvokeAsync(HttpContext context)
                    {
                        _carrier = context.Request.Headers["X-Carrier"];
                        await _next(context);
                        if (_carrier is not null)
                        {
                            context.Response.Headers["X-Carrier"] = this._carrier;
                        }
                    }
                }
                """)
            .ShouldFixCodeWith("""
                using System.Threading.Tasks;
                using Microsoft.AspNetCore.Http;

                public sealed class CarrierMiddleware
                {
                    private readonly RequestDelegate _next;

                    public CarrierMiddleware(RequestDelegate next) => _next = next;

                    public async Task InvokeAsync(HttpContext context)
                    {
                        string? carrier = context.Request.Headers["X-Carrier"];
                        await _next(context);
                        if (carrier is not null)
                        {
                            context.Response.Headers["X-Carrier"] = carrier;
                        }
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Local_ContextField_TakesAnotherNameWhenTheParameterHasIt()
    {
        await Test()
            .WithCodeFixEquivalenceKey(SingletonRequestDataFixer.MoveToLocalKey)
            .WithSource("""
                using System.Diagnostics;
                using System.Threading.Tasks;
                using Microsoft.AspNetCore.Http;

                public sealed class TimingMiddleware
                {
                    private readonly RequestDelegate _next;
                    private HttpContext? [|_context|];

                    public TimingMiddleware(RequestDelegate next) => _next = next;

                    public async Task InvokeAsync(HttpContext context)
                    {
                        var watch = Stopwatch.StartNew();
                        _context = context;
                        await _next(context);
                        _context.Items["elapsed"] = watch.ElapsedMilliseconds;
                    }
                }
                """)
            .ShouldFixCodeWith("""
                using System.Diagnostics;
                using System.Threading.Tasks;
                using Microsoft.AspNetCore.Http;

                public sealed class TimingMiddleware
                {
                    private readonly RequestDelegate _next;

                    public TimingMiddleware(RequestDelegate next) => _next = next;

                    public async Task InvokeAsync(HttpContext context)
                    {
                        var watch = Stopwatch.StartNew();
                        HttpContext? currentContext = context;
                        await _next(context);
                        currentContext.Items["elapsed"] = watch.ElapsedMilliseconds;
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Local_FixAll_TwoFieldsOfOneMiddleware()
    {
        await Test()
            .WithCodeFixEquivalenceKey(SingletonRequestDataFixer.MoveToLocalKey)
            .WithSource("""
                using System.Threading.Tasks;
                using Microsoft.AspNetCore.Http;

                public sealed class UserMiddleware
                {
                    private readonly RequestDelegate _next;
                    private string? [|_name|];
                    private string? [|_tenant|];

                    public UserMiddleware(RequestDelegate next) => _next = next;

                    public async Task InvokeAsync(HttpContext context)
                    {
                        _name = context.User.Identity?.Name;
                        _tenant = context.Request.Host.Host;
                        await _next(context);
                        context.Response.Headers["X-User"] = _name + "@" + _tenant;
                    }
                }
                """)
            .ShouldFixCodeWith("""
                using System.Threading.Tasks;
                using Microsoft.AspNetCore.Http;

                public sealed class UserMiddleware
                {
                    private readonly RequestDelegate _next;

                    public UserMiddleware(RequestDelegate next) => _next = next;

                    public async Task InvokeAsync(HttpContext context)
                    {
                        string? name = context.User.Identity?.Name;
                        string? tenant = context.Request.Host.Host;
                        await _next(context);
                        context.Response.Headers["X-User"] = name + "@" + tenant;
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Local_TheSampleMiddleware()
    {
        // samples/CrawlerConfig/CarrierAuditMiddleware.cs, with the usings its project makes implicit.
        await Test()
            .WithSource("""
                using System;
                using System.Diagnostics;
                using System.Threading.Tasks;
                using Microsoft.AspNetCore.Http;
                using Microsoft.Extensions.Logging;

                namespace CrawlerConfig;

                /// <summary>
                /// Logs, once each request is done, which carrier's config it asked for and how long it took. A conventional
                /// middleware is built once and serves every request: the carrier code kept in a field between the write and the
                /// log line is overwritten by any request that arrives meanwhile, so the log names the wrong carrier (SSA005).
                /// </summary>
                public sealed class CarrierAuditMiddleware
                {
                    private readonly RequestDelegate _next;
                    private readonly ILogger<CarrierAuditMiddleware> _logger;

                    // The carrier the current request asked for.
                    private string? [|_carrier|];

                    public CarrierAuditMiddleware(RequestDelegate next, ILogger<CarrierAuditMiddleware> logger)
                    {
                        _next = next;
                        _logger = logger;
                    }

                    public async Task InvokeAsync(HttpContext context)
                    {
                        _carrier = CarrierFromPath(context.Request.Path);
                        var watch = Stopwatch.StartNew();
                        await _next(context);
                        if (_carrier is not null)
                        {
                            _logger.LogInformation("Carrier {Carrier}: {Status} in {Elapsed} ms", _carrier, context.Response.StatusCode, watch.ElapsedMilliseconds);
                        }
                    }

                    /// <summary>The SCAC code of <c>/crawlers/{scac}</c>, or null for other paths.</summary>
                    private static string? CarrierFromPath(PathString path)
                    {
                        var segments = (path.Value ?? string.Empty).Split('/', StringSplitOptions.RemoveEmptyEntries);
                        return segments.Length == 2 && segments[0] == "crawlers" ? segments[1].ToUpperInvariant() : null;
                    }
                }
                """)
            .ShouldFixCodeWith("""
                using System;
                using System.Diagnostics;
                using System.Threading.Tasks;
                using Microsoft.AspNetCore.Http;
                using Microsoft.Extensions.Logging;

                namespace CrawlerConfig;

                /// <summary>
                /// Logs, once each request is done, which carrier's config it asked for and how long it took. A conventional
                /// middleware is built once and serves every request: the carrier code kept in a field between the write and the
                /// log line is overwritten by any request that arrives meanwhile, so the log names the wrong carrier (SSA005).
                /// </summary>
                public sealed class CarrierAuditMiddleware
                {
                    private readonly RequestDelegate _next;
                    private readonly ILogger<CarrierAuditMiddleware> _logger;

                    public CarrierAuditMiddleware(RequestDelegate next, ILogger<CarrierAuditMiddleware> logger)
                    {
                        _next = next;
                        _logger = logger;
                    }

                    public async Task InvokeAsync(HttpContext context)
                    {
                        string? carrier = CarrierFromPath(context.Request.Path);
                        var watch = Stopwatch.StartNew();
                        await _next(context);
                        if (carrier is not null)
                        {
                            _logger.LogInformation("Carrier {Carrier}: {Status} in {Elapsed} ms", carrier, context.Response.StatusCode, watch.ElapsedMilliseconds);
                        }
                    }

                    /// <summary>The SCAC code of <c>/crawlers/{scac}</c>, or null for other paths.</summary>
                    private static string? CarrierFromPath(PathString path)
                    {
                        var segments = (path.Value ?? string.Empty).Split('/', StringSplitOptions.RemoveEmptyEntries);
                        return segments.Length == 2 && segments[0] == "crawlers" ? segments[1].ToUpperInvariant() : null;
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Local_NotOffered_WhenAnotherMethodReadsTheField()
    {
        await Test(References.DependencyInjection)
            .WithCodeFixEquivalenceKey(SingletonRequestDataFixer.MoveToLocalKey)
            .WithSource("""
                using Microsoft.Extensions.DependencyInjection;

                public sealed class QuoteService
                {
                    private string? [|_carrier|];

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
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task Local_NotOffered_WhenTheFirstUseIsARead_OrTheWriteIsConditional()
    {
        await Test()
            .WithCodeFixEquivalenceKey(SingletonRequestDataFixer.MoveToLocalKey)
            .WithSource("""
                using System.Threading.Tasks;
                using Microsoft.AspNetCore.Http;

                public sealed class PreviousMiddleware
                {
                    private readonly RequestDelegate _next;
                    private string? [|_previous|];
                    private string? [|_mode|];

                    public PreviousMiddleware(RequestDelegate next) => _next = next;

                    public Task InvokeAsync(HttpContext context)
                    {
                        context.Items["previous"] = _previous;
                        _previous = context.Request.Path;
                        if (context.Request.Query.ContainsKey("mode"))
                        {
                            _mode = context.Request.Query["mode"];
                        }

                        context.Items["mode"] = _mode;
                        return _next(context);
                    }
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    // ---------------------------------------------------------------- Use injected IHttpContextAccessor

    [Fact]
    public async Task Accessor_SingletonCapturingTheUser_ReadsTheCurrentOne()
    {
        await Test()
            .WithCodeFixEquivalenceKey(SingletonRequestDataFixer.UseHttpContextAccessorKey)
            .WithSource("Audit.cs", """
                using System.Security.Claims;
                using Microsoft.AspNetCore.Http;

                public sealed class AuditLog
                {
                    private ClaimsPrincipal? [|_user|];

                    public void Begin(HttpContext context)
                    {
                        _user = context.User;
                    }

                    public string Describe(string what) => (_user?.Identity?.Name ?? "anonymous") + ": " + what;
                }
                """)
            .WithSource("Startup.cs", """
                using Microsoft.Extensions.DependencyInjection;

                public static class Startup
                {
                    public static void Configure(IServiceCollection services)
                    {
                        services.AddHttpContextAccessor();
                        services.AddSingleton<AuditLog>();
                    }
                }
                """)
            .ShouldFixCodeWith("Audit.cs", """
                using System.Security.Claims;
                using Microsoft.AspNetCore.Http;

                public sealed class AuditLog
                {
                    private readonly IHttpContextAccessor _httpContextAccessor;

                    public AuditLog(IHttpContextAccessor httpContextAccessor)
                    {
                        _httpContextAccessor = httpContextAccessor;
                    }

                    public void Begin(HttpContext context)
                    {
                    }

                    public string Describe(string what) => (_httpContextAccessor.HttpContext!.User?.Identity?.Name ?? "anonymous") + ": " + what;
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Accessor_ContextCapturedInTheConstructor_KeepsTheAccessorItWasGiven()
    {
        await Test()
            .WithCodeFixEquivalenceKey(SingletonRequestDataFixer.UseHttpContextAccessorKey)
            .WithSource("""
                using Microsoft.AspNetCore.Http;
                using Microsoft.Extensions.DependencyInjection;

                public sealed class TenantResolver
                {
                    private readonly HttpContext? [|_context|];

                    public TenantResolver(IHttpContextAccessor accessor)
                    {
                        _context = accessor.HttpContext;
                    }

                    public string? Tenant => _context?.Request.Host.Host;
                }

                public static class Startup
                {
                    public static void Configure(IServiceCollection services) => services.AddSingleton<TenantResolver>();
                }
                """)
            .ShouldFixCodeWith("""
                using Microsoft.AspNetCore.Http;
                using Microsoft.Extensions.DependencyInjection;

                public sealed class TenantResolver
                {
                    private readonly IHttpContextAccessor _httpContextAccessor;

                    public TenantResolver(IHttpContextAccessor accessor)
                    {
                        _httpContextAccessor = accessor;
                    }

                    public string? Tenant => _httpContextAccessor.HttpContext?.Request.Host.Host;
                }

                public static class Startup
                {
                    public static void Configure(IServiceCollection services) => services.AddSingleton<TenantResolver>();
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Accessor_FixAll_SecondFieldReusesTheAccessor()
    {
        await Test()
            .WithCodeFixEquivalenceKey(SingletonRequestDataFixer.UseHttpContextAccessorKey)
            .WithSource("""
                using System.Security.Claims;
                using Microsoft.AspNetCore.Http;
                using Microsoft.Extensions.DependencyInjection;

                public sealed class RequestLog
                {
                    private HttpRequest? [|_request|];
                    private ClaimsPrincipal? [|_user|];

                    public RequestLog()
                    {
                    }

                    public void Begin(HttpContext context)
                    {
                        _request = context.Request;
                        this._user = context.User;
                    }

                    public string Line() => _request?.Path.Value + " by " + this._user?.Identity?.Name;
                }

                public static class Startup
                {
                    public static void Configure(IServiceCollection services)
                    {
                        services.AddHttpContextAccessor();
                        services.AddSingleton<RequestLog>();
                    }
                }
                """)
            .ShouldFixCodeWith("""
                using System.Security.Claims;
                using Microsoft.AspNetCore.Http;
                using Microsoft.Extensions.DependencyInjection;

                public sealed class RequestLog
                {
                    private readonly IHttpContextAccessor _httpContextAccessor;

                    public RequestLog(IHttpContextAccessor httpContextAccessor)
                    {
                        _httpContextAccessor = httpContextAccessor;
                    }

                    public void Begin(HttpContext context)
                    {
                    }

                    public string Line() => _httpContextAccessor.HttpContext!.Request?.Path.Value + " by " + _httpContextAccessor.HttpContext!.User?.Identity?.Name;
                }

                public static class Startup
                {
                    public static void Configure(IServiceCollection services)
                    {
                        services.AddHttpContextAccessor();
                        services.AddSingleton<RequestLog>();
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Accessor_NotOffered_WithoutARegisteredAccessor()
    {
        await Test()
            .WithCodeFixEquivalenceKey(SingletonRequestDataFixer.UseHttpContextAccessorKey)
            .WithSource("""
                using System.Security.Claims;
                using Microsoft.AspNetCore.Http;
                using Microsoft.Extensions.DependencyInjection;

                public sealed class AuditLog
                {
                    private ClaimsPrincipal? [|_user|];

                    public void Begin(HttpContext context) { _user = context.User; }

                    public string? Name => _user?.Identity?.Name;
                }

                public static class Startup
                {
                    public static void Configure(IServiceCollection services) => services.AddSingleton<AuditLog>();
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task NoFix_MiddlewareContextReadInAHelper()
    {
        await Test()
            .WithSource("""
                using System.Threading.Tasks;
                using Microsoft.AspNetCore.Http;
                using Microsoft.Extensions.DependencyInjection;

                public sealed class StampMiddleware
                {
                    private readonly RequestDelegate _next;
                    private HttpContext? [|_context|];

                    public StampMiddleware(RequestDelegate next) => _next = next;

                    public async Task InvokeAsync(HttpContext context)
                    {
                        _context = context;
                        await _next(context);
                        Stamp();
                    }

                    private void Stamp() => _context!.Response.Headers["X-Stamp"] = "1";
                }

                public static class Startup
                {
                    public static void Configure(IServiceCollection services) => services.AddHttpContextAccessor();
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    // ---------------------------------------------------------------- Register as scoped

    private const string AuditLogSource = """
        using System.Security.Claims;
        using Microsoft.AspNetCore.Http;

        public interface IAuditLog { void Begin(HttpContext context); string Describe(string what); }

        public sealed class AuditLog : IAuditLog
        {
            private ClaimsPrincipal? [|_user|];

            public void Begin(HttpContext context) => _user = context.User;

            public string Describe(string what) => (_user?.Identity?.Name ?? "anonymous") + ": " + what;
        }
        """;

    [Fact]
    public async Task Scoped_ChangesTheRegistrationInAnotherFile()
    {
        await Test()
            .WithCodeFixEquivalenceKey(SingletonRequestDataFixer.RegisterScopedKey)
            .WithSource("AuditLog.cs", AuditLogSource)
            .WithSource("Startup.cs", """
                using Microsoft.Extensions.DependencyInjection;

                public static class Startup
                {
                    public static void Configure(IServiceCollection services)
                    {
                        // Audit trail.
                        services.AddSingleton<IAuditLog, AuditLog>();
                    }
                }
                """)
            .ShouldFixCodeWith("AuditLog.cs", AuditLogSource.Replace("[|", "").Replace("|]", ""))
            .ShouldFixCodeWith("Startup.cs", """
                using Microsoft.Extensions.DependencyInjection;

                public static class Startup
                {
                    public static void Configure(IServiceCollection services)
                    {
                        // Audit trail.
                        services.AddScoped<IAuditLog, AuditLog>();
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Scoped_TypeOfAndTryAddForms_FixAllOverTheProject()
    {
        await Test(References.DependencyInjection)
            .WithCodeFixEquivalenceKey(SingletonRequestDataFixer.RegisterScopedKey)
            .WithSource("Services.cs", """
                namespace Shop;

                public sealed class Tracker
                {
                    private string? [|_page|];

                    public async System.Threading.Tasks.Task EnterAsync(string page) { _page = page; await System.Threading.Tasks.Task.Yield(); }

                    public string? Page => _page;
                }

                public sealed class Basket
                {
                    private string? [|_owner|];

                    public async System.Threading.Tasks.Task OpenAsync(string owner) { _owner = owner; await System.Threading.Tasks.Task.Yield(); }

                    public string? Owner => _owner;
                }
                """)
            .WithSource("Startup.cs", """
                using Microsoft.Extensions.DependencyInjection;
                using Microsoft.Extensions.DependencyInjection.Extensions;

                namespace Shop;

                public static class Startup
                {
                    public static void Configure(IServiceCollection services)
                    {
                        services.AddSingleton(typeof(Tracker));
                        services.TryAddSingleton<Basket>();
                    }
                }
                """)
            .ShouldFixCodeWith("Services.cs", """
                namespace Shop;

                public sealed class Tracker
                {
                    private string? _page;

                    public async System.Threading.Tasks.Task EnterAsync(string page) { _page = page; await System.Threading.Tasks.Task.Yield(); }

                    public string? Page => _page;
                }

                public sealed class Basket
                {
                    private string? _owner;

                    public async System.Threading.Tasks.Task OpenAsync(string owner) { _owner = owner; await System.Threading.Tasks.Task.Yield(); }

                    public string? Owner => _owner;
                }
                """)
            .ShouldFixCodeWith("Startup.cs", """
                using Microsoft.Extensions.DependencyInjection;
                using Microsoft.Extensions.DependencyInjection.Extensions;

                namespace Shop;

                public static class Startup
                {
                    public static void Configure(IServiceCollection services)
                    {
                        services.AddScoped(typeof(Tracker));
                        services.TryAddScoped<Basket>();
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Scoped_NotOffered_WhenASingletonTakesTheService()
    {
        await Test()
            .WithCodeFixEquivalenceKey(SingletonRequestDataFixer.RegisterScopedKey)
            .WithSource("AuditLog.cs", AuditLogSource)
            .WithSource("Startup.cs", """
                using Microsoft.Extensions.DependencyInjection;

                public sealed class Reporter
                {
                    private readonly IAuditLog _log;

                    public Reporter(IAuditLog log) => _log = log;
                }

                public static class Startup
                {
                    public static void Configure(IServiceCollection services)
                    {
                        services.AddSingleton<IAuditLog, AuditLog>();
                        services.AddSingleton<Reporter>();
                    }
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task Scoped_NotOffered_WhenASingletonTakesTheServiceThroughATransient()
    {
        // The check SSA006's fix makes too: the singleton would capture the scoped service through the transient.
        await Test()
            .WithCodeFixEquivalenceKey(SingletonRequestDataFixer.RegisterScopedKey)
            .WithSource("AuditLog.cs", AuditLogSource)
            .WithSource("Startup.cs", """
                using Microsoft.Extensions.DependencyInjection;

                public sealed class AuditWriter
                {
                    public AuditWriter(IAuditLog log) { }
                }

                public sealed class Reporter
                {
                    public Reporter(AuditWriter writer) { }
                }

                public static class Startup
                {
                    public static void Configure(IServiceCollection services)
                    {
                        services.AddSingleton<IAuditLog, AuditLog>();
                        services.AddTransient<AuditWriter>();
                        services.AddSingleton<Reporter>();
                    }
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task Scoped_NotOffered_ForAFactoryRegistration_OrAServiceResolvedByHand()
    {
        await Test(References.DependencyInjection)
            .WithCodeFixEquivalenceKey(SingletonRequestDataFixer.RegisterScopedKey)
            .WithSource("""
                using System;
                using Microsoft.Extensions.DependencyInjection;

                public sealed class Tracker
                {
                    private string? [|_page|];

                    public async System.Threading.Tasks.Task EnterAsync(string page) { _page = page; await System.Threading.Tasks.Task.Yield(); }
                }

                public sealed class Basket
                {
                    private string? [|_owner|];

                    public async System.Threading.Tasks.Task OpenAsync(string owner) { _owner = owner; await System.Threading.Tasks.Task.Yield(); }
                }

                public static class Startup
                {
                    public static void Configure(IServiceCollection services)
                    {
                        services.AddSingleton<Tracker>();
                        services.AddSingleton<Basket>();
                        services.AddSingleton(sp => new Basket());
                    }

                    public static void Warm(IServiceProvider services) => services.GetRequiredService<Tracker>().EnterAsync("/");
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task Scoped_NotOffered_ForMiddlewareAndHandRolledSingletons()
    {
        await Test()
            .WithCodeFixEquivalenceKey(SingletonRequestDataFixer.RegisterScopedKey)
            .WithSource("""
                using System.Threading.Tasks;
                using Microsoft.AspNetCore.Http;

                public sealed class CartStore
                {
                    public static readonly CartStore Instance = new();

                    private CartStore() { }

                    public ISession? [|Session|] { get; set; }
                }

                public sealed class StampMiddleware
                {
                    private readonly RequestDelegate _next;
                    private HttpContext? [|_context|];

                    public StampMiddleware(RequestDelegate next) => _next = next;

                    public Task InvokeAsync(HttpContext context)
                    {
                        _context = context;
                        return _next(_context);
                    }
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }
}
