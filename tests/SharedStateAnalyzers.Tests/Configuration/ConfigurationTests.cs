using SharedStateAnalyzers.Rules;
using SharedStateAnalyzers.Tests.Rules;
using SharedStateAnalyzers.Tests.Verification;

namespace SharedStateAnalyzers.Tests.Configuration;

/// <summary>The .editorconfig options: what they change, and SSA000 for values the rules cannot use.</summary>
public sealed class ConfigurationTests
{
    private const string GatewayMemo = """
        using System.Collections.Generic;

        namespace Shop.Legacy
        {
            public sealed class LegacyGateway
            {
                public string Fetch(string sku) => sku.ToUpperInvariant();
            }
        }

        namespace Shop
        {
            public sealed class Descriptions
            {
                private static readonly Dictionary<string, string> {|#0:_descriptions|} = new();
                private readonly Shop.Legacy.LegacyGateway _gateway = new();

                public string Get(string sku)
                {
                    if (!_descriptions.TryGetValue(sku, out var text))
                    {
                        text = _gateway.Fetch(sku);
                        _descriptions[sku] = text;
                    }

                    return text;
                }
            }
        }
        """;

    private const string KindMemo = """
        using System.Collections.Generic;
        using System.IO;

        namespace Shop
        {
            public readonly record struct SchemaKind(string Name);

            public sealed class Schemas
            {
                private static readonly Dictionary<SchemaKind, string> {|#0:_schemas|} = new();

                public string Get(SchemaKind kind)
                {
                    if (!_schemas.TryGetValue(kind, out var text))
                    {
                        text = File.ReadAllText(kind.Name + ".json");
                        _schemas[kind] = text;
                    }

                    return text;
                }
            }
        }
        """;

    private static string EditorConfig(string options) => "root = true\n\n[*.cs]\n" + options + "\n";

    private static DiagnosticResult InvalidOption(string key, string reason)
        => DiagnosticResult.Create("SSA000").WithMessage($"The .editorconfig option '{key}' is ignored: {reason}; the rules use their defaults for it");

    [Fact]
    public async Task ExternalDataTypes_MakeASourceTypesMembersExternal()
    {
        // Without the option the gateway's method is plain code: nothing to report.
        await AnalyzerTest.Create<StaticCacheAnalyzer>().WithSource(GatewayMemo.Replace("{|#0:_descriptions|}", "_descriptions")).ValidateAsync();

        await AnalyzerTest.Create<StaticCacheAnalyzer>()
            .WithSource(GatewayMemo)
            .WithEditorConfig(EditorConfig("shared_state.external_data_types = Shop.Legacy.LegacyGateway"))
            .ExpectDiagnostic(DiagnosticResult.Create("SSA001").WithLocation(0)
                .WithMessage("'_descriptions' caches data from 'LegacyGateway.Fetch' in a process-wide collection: its entries never expire, are never seen by other processes, and grow without bound"))
            .ValidateAsync();
    }

    [Fact]
    public async Task CodeDerivedKeyTypes_LeaveTheirCachesAlone()
    {
        await AnalyzerTest.Create<StaticCacheAnalyzer>()
            .WithSource(KindMemo)
            .ExpectDiagnostic(DiagnosticResult.Create("SSA001").WithLocation(0))
            .ValidateAsync();

        await AnalyzerTest.Create<StaticCacheAnalyzer>()
            .WithSource(KindMemo.Replace("{|#0:_schemas|}", "_schemas"))
            .WithEditorConfig(EditorConfig("shared_state.code_derived_key_types = Shop.SchemaKind, Shop.Other"))
            .ValidateAsync();
    }

    [Fact]
    public async Task ListsFromSeveralSections_AreMerged()
    {
        await AnalyzerTest.Create<StaticCacheAnalyzer>()
            .WithSource("Gateway.cs", GatewayMemo)
            .WithSource("Kinds.cs", KindMemo.Replace("{|#0:_schemas|}", "_schemas"))
            .WithEditorConfig("root = true\n\n[Gateway.cs]\nshared_state.external_data_types = Shop.Legacy.LegacyGateway\n\n[Kinds.cs]\nshared_state.code_derived_key_types = Shop.SchemaKind\n")
            .ExpectDiagnostic(DiagnosticResult.Create("SSA001").WithLocation(0))
            .ValidateAsync();
    }

