using SharedStateAnalyzers.Rules;
using SharedStateAnalyzers.Tests.Verification;

namespace SharedStateAnalyzers.Tests.Rules;

/// <summary>SSA007: what is reported, with which message, and what is left alone.</summary>
public sealed class StaticRequestDataAnalyzerTests
{
    private static AnalyzerTest Test(string source, References references = References.AspNetCore)
        => AnalyzerTest.Create<StaticRequestDataAnalyzer>().WithReferences(references).WithSource(source);

    private static string Message(string field, string what)
        => $"Static '{field}' holds {what}: one user's data answers another user's request";

    private static DiagnosticResult Expected(string field, string what, int location = 0)
        => DiagnosticResult.Create("SSA007").WithLocation(location).WithMessage(Message(field, what));

    // ---------------------------------------------------------------- flagged: by type

    [Fact]
    public async Task StaticHttpContextField_SetInMiddleware()
    {
        await Test("""
            using System.Threading.Tasks;
            using Microsoft.AspNetCore.Http;

            public sealed class CurrentRequestMiddleware
            {
                public static HttpContext? {|#0:Current|};
                private readonly RequestDelegate _next;

                public CurrentRequestMiddleware(RequestDelegate next) => _next = next;

                public Task InvokeAsync(HttpContext context)
                {
                    Current = context;
                    return _next(context);
                }
            }
            """)
            .ExpectDiagnostic(Expected("Current", "a request-scoped HttpContext"))
            .ValidateAsync();
    }

    [Fact]
    public async Task StaticAutoProperty_OfClaimsPrincipal()
    {
        await Test("""
            using System.Security.Claims;

            public static class Ambient
            {
                public static ClaimsPrincipal? {|#0:User|} { get; set; }
            }
            """)
            .ExpectDiagnostic(Expected("User", "a request-scoped ClaimsPrincipal"))
            .ValidateAsync();
    }

    [Fact]
    public async Task ThreadStaticHttpRequest()
    {
        await Test("""
            using System;
            using Microsoft.AspNetCore.Http;

            public static class RequestHolder
            {
                [ThreadStatic]
                private static HttpRequest? {|#0:t_request|};

                public static void Set(HttpRequest request) => t_request = request;

                public static string? Path => t_request?.Path.Value;
            }
            """)
            .ExpectDiagnostic(Expected("t_request", "a request-scoped HttpRequest"))
            .ValidateAsync();
    }

    [Fact]
    public async Task StaticReadOnlyDbContext_CreatedInTheInitializer_IsStillFlagged()
    {
        await Test("""
            using Microsoft.EntityFrameworkCore;

            public sealed class ShopDbContext : DbContext { }

            public static class Data
            {
                public static readonly ShopDbContext {|#0:Db|} = new ShopDbContext();
            }
            """, References.EntityFrameworkCore)
            .ExpectDiagnostic(Expected("Db", "a request-scoped ShopDbContext"))
            .ValidateAsync();
    }

    [Fact]
    public async Task ListOfHttpContext_AndDictionaryOfClaimsPrincipal()
    {
        await Test("""
            using System.Collections.Concurrent;
            using System.Collections.Generic;
            using System.Security.Claims;
            using Microsoft.AspNetCore.Http;

            public static class Tracking
            {
                private static readonly List<HttpContext> {|#0:s_open|} = new();
                private static ConcurrentDictionary<string, ClaimsPrincipal> {|#1:s_users|} = new();
                private static readonly Dictionary<string, ClaimsPrincipal> {|#2:s_byTrace|} = new();

                public static void Track(HttpContext context)
                {
                    s_open.Add(context);
                    s_users[context.TraceIdentifier] = context.User;
                    s_byTrace.Add(context.TraceIdentifier, context.User);
                }
            }
            """)
            .ExpectDiagnostic(Expected("s_open", "request-scoped HttpContext objects", 0))
            .ExpectDiagnostic(Expected("s_users", "request-scoped ClaimsPrincipal objects", 1))
            // A read-only collection the initializer creates is judged by what is put in it.
            .ExpectDiagnostic(Expected("s_byTrace", "request data (User)", 2))
            .ValidateAsync();
    }

    [Fact]
    public async Task StaticField_OfATypeTheAppRegistersAsScoped()
    {
        await Test("""
            using Microsoft.Extensions.DependencyInjection;

            public interface ICurrentTenant { string Id { get; } }

            public sealed class CurrentTenant : ICurrentTenant { public string Id { get; set; } = ""; }

            public sealed class Reports
            {
                private static ICurrentTenant? {|#0:s_tenant|};

                public Reports(ICurrentTenant tenant) => s_tenant = tenant;
            }

            public static class Registration
            {
                public static void Register(IServiceCollection services) => services.AddScoped<ICurrentTenant, CurrentTenant>();
            }
            """, References.DependencyInjection)
            .ExpectDiagnostic(Expected("s_tenant", "a request-scoped ICurrentTenant"))
            .ValidateAsync();
    }

    // ---------------------------------------------------------------- flagged: request data stored

    [Fact]
    public async Task StaticString_AssignedTheUserNameInAController()
    {
        await Test("""
            using Microsoft.AspNetCore.Mvc;

            public sealed class OrdersController : ControllerBase
            {
                private static string? {|#0:s_lastUser|};

                [HttpGet("orders")]
                public IActionResult Get()
                {
                    s_lastUser = User.Identity?.Name;
                    return Ok(s_lastUser);
                }
            }
            """)
            .ExpectDiagnostic(Expected("s_lastUser", "request data (User)"))
            .ValidateAsync();
    }

