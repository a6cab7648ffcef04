using SharedStateAnalyzers.Rules;
using SharedStateAnalyzers.Tests.Verification;

namespace SharedStateAnalyzers.Tests.Rules;

/// <summary>SSA008: what is reported, with which message, and what is left alone.</summary>
public sealed class ThreadAffineStateAnalyzerTests
{
    private static AnalyzerTest Test(string source, References references = References.Net)
        => AnalyzerTest.Create<ThreadAffineStateAnalyzer>().WithReferences(references).WithSource(source);

    private static DiagnosticResult Expected(string field, string where, int location = 0)
        => DiagnosticResult.Create("SSA008").WithLocation(location)
            .WithMessage($"'{field}' is per-thread state used in {where}: after an await the code may resume on another thread, and pool threads serve many requests");

    /// <summary>A controller action that appends the user to a per-thread builder; <c>// (before use)</c> is where a test empties it.</summary>
    private const string ReportBuilder = """
        using System.Text;
        using System.Threading;
        using Microsoft.AspNetCore.Mvc;

        [ApiController]
        [Route("api/reports")]
        public sealed class ReportsController : ControllerBase
        {
            private static readonly ThreadLocal<StringBuilder> s_builder = new(() => new StringBuilder());

            [HttpGet]
            public IActionResult Get()
            {
                var sb = {|#0:s_builder.Value|}!;
                // (before use)
                sb.Append("report for ").Append(User.Identity?.Name);
                return Ok(sb.ToString());
            }
        }
        """;

    // ---------------------------------------------------------------- flagged

    [Fact]
    public async Task ThreadStatic_SetBeforeAnAwait_ReadAfterIt()
    {
        await Test("""
            using System;
            using System.Threading.Tasks;

            public static class RequestContext
            {
                [ThreadStatic]
                private static string? s_user;

                public static async Task<string?> HandleAsync(string user)
                {
                    {|#0:s_user|} = user;
                    await Task.Yield();
                    return s_user;
                }
            }
            """)
            .ExpectDiagnostic(Expected("s_user", "the async method 'HandleAsync'"))
            .ValidateAsync();
    }

    [Fact]
    public async Task ThreadLocalValue_InAnAsyncMethod()
    {
        await Test("""
            using System.Threading;
            using System.Threading.Tasks;

            public sealed class TenantScope
            {
                private static readonly ThreadLocal<string?> s_tenant = new();

                public async Task RunAsync(string tenant, Func<Task> work)
                {
                    {|#0:s_tenant.Value|} = tenant;
                    await work();
                    s_tenant.Value = null;
                }
            }
            """.Replace("Func<Task>", "System.Func<Task>"))
            .ExpectDiagnostic(Expected("s_tenant", "the async method 'RunAsync'"))
            .ValidateAsync();
    }