    [Fact]
    public async Task MalformedValue_IsReportedOnce_AndAnalysisGoesOnWithTheDefault()
    {
        // Two files see the same malformed value: one SSA000. The default still reports the file-backed memo.
        await AnalyzerTest.Create<ConfigurationAnalyzer>()
            .WithAnalyzer<StaticCacheAnalyzer>()
            .WithSource("Kinds.cs", KindMemo)
            .WithSource("Other.cs", "namespace Shop { public sealed class Other { } }")
            .WithEditorConfig(EditorConfig("shared_state.code_derived_key_types = Shop.SchemaKind Shop.Other"))
            .ExpectDiagnostic(InvalidOption("shared_state.code_derived_key_types", "'Shop.SchemaKind Shop.Other' is not a type name such as MyApp.Tenancy.TenantContext or MyApp.Data.Repository`1"))
            .ExpectDiagnostic(DiagnosticResult.Create("SSA001").WithLocation(0))
            .ValidateAsync();
    }

    private const string TenantHolder = """
        namespace Shop.Tenancy
        {
            public sealed class TenantContext
            {
                public string Id { get; set; } = "";
            }
        }

        namespace Shop
        {
            public static class Ambient
            {
                private static Shop.Tenancy.TenantContext? {|#0:s_tenant|};
                private static string? {|#1:s_tenantId|};

                public static void Enter(Shop.Tenancy.TenantContext tenant)
                {
                    s_tenant = tenant;
                    s_tenantId = tenant.Id;
                }
            }
        }
        """;

    [Fact]
    public async Task RequestScopedTypes_MakeStaticsOfThemAndValuesReadFromThem_SSA007()
    {
        // Without the option the tenant is an ordinary class: nothing to report.
        await AnalyzerTest.Create<StaticRequestDataAnalyzer>()
            .WithSource(TenantHolder.Replace("{|#0:s_tenant|}", "s_tenant").Replace("{|#1:s_tenantId|}", "s_tenantId"))
            .WithEditorConfig(EditorConfig("shared_state.external_data_types = Shop.Other"))
            .ValidateAsync();

        await AnalyzerTest.Create<StaticRequestDataAnalyzer>()
            .WithSource(TenantHolder)
            .WithEditorConfig(EditorConfig("shared_state.request_scoped_types = Shop.Tenancy.TenantContext"))
            .ExpectDiagnostic(DiagnosticResult.Create("SSA007").WithLocation(0)
                .WithMessage("Static 's_tenant' holds a request-scoped TenantContext: one user's data answers another user's request"))
            .ExpectDiagnostic(DiagnosticResult.Create("SSA007").WithLocation(1)
                .WithMessage("Static 's_tenantId' holds request data (Id): one user's data answers another user's request"))
            .ValidateAsync();
    }

    [Fact]
    public async Task EachMalformedOption_IsReported()
    {
        await AnalyzerTest.Create<ConfigurationAnalyzer>()
            .WithSource("namespace Shop { public sealed class Other { } }")
            .WithEditorConfig(EditorConfig("shared_state.request_scoped_types = Shop.Tenant<int>\nshared_state.external_data_types = 9Lives.Gateway"))
            .ExpectDiagnostic(InvalidOption("shared_state.request_scoped_types", "'Shop.Tenant<int>' is not a type name such as MyApp.Tenancy.TenantContext or MyApp.Data.Repository`1"))
            .ExpectDiagnostic(InvalidOption("shared_state.external_data_types", "'9Lives.Gateway' is not a type name such as MyApp.Tenancy.TenantContext or MyApp.Data.Repository`1"))
            .ValidateAsync();
    }