    [Fact]
    public async Task AmbientStaticProperty_SetFromAnotherTypesMiddleware_IsReportedOnTheProperty()
    {
        await Test("""
            using System.Threading.Tasks;
            using Microsoft.AspNetCore.Http;

            public static class RequestInfo
            {
                public static string? {|#0:CorrelationId|} { get; set; }
            }

            public sealed class CorrelationMiddleware
            {
                private readonly RequestDelegate _next;

                public CorrelationMiddleware(RequestDelegate next) => _next = next;

                public Task InvokeAsync(HttpContext context)
                {
                    RequestInfo.CorrelationId = context.Request.Headers["X-Correlation-Id"];
                    return _next(context);
                }
            }
            """)
            .ExpectDiagnostic(Expected("CorrelationId", "request data (Request)"))
            .ValidateAsync();
    }

    [Fact]
    public async Task LastSeenPerUserName_RequestDataIsTheKey()
    {
        await Test("""
            using System;
            using System.Collections.Concurrent;
            using Microsoft.AspNetCore.Http;

            public sealed class LastSeenMiddleware
            {
                private static readonly ConcurrentDictionary<string, DateTime> {|#0:s_lastSeen|} = new();
                private readonly RequestDelegate _next;

                public LastSeenMiddleware(RequestDelegate next) => _next = next;

                public async System.Threading.Tasks.Task InvokeAsync(HttpContext context)
                {
                    var name = context.User.Identity?.Name ?? "anonymous";
                    s_lastSeen[name] = DateTime.UtcNow;
                    await _next(context);
                }
            }
            """)
            .ExpectDiagnostic(Expected("s_lastSeen", "request data (User)"))
            .ValidateAsync();
    }

    [Fact]
    public async Task RequestDataAddedToAStaticList_ThroughIHttpContextAccessor()
    {
        await Test("""
            using System.Collections.Generic;
            using Microsoft.AspNetCore.Http;

            public sealed class AuditTrail
            {
                private static readonly List<string> {|#0:s_entries|} = new();
                private readonly IHttpContextAccessor _accessor;

                public AuditTrail(IHttpContextAccessor accessor) => _accessor = accessor;

                public void Record(string action)
                {
                    var user = _accessor.HttpContext?.User.FindFirst("sub")?.Value;
                    s_entries.Add($"{user}: {action}");
                }
            }
            """)
            .ExpectDiagnostic(Expected("s_entries", "request data (HttpContext)"))
            .ValidateAsync();
    }

    [Fact]
    public async Task SessionValue_StoredInAStaticField()
    {
        await Test("""
            using Microsoft.AspNetCore.Http;

            public static class Cart
            {
                private static string? {|#0:s_cartId|};

                public static void Load(HttpContext context) => s_cartId = context.Session.GetString("cart");
            }
            """)
            .ExpectDiagnostic(Expected("s_cartId", "request data (Session)"))
            .ValidateAsync();
    }

    [Fact]
    public async Task BoundActionParameter_StoredInAStaticField()
    {
        await Test("""
            using Microsoft.AspNetCore.Mvc;

            public sealed class CultureController : Controller
            {
                private static string {|#0:s_culture|} = "en";

                [HttpPost]
                public IActionResult SetCulture(string culture)
                {
                    s_culture = culture;
                    return RedirectToAction("Index");
                }
            }
            """)
            .ExpectDiagnostic(Expected("s_culture", "request data (bound parameter 'culture')"))
            .ValidateAsync();
    }

    [Fact]
    public async Task MinimalApiHandler_StoresARouteValueInAStaticObject()
    {
        await Test("""
            using Microsoft.AspNetCore.Builder;
            using Microsoft.AspNetCore.Http;

            public static class Endpoints
            {
                private static UserInfo? {|#0:s_current|};

                public static void Map(WebApplication app)
                {
                    app.MapGet("/hello/{name}", (string name) =>
                    {
                        s_current = new UserInfo(name);
                        return Results.Ok(s_current);
                    });
                }
            }

            public sealed record UserInfo(string Name);
            """)
            .ExpectDiagnostic(Expected("s_current", "request data (bound parameter 'name')"))
            .ValidateAsync();
    }

    [Fact]
    public async Task IsAuthenticatedFlag_InterlockedExchange_AndQueue()
    {
        await Test("""
            using System.Collections.Concurrent;
            using System.Threading;
            using Microsoft.AspNetCore.Http;

            public static class Signals
            {
                private static object? {|#0:s_lastPath|};
                private static readonly ConcurrentQueue<string> {|#1:s_ips|} = new();
                private static bool {|#2:s_wasAuthenticated|};

                public static void Observe(HttpContext context)
                {
                    Interlocked.Exchange(ref s_lastPath, context.Request.Path.Value);
                    s_ips.Enqueue(context.Connection.RemoteIpAddress?.ToString() ?? "");
                    s_wasAuthenticated = context.User.Identity?.IsAuthenticated ?? false;
                }
            }
            """)
            .ExpectDiagnostic(Expected("s_lastPath", "request data (Request)", 0))
            .ExpectDiagnostic(Expected("s_ips", "request data (Connection)", 1))
            .ExpectDiagnostic(Expected("s_wasAuthenticated", "request data (User)", 2))
            .ValidateAsync();
    }

    [Fact]
    public async Task PageModel_StoresAClaimInAStaticField()
    {
        await Test("""
            using Microsoft.AspNetCore.Mvc.RazorPages;

            public sealed class IndexModel : PageModel
            {
                private static string? {|#0:s_tenant|};

                public void OnGet() => s_tenant = User.FindFirst("tenant")?.Value;
            }
            """)
            .ExpectDiagnostic(Expected("s_tenant", "request data (User)"))
            .ValidateAsync();
    }

