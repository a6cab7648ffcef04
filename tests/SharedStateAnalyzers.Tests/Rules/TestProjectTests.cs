using SharedStateAnalyzers.Rules;
using SharedStateAnalyzers.Tests.Verification;

namespace SharedStateAnalyzers.Tests.Rules;

/// <summary>
/// A test project (one that references a test framework) is left alone by every rule: its fakes and hosts share state
/// between tests on purpose. The same sources outside a test project are reported.
/// </summary>
public sealed class TestProjectTests
{
    private const string Source = """
        using System.Collections.Generic;
        using System.Threading.Tasks;

        namespace Shop.Tests;

        // A fake queue the tests share: a static table changed without a lock, and written by instance members.
        public sealed class InMemoryQueue
        {
            private static readonly Dictionary<string, string> s_messages = new();
            private static InMemoryQueue? s_instance;

            public static InMemoryQueue Instance => s_instance ??= new InMemoryQueue();

            public void Send(string id, string body) => s_messages[id] = body;

            public Task<bool> ContainsAsync(string id) => Task.FromResult(s_messages.ContainsKey(id));
        }

        public sealed class DatabaseTestHost
        {
            private static bool s_installed;

            public void InitializeDatabase()
            {
                if (!s_installed)
                {
                    s_installed = true;
                }
            }
        }
        """;

    public static TheoryData<string> Analyzers() => new()
    {
        nameof(UnsynchronizedCollectionAnalyzer),
        nameof(InstanceMutatesStaticAnalyzer),
    };

    [Theory]
    [MemberData(nameof(Analyzers))]
    public async Task OutsideATestProject_TheFakesAreReported(string analyzer)
    {
        var result = await Create(analyzer).WithReferences(References.Net).WithSource(Source).AllowUnexpectedDiagnostics().ValidateAsync();

        Assert.NotEmpty(result.AnalyzerDiagnostics);
    }

    [Theory]
    [MemberData(nameof(Analyzers))]
    public async Task InATestProject_NothingIsReported(string analyzer)
    {
        await Create(analyzer).WithReferences(References.TestFramework).WithSource(Source).ValidateAsync();
    }

    private static AnalyzerTest Create(string analyzer) => analyzer switch
    {
        nameof(UnsynchronizedCollectionAnalyzer) => AnalyzerTest.Create<UnsynchronizedCollectionAnalyzer>(),
        nameof(InstanceMutatesStaticAnalyzer) => AnalyzerTest.Create<InstanceMutatesStaticAnalyzer>(),
        _ => throw new ArgumentOutOfRangeException(nameof(analyzer)),
    };
}