    [Theory]
    [InlineData("Shop.Legacy.LegacyGateway")]
    [InlineData("Shop.Legacy.LegacyGateway, Shop.Data.Repository`1")]
    [InlineData(" Shop.Outer+Inner ,, Global ")]
    [InlineData("")]
    [InlineData("Unknown.Type.NotInThisProject")]
    public async Task WellFormedValues_AreNotReported(string value)
    {
        await AnalyzerTest.Create<ConfigurationAnalyzer>()
            .WithSource("namespace Shop { public sealed class Other { } }")
            .WithEditorConfig(EditorConfig("shared_state.external_data_types = " + value))
            .ValidateAsync();
    }

    [Fact]
    public async Task OptionsOfOtherTools_AreNotOurs()
    {
        await AnalyzerTest.Create<ConfigurationAnalyzer>()
            .WithSource("namespace Shop { public sealed class Other { } }")
            .WithEditorConfig(EditorConfig("dotnet_code_quality.excluded_type_names_with_derived_types = a b c\nshared_state_other = ; ;"))
            .ValidateAsync();
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData(" TRUE ", true)]
    [InlineData("false", false)]
    [InlineData(" False ", false)]
    public async Task ReportDoubleCheckedLocking_TrueTurnsOnSsa009sInfoReport(string value, bool reported)
    {
        var test = AnalyzerTest.Create<ConfigurationAnalyzer>()
            .WithAnalyzer<UnsynchronizedInitializationAnalyzer>()
            .WithSource(reported ? SharedShapes.DoubleCheckedRegistry : SharedShapes.DoubleCheckedRegistry.Replace("{|#0:", "").Replace("|};", ";"))
            .WithEditorConfig(EditorConfig("shared_state.report_double_checked_locking = " + value));
        if (reported)
        {
            test = test.ExpectDiagnostic(DiagnosticResult.Create("SSA009").WithLocation(0));
        }

        await test.ValidateAsync();
    }

    [Fact]
    public async Task MalformedSwitch_IsReportedOnce_AndTheDefaultApplies()
    {
        await AnalyzerTest.Create<ConfigurationAnalyzer>()
            .WithAnalyzer<UnsynchronizedInitializationAnalyzer>()
            .WithSource("Registry.cs", SharedShapes.DoubleCheckedRegistry.Replace("{|#0:", "").Replace("|};", ";"))
            .WithSource("Other.cs", "namespace Shop { public sealed class Other { } }")
            .WithEditorConfig(EditorConfig("shared_state.report_double_checked_locking = yes"))
            .ExpectDiagnostic(InvalidOption("shared_state.report_double_checked_locking", "'yes' is not true or false"))
            .ValidateAsync();
    }

    // The app's own registration helpers: a package's or a shared library's methods the registration scan cannot
    // read, named in .editorconfig with the lifetime they register with.
    private const string HelperRegistrations = """
        using System;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.DependencyInjection.Extensions;

        namespace Shop.Hosting
        {
            public static class ContainerHelpers
            {
                // Registers through a descriptor: nothing the scan reads as AddSingleton.
                public static IServiceCollection ReplaceSingleton<TService, TImpl>(this IServiceCollection services)
                    where TService : class where TImpl : class, TService
                    => services.Replace(new ServiceDescriptor(typeof(TService), typeof(TImpl), ServiceLifetime.Singleton));

                public static IServiceCollection RegisterPerRequest(this IServiceCollection services, Type type)
                    => services.Replace(new ServiceDescriptor(type, type, ServiceLifetime.Scoped));
            }
        }

        namespace Shop
        {
            using Shop.Hosting;

            public sealed class CartStore { }
            public interface INotifier { }
            public sealed class Notifier : INotifier
            {
                public Notifier(CartStore carts) { }
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.{|#1:RegisterPerRequest(typeof(CartStore))|};
                    services.{|#0:ReplaceSingleton<INotifier, Notifier>()|};
                    // ReplaceSingleton<INotifier, Notifier>() in a comment registers nothing; nor does "ReplaceSingleton".
                }
            }
        }
        """;

    private static string WithoutMarkup(string source)
        => source.Replace("{|#0:", "").Replace("{|#1:", "").Replace(")|};", ");");