    [Fact]
    public async Task RequestDataThroughALocal_AndCompoundAssignment()
    {
        await Test("""
            using Microsoft.AspNetCore.Http;

            public static class Log
            {
                private static string {|#0:s_text|} = "";

                public static void Append(HttpContext context)
                {
                    var agent = context.Request.Headers.UserAgent.ToString();
                    s_text += agent;
                }
            }
            """)
            .ExpectDiagnostic(Expected("s_text", "request data (Request)"))
            .ValidateAsync();
    }

    [Fact]
    public async Task TopLevelMinimalApi_SetsAnotherTypesStatic()
    {
        await AnalyzerTest.Create<StaticRequestDataAnalyzer>()
            .WithReferences(References.AspNetCore)
            .WithOutputKind(Microsoft.CodeAnalysis.OutputKind.ConsoleApplication)
            .WithSource("Program.cs", """
                using Microsoft.AspNetCore.Builder;
                using Microsoft.AspNetCore.Http;

                var app = WebApplication.Create(args);
                app.MapGet("/", (HttpContext context) =>
                {
                    LastCaller.Name = context.User.Identity?.Name;
                    return LastCaller.Name;
                });
                app.Run();
                """)
            .WithSource("LastCaller.cs", """
                public static class LastCaller
                {
                    public static string? {|#0:Name|};
                }
                """)
            .ExpectDiagnostic(Expected("Name", "request data (User)"))
            .ValidateAsync();
    }

    [Fact]
    public async Task ThreadStaticString_AssignedACookie_AndANestedTypeWritingItsOuterTypesStatic()
    {
        await Test("""
            using System;
            using Microsoft.AspNetCore.Http;

            public static class Preferences
            {
                [ThreadStatic]
                private static string? {|#0:t_theme|};
                private static string? {|#1:s_language|};

                public static void Load(HttpContext context) => t_theme = context.Request.Cookies["theme"];

                public static string? Language => s_language;

                public static class Loader
                {
                    public static void Load(HttpRequest request) => s_language = request.Headers.AcceptLanguage;
                }
            }
            """)
            .ExpectDiagnostic(Expected("t_theme", "request data (Request)", 0))
            .ExpectDiagnostic(Expected("s_language", "request data (Headers)", 1))
            .ValidateAsync();
    }

    [Fact]
    public async Task HubUserMap_KeyedByTheUser()
    {
        // Keyed by who the user is, not by the connection: entries outlive connections and answer for the user.
        await Test("""
            using System.Collections.Concurrent;
            using System.Threading.Tasks;
            using Microsoft.AspNetCore.SignalR;

            public sealed class PresenceHub : Hub
            {
                private static readonly ConcurrentDictionary<string, string> {|#0:s_users|} = new();

                public override Task OnConnectedAsync()
                {
                    s_users.TryAdd(Context.UserIdentifier ?? "", Context.User?.Identity?.Name ?? "");
                    return base.OnConnectedAsync();
                }
            }
            """)
            .ExpectDiagnostic(DiagnosticResult.Create("SSA007").WithLocation(0))
            .ValidateAsync();
    }

    [Fact]
    public async Task HubCallerContext_AndAHostHeaderCachedOnFirstUse()
    {
        await Test("""
            using Microsoft.AspNetCore.Mvc;
            using Microsoft.AspNetCore.SignalR;

            public sealed class NotificationsHub : Hub
            {
                private static HubCallerContext? {|#0:s_lastCaller|};

                public void Ping() => s_lastCaller = Context;
            }

            public sealed class LinksController : ControllerBase
            {
                private static string? {|#1:s_baseUrl|};

                [HttpGet]
                public IActionResult Self()
                {
                    s_baseUrl ??= $"{Request.Scheme}://{Request.Host}";
                    return Ok(s_baseUrl + "/links");
                }
            }
            """)
            .ExpectDiagnostic(Expected("s_lastCaller", "a request-scoped HubCallerContext", 0))
            .ExpectDiagnostic(Expected("s_baseUrl", "request data (Request)", 1))
            .ValidateAsync();
    }

    [Fact]
    public async Task StaticAssigned_APropertyOfARegisteredScopedService()
    {
        // The tenant context is scoped: its TenantName is this request's tenant.
        await Test("""
            using Microsoft.AspNetCore.Mvc;
            using Microsoft.Extensions.DependencyInjection;

            public interface ITenantContext
            {
                string TenantName { get; }
            }

            public sealed class TenantContext : ITenantContext
            {
                public string TenantName { get; set; } = "";
            }

            [ApiController]
            [Route("api/invoices")]
            public sealed class InvoicesController : ControllerBase
            {
                private static string? {|#0:s_tenantName|};
                private readonly ITenantContext _tenant;

                public InvoicesController(ITenantContext tenant) => _tenant = tenant;

                [HttpGet]
                public IActionResult List()
                {
                    s_tenantName = _tenant.TenantName;
                    return Ok(s_tenantName);
                }
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services) => services.AddScoped<ITenantContext, TenantContext>();
            }
            """)
            .ExpectDiagnostic(Expected("s_tenantName", "request data (TenantName)"))
            .ValidateAsync();
    }

