using Microsoft.CodeAnalysis.CodeFixes;
using SharedStateAnalyzers.CodeFixes;
using SharedStateAnalyzers.Rules;
using SharedStateAnalyzers.Tests.Verification;

namespace SharedStateAnalyzers.Tests.Rules;

/// <summary>SSA008's fix: exact output, Fix All, where it is not offered. The verifier compiles every fixed output.</summary>
public sealed class ThreadAffineStateFixerTests
{
    private static AnalyzerTest Test(References references = References.Net)
        => AnalyzerTest.Create<ThreadAffineStateAnalyzer>().WithCodeFix<ThreadAffineStateFixer>().WithReferences(references)
            .WithCodeFixEquivalenceKey(ThreadAffineStateFixer.UseAsyncLocalKey);

    [Fact]
    public async Task ThreadStatic_BecomesAsyncLocal_UsesReadValue_CommentsKept()
    {
        await Test()
            .WithSource("""
                using System;
                using System.Threading.Tasks;

                namespace Requests;

                public static class RequestContext
                {
                    // The user of the request being handled.
                    [ThreadStatic]
                    private static string? s_user;

                    public static async Task<string?> HandleAsync(string user)
                    {
                        [|s_user|] = user;
                        await Task.Yield();
                        return s_user; // read after the await
                    }

                    public static bool HasUser => s_user is not null;

                    public static string Name => nameof(s_user);
                }
                """)
            .ShouldFixCodeWith("""
                using System;
                using System.Threading;
                using System.Threading.Tasks;

                namespace Requests;

                public static class RequestContext
                {
                    // The user of the request being handled.
                    private static readonly AsyncLocal<string?> s_user = new();

                    public static async Task<string?> HandleAsync(string user)
                    {
                        s_user.Value = user;
                        await Task.Yield();
                        return s_user.Value; // read after the await
                    }

                    public static bool HasUser => s_user.Value is not null;

                    public static string Name => nameof(s_user);
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task ThreadStaticOnTheSameLine_ValueType_QualifiedUses_IncrementAndCompound()
    {
        await Test()
            .WithSource("""
                using System;
                using System.Threading;
                using System.Threading.Tasks;

                public sealed class Importer
                {
                    [ThreadStatic] private static int s_depth;

                    public async Task ImportAsync()
                    {
                        [|Importer.s_depth|]++;
                        await Task.Delay(1);
                        s_depth += 2;
                        Console.WriteLine(Importer.s_depth);
                    }
                }
                """)
            .ShouldFixCodeWith("""
                using System;
                using System.Threading;
                using System.Threading.Tasks;

                public sealed class Importer
                {
                    private static readonly AsyncLocal<int> s_depth = new();

                    public async Task ImportAsync()
                    {
                        Importer.s_depth.Value++;
                        await Task.Delay(1);
                        s_depth.Value += 2;
                        Console.WriteLine(Importer.s_depth.Value);
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task ThreadLocalWithoutFactory_BecomesAsyncLocal_ValueUsesStay()
    {
        await Test()
            .WithSource("""
                using System;
                using System.Threading;
                using System.Threading.Tasks;

                public sealed class TenantScope
                {
                    private static readonly ThreadLocal<string?> s_tenant = new ThreadLocal<string?>();

                    public async Task RunAsync(string tenant, Func<Task> work)
                    {
                        [|s_tenant.Value|] = tenant;
                        await work();
                        s_tenant.Value = null;
                    }
                }
                """)
            .ShouldFixCodeWith("""
                using System;
                using System.Threading;
                using System.Threading.Tasks;

                public sealed class TenantScope
                {
                    private static readonly AsyncLocal<string?> s_tenant = new();

                    public async Task RunAsync(string tenant, Func<Task> work)
                    {
                        s_tenant.Value = tenant;
                        await work();
                        s_tenant.Value = null;
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task ThreadStaticAmongOtherAttributes_OnlyItIsRemoved()
    {
        await Test()
            .WithSource("""
                using System;
                using System.Diagnostics.CodeAnalysis;
                using System.Threading.Tasks;

                public static class Trace
                {
                    [ThreadStatic, SuppressMessage("Style", "IDE0044")]
                    private static string? s_operation;

                    public static async Task RunAsync(string operation)
                    {
                        [|s_operation|] = operation;
                        await Task.Yield();
                    }
                }
                """)
            .ShouldFixCodeWith("""
                using System;
                using System.Diagnostics.CodeAnalysis;
                using System.Threading;
                using System.Threading.Tasks;

                public static class Trace
                {
                    [SuppressMessage("Style", "IDE0044")]
                    private static readonly AsyncLocal<string?> s_operation = new();

                    public static async Task RunAsync(string operation)
                    {
                        s_operation.Value = operation;
                        await Task.Yield();
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task FixAll_OneFieldUsedInTwoMethods_AndASecondField_InDocumentAndProject()
    {
        await Test(References.AspNetCore)
            .WithSource("""
                using System;
                using System.Threading.Tasks;
                using Microsoft.AspNetCore.Mvc;

                public sealed class OrdersController : ControllerBase
                {
                    [ThreadStatic]
                    private static string? s_user;
                    [ThreadStatic]
                    private static int s_calls;

                    public async Task<IActionResult> Get()
                    {
                        [|s_user|] = User.Identity?.Name;
                        await Task.Yield();
                        return Ok(s_user);
                    }

                    public IActionResult Count()
                    {
                        [|s_calls|]++;
                        return Ok([|s_user|]);
                    }
                }
                """)
            .WithFixAllScopes(FixAllScope.Document, FixAllScope.Project)
            .ShouldFixCodeWith("""
                using System;
                using System.Threading;
                using System.Threading.Tasks;
                using Microsoft.AspNetCore.Mvc;

                public sealed class OrdersController : ControllerBase
                {
                    private static readonly AsyncLocal<string?> s_user = new();
                    private static readonly AsyncLocal<int> s_calls = new();

                    public async Task<IActionResult> Get()
                    {
                        s_user.Value = User.Identity?.Name;
                        await Task.Yield();
                        return Ok(s_user.Value);
                    }

                    public IActionResult Count()
                    {
                        s_calls.Value++;
                        return Ok(s_user.Value);
                    }
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task ThreadLocalWithAValueFactory_NoFix()
    {
        await Test()
            .WithSource("""
                using System.Text;
                using System.Threading;
                using System.Threading.Tasks;

                public static class Builders
                {
                    private static readonly ThreadLocal<StringBuilder> s_builder = new(() => new StringBuilder());

                    public static async Task<string> RenderAsync()
                    {
                        await Task.Yield();
                        return [|s_builder.Value|]!.Clear().Append("x").ToString();
                    }

                    public static void Reset() => s_builder.Value = new StringBuilder();
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task ThreadLocalUsedThroughOtherMembers_NoFix()
    {
        await Test()
            .WithSource("""
                using System.Threading;
                using System.Threading.Tasks;

                public sealed class Scope
                {
                    private static readonly ThreadLocal<int> s_level = new();

                    public async Task EnterAsync()
                    {
                        [|s_level.Value|]++;
                        await Task.Yield();
                    }

                    public bool Started => s_level.IsValueCreated;
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task PassedByRef_NoFix()
    {
        await Test()
            .WithSource("""
                using System;
                using System.Threading;
                using System.Threading.Tasks;

                public static class Counters
                {
                    [ThreadStatic] private static int s_count;

                    public static async Task TickAsync()
                    {
                        await Task.Yield();
                        Interlocked.Increment(ref s_count);
                        Console.WriteLine([|s_count|]);
                    }
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task PublicFieldUsedByAnotherType_NoFix()
    {
        await Test()
            .WithSource("""
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
                        return [|Ambient.CurrentUser|] ?? "anonymous";
                    }
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task VolatileField_NoFix()
    {
        await Test()
            .WithSource("""
                using System;
                using System.Threading.Tasks;

                public static class Flags
                {
                    [ThreadStatic] private static volatile bool s_busy;

                    public static async Task RunAsync()
                    {
                        [|s_busy|] = true;
                        await Task.Yield();
                        s_busy = false;
                    }
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task FieldWithAnInitialValue_NoFix()
    {
        await Test()
            .WithSource("""
                using System;
                using System.Threading.Tasks;

                public static class Culture
                {
                    [ThreadStatic] private static string s_name = "en";

                    public static async Task<string> GetAsync()
                    {
                        await Task.Yield();
                        return [|s_name|];
                    }
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }
}
