using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using SharedStateAnalyzers.CodeFixes;
using SharedStateAnalyzers.Rules;
using SharedStateAnalyzers.Tests.Verification;

namespace SharedStateAnalyzers.Tests.Behaviour;

/// <summary>
/// SSA006 against the container's own scope validation, on a copy of the sample's <c>CarrierStatusReport</c> and its
/// registrations (samples/CrawlerConfig). The store it captures is a stand-in with the sample's surface (the real one
/// reads SQLite through EF Core); it counts the instances made. Built with <c>ValidateScopes</c> and
/// <c>ValidateOnBuild</c>, the unfixed registrations fail at run time for exactly the pair the analyzer reports (the
/// constructor form when the provider is built, the sample's factory form only when the singleton is resolved: build-time
/// validation does not look into factories); each fix's exact output builds, resolves and runs.
/// </summary>
public sealed class CaptiveDependencyBehaviourTests
{
    private const string ExpectedMessage = "Singleton 'CarrierStatusReport' depends on scoped 'CarrierConfigStore': the instance made for one scope is kept for the life of the process and shared by every request";

    /// <summary>samples/CrawlerConfig/CarrierStatusReport.cs, as is (plus the usings the sample's implicit ones supply).</summary>
    private const string Report = """
        using System.Threading.Tasks;

        namespace CrawlerConfig;

        public sealed class CarrierStatusReport
        {
            private readonly CarrierConfigStore _store;

            public CarrierStatusReport(CarrierConfigStore store)
            {
                _store = store;
            }

            public async Task<string> DescribeAsync()
            {
                var enabled = await _store.CountEnabledAsync();
                return $"{enabled} crawlers enabled";
            }
        }
        """;

    /// <summary>The sample's store, with its table replaced by a constant; counts how many stores the container makes.</summary>
    private const string Store = """
        using System.Threading;
        using System.Threading.Tasks;

        namespace CrawlerConfig;

        public sealed class CarrierConfigStore
        {
            public static int Created;

            public CarrierConfigStore()
            {
                Interlocked.Increment(ref Created);
            }

            public Task<int> CountEnabledAsync() => Task.FromResult(3);
        }
        """;

    /// <summary>The two registration lines of samples/CrawlerConfig/CrawlerApp.cs.</summary>
    private const string SampleRegistrations = """
        using Microsoft.Extensions.DependencyInjection;

        namespace CrawlerConfig;

        public static class Registrations
        {
            public static void Configure(IServiceCollection services)
            {
                services.AddScoped<CarrierConfigStore>();
                services.{|#0:AddSingleton(sp => new CarrierStatusReport(sp.GetRequiredService<CarrierConfigStore>()))|};
            }
        }
        """;

    /// <summary>The same registration in the constructor form (<c>AddSingleton&lt;T&gt;()</c>).</summary>
    private const string ConstructorRegistrations = """
        using Microsoft.Extensions.DependencyInjection;

        namespace CrawlerConfig;

        public static class Registrations
        {
            public static void Configure(IServiceCollection services)
            {
                services.AddScoped<CarrierConfigStore>();
                services.{|#0:AddSingleton<CarrierStatusReport>()|};
            }
        }
        """;

    private static string Plain(string markup) => markup.Replace("{|#0:", "").Replace("|}", "");

    private static AnalyzerTest Analyze(string registrations)
        => AnalyzerTest.Create<CaptiveDependencyAnalyzer>()
            .WithCodeFix<CaptiveDependencyFixer>()
            .WithReferences(References.DependencyInjection)
            .WithSource("Registrations.cs", registrations)
            .WithSource("CarrierStatusReport.cs", Report)
            .WithSource("CarrierConfigStore.cs", Store)
            .ExpectDiagnostic(DiagnosticResult.Create("SSA006").WithLocation(0).WithMessage(ExpectedMessage));

    /// <summary>Compiles the sources, registers them and builds the provider the way Development hosts do.</summary>
    private static (ServiceProvider Provider, Assembly Assembly) Build(params string[] sources)
    {
        var assembly = TestCompiler.CompileAndLoad(sources, References.DependencyInjection);
        var services = new ServiceCollection();
        assembly.GetType("CrawlerConfig.Registrations", throwOnError: true)!.GetMethod("Configure")!.Invoke(null, [services]);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        return (provider, assembly);
    }

    private static Type ReportType(Assembly assembly) => assembly.GetType("CrawlerConfig.CarrierStatusReport", throwOnError: true)!;