    private const string CachedAssets = """
        using System;
        using System.Collections.Concurrent;
        using System.IO;
        using System.Threading.Tasks;
        using Microsoft.AspNetCore.Http;

        public sealed class CachedAsset
        {
            public string Path { get; init; } = "";
            public byte[] Bytes { get; init; } = [];
            public string? RequestedBy { get; init; }
        }

        public sealed class AssetMiddleware
        {
            private static readonly string s_root = Path.Combine(AppContext.BaseDirectory, "wwwroot");
            private static readonly ConcurrentDictionary<string, CachedAsset> MARK = new();
            private readonly RequestDelegate _next;

            public AssetMiddleware(RequestDelegate next) => _next = next;

            public async Task InvokeAsync(HttpContext context)
            {
                var path = s_root + context.Request.Path;
                if (!File.Exists(path))
                {
                    await _next(context);
                    return;
                }

                if (!s_assets.TryGetValue(path, out var asset))
                {
                    asset = new CachedAsset { Path = path, Bytes = await File.ReadAllBytesAsync(path)EXTRA };
                    s_assets.TryAdd(path, asset);
                }

                await context.Response.Body.WriteAsync(asset.Bytes);
            }
        }
        """;

    [Fact]
    public async Task CacheEntryKeepsTheUserBesideItsKey()
    {
        // The entry records who asked first: one user's name then answers everyone's request.
        await Test(CachedAssets.Replace("MARK", "{|#0:s_assets|}").Replace("EXTRA", ", RequestedBy = context.User.Identity?.Name"))
            .ExpectDiagnostic(Expected("s_assets", "request data (User)"))
            .ValidateAsync();
    }

    // ---------------------------------------------------------------- left alone

    [Fact]
    public async Task CacheEntryKeepsACopyOfItsKey()
    {
        // The entry keeps the path it is stored under: request data only as the key is, which names a file, not a user.
        await Test(CachedAssets.Replace("MARK", "s_assets").Replace("EXTRA", ""))
            .ValidateAsync();
    }