    private const string CaptiveNotifier = "Singleton 'Notifier' depends on scoped 'CartStore': the instance made for one scope is kept for the life of the process and shared by every request";

    [Fact]
    public async Task RegistrationMethods_MakeTheAppsHelpersRegister_SSA006()
    {
        // Without the options the helpers' calls register nothing the rules can see.
        await AnalyzerTest.Create<CaptiveDependencyAnalyzer>()
            .WithReferences(References.DependencyInjection)
            .WithSource(WithoutMarkup(HelperRegistrations))
            .ValidateAsync();

        await AnalyzerTest.Create<CaptiveDependencyAnalyzer>()
            .WithAnalyzer<ConfigurationAnalyzer>()
            .WithReferences(References.DependencyInjection)
            .WithSource(HelperRegistrations)
            .WithEditorConfig(EditorConfig("shared_state.singleton_registration_methods = ReplaceSingleton, AddSingletonAs\nshared_state.scoped_registration_methods = RegisterPerRequest"))
            .ExpectDiagnostic(DiagnosticResult.Create("SSA006").WithLocation(0).WithAdditionalLocation(1).WithMessage(CaptiveNotifier))
            .ValidateAsync();
    }

    [Theory]
    [InlineData("shared_state.singleton_registration_methods = ReplaceSingleton\nshared_state.transient_registration_methods = RegisterPerRequest")]
    [InlineData("shared_state.singleton_registration_methods = ReplaceSingleton\nshared_state.scoped_registration_methods = RegisterPerRequest\nshared_state.singleton_registration_methods = RegisterPerRequest")]
    [InlineData("shared_state.scoped_registration_methods = RegisterPerRequest, ReplaceSingleton\nshared_state.singleton_registration_methods = ReplaceSingleton")]
    [InlineData("shared_state.singleton_registration_methods = ReplaceSingleton\nshared_state.scoped_registration_methods = AddScoped")]
    public async Task RegistrationMethods_OtherLifetimesContradictionsAndBuiltInNames_RegisterNoCaptive(string options)
    {
        // A transient helper makes no scoped dependency; a name listed under two lifetimes (in one section or in
        // two) registers nothing; the container's own names cannot be redefined.
        await AnalyzerTest.Create<CaptiveDependencyAnalyzer>()
            .WithAnalyzer<ConfigurationAnalyzer>()
            .WithReferences(References.DependencyInjection)
            .WithSource(WithoutMarkup(HelperRegistrations))
            .WithEditorConfig(EditorConfig(options))
            .ValidateAsync();
    }

    [Fact]
    public async Task RegistrationMethods_HelperWithoutTypeArguments_RegistersNothing()
    {
        await AnalyzerTest.Create<CaptiveDependencyAnalyzer>()
            .WithReferences(References.DependencyInjection)
            .WithSource(WithoutMarkup(HelperRegistrations).Replace("services.ReplaceSingleton<INotifier, Notifier>();", "services.ReplaceSingleton();")
                .Replace("public static IServiceCollection RegisterPerRequest", "public static IServiceCollection ReplaceSingleton(this IServiceCollection services) => services;\n\n                public static IServiceCollection RegisterPerRequest"))
            .WithEditorConfig(EditorConfig("shared_state.singleton_registration_methods = ReplaceSingleton\nshared_state.scoped_registration_methods = RegisterPerRequest"))
            .ValidateAsync();
    }

    [Fact]
    public async Task MalformedRegistrationMethods_AreReportedOnce_AndTheDefaultApplies()
    {
        await AnalyzerTest.Create<ConfigurationAnalyzer>()
            .WithAnalyzer<CaptiveDependencyAnalyzer>()
            .WithReferences(References.DependencyInjection)
            .WithSource(WithoutMarkup(HelperRegistrations))
            .WithEditorConfig(EditorConfig("shared_state.singleton_registration_methods = Shop.Hosting.ReplaceSingleton\nshared_state.scoped_registration_methods = RegisterPerRequest"))
            .ExpectDiagnostic(InvalidOption("shared_state.singleton_registration_methods", "'Shop.Hosting.ReplaceSingleton' is not a method name such as AddSingletonAs"))
            .ValidateAsync();
    }

