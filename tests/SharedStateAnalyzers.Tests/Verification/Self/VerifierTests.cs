using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;

namespace SharedStateAnalyzers.Tests.Verification.Self;

/// <summary>The verifier passes what is right and fails, readably, on each kind of wrong result.</summary>
public sealed class VerifierTests
{
    private const string Source = """
        public class Holder
        {
            private int [|cacheSize|];
            private int other;

            public int Sum() => cacheSize + other;
        }
        """;

    private const string Fixed = """
        public class Holder
        {
            private int storeSize;
            private int other;

            public int Sum() => cacheSize + other;
        }
        """;

    private static AnalyzerTest Test() => AnalyzerTest.Create<CacheFieldAnalyzer>();

    private static async Task<string> FailureOf(AnalyzerTest test)
        => (await Assert.ThrowsAsync<VerificationException>(() => test.ValidateAsync())).Message;

    // ------------------------------------------------------------ diagnostics

    [Fact]
    public async Task Passes_WhenTheMarkedDiagnosticIsReported()
    {
        var result = await Test().WithSource("class C { int [|cacheA|]; int b; }").ValidateAsync();

        var diagnostic = Assert.Single(result.AnalyzerDiagnostics);
        Assert.Equal("TST001", diagnostic.Id);
    }

    [Fact]
    public async Task Fails_OnAMissedDiagnostic()
    {
        var message = await FailureOf(Test().WithSource("class C { int cacheA; int [|b|]; }"));

        Assert.Contains("Expected but not reported:", message);
        Assert.Contains("TST001 Test0.cs(1,27): (any message)", message);
        Assert.Contains("Reported but not expected:", message);
        Assert.Contains("TST001 Test0.cs(1,15): Field 'cacheA' is a cache", message);
    }

    [Fact]
    public async Task Fails_OnAnExtraDiagnostic_AndUnderlinesIt()
    {
        var message = await FailureOf(Test().WithSource("class C { int [|cacheA|]; int cacheB; }"));

        Assert.DoesNotContain("Expected but not reported:", message);
        Assert.Contains("Reported but not expected:", message);
        Assert.Contains("TST001 Test0.cs(1,27): Field 'cacheB' is a cache", message);
        Assert.Contains(
            "      class C { int cacheA; int cacheB; }" + Environment.NewLine + new string(' ', 6 + 26) + "^^^^^^" + Environment.NewLine,
            message);
    }

    [Fact]
    public async Task Fails_OnAWrongSpan()
    {
        var message = await FailureOf(Test().WithSource("class C { int [|cacheA;|] }"));

        Assert.Contains("Expected but not reported:", message);
        Assert.Contains("Reported but not expected:", message);
    }

    [Fact]
    public async Task Fails_OnAWrongId()
    {
        var message = await FailureOf(Test().WithSource("class C { int {|TST999:cacheA|}; }"));

        Assert.Contains("TST999 Test0.cs(1,15)", message);
        Assert.Contains("Reported but not expected:", message);
    }

    [Fact]
    public async Task ChecksTheMessage_AgainstTextOrDescriptorArguments()
    {
        const string source = "class C { int {|#0:cacheA|}; }";
        await Test().WithSource(source)
            .ExpectDiagnostic(DiagnosticResult.Create("TST001").WithLocation(0).WithMessage("Field 'cacheA' is a cache"))
            .ValidateAsync();
        await Test().WithSource(source)
            .ExpectDiagnostic(DiagnosticResult.Create("TST001").WithLocation(0).WithArguments("cacheA"))
            .ValidateAsync();

        var message = await FailureOf(Test().WithSource(source)
            .ExpectDiagnostic(DiagnosticResult.Create("TST001").WithLocation(0).WithMessage("Field 'cacheB' is a cache")));
        Assert.Contains("TST001 Test0.cs(1,15): Field 'cacheB' is a cache", message);
    }

    [Fact]
    public async Task ChecksLineAndColumnPositions()
    {
        await Test().WithSource("class C\n{\n    int cacheA;\n}")
            .ExpectDiagnostic(DiagnosticResult.Create("TST001").WithLocation("Test0.cs", 3, 9))
            .ValidateAsync();

        await FailureOf(Test().WithSource("class C\n{\n    int cacheA;\n}")
            .ExpectDiagnostic(DiagnosticResult.Create("TST001").WithLocation("Test0.cs", 3, 8)));
    }

    [Fact]
    public async Task MatchesMarkupAcrossSeveralDocuments()
    {
        await Test()
            .WithSource("A.cs", "class A { int [|cacheA|]; }")
            .WithSource("B.cs", "class B { int [|cacheB|]; }")
            .ValidateAsync();

        var message = await FailureOf(Test()
            .WithSource("A.cs", "class A { int [|cacheA|]; }")
            .WithSource("B.cs", "class B { int cacheB; }"));
        Assert.Contains("TST001 B.cs(1,15): Field 'cacheB' is a cache", message);
    }