    private static int StoresCreated(Assembly assembly)
        => (int)assembly.GetType("CrawlerConfig.CarrierConfigStore", throwOnError: true)!.GetField("Created")!.GetValue(null)!;

    private static Task<string> DescribeAsync(object report)
        => (Task<string>)report.GetType().GetMethod("DescribeAsync")!.Invoke(report, [])!;

    [Fact]
    public async Task ConstructorForm_Unfixed_ValidateOnBuildRejectsTheReportedPair()
    {
        await Analyze(ConstructorRegistrations).ValidateAsync();

        var error = Assert.Throws<AggregateException>(() => Build(Plain(ConstructorRegistrations), Report, Store));
        var inner = Assert.IsType<InvalidOperationException>(Assert.Single(error.InnerExceptions));
        Assert.Contains("Cannot consume scoped service 'CrawlerConfig.CarrierConfigStore' from singleton 'CrawlerConfig.CarrierStatusReport'", inner.Message);
    }

    [Fact]
    public async Task SampleFactoryForm_Unfixed_BuildPasses_ResolvingFails()
    {
        await Analyze(SampleRegistrations).ValidateAsync();

        // ValidateOnBuild does not look into the factory: the host starts, and fails at the first resolution.
        var (provider, assembly) = Build(Plain(SampleRegistrations), Report, Store);
        using (provider)
        {
            var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService(ReportType(assembly)));
            Assert.Contains("Cannot resolve scoped service 'CrawlerConfig.CarrierConfigStore' from root provider", error.Message);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RegisterAsScoped_Fixed_BuildsAndRunsInAScope(bool sampleForm)
    {
        var registrations = sampleForm ? SampleRegistrations : ConstructorRegistrations;
        var fixedRegistrations = Plain(registrations).Replace("AddSingleton", "AddScoped");
        var result = await Analyze(registrations)
            .WithCodeFixEquivalenceKey(CaptiveDependencyFixer.RegisterAsScopedKey)
            .ShouldFixCodeWith("Registrations.cs", fixedRegistrations)
            .WithFixAllScopes()
            .ValidateAsync();

        var (provider, assembly) = Build(result.FixedSources["Registrations.cs"], result.FixedSources["CarrierStatusReport.cs"], result.FixedSources["CarrierConfigStore.cs"]);
        using (provider)
        {
            using var scope = provider.CreateScope();
            var report = scope.ServiceProvider.GetRequiredService(ReportType(assembly));
            Assert.Equal("3 crawlers enabled", await DescribeAsync(report));
        }
    }

    [Fact]
    public async Task InjectScopeFactory_Fixed_BuildsAndEachCallGetsItsOwnStore()
    {
        var result = await Analyze(ConstructorRegistrations)
            .WithCodeFixEquivalenceKey(CaptiveDependencyFixer.InjectScopeFactoryKey)
            .ShouldFixCodeWith("Registrations.cs", Plain(ConstructorRegistrations))
            .ShouldFixCodeWith("CarrierStatusReport.cs", """
                using System.Threading.Tasks;
                using Microsoft.Extensions.DependencyInjection;

                namespace CrawlerConfig;

                public sealed class CarrierStatusReport
                {
                    private readonly IServiceScopeFactory _scopeFactory;

                    public CarrierStatusReport(IServiceScopeFactory scopeFactory)
                    {
                        _scopeFactory = scopeFactory;
                    }

                    public async Task<string> DescribeAsync()
                    {
                        using var scope = _scopeFactory.CreateScope();
                        var store = scope.ServiceProvider.GetRequiredService<CarrierConfigStore>();
                        var enabled = await store.CountEnabledAsync();
                        return $"{enabled} crawlers enabled";
                    }
                }
                """)
            .WithFixAllScopes()
            .ValidateAsync();

        var (provider, assembly) = Build(result.FixedSources["Registrations.cs"], result.FixedSources["CarrierStatusReport.cs"], result.FixedSources["CarrierConfigStore.cs"]);
        using (provider)
        {
            var report = provider.GetRequiredService(ReportType(assembly));
            Assert.Same(report, provider.GetRequiredService(ReportType(assembly)));
            Assert.Equal("3 crawlers enabled", await DescribeAsync(report));
            Assert.Equal("3 crawlers enabled", await DescribeAsync(report));
            Assert.Equal(2, StoresCreated(assembly));
        }
    }
}