    [Fact]
    public async Task RegistrationMethods_MakeTheHelpersSingletonsProcessLifetime_SSA009()
    {
        // A shared library's helper that registers through a ServiceDescriptor: without the option the table is an
        // ordinary class, with it a singleton whose lazy reader two requests can both build.
        const string source = """
            using System;
            using System.IO;
            using System.Threading.Tasks;
            using Microsoft.Extensions.DependencyInjection;
            using Microsoft.Extensions.DependencyInjection.Extensions;

            namespace Shop;

            public interface IRateTable { Task<string?> FindAsync(string code); }

            public sealed class RateReader : IDisposable
            {
                public RateReader(Stream stream) { }
                public string? Find(string code) => code;
                public void Dispose() { }
            }

            public sealed class FileRateTable : IRateTable
            {
                private RateReader? _reader;

                public async Task<string?> FindAsync(string code) => (await GetReaderAsync()).Find(code);

                private async Task<RateReader> GetReaderAsync()
                {
                    if (_reader is not null)
                    {
                        return _reader;
                    }

                    await Task.Yield();
                    _reader = new RateReader(File.OpenRead("rates.db"));
                    return _reader;
                }
            }

            public static class ContainerHelpers
            {
                public static IServiceCollection SwapSingleton<TService, TImpl>(this IServiceCollection services)
                    => services.Replace(new ServiceDescriptor(typeof(TService), typeof(TImpl), ServiceLifetime.Singleton));
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services) => services.SwapSingleton<IRateTable, FileRateTable>();
            }
            """;

        await AnalyzerTest.Create<UnsynchronizedInitializationAnalyzer>()
            .WithReferences(References.DependencyInjection)
            .WithSource(source)
            .ValidateAsync();

        await AnalyzerTest.Create<UnsynchronizedInitializationAnalyzer>()
            .WithReferences(References.DependencyInjection)
            .WithSource(source)
            .WithEditorConfig(EditorConfig("shared_state.singleton_registration_methods = SwapSingleton"))
            .ExpectDiagnostic(DiagnosticResult.Create("SSA009").WithLocation("Test0.cs", 32, 9)
                .WithMessage("'_reader' is checked and then assigned without synchronization: two threads can both see it unset and each build its own instance"))
            .ValidateAsync();
    }

    [Fact]
    public async Task RegistrationMethods_ScopedHelpersTypesAreRequestScoped_SSA007()
    {
        const string registration = """

            namespace Shop.Hosting
            {
                public static class ContainerHelpers
                {
                    public static Microsoft.Extensions.DependencyInjection.IServiceCollection AddPerRequest<T>(this Microsoft.Extensions.DependencyInjection.IServiceCollection services)
                        => services;
                }

                public static class Startup
                {
                    public static void Configure(Microsoft.Extensions.DependencyInjection.IServiceCollection services)
                        => services.AddPerRequest<Shop.Tenancy.TenantContext>();
                }
            }
            """;

        await AnalyzerTest.Create<StaticRequestDataAnalyzer>()
            .WithReferences(References.DependencyInjection)
            .WithSource(TenantHolder.Replace("{|#0:s_tenant|}", "s_tenant").Replace("{|#1:s_tenantId|}", "s_tenantId") + registration)
            .ValidateAsync();

        await AnalyzerTest.Create<StaticRequestDataAnalyzer>()
            .WithReferences(References.DependencyInjection)
            .WithSource(TenantHolder + registration)
            .WithEditorConfig(EditorConfig("shared_state.scoped_registration_methods = AddPerRequest"))
            .ExpectDiagnostic(DiagnosticResult.Create("SSA007").WithLocation(0)
                .WithMessage("Static 's_tenant' holds a request-scoped TenantContext: one user's data answers another user's request"))
            .ExpectDiagnostic(DiagnosticResult.Create("SSA007").WithLocation(1)
                .WithMessage("Static 's_tenantId' holds request data (Id): one user's data answers another user's request"))
            .ValidateAsync();
    }
}