    [Fact]
    public async Task AllowUnexpectedDiagnostics_StillFailsOnAMissedOne()
    {
        await Test().WithSource("class C { int cacheA; }").AllowUnexpectedDiagnostics().ValidateAsync();

        var message = await FailureOf(Test().WithSource("class C { int cacheA; int [|b|]; }").AllowUnexpectedDiagnostics());
        Assert.Contains("Expected but not reported:", message);
        Assert.DoesNotContain("Reported but not expected:", message);
    }

    [Fact]
    public async Task Fails_WhenTheAnalyzerThrows()
    {
        var message = await FailureOf(AnalyzerTest.Create<ThrowingAnalyzer>().WithSource("class C { int a; }"));

        Assert.Contains("An analyzer threw", message);
        Assert.Contains("analyzer bug", message);
    }

    [Fact]
    public async Task Fails_WhenTheSourcesDoNotCompile_UnlessAllowed()
    {
        var message = await FailureOf(Test().WithSource("class C { int [|cacheA|]; Missing m; }"));
        Assert.Contains("do not compile", message);
        Assert.Contains("CS0246", message);

        await Test().WithSource("class C { int [|cacheA|]; Missing m; }").AllowCompilerErrors().ValidateAsync();
    }

    [Fact]
    public async Task EditorConfig_ReachesTheAnalyzer_AndSetsSeverities()
    {
        await Test()
            .WithSource("class C { int cacheA; int [|memoB|]; }")
            .WithEditorConfig($"root = true\n\n[*.cs]\n{CacheFieldAnalyzer.PrefixOption} = memo\n")
            .ValidateAsync();

        await Test()
            .WithSource("class C { int cacheA; }")
            .WithEditorConfig("root = true\n\n[*.cs]\ndotnet_diagnostic.TST001.severity = none\n")
            .ValidateAsync();
    }

    [Fact]
    public void Markup_IsParsedWithNestingAndReportsUnbalancedMarkers()
    {
        var parsed = MarkedSource.Parse("a {|#0:b [|c|]|} {|X1:d|}");

        Assert.Equal("a b c d", parsed.Text);
        Assert.Collection(
            parsed.Spans,
            s => Assert.Equal((2, 3, (int?)0, (string?)null), (s.Span.Start, s.Span.Length, s.LocationKey, s.DiagnosticId)),
            s => Assert.Equal((4, 1, (int?)null, (string?)null), (s.Span.Start, s.Span.Length, s.LocationKey, s.DiagnosticId)),
            s => Assert.Equal((6, 1, (int?)null, (string?)"X1"), (s.Span.Start, s.Span.Length, s.LocationKey, s.DiagnosticId)));
        Assert.Throws<FormatException>(() => MarkedSource.Parse("a [|b"));
        Assert.Throws<FormatException>(() => MarkedSource.Parse("a |] b"));
        Assert.Throws<FormatException>(() => MarkedSource.Parse("a [|b|}"));
    }

    // ------------------------------------------------------------ fixes

    private static AnalyzerTest FixTest<TFix>()
        where TFix : CodeFixProvider, new()
        => Test().WithCodeFix<TFix>();

    private const string Compiling = """
        public class Holder
        {
            private int [|cacheSize|];

            public int Size() => 1;
        }
        """;

    [Fact]
    public async Task AppliesTheFirstAction_OrTheOneWithTheKey_AndFixAllInEveryScope()
    {
        var result = await FixTest<RenameFieldFixer>()
            .WithSource(Compiling)
            .ShouldFixCodeWith(Compiling.Replace("[|cacheSize|]", "storeSize"))
            .ValidateAsync();
        Assert.Contains("storeSize", result.FixedSources["Test0.cs"]);

        await FixTest<RenameFieldFixer>()
            .WithCodeFixEquivalenceKey(RenameFieldFixer.MemoKey)
            .WithSource(Compiling)
            .ShouldFixCodeWith(Compiling.Replace("[|cacheSize|]", "memoSize"))
            .ValidateAsync();
    }

    [Fact]
    public async Task FixAll_CoversEveryDocument()
    {
        await FixTest<RenameFieldFixer>()
            .WithSource("A.cs", "class A { int [|cacheA|]; int [|cacheB|]; }")
            .WithSource("B.cs", "class B { int [|cacheC|]; }")
            .ShouldFixCodeWith("A.cs", "class A { int storeA; int storeB; }")
            .ShouldFixCodeWith("B.cs", "class B { int storeC; }")
            .ValidateAsync();
    }

    [Fact]
    public async Task Fails_OnAWrongFixOutput_WithADiff()
    {
        var message = await FailureOf(FixTest<RenameFieldFixer>()
            .WithSource(Compiling)
            .ShouldFixCodeWith(Compiling.Replace("[|cacheSize|]", "memoSize")));

        Assert.Contains("Test0.cs after applying each fix differs from the expected text", message);
        Assert.Contains("-    3 |     private int memoSize;", message);
        Assert.Contains("+    3 |     private int storeSize;", message);
    }