    [Fact]
    public async Task StaticAssigned_WhatARegisteredScopedServiceMethodReturns()
    {
        // A scoped repository's answer is database data, the same for every user: not request data.
        await Test("""
            using Microsoft.Extensions.DependencyInjection;

            public sealed class SiteSettings
            {
                public string Title { get; set; } = "";
            }

            public interface ISettingsRepository
            {
                SiteSettings Load();
            }

            public sealed class SettingsRepository : ISettingsRepository
            {
                public SiteSettings Load() => new SiteSettings { Title = "Shop" };
            }

            public interface IUnitOfWork
            {
                ISettingsRepository Settings { get; }
            }

            public sealed class UnitOfWork : IUnitOfWork
            {
                public ISettingsRepository Settings { get; } = new SettingsRepository();
            }

            public sealed class TitleProvider
            {
                private static string? s_title;
                private static string? s_footer;
                private readonly ISettingsRepository _settings;
                private readonly IUnitOfWork _unitOfWork;

                public TitleProvider(ISettingsRepository settings, IUnitOfWork unitOfWork)
                {
                    _settings = settings;
                    _unitOfWork = unitOfWork;
                }

                public string Title => s_title ??= _settings.Load().Title;

                // A property of the scoped unit of work that hands out a repository: a service, not the request's state.
                public string Footer => s_footer ??= _unitOfWork.Settings.Load().Title;
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.AddScoped<ISettingsRepository, SettingsRepository>();
                    services.AddScoped<IUnitOfWork, UnitOfWork>();
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task HubPresenceSet_OfConnectionIds()
    {
        // Who is connected: connection ids added on connect and removed on disconnect. A user's own data stored per
        // connection is left alone too (see HubConnectionMapping_UserDataPerConnection).
        await Test("""
            using System;
            using System.Collections.Generic;
            using System.Threading.Tasks;
            using Microsoft.AspNetCore.SignalR;

            public sealed class MessageHub : Hub
            {
                private static readonly HashSet<string> _connections = new();

                public static bool IsConnected
                {
                    get { lock (_connections) { return _connections.Count != 0; } }
                }

                public override async Task OnConnectedAsync()
                {
                    lock (_connections) { _connections.Add(Context.ConnectionId); }
                    await base.OnConnectedAsync();
                }

                public override async Task OnDisconnectedAsync(Exception? exception)
                {
                    lock (_connections) { _connections.Remove(Context.ConnectionId); }
                    await base.OnDisconnectedAsync(exception);
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task WebSocketConnectionTable()
    {
        // A gateway keeps the sessions of its open WebSockets, each serving one connection for as long as it lasts.
        await Test("""
            using System.Collections.Concurrent;
            using System.Net.WebSockets;
            using System.Threading.Tasks;
            using Microsoft.AspNetCore.Http;

            public sealed class GatewaySession
            {
                public GatewaySession(string id, WebSocket socket) { Id = id; Socket = socket; }
                public string Id { get; }
                public WebSocket Socket { get; }
            }

            public static class Gateway
            {
                private static readonly ConcurrentDictionary<string, GatewaySession> s_sessions = new();
                private static readonly ConcurrentDictionary<string, WebSocket> s_sockets = new();

                public static async Task HandleAsync(HttpContext httpContext, string sessionId)
                {
                    var socket = await httpContext.WebSockets.AcceptWebSocketAsync();
                    s_sockets[sessionId] = socket;
                    var session = new GatewaySession(sessionId, socket);
                    s_sessions.TryAdd(session.Id, session);
                }
            }
            """)
            .ValidateAsync();
    }

    /// <summary>
    /// A middleware that attaches the app's user record to the request's principal in a static ConditionalWeakTable;
    /// KEY is the object the entry hangs on.
    /// </summary>
    private const string UserRecordTable = """
        using System.Runtime.CompilerServices;
        using System.Security.Claims;
        using System.Threading.Tasks;
        using Microsoft.AspNetCore.Http;

        public sealed class UserRecord
        {
            public string Name { get; init; } = "";
        }

        public sealed class UserRecordMiddleware
        {
            private static readonly ConditionalWeakTable<object, UserRecord> {|#0:s_records|} = new();
            private readonly RequestDelegate _next;
            private readonly object _options = new();

            public UserRecordMiddleware(RequestDelegate next) => _next = next;

            public static UserRecord? For(ClaimsPrincipal principal) => s_records.TryGetValue(principal, out var record) ? record : null;

            public Task InvokeAsync(HttpContext context)
            {
                s_records.AddOrUpdate(KEY, new UserRecord { Name = context.User.Identity?.Name ?? "" });
                return _next(context);
            }
        }
        """;

    [Theory]
    [InlineData("context.User")]
    [InlineData("context")]
    public async Task ConditionalWeakTable_EntryAttachedToTheRequestsOwnObject(string key)
    {
        // The entry is found only through the key object, by reference, and dies with it: keyed by the request's own
        // principal (or context), no other request can reach it.
        await Test(UserRecordTable.Replace("KEY", key).Replace("{|#0:", "").Replace("|}", "")).ValidateAsync();
    }

    [Fact]
    public async Task ConditionalWeakTable_RequestDataAttachedToALongLivedObjectIsReported()
    {
        // Keyed by the middleware's own options object: every request reads and overwrites the same entry.
        await Test(UserRecordTable.Replace("KEY", "_options"))
            .ExpectDiagnostic(Expected("s_records", "request data (User)"))
            .ValidateAsync();
    }

    [Fact]
    public async Task ServerConnectionIdsInUse()
    {
        // The ids the server gives its transport connections name connections, not users: the set tells whether the
        // API is in use (the same idiom as a hub's presence set). The client's address stored as a value is still
        // request data (IsAuthenticatedFlag_InterlockedExchange_AndQueue).
        await Test("""
            using System.Collections.Generic;
            using Microsoft.AspNetCore.Http;

            public static class ApiUsage
            {
                private static readonly HashSet<string> s_openConnections = new();

                public static bool IsInUse { get; private set; }

                public static void Opened(HttpContext context)
                {
                    lock (s_openConnections)
                    {
                        s_openConnections.Add(context.Connection.Id);
                        IsInUse = s_openConnections.Count > 0;
                    }
                }

                public static void Closed(HttpContext context)
                {
                    lock (s_openConnections)
                    {
                        s_openConnections.Remove(context.Connection.Id);
                        IsInUse = s_openConnections.Count > 0;
                    }
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task ServerConnectionIdKeptAsTheLastOneIsReported()
    {
        // One field for the last connection: each request overwrites what another request reads.
        await Test("""
            using Microsoft.AspNetCore.Http;

            public static class ApiUsage
            {
                private static string? {|#0:s_lastConnection|};

                public static void Opened(HttpContext context) => s_lastConnection = context.Connection.Id;

                public static string? Last => s_lastConnection;
            }
            """)
            .ExpectDiagnostic(Expected("s_lastConnection", "request data (Connection)"))
            .ValidateAsync();
    }

    [Fact]
    public async Task HubConnectionMapping_UserDataPerConnection()
    {
        // SignalR's connection mapping: each connection's entry (who it is, their roles) is added on connect and
        // removed on disconnect, keyed by the connection's id.
        await Test("""
            using System;
            using System.Collections.Concurrent;
            using System.Collections.Generic;
            using System.Threading.Tasks;
            using Microsoft.AspNetCore.SignalR;

            public sealed class HubUser
            {
                public string UserId { get; set; } = "";
                public IList<string> Roles { get; set; } = new List<string>();
            }

            public sealed class NotificationHub : Hub
            {
                public static readonly ConcurrentDictionary<string, HubUser> UsersOnline = new();
                private static readonly Dictionary<string, string> s_names = new();

                public override Task OnConnectedAsync()
                {
                    UsersOnline.TryAdd(Context.ConnectionId, new HubUser { UserId = Context.UserIdentifier ?? "" });
                    lock (s_names)
                    {
                        s_names[Context.ConnectionId] = Context.User?.Identity?.Name ?? "";
                    }

                    return base.OnConnectedAsync();
                }

                public override Task OnDisconnectedAsync(Exception? exception)
                {
                    UsersOnline.TryRemove(Context.ConnectionId, out _);
                    lock (s_names)
                    {
                        s_names.Remove(Context.ConnectionId);
                    }

                    return base.OnDisconnectedAsync(exception);
                }
            }
            """)
            .ValidateAsync();
    }

    /// <summary>
    /// SignalR's chat-sample presence list: each entry is a user detail that names its connection
    /// (<c>ConnectionId = Context.ConnectionId</c>), added when the user joins and broadcast to everyone.
    /// <c>ENTRY</c> is what is added.
    /// </summary>
    private const string HubPresenceList = """
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading.Tasks;
        using Microsoft.AspNetCore.SignalR;

        public sealed class UserDetail
        {
            public UserDetail() { }
            public UserDetail(string connectionId, string name) { ConnectionId = connectionId; Name = name; }
            public string ConnectionId { get; set; } = "";
            public string Name { get; set; } = "";
        }

        public sealed class ChatHub : Hub
        {
            private static readonly object Gate = new();
            private static readonly List<UserDetail> {|#0:ConnectedUsers|} = new();

            public async Task Join(string userName)
            {
                lock (Gate)
                {
                    ConnectedUsers.Add(ENTRY);
                }

                await Clients.All.SendAsync("users", ConnectedUsers.Select(u => u.Name).ToList());
            }
        }
        """;

    [Theory]
    [InlineData("new UserDetail { ConnectionId = Context.ConnectionId, Name = userName }")]
    [InlineData("new UserDetail(Context.ConnectionId, userName)")]
    public async Task HubPresenceList_EachEntryNamesItsConnection(string entry)
    {
        // Like a connection mapping's key, the entry's connection id makes it that connection's own entry.
        await Test(HubPresenceList.Replace("{|#0:ConnectedUsers|}", "ConnectedUsers").Replace("ENTRY", entry)).ValidateAsync();
    }

    [Fact]
    public async Task HubUserList_WithoutTheConnection_IsReported()
    {
        // The user's name alone: one user's data, kept for whoever reads it next.
        await Test(HubPresenceList.Replace("ENTRY", "new UserDetail { Name = Context.User!.Identity!.Name! }"))
            .ExpectDiagnostic(DiagnosticResult.Create("SSA007").WithLocation(0))
            .ValidateAsync();
    }

    [Fact]
    public async Task TheProcesssOwnWindowsAccount()
    {
        // WindowsIdentity.GetCurrent() is the account the process runs as, the same for every request.
        await Test("""
            using System.Security.Principal;

            public static class SystemIo
            {
                private static readonly SecurityIdentifier? CurrentUserSid = WindowsIdentity.GetCurrent().User;
                private static WindowsIdentity? s_identity = WindowsIdentity.GetCurrent();

                public static bool IsCurrentUser(SecurityIdentifier sid) => sid == CurrentUserSid || s_identity?.User == sid;
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task ComputedStaticProperty_ReadingThroughTheAccessor_AndTheAccessorField()
    {
        await Test("""
            using Microsoft.AspNetCore.Http;

            public static class CurrentUser
            {
                private static readonly IHttpContextAccessor s_accessor = new HttpContextAccessor();

                public static string? Name => s_accessor.HttpContext?.User.Identity?.Name;
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task AsyncLocalOfHttpContext()
    {
        await Test("""
            using System.Threading;
            using Microsoft.AspNetCore.Http;

            public static class Ambient
            {
                private static readonly AsyncLocal<HttpContext?> s_context = new();

                public static HttpContext? Current
                {
                    get => s_context.Value;
                    set => s_context.Value = value;
                }

                public static void Enter(HttpContext context) => s_context.Value = context;
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task AmbientProperty_BackedByAsyncLocal_SetFromMiddleware()
    {
        await Test("""
            using System.Threading;
            using System.Threading.Tasks;
            using Microsoft.AspNetCore.Http;

            public static class RequestInfo
            {
                private static readonly AsyncLocal<string?> s_correlationId = new();

                public static string? CorrelationId { get => s_correlationId.Value; set => s_correlationId.Value = value; }
            }

            public sealed class CorrelationMiddleware
            {
                private readonly RequestDelegate _next;

                public CorrelationMiddleware(RequestDelegate next) => _next = next;

                public Task InvokeAsync(HttpContext context)
                {
                    RequestInfo.CorrelationId = context.Request.Headers["X-Correlation-Id"];
                    return _next(context);
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task OptionsLoggersAndHeaderNameConstants()
    {
        await Test("""
            using Microsoft.AspNetCore.Http;
            using Microsoft.Extensions.Logging;
            using Microsoft.Extensions.Options;

            public sealed class ApiSettings { public string Key { get; set; } = ""; }

            public static class Headers
            {
                public const string CorrelationHeader = "X-Correlation-Id";
                public static readonly string HeaderName = "X-Id";
                private static ILogger? s_logger;
                private static IOptions<ApiSettings>? s_options;

                public static void Init(ILoggerFactory factory, IOptions<ApiSettings> options)
                {
                    s_logger = factory.CreateLogger("Headers");
                    s_options = options;
                }

                public static string? Read(HttpContext context) => context.Request.Headers[HeaderName];
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task RequestCounters_AndPerPathHitCounts()
    {
        await Test("""
            using System.Collections.Concurrent;
            using System.Threading;
            using System.Threading.Tasks;
            using Microsoft.AspNetCore.Http;

            public sealed class MetricsMiddleware
            {
                private static long s_requests;
                private static readonly ConcurrentDictionary<string, int> s_hits = new();
                private readonly RequestDelegate _next;

                public MetricsMiddleware(RequestDelegate next) => _next = next;

                public Task InvokeAsync(HttpContext context)
                {
                    Interlocked.Increment(ref s_requests);
                    s_hits.AddOrUpdate(context.Request.Path.Value ?? "/", 1, (_, n) => n + 1);
                    return _next(context);
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task PerClientAddressThrottle_KeyedByTheRemoteAddress()
    {
        // A ban list and the in-flight check per client address: the address is the key, the values are the server's own.
        await Test("""
            using System.Collections.Concurrent;
            using System.Net;
            using System.Threading.Tasks;
            using Microsoft.AspNetCore.Http;

            public sealed class AuthenticationMiddleware
            {
                private const byte MaxAttempts = 5;
                private static readonly ConcurrentDictionary<IPAddress, Task> s_inFlight = new();
                private static readonly ConcurrentDictionary<IPAddress, byte> s_failures = new();
                private static readonly ConcurrentDictionary<string, int> s_hitsPerPort = new();
                private readonly RequestDelegate _next;

                public AuthenticationMiddleware(RequestDelegate next) => _next = next;

                public async Task InvokeAsync(HttpContext context)
                {
                    var clientIP = context.Connection.RemoteIpAddress ?? IPAddress.None;
                    if (s_failures.TryGetValue(clientIP, out var attempts) && attempts >= MaxAttempts)
                    {
                        context.Response.StatusCode = 403;
                        return;
                    }

                    var done = new TaskCompletionSource<bool>();
                    if (!s_inFlight.TryAdd(clientIP.MapToIPv4(), done.Task))
                    {
                        return;
                    }

                    try
                    {
                        if (context.Request.Headers["Authentication"] != "secret")
                        {
                            s_failures[clientIP] = ++attempts;
                            return;
                        }
                    }
                    finally
                    {
                        s_inFlight.TryRemove(clientIP, out _);
                        done.SetResult(true);
                    }

                    s_hitsPerPort.AddOrUpdate(context.Connection.LocalPort.ToString(), 1, (_, n) => n + 1);
                    await _next(context);
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task ClientCertificateKey_AndTheAddressStoredAsAValue_AreStillReported()
    {
        await Test("""
            using System;
            using System.Collections.Concurrent;
            using System.Collections.Generic;
            using System.Threading.Tasks;
            using Microsoft.AspNetCore.Http;

            public sealed class ClientTrackingMiddleware
            {
                private static readonly ConcurrentDictionary<string, DateTime> {|#0:s_lastSeenByCertificate|} = new();
                private static readonly ConcurrentDictionary<int, string> {|#1:s_addressByPort|} = new();
                private readonly RequestDelegate _next;

                public ClientTrackingMiddleware(RequestDelegate next) => _next = next;

                public Task InvokeAsync(HttpContext context)
                {
                    s_lastSeenByCertificate[context.Connection.ClientCertificate?.Thumbprint ?? ""] = DateTime.UtcNow;
                    s_addressByPort[context.Connection.RemotePort] = context.Connection.RemoteIpAddress?.ToString() ?? "";
                    return _next(context);
                }
            }
            """)
            .ExpectDiagnostic(Expected("s_lastSeenByCertificate", "request data (Connection)", 0))
            .ExpectDiagnostic(Expected("s_addressByPort", "request data (Connection)", 1))
            .ValidateAsync();
    }

    [Fact]
    public async Task StaticMethodTakingHttpContext_StoresNothing()
    {
        await Test("""
            using Microsoft.AspNetCore.Http;

            public static class RequestExtensions
            {
                public static bool IsAjax(HttpContext context) => context.Request.Headers["X-Requested-With"] == "XMLHttpRequest";

                public static string? UserName(this HttpContext context)
                {
                    var name = context.User.Identity?.Name;
                    return name;
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task ScopedByRegistrationOnly_BuiltByTheTypesOwnInitialization()
    {
        // The project registers IMapper as scoped, but these statics are built by the type's own initialization from
        // code: a mapper configured in the static constructor holds no request's object. One resolved from the container
        // through a static provider is a scoped instance kept for the process, and is still reported.
        await Test("""
            using System;
            using Microsoft.Extensions.DependencyInjection;

            public interface IMapper { T Map<T>(object source); }

            public sealed class MapperConfiguration
            {
                public MapperConfiguration(Action<object> configure) { }

                public IMapper CreateMapper() => new Mapper();

                private sealed class Mapper : IMapper
                {
                    public T Map<T>(object source) => (T)source;
                }
            }

            public static class GrantMappers
            {
                static GrantMappers()
                {
                    Mapper = new MapperConfiguration(cfg => { }).CreateMapper();
                }

                internal static IMapper Mapper { get; }

                private static readonly IMapper s_keys = new MapperConfiguration(cfg => { }).CreateMapper();

                public static T ToModel<T>(this object source) => Mapper.Map<T>(source);

                public static T ToKey<T>(this object source) => s_keys.Map<T>(source);
            }

            public static class Locator
            {
                public static IServiceProvider Provider { get; set; } = null!;

                public static readonly IMapper {|#0:Resolved|} = Provider.GetRequiredService<IMapper>();
            }

            public static class Registration
            {
                public static void Register(IServiceCollection services)
                    => services.AddScoped<IMapper>(_ => new MapperConfiguration(cfg => { }).CreateMapper());
            }
            """, References.DependencyInjection)
            .ExpectDiagnostic(Expected("Resolved", "a request-scoped IMapper"))
            .ValidateAsync();
    }

    /// <summary>
    /// Well-known principals built from constant claims, and a run-as wrapper whose static instances are made from
    /// them. <c>SOURCE</c> is what the wrappers are made from.
    /// </summary>
    private const string RunAsWrappers = """
        using System.Security.Claims;
        using Microsoft.AspNetCore.Http;

        public static class Accounts
        {
            public static readonly ClaimsPrincipal System =
                new ClaimsPrincipal(new ClaimsIdentity(new[] { new Claim(ClaimTypes.Name, "system") }, "system"));
            public static ClaimsPrincipal Anonymous { get; } = new ClaimsPrincipal(new ClaimsIdentity(new[] { new Claim(ClaimTypes.Anonymous, "") }));
        }

        public sealed class RunAs
        {
            private readonly ClaimsPrincipal _principal;

            public RunAs(ClaimsPrincipal principal) => _principal = principal;

            public ClaimsPrincipal Principal => _principal;

            private static readonly RunAs {|#0:s_system|} = new RunAs(SOURCE_SYSTEM);
            private static readonly RunAs {|#1:s_anonymous|} = new RunAs(SOURCE_ANONYMOUS);

            public static RunAs System => s_system;
            public static RunAs Anonymous => s_anonymous;
        }

        public static class CurrentUser
        {
            public static IHttpContextAccessor Accessor { get; set; } = new HttpContextAccessor();
        }
        """;

    [Fact]
    public async Task StaticWrappersOfWellKnownPrincipals_MadeFromOtherStaticReadOnlyMembers()
    {
        // The principals are set once by type initialization from constants: reading them reads no request.
        await Test(RunAsWrappers.Replace("{|#0:s_system|}", "s_system").Replace("{|#1:s_anonymous|}", "s_anonymous")
                .Replace("SOURCE_SYSTEM", "Accounts.System").Replace("SOURCE_ANONYMOUS", "Accounts.Anonymous"))
            .ValidateAsync();
    }

    [Fact]
    public async Task StaticWrappersOfTheCurrentRequestsPrincipal_AreReported()
    {
        // The same wrappers made from the user of the request that first touches the type.
        await Test(RunAsWrappers.Replace("SOURCE_SYSTEM", "CurrentUser.Accessor.HttpContext!.User").Replace("SOURCE_ANONYMOUS", "CurrentUser.Accessor.HttpContext!.User"))
            .ExpectDiagnostic(Expected("s_system", "request data (HttpContext)", 0))
            .ExpectDiagnostic(Expected("s_anonymous", "request data (HttpContext)", 1))
            .ValidateAsync();
    }

    [Fact]
    public async Task CodeConstructedAnonymousPrincipal_ReadOnly()
    {
        await Test("""
            using System.Collections.Generic;
            using System.Security.Claims;

            public static class Principals
            {
                public static readonly ClaimsPrincipal Anonymous = new(new ClaimsIdentity());
                public static ClaimsPrincipal System { get; } = new ClaimsPrincipal(new ClaimsIdentity(new[] { new Claim(ClaimTypes.Name, "system") }, "internal"));
                private static readonly Dictionary<string, ClaimsPrincipal> s_testUsers = new()
                {
                    ["admin"] = new ClaimsPrincipal(new ClaimsIdentity(new[] { new Claim(ClaimTypes.Role, "admin") }, "test")),
                };
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task InstanceFieldsOfAController_AreNotThisRulesBusiness()
    {
        await Test("""
            using Microsoft.AspNetCore.Http;
            using Microsoft.AspNetCore.Mvc;

            public sealed class ProfileController : ControllerBase
            {
                private HttpContext? _context;
                private string? _user;

                [HttpGet]
                public IActionResult Get()
                {
                    _context = HttpContext;
                    _user = User.Identity?.Name;
                    return Ok(_user);
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task StaticsFilledFromConfigurationAndTheClock_InRequestCode()
    {
        await Test("""
            using System;
            using Microsoft.AspNetCore.Mvc;
            using Microsoft.Extensions.Configuration;

            public sealed class StatusController : ControllerBase
            {
                private static DateTime s_lastRequestUtc;
                private static string? s_version;
                private readonly IConfiguration _configuration;

                public StatusController(IConfiguration configuration) => _configuration = configuration;

                [HttpGet]
                public IActionResult Get()
                {
                    s_lastRequestUtc = DateTime.UtcNow;
                    s_version ??= _configuration["Version"];
                    return Ok(s_version);
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task ServiceResolvedFromRequestServices_IsNotRequestData()
    {
        await Test("""
            using Microsoft.AspNetCore.Hosting;
            using Microsoft.AspNetCore.Http;
            using Microsoft.Extensions.DependencyInjection;

            public static class Paths
            {
                private static IWebHostEnvironment? s_environment;

                public static string Root(HttpContext context)
                {
                    s_environment ??= context.RequestServices.GetRequiredService<IWebHostEnvironment>();
                    return s_environment.ContentRootPath;
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task ServiceParameterOfAnAction_AndACancellationToken_AreNotBoundData()
    {
        await Test("""
            using System.Threading;
            using Microsoft.AspNetCore.Mvc;
            using Microsoft.Extensions.Logging;

            public sealed class JobsController : ControllerBase
            {
                private static ILogger? s_logger;
                private static int s_pageSize = 20;

                [HttpGet]
                public IActionResult Get([FromServices] ILogger<JobsController> logger, CancellationToken cancellationToken)
                {
                    s_logger = logger;
                    return Ok();
                }

                private void Configure(int pageSize) => s_pageSize = pageSize;
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task RequestDataComparedOrCounted_IsNotStored()
    {
        await Test("""
            using System.Collections.Generic;
            using System.Linq;
            using Microsoft.AspNetCore.Http;

            public static class Stats
            {
                private static bool s_lastWasPost;
                private static long s_bytes;
                private static long s_largest;
                private static readonly List<string> s_knownAgents = new() { "curl" };

                public static void Observe(HttpContext context)
                {
                    s_lastWasPost = context.Request.Method == "POST";
                    s_bytes += context.Request.ContentLength ?? 0;
                    s_largest = System.Math.Max(s_largest, context.Request.ContentLength ?? 0);
                    var known = s_knownAgents.Contains(context.Request.Headers.UserAgent.ToString());
                    _ = s_knownAgents.Append(context.TraceIdentifier).Count();
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task NoAspNetCore_ClaimsPrincipalInADesktopApp()
    {
        await Test("""
            using System.Security.Claims;

            public static class Session
            {
                public static ClaimsPrincipal? CurrentUser { get; set; }

                public static void SignIn(string name) => CurrentUser = new ClaimsPrincipal(new ClaimsIdentity(new[] { new Claim(ClaimTypes.Name, name) }, "local"));
            }
            """, References.Net)
            .ValidateAsync();
    }

    [Fact]
    public async Task StaticLookupTable_OfCodeData_InAHub()
    {
        await Test("""
            using System.Collections.Generic;
            using System.Threading.Tasks;
            using Microsoft.AspNetCore.SignalR;

            public sealed class ChatHub : Hub
            {
                private static readonly Dictionary<string, string> s_rooms = new() { ["general"] = "General" };
                private static readonly HashSet<string> s_names = new();

                public Task Join(string room) => Groups.AddToGroupAsync(Context.ConnectionId, s_rooms.GetValueOrDefault(room, "general"));

                public bool IsKnown(string room) => s_rooms.ContainsKey(room);

                private static void Seed() => s_names.Add("general");
            }
            """)
            .ValidateAsync();
    }
}
