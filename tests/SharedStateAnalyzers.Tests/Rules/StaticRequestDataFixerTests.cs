using Microsoft.CodeAnalysis.CodeFixes;
using SharedStateAnalyzers.CodeFixes;
using SharedStateAnalyzers.Rules;
using SharedStateAnalyzers.Tests.Verification;

namespace SharedStateAnalyzers.Tests.Rules;

/// <summary>SSA007's fixes: exact output, Fix All, where they are not offered. The verifier compiles every fixed output.</summary>
public sealed class StaticRequestDataFixerTests
{
    private static AnalyzerTest Test(References references = References.AspNetCore)
        => AnalyzerTest.Create<StaticRequestDataAnalyzer>().WithCodeFix<StaticRequestDataFixer>().WithReferences(references);

    // ---------------------------------------------------------------- Use injected IHttpContextAccessor

    [Fact]
    public async Task Accessor_ClaimsPrincipalInAController_AddsTheConstructor_RemovesTheWrite()
    {
        // No key: the accessor fix is offered first, so dotnet format applies it.
        await Test()
            .WithSource("""
                using System.Security.Claims;
                using Microsoft.AspNetCore.Mvc;

                namespace Shop;

                public sealed class ProfileController : ControllerBase
                {
                    // The user of the request.
                    private static ClaimsPrincipal? [|s_user|];

                    [HttpGet("me")]
                    public IActionResult Me()
                    {
                        s_user = User;
                        return Ok(Describe());
                    }

                    private string Describe() => s_user?.Identity?.Name ?? "anonymous";
                }
                """)
            .ShouldFixCodeWith("""
                using System.Security.Claims;
                using Microsoft.AspNetCore.Http;
                using Microsoft.AspNetCore.Mvc;

                namespace Shop;

                public sealed class ProfileController : ControllerBase
                {
                    // The user of the request.
                    private readonly IHttpContextAccessor _httpContextAccessor;

                    public ProfileController(IHttpContextAccessor httpContextAccessor)
                    {
                        _httpContextAccessor = httpContextAccessor;
                    }

                    [HttpGet("me")]
                    public IActionResult Me()
                    {
                        return Ok(Describe());
                    }

                    private string Describe() => _httpContextAccessor.HttpContext!.User?.Identity?.Name ?? "anonymous";
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Accessor_HttpContextInAMiddleware_ExtendsTheConstructor()
    {
        await Test()
            .WithCodeFixEquivalenceKey(StaticRequestDataFixer.UseHttpContextAccessorKey)
            .WithSource("""
                using System.Threading.Tasks;
                using Microsoft.AspNetCore.Http;

                public sealed class AuditMiddleware
                {
                    private static HttpContext? [|s_current|];
                    private readonly RequestDelegate _next;

                    public AuditMiddleware(RequestDelegate next)
                    {
                        _next = next;
                    }

                    public async Task InvokeAsync(HttpContext context)
                    {
                        s_current = context;
                        await _next(context);
                        Log();
                    }

                    private void Log() => System.Console.WriteLine(s_current?.Request.Path);
                }
                """)
            .ShouldFixCodeWith("""
                using System.Threading.Tasks;
                using Microsoft.AspNetCore.Http;

                public sealed class AuditMiddleware
                {
                    private readonly IHttpContextAccessor _httpContextAccessor;
                    private readonly RequestDelegate _next;

                    public AuditMiddleware(RequestDelegate next, IHttpContextAccessor httpContextAccessor)
                    {
                        _next = next;
                        _httpContextAccessor = httpContextAccessor;
                    }

                    public async Task InvokeAsync(HttpContext context)
                    {
                        await _next(context);
                        Log();
                    }

                    private void Log() => System.Console.WriteLine(_httpContextAccessor.HttpContext?.Request.Path);
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Accessor_FixAll_TwoFieldsOfOneClass_ShareOneAccessor()
    {
        await Test()
            .WithCodeFixEquivalenceKey(StaticRequestDataFixer.UseHttpContextAccessorKey)
            .WithFixAllScopes(FixAllScope.Document, FixAllScope.Project)
            .WithSource("""
                using Microsoft.AspNetCore.Http;
                using Microsoft.AspNetCore.Mvc;

                public sealed class EchoController : ControllerBase
                {
                    private static HttpRequest? [|s_request|];
                    private static HttpResponse? [|s_response|];

                    [HttpPost]
                    public IActionResult Echo()
                    {
                        s_request = Request;
                        s_response = Response;
                        return Ok(s_request!.ContentType + s_response!.StatusCode);
                    }
                }
                """)
            .ShouldBatchFixCodeWith("""
                using Microsoft.AspNetCore.Http;
                using Microsoft.AspNetCore.Mvc;

                public sealed class EchoController : ControllerBase
                {
                    private readonly IHttpContextAccessor _httpContextAccessor;

                    public EchoController(IHttpContextAccessor httpContextAccessor)
                    {
                        _httpContextAccessor = httpContextAccessor;
                    }

                    [HttpPost]
                    public IActionResult Echo()
                    {
                        return Ok(_httpContextAccessor.HttpContext!.Request!.ContentType + _httpContextAccessor.HttpContext!.Response!.StatusCode);
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Accessor_NotOffered_WhenUsedInAStaticMember_AsyncLocalIsThenTheFirstFix()
    {
        await Test()
            .WithSource("""
                using Microsoft.AspNetCore.Http;

                public sealed class RequestHolder
                {
                    private static HttpRequest? [|s_request|];

                    public static void Remember(HttpRequest request) => s_request = request;

                    public string? Path => s_request?.Path.Value;
                }
                """)
            .ShouldFixCodeWith("""
                using System.Threading;
                using Microsoft.AspNetCore.Http;

                public sealed class RequestHolder
                {
                    private static readonly AsyncLocal<HttpRequest?> s_request = new();

                    public static void Remember(HttpRequest request) => s_request.Value = request;

                    public string? Path => s_request.Value?.Path.Value;
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task Accessor_NotOffered_WhenAWriteCallsAMethod()
    {
        await Test()
            .WithCodeFixEquivalenceKey(StaticRequestDataFixer.UseHttpContextAccessorKey)
            .WithSource("""
                using System.Security.Claims;
                using Microsoft.AspNetCore.Mvc;

                public sealed class ImpersonationController : ControllerBase
                {
                    private static ClaimsPrincipal? [|s_user|];

                    [HttpPost]
                    public IActionResult Impersonate(string name)
                    {
                        s_user = Build(name);
                        return Ok(s_user.Identity!.Name);
                    }

                    private static ClaimsPrincipal Build(string name) => new(new ClaimsIdentity(new[] { new Claim(ClaimTypes.Name, name) }, "impersonation"));
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task Accessor_NotOffered_WhenAWriteStoresAPrincipalPassedIn()
    {
        await Test()
            .WithCodeFixEquivalenceKey(StaticRequestDataFixer.UseHttpContextAccessorKey)
            .WithSource("""
                using System.Security.Claims;

                public sealed class Impersonation
                {
                    private static ClaimsPrincipal? [|s_actingAs|];

                    public void ActAs(ClaimsPrincipal principal)
                    {
                        s_actingAs = principal;
                    }

                    public string? Name() => s_actingAs?.Identity?.Name;
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    // ---------------------------------------------------------------- Use AsyncLocal<T>

    [Fact]
    public async Task AsyncLocal_StringFromTheUser_InAController()
    {
        await Test()
            .WithCodeFixEquivalenceKey(StaticRequestDataFixer.UseAsyncLocalKey)
            .WithSource("""
                using Microsoft.AspNetCore.Mvc;

                public sealed class OrdersController : ControllerBase
                {
                    private static string? [|s_lastUser|];

                    [HttpGet("orders")]
                    public IActionResult Get()
                    {
                        s_lastUser = User.Identity?.Name;
                        return Ok(Describe());
                    }

                    private static string Describe() => "orders of " + (s_lastUser ?? "nobody");
                }
                """)
            .ShouldFixCodeWith("""
                using System.Threading;
                using Microsoft.AspNetCore.Mvc;

                public sealed class OrdersController : ControllerBase
                {
                    private static readonly AsyncLocal<string?> s_lastUser = new();

                    [HttpGet("orders")]
                    public IActionResult Get()
                    {
                        s_lastUser.Value = User.Identity?.Name;
                        return Ok(Describe());
                    }

                    private static string Describe() => "orders of " + (s_lastUser.Value ?? "nobody");
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task AsyncLocal_ThreadStaticClaimsPrincipal_NonNullableAnnotatedBecomesNullable()
    {
        await Test()
            .WithCodeFixEquivalenceKey(StaticRequestDataFixer.UseAsyncLocalKey)
            .WithSource("""
                using System;
                using System.Security.Claims;

                public static class Ambient
                {
                    /// <summary>The caller.</summary>
                    [ThreadStatic]
                    public static ClaimsPrincipal [|Caller|] = null!;

                    public static string Name() => Caller.Identity?.Name ?? "";
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();

        await Test()
            .WithCodeFixEquivalenceKey(StaticRequestDataFixer.UseAsyncLocalKey)
            .WithSource("""
                using System;
                using System.Security.Claims;

                public static class Ambient
                {
                    /// <summary>The caller.</summary>
                    [ThreadStatic]
                    public static ClaimsPrincipal [|Caller|];

                    public static string Name() => Caller?.Identity?.Name ?? "";
                }
                """.Replace("ClaimsPrincipal [|Caller|];", "ClaimsPrincipal [|Caller|] = null;").Replace("public static ClaimsPrincipal", "public static ClaimsPrincipal?"))
            .ShouldFixCodeWith("""
                using System;
                using System.Security.Claims;
                using System.Threading;

                public static class Ambient
                {
                    /// <summary>The caller.</summary>
                    public static readonly AsyncLocal<ClaimsPrincipal?> Caller = new();

                    public static string Name() => Caller.Value?.Identity?.Name ?? "";
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task AsyncLocal_FixAll_InDocumentAndProject()
    {
        await Test()
            .WithCodeFixEquivalenceKey(StaticRequestDataFixer.UseAsyncLocalKey)
            .WithFixAllScopes(FixAllScope.Document, FixAllScope.Project)
            .WithSource("""
                using Microsoft.AspNetCore.Http;

                public static class Observed
                {
                    private static string? [|s_path|];
                    private static bool [|s_authenticated|];

                    public static void Observe(HttpContext context)
                    {
                        s_path = context.Request.Path.Value;
                        s_authenticated = context.User.Identity?.IsAuthenticated ?? false;
                    }

                    public static string Describe() => s_path + (s_authenticated ? " (signed in)" : "");
                }
                """)
            .ShouldFixCodeWith("""
                using System.Threading;
                using Microsoft.AspNetCore.Http;

                public static class Observed
                {
                    private static readonly AsyncLocal<string?> s_path = new();
                    private static readonly AsyncLocal<bool> s_authenticated = new();

                    public static void Observe(HttpContext context)
                    {
                        s_path.Value = context.Request.Path.Value;
                        s_authenticated.Value = context.User.Identity?.IsAuthenticated ?? false;
                    }

                    public static string Describe() => s_path.Value + (s_authenticated.Value ? " (signed in)" : "");
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task NoFix_ForACollectionRequestDataIsAddedTo()
    {
        await Test()
            .WithSource("""
                using System.Collections.Generic;
                using Microsoft.AspNetCore.Http;

                public static class Audit
                {
                    private static readonly List<string> [|s_entries|] = new();

                    public static void Record(HttpContext context) => s_entries.Add(context.TraceIdentifier);
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task AsyncLocal_StaticAutoProperty_KeepsItsNameAndUses_SetFromAnotherType()
    {
        await Test()
            .WithSource("""
                using System.Threading.Tasks;
                using Microsoft.AspNetCore.Http;

                public static class RequestInfo
                {
                    private static int s_count;

                    /// <summary>The correlation ID of the request.</summary>
                    public static string? [|CorrelationId|] { get; private set; }

                    public static void Enter(HttpContext context) => CorrelationId = context.Request.Headers["X-Correlation-Id"];
                }

                public sealed class CorrelationMiddleware
                {
                    private readonly RequestDelegate _next;

                    public CorrelationMiddleware(RequestDelegate next) => _next = next;

                    public Task InvokeAsync(HttpContext context)
                    {
                        RequestInfo.Enter(context);
                        System.Console.WriteLine(RequestInfo.CorrelationId);
                        return _next(context);
                    }
                }
                """)
            .ShouldFixCodeWith("""
                using System.Threading;
                using System.Threading.Tasks;
                using Microsoft.AspNetCore.Http;

                public static class RequestInfo
                {
                    private static int s_count;

                    private static readonly AsyncLocal<string?> s_correlationId = new();

                    /// <summary>The correlation ID of the request.</summary>
                    public static string? CorrelationId { get => s_correlationId.Value; private set => s_correlationId.Value = value; }

                    public static void Enter(HttpContext context) => CorrelationId = context.Request.Headers["X-Correlation-Id"];
                }

                public sealed class CorrelationMiddleware
                {
                    private readonly RequestDelegate _next;

                    public CorrelationMiddleware(RequestDelegate next) => _next = next;

                    public Task InvokeAsync(HttpContext context)
                    {
                        RequestInfo.Enter(context);
                        System.Console.WriteLine(RequestInfo.CorrelationId);
                        return _next(context);
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task NoFix_ForAPublicFieldUsedByAnotherType()
    {
        await Test()
            .WithSource("""
                using System.Threading.Tasks;
                using Microsoft.AspNetCore.Http;

                public static class RequestInfo
                {
                    public static string? [|Tenant|];
                }

                public sealed class TenantMiddleware
                {
                    private readonly RequestDelegate _next;

                    public TenantMiddleware(RequestDelegate next) => _next = next;

                    public Task InvokeAsync(HttpContext context)
                    {
                        RequestInfo.Tenant = context.Request.Host.Host;
                        return _next(context);
                    }
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task NoFix_ForAFieldWithAnInitialValue_OrAReadOnlyDbContext()
    {
        await Test(References.AspNetCore | References.EntityFrameworkCore)
            .WithSource("""
                using Microsoft.AspNetCore.Mvc;
                using Microsoft.EntityFrameworkCore;

                public sealed class ShopDbContext : DbContext { }

                public sealed class CultureController : Controller
                {
                    private static string [|s_culture|] = "en";
                    private static readonly ShopDbContext [|s_db|] = new();

                    [HttpPost]
                    public IActionResult SetCulture(string culture)
                    {
                        s_culture = culture;
                        return Ok(s_db.ToString());
                    }
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }
}