    [Fact]
    public async Task Fails_OnAWrongBatchFixOutput()
    {
        var message = await FailureOf(FixTest<RenameFieldFixer>()
            .WithSource(Compiling)
            .ShouldFixCodeWith(Compiling.Replace("[|cacheSize|]", "storeSize"))
            .ShouldBatchFixCodeWith(Compiling.Replace("[|cacheSize|]", "memoSize")));

        Assert.Contains("after Fix All in Document scope differs", message);
    }

    [Fact]
    public async Task Fails_WhenTheFixedCodeDoesNotCompile()
    {
        var message = await FailureOf(FixTest<BreakingFixer>()
            .WithSource(Compiling)
            .ShouldFixCodeWith(Compiling.Replace("int [|cacheSize|]", "MissingType storeSize"))
            .WithFixAllScopes());

        Assert.Contains("does not compile; new errors", message);
        Assert.Contains("CS0246", message);
    }

    [Fact]
    public async Task Fails_WhenTheDiagnosticRemainsAfterTheFix()
    {
        // The fix changes nothing, so TST001 is still reported and offered the same fix again.
        var message = await FailureOf(FixTest<NoOpFixer>()
            .WithSource(Compiling)
            .ShouldFixCodeWith(Compiling));

        Assert.Contains("the fixes loop", message);
    }

    [Fact]
    public async Task Fails_WhenFixAllIsRequestedButTheFixerHasNone()
    {
        var message = await FailureOf(FixTest<RenameWithoutFixAllFixer>()
            .WithSource(Compiling)
            .ShouldFixCodeWith(Compiling.Replace("[|cacheSize|]", "storeSize")));
        Assert.Contains("has no FixAllProvider", message);

        await FixTest<RenameWithoutFixAllFixer>()
            .WithSource(Compiling)
            .ShouldFixCodeWith(Compiling.Replace("[|cacheSize|]", "storeSize"))
            .WithFixAllScopes()
            .ValidateAsync();
    }

    [Fact]
    public async Task Fails_WhenAFixIsExpectedButNoneIsOffered()
    {
        var message = await FailureOf(FixTest<RenameFieldFixer>()
            .WithCodeFixEquivalenceKey("Other.Key")
            .WithSource(Compiling)
            .ShouldFixCodeWith(Compiling.Replace("[|cacheSize|]", "storeSize")));

        Assert.Contains("Expected a fix 'Other.Key', but no diagnostic offers one", message);
    }

    [Fact]
    public async Task ShouldNotOfferFix_FailsWhenAFixIsOffered()
    {
        var message = await FailureOf(FixTest<RenameFieldFixer>().WithSource(Compiling).ShouldNotOfferFix());
        Assert.Contains("Expected no fix, but TST001", message);
        Assert.Contains("'Rename to store…' (Rename.Store)", message);

        await FixTest<RenameFieldFixer>().WithCodeFixEquivalenceKey("Other.Key").WithSource(Compiling).ShouldNotOfferFix().ValidateAsync();
    }

    [Fact]
    public async Task FixedMarkup_NamesTheDiagnosticsThatRemain()
    {
        // memo… fields are reported too but get no fix: the renamed field keeps a diagnostic.
        const string editorConfig = "root = true\n\n[*.cs]\ntst_cache_prefix = cache,memo\n";
        await FixTest<RenameFieldFixer>()
            .WithCodeFixEquivalenceKey(RenameFieldFixer.MemoKey)
            .WithSource("class C { int [|cacheA|]; }")
            .WithEditorConfig(editorConfig)
            .ShouldFixCodeWith("class C { int [|memoA|]; }")
            .ValidateAsync();

        // A fixed state without markup expects no diagnostic: a fix that leaves one behind fails.
        var message = await FailureOf(FixTest<RenameFieldFixer>()
            .WithCodeFixEquivalenceKey(RenameFieldFixer.MemoKey)
            .WithSource("class C { int [|cacheA|]; }")
            .WithEditorConfig(editorConfig)
            .ShouldFixCodeWith("class C { int memoA; }"));
        Assert.Contains("Diagnostics on the code after applying each fix differ", message);
    }

    // ------------------------------------------------------------ compiling and running

    [Fact]
    public void TestCompiler_LoadsRunnableCode_AndReportsErrors()
    {
        var assembly = TestCompiler.CompileAndLoad(["public static class Answer { public static int Get() => 6 * 7; }"]);
        Assert.Equal(42, assembly.GetType("Answer")!.GetMethod("Get")!.Invoke(null, null));

        var error = Assert.Throws<VerificationException>(() => TestCompiler.CompileAndLoad(["class Broken { Missing m; }"]));
        Assert.Contains("CS0246", error.Message);
    }

    [Fact]
    public async Task References_AreChosenPerTest()
    {
        const string usesMemoryCache = "using Microsoft.Extensions.Caching.Memory; class C { IMemoryCache? [|cacheA|]; }";
        await Test().WithSource(usesMemoryCache).WithReferences(References.MemoryCache).ValidateAsync();

        var message = await FailureOf(Test().WithSource(usesMemoryCache));
        Assert.Contains("CS0246", message);
    }
}