    [Fact]
    public async Task TwoFieldsInOneMethod_AreEachReportedOnce()
    {
        await Test("""
            using System;
            using System.Threading.Tasks;

            public sealed class Importer
            {
                [ThreadStatic] private static int s_depth;
                [ThreadStatic] private static string? s_file;

                public async Task ImportAsync(string file)
                {
                    [|s_depth|]++;
                    [|s_file|] = file;
                    await Task.Delay(1);
                    s_depth--;
                    Console.WriteLine(s_file);
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task AsyncLambda_AndAsyncLocalFunction()
    {
        await Test("""
            using System;
            using System.Threading.Tasks;

            public static class Jobs
            {
                [ThreadStatic] private static string? s_job;

                public static Func<Task> Create(string name) => async () =>
                {
                    {|#0:s_job|} = name;
                    await Task.Yield();
                };

                public static Task RunAsync(string name)
                {
                    return Run();

                    async Task Run()
                    {
                        await Task.Yield();
                        Console.WriteLine({|#1:s_job|});
                    }
                }
            }
            """)
            .ExpectDiagnostic(Expected("s_job", "an async lambda", 0))
            .ExpectDiagnostic(Expected("s_job", "the async local function 'Run'", 1))
            .ValidateAsync();
    }

    [Fact]
    public async Task SynchronousControllerAction()
    {
        await Test("""
            using System;
            using Microsoft.AspNetCore.Mvc;

            public sealed class HomeController : Controller
            {
                [ThreadStatic] private static string? s_lastQuery;

                public IActionResult Search(string q)
                {
                    {|#0:s_lastQuery|} = q;
                    return View();
                }
            }
            """, References.AspNetCore)
            .ExpectDiagnostic(Expected("s_lastQuery", "the controller action 'Search'"))
            .ValidateAsync();
    }

    [Fact]
    public async Task PublicMethodOfAnAbstractBaseController()
    {
        await Test("""
            using System;
            using Microsoft.AspNetCore.Mvc;

            public abstract class CrudController : ControllerBase
            {
                [ThreadStatic] private static string? s_entity;

                public IActionResult List()
                {
                    {|#0:s_entity|} = GetType().Name;
                    return Ok(s_entity);
                }
            }

            public sealed class OrdersController : CrudController { }
            """, References.AspNetCore)
            .ExpectDiagnostic(Expected("s_entity", "the controller action 'List'"))
            .ValidateAsync();
    }

    [Fact]
    public async Task ApiControllerAttribute_WithoutControllerBase()
    {
        await Test("""
            using System;
            using Microsoft.AspNetCore.Mvc;

            [ApiController]
            [Route("items")]
            public sealed class ItemsEndpoint
            {
                [ThreadStatic] private static int s_calls;

                [HttpGet]
                public int Get() => ++[|s_calls|];
            }
            """, References.AspNetCore)
            .ValidateAsync();
    }

    [Fact]
    public async Task RazorPageHandler()
    {
        await Test("""
            using System;
            using Microsoft.AspNetCore.Mvc.RazorPages;

            public sealed class IndexModel : PageModel
            {
                [ThreadStatic] private static string? s_message;

                public void OnPostDelete(string id) => {|#0:s_message|} = "deleted " + id;
            }
            """, References.AspNetCore)
            .ExpectDiagnostic(Expected("s_message", "the page handler 'OnPostDelete'"))
            .ValidateAsync();
    }

    [Fact]
    public async Task ActionFilter_AndConventionalMiddleware()
    {
        await Test("""
            using System;
            using System.Diagnostics;
            using System.Threading.Tasks;
            using Microsoft.AspNetCore.Http;
            using Microsoft.AspNetCore.Mvc.Filters;

            public sealed class TimingFilter : IActionFilter
            {
                [ThreadStatic] private static Stopwatch? s_watch;

                public void OnActionExecuting(ActionExecutingContext context) => {|#0:s_watch|} = Stopwatch.StartNew();

                public void OnActionExecuted(ActionExecutedContext context) => Console.WriteLine({|#1:s_watch|}?.Elapsed);
            }

            public sealed class TenantMiddleware
            {
                [ThreadStatic] private static string? s_tenant;
                private readonly RequestDelegate _next;

                public TenantMiddleware(RequestDelegate next) => _next = next;

                public Task Invoke(HttpContext context)
                {
                    {|#2:s_tenant|} = context.Request.Host.Host;
                    return _next(context);
                }
            }
            """, References.AspNetCore)
            .ExpectDiagnostic(Expected("s_watch", "the filter method 'OnActionExecuting'", 0))
            .ExpectDiagnostic(Expected("s_watch", "the filter method 'OnActionExecuted'", 1))
            .ExpectDiagnostic(Expected("s_tenant", "the middleware method 'Invoke'", 2))
            .ValidateAsync();
    }

    [Fact]
    public async Task MinimalApiHandlerLambda()
    {
        await Test("""
            using System;
            using Microsoft.AspNetCore.Builder;

            public static class Endpoints
            {
                [ThreadStatic] private static int s_count;

                public static void Map(WebApplication app) => app.MapGet("/count", () => ++{|#0:s_count|});
            }
            """, References.AspNetCore)
            .ExpectDiagnostic(Expected("s_count", "a minimal API handler"))
            .ValidateAsync();
    }

    [Fact]
    public async Task HubMethod()
    {
        await Test("""
            using System;
            using System.Threading.Tasks;
            using Microsoft.AspNetCore.SignalR;

            public sealed class ChatHub : Hub
            {
                [ThreadStatic] private static string? s_room;

                public Task Join(string room)
                {
                    {|#0:s_room|} = room;
                    return Groups.AddToGroupAsync(Context.ConnectionId, room);
                }
            }
            """, References.AspNetCore)
            .ExpectDiagnostic(Expected("s_room", "the hub method 'Join'"))
            .ValidateAsync();
    }

    [Fact]
    public async Task AwaitForeach_CountsAsAnAwait()
    {
        await Test("""
            using System;
            using System.Collections.Generic;
            using System.Threading.Tasks;

            public static class Streamer
            {
                [ThreadStatic] private static int s_seen;

                public static async Task CountAsync(IAsyncEnumerable<int> items)
                {
                    await foreach (var item in items)
                    {
                        [|s_seen|] += item;
                    }
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task InstanceThreadLocal_InAnAsyncMethod_AndAUseLentToASynchronousCall()
    {
        await Test("""
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            public sealed class Formatter
            {
                private readonly ThreadLocal<int> _calls = new();
                [ThreadStatic] private static int s_total;

                public async Task<int> FormatAsync()
                {
                    await Task.Yield();
                    // Lent by ref to a synchronous call: taken and returned within it, not reported.
                    Interlocked.Increment(ref s_total);
                    return ++[|_calls.Value|];
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task ThreadStaticOfAnotherType_UsedInAnAsyncMethod()
    {
        await Test("""
            using System;
            using System.Threading.Tasks;

            public static class Ambient
            {
                [ThreadStatic] public static string? CurrentUser;
            }

            public sealed class Orders
            {
                public async Task<string> PlaceAsync()
                {
                    await Task.Delay(1);
                    return {|#0:Ambient.CurrentUser|} ?? "anonymous";
                }
            }
            """)
            .ExpectDiagnostic(Expected("CurrentUser", "the async method 'PlaceAsync'"))
            .ValidateAsync();
    }

    [Fact]
    public async Task AsyncLambdaInAFieldInitializer()
    {
        await Test("""
            using System;
            using System.Threading.Tasks;

            public sealed class Pipeline
            {
                [ThreadStatic] private static int s_step;

                private readonly Func<Task> _run = async () =>
                {
                    await Task.Yield();
                    [|s_step|]++;
                };
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task FactoryThreadLocal_ThatARequestAddsToAndNeverEmpties()
    {
        // The user name appended by one request is still in the builder for the next request on that thread.
        await Test(ReportBuilder, References.AspNetCore)
            .ExpectDiagnostic(Expected("s_builder", "the controller action 'Get'"))
            .ValidateAsync();
    }

    // ---------------------------------------------------------------- left alone

    [Fact]
    public async Task FactoryThreadLocal_EmptiedBeforeEachUse_InAControllerAction()
    {
        await Test(ReportBuilder.Replace("{|#0:s_builder.Value|}", "s_builder.Value").Replace("// (before use)", "sb.Clear();"), References.AspNetCore)
            .ValidateAsync();
    }

    /// <summary>
    /// A background drop loop that lends its session to synchronous callbacks through a per-thread slot; <c>BODY</c> is
    /// what it does between two awaits.
    /// </summary>
    private const string SessionSlot = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        public sealed class Session { public string Name = ""; }

        public sealed class DropWorker
        {
            [ThreadStatic]
            internal static Session? t_active;

            private static readonly ThreadLocal<Session?> s_current = new();

            private static void Drop(string key) => Console.WriteLine(t_active!.Name + (s_current.Value?.Name ?? "") + key);

            public async Task RunAsync(Session session, string[] keys)
            {
                await Task.Yield();
                BODY
                await Task.Delay(1);
            }
        }
        """;

    [Theory]
    // Set, used by synchronous calls, and emptied in the finally: nothing is left for the thread's next user.
    [InlineData("t_active = session; try { foreach (var key in keys) { Drop(key); } } finally { t_active = null; }")]
    [InlineData("try { t_active = session; Drop(keys[0]); } finally { t_active = default; }")]
    [InlineData("t_active = session; try { Drop(t_active.Name); } catch (InvalidOperationException) { Console.WriteLine(\"lost\"); } finally { t_active = null; }")]
    // The value before is saved and put back (a nested scope on the same thread).
    [InlineData("var previous = t_active; t_active = session; try { Drop(keys[0]); } finally { t_active = previous; }")]
    [InlineData("s_current.Value = session; try { Drop(keys[0]); } finally { s_current.Value = null; }")]
    public async Task PerThreadSlotSetAndEmptiedAroundSynchronousWork_InAnAsyncMethod(string body)
    {
        // The flow cannot leave the thread between the set and the finally: no await in between (garnet's
        // VectorManager.ActiveThreadSession).
        await Test(SessionSlot.Replace("BODY", body))
            .ValidateAsync();
    }

    [Theory]
    // An await between the set and the reset: the flow may resume on another thread, and another flow may run here.
    [InlineData("{|#0:t_active|} = session; try { await Task.Yield(); Drop(keys[0]); } finally { t_active = null; }", "t_active")]
    [InlineData("{|#0:t_active|} = session; try { Drop(keys[0]); } finally { await Task.Yield(); t_active = null; }", "t_active")]
    [InlineData("{|#0:t_active|} = session; await Task.Yield(); try { Drop(keys[0]); } finally { t_active = null; }", "t_active")]
    [InlineData("{|#0:s_current.Value|} = session; try { await Task.Yield(); } finally { s_current.Value = null; }", "s_current")]
    // Not emptied in a finally: an exception leaves the session behind, as does a reset to another value.
    [InlineData("{|#0:t_active|} = session; Drop(keys[0]); t_active = null;", "t_active")]
    [InlineData("{|#0:t_active|} = session; try { Drop(keys[0]); } finally { t_active = new Session(); }", "t_active")]
    [InlineData("{|#0:t_active|} = session; try { Drop(keys[0]); } finally { Console.WriteLine(); }", "t_active")]
    // A read outside the stretch sees what the thread's last user left.
    [InlineData("t_active = session; try { Drop(keys[0]); } finally { t_active = null; } Console.WriteLine({|#0:t_active|});", "t_active")]
    [InlineData("Console.WriteLine({|#0:t_active|}?.Name); t_active = session; try { Drop(keys[0]); } finally { t_active = null; }", "t_active")]
    public async Task PerThreadSlotNotEmptiedBeforeTheFlowCanLeaveTheThread_IsReported(string body, string field)
    {
        await Test(SessionSlot.Replace("BODY", body))
            .ExpectDiagnostic(Expected(field, "the async method 'RunAsync'"))
            .ValidateAsync();
    }

    [Fact]
    public async Task StringBuilderCache_InASynchronousFormatter()
    {
        await Test("""
            using System;
            using System.Text;

            internal static class StringBuilderCache
            {
                [ThreadStatic]
                private static StringBuilder? t_cachedInstance;

                public static StringBuilder Acquire(int capacity = 16)
                {
                    var sb = t_cachedInstance;
                    if (sb is not null && sb.Capacity >= capacity)
                    {
                        t_cachedInstance = null;
                        sb.Clear();
                        return sb;
                    }

                    return new StringBuilder(capacity);
                }

                public static string GetStringAndRelease(StringBuilder sb)
                {
                    var result = sb.ToString();
                    t_cachedInstance = sb;
                    return result;
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task ThreadStaticParseCache_LentByRefToASynchronousCheck_InAnAsyncMethod()
    {
        // A per-thread parse cache handed by ref to a synchronous permission check: the check takes and returns it
        // within one call, before any await.
        await Test("""
            using System;
            using System.Threading.Tasks;

            public sealed class ParseState { }

            public sealed class Permissions
            {
                public bool CanDo(string action, string user, ref ParseState? state)
                {
                    state ??= new ParseState();
                    return action.Length > 0 && user.Length > 0;
                }
            }

            public sealed class VersionService
            {
                [ThreadStatic] private static ParseState? t_parseState;
                private readonly Permissions _permissions = new();

                public async Task<string[]> ListAsync(string user)
                {
                    if (!_permissions.CanDo("list", user, ref t_parseState))
                    {
                        return Array.Empty<string>();
                    }

                    await Task.Delay(1);
                    return new[] { "1.0" };
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task ThreadStaticLentByRefToACallThatDoesNotBindYet()
    {
        // Half-typed code (or a package not restored): the check's type is unknown, but a by-reference argument is
        // taken and returned within the call's synchronous part whatever the callee turns out to be.
        await Test("""
            using System;
            using System.Threading.Tasks;

            public sealed class VersionService
            {
                [ThreadStatic] private static object? t_parseState;
                private readonly UnknownPermissions _permissions = new();

                public async Task<string[]> ListAsync(string user)
                {
                    if (!_permissions.CanDo("list", user, ref t_parseState))
                    {
                        return Array.Empty<string>();
                    }

                    await Task.Delay(1);
                    return new[] { "1.0" };
                }
            }
            """)
            .AllowCompilerErrors()
            .ValidateAsync();
    }

    [Fact]
    public async Task ThreadStaticPassedByRefToAnAwaitedCallThatDoesNotBind()
    {
        await Test("""
            using System;
            using System.Threading.Tasks;

            public sealed class VersionService
            {
                [ThreadStatic] private static object? t_parseState;
                private readonly UnknownPermissions _permissions = new();

                public async Task<bool> ListAsync(string user)
                {
                    await Task.Delay(1);
                    return await _permissions.CanDoAsync("list", user, ref {|#0:t_parseState|});
                }
            }
            """)
            .AllowCompilerErrors()
            .ExpectDiagnostic(Expected("t_parseState", "the async method 'ListAsync'"))
            .ValidateAsync();
    }

    [Fact]
    public async Task ThreadLocalMadeOnlyByItsFactory_InAsyncCode()
    {
        // A per-thread instance cache: a client per thread, made by the factory and never replaced. Nothing a request
        // sets is kept in it, so neither the next request nor the code after an await sees another flow's value.
        await Test("""
            using System.Net.Http;
            using System.Threading;
            using System.Threading.Tasks;

            public static class HttpUtil
            {
                private static readonly ThreadLocal<HttpClient> s_client = new(() => new HttpClient());

                public static async Task<string> PostAsync(string url, string body)
                {
                    var client = s_client.Value!;
                    using var response = await client.PostAsync(url, new StringContent(body));
                    return await response.Content.ReadAsStringAsync();
                }

                public static Task<string> GetAsync(string url) => s_client.Value!.GetStringAsync(url);
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task OneSlotPerThreadPool_TakenBeforeTheAwait_GivenBackAfterIt()
    {
        // The flow empties the slot when it takes the object, so no other flow on the thread can use it meanwhile; after
        // the awaits it puts the object back into the slot of whatever thread it resumed on.
        await Test("""
            using System;
            using System.Threading.Tasks;

            public sealed class ResolveContext
            {
                public string? Field { get; private set; }

                public ResolveContext Reset(string? field)
                {
                    Field = field;
                    return this;
                }
            }

            public class Executor
            {
                [ThreadStatic]
                private static ResolveContext? t_context;

                protected virtual async Task<string> ExecuteAsync(string field, Func<ResolveContext, Task<string>> resolve)
                {
                    var context = t_context;
                    t_context = null;
                    context = context != null ? context.Reset(field) : new ResolveContext().Reset(field);

                    var result = await resolve(context).ConfigureAwait(false);
                    if (t_context is null)
                    {
                        t_context = context.Reset(null);
                    }

                    return result;
                }

                public async Task<string> RenderAsync(string field)
                {
                    var context = t_context ?? new ResolveContext();
                    t_context = default;
                    await Task.Yield();
                    var text = context.Reset(field).Field ?? "";
                    t_context ??= context.Reset(null);
                    return text;
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task PerThreadObject_UsedWhereItLies_OrTakenWithoutEmptyingTheSlot_IsStillReported()
    {
        await Test("""
            using System;
            using System.Threading.Tasks;

            public sealed class ResolveContext
            {
                public string? Field { get; set; }
            }

            public class Executor
            {
                [ThreadStatic]
                private static ResolveContext? t_shared;

                [ThreadStatic]
                private static ResolveContext? t_kept;

                public async Task<string> ExecuteAsync(string field)
                {
                    var context = {|#0:t_shared|};
                    t_shared = null;
                    await Task.Yield();
                    t_shared = context;
                    return t_shared?.Field ?? field;
                }

                public async Task<string> RenderAsync(string field)
                {
                    var context = {|#1:t_kept|} ?? new ResolveContext();
                    context.Field = field;
                    await Task.Yield();
                    t_kept = context;
                    return context.Field;
                }
            }
            """)
            .ExpectDiagnostic(Expected("t_shared", "the async method 'ExecuteAsync'", 0))
            .ExpectDiagnostic(Expected("t_kept", "the async method 'RenderAsync'", 1))
            .ValidateAsync();
    }

    [Fact]
    public async Task ThreadLocalRandom_InASynchronousHelper()
    {
        await Test("""
            using System;
            using System.Threading;

            public static class Jitter
            {
                private static readonly ThreadLocal<Random> s_random = new(() => new Random());

                public static TimeSpan Next(TimeSpan max) => TimeSpan.FromMilliseconds(s_random.Value!.NextDouble() * max.TotalMilliseconds);
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task SynchronousHelper_CalledFromAnAsyncMethod()
    {
        await Test("""
            using System;
            using System.Text;
            using System.Threading.Tasks;

            public static class Report
            {
                [ThreadStatic] private static StringBuilder? t_builder;

                public static async Task<string> BuildAsync()
                {
                    await Task.Yield();
                    return Format(42);
                }

                private static string Format(int value)
                {
                    var sb = t_builder ??= new StringBuilder();
                    sb.Clear().Append(value);
                    return sb.ToString();
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task AsyncLocal_Anywhere()
    {
        await Test("""
            using System.Threading;
            using System.Threading.Tasks;

            public static class Correlation
            {
                private static readonly AsyncLocal<string?> s_id = new();

                public static async Task RunAsync(string id)
                {
                    s_id.Value = id;
                    await Task.Yield();
                    System.Console.WriteLine(s_id.Value);
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task AsyncMethodThatNeverAwaits()
    {
        await Test("""
            using System;
            using System.Threading.Tasks;

            public static class Cache
            {
                [ThreadStatic] private static int s_hits;

            #pragma warning disable CS1998
                public static async Task<int> CountAsync() => ++s_hits;
            #pragma warning restore CS1998
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task PrivateAndNonActionHelpersOfAController()
    {
        await Test("""
            using System;
            using System.Text;
            using Microsoft.AspNetCore.Mvc;

            public sealed class ReportsController : Controller
            {
                [ThreadStatic] private static StringBuilder? t_builder;

                public IActionResult Index() => Content(Render(3));

                private static string Render(int rows)
                {
                    var sb = t_builder ??= new StringBuilder();
                    sb.Clear().Append(rows);
                    return sb.ToString();
                }

                protected string Header() => t_builder?.ToString() ?? "";

                [NonAction]
                public string Footer() => t_builder?.ToString() ?? "";
            }
            """, References.AspNetCore)
            .ValidateAsync();
    }

    [Fact]
    public async Task ThreadLocal_InAParallelForBody_InsideAnAsyncMethod()
    {
        await Test("""
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            public static class Sums
            {
                private static readonly ThreadLocal<long> s_partial = new();

                public static async Task<long> SumAsync(int[] values)
                {
                    await Task.Yield();
                    long total = 0;
                    Parallel.For(0, values.Length, i => s_partial.Value += values[i]);
                    return total;
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task PlainStaticFields_InAsyncCode()
    {
        await Test("""
            using System.Threading;
            using System.Threading.Tasks;

            public static class Counter
            {
                private static int s_count;
                private static readonly object s_gate = new();

                public static async Task<int> IncrementAsync()
                {
                    await Task.Yield();
                    lock (s_gate)
                    {
                        return ++s_count;
                    }
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task ThreadStatic_InStaticConstructorAndInitializer()
    {
        await Test("""
            using System;
            using System.Threading;

            public static class Seeds
            {
                [ThreadStatic] private static int s_seed;
                private static readonly ThreadLocal<int> s_other = new(() => 7);

                static Seeds()
                {
                    s_seed = Environment.TickCount;
                }

                public static int Next() => s_seed++ + s_other.Value;
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task NameOf_IsNotAUse()
    {
        await Test("""
            using System;
            using System.Threading.Tasks;

            public static class Names
            {
                [ThreadStatic] private static int s_value;

                public static async Task<string> NameAsync()
                {
                    await Task.Yield();
                    return nameof(s_value);
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task SyncLambda_InAController_AndAMiddlewaresOtherMethods()
    {
        await Test("""
            using System;
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;
            using Microsoft.AspNetCore.Http;

            public sealed class ShapeMiddleware
            {
                private static readonly ThreadLocal<int> s_buffer = new();
                private readonly RequestDelegate _next;

                public ShapeMiddleware(RequestDelegate next) => _next = next;

                public Task InvokeAsync(HttpContext context) => _next(context);

                public int Measure(int[] values) => values.Select(v => v + s_buffer.Value).Sum();
            }
            """, References.AspNetCore)
            .ValidateAsync();
    }

    [Fact]
    public async Task ThreadLocalItself_PassedAround_InAsyncCode()
    {
        await Test("""
            using System.Threading;
            using System.Threading.Tasks;

            public static class Pools
            {
                private static readonly ThreadLocal<byte[]> s_buffers = new(() => new byte[256]);

                public static async Task<bool> IsCreatedAsync()
                {
                    await Task.Yield();
                    return s_buffers.IsValueCreated;
                }
            }
            """)
            .ValidateAsync();
    }

    [Fact]
    public async Task PublicMethodOfAPlainClass_IsNotARequestHandler()
    {
        await Test("""
            using System;

            public sealed class Parser
            {
                [ThreadStatic] private static char[]? t_buffer;

                public string Parse(string text)
                {
                    var buffer = t_buffer ??= new char[1024];
                    text.CopyTo(0, buffer, 0, Math.Min(text.Length, buffer.Length));
                    return new string(buffer, 0, Math.Min(text.Length, buffer.Length));
                }
            }
            """, References.AspNetCore)
            .ValidateAsync();
    }
}
