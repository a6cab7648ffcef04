using Microsoft.CodeAnalysis.CodeFixes;
using SharedStateAnalyzers.CodeFixes;
using SharedStateAnalyzers.Rules;
using SharedStateAnalyzers.Tests.Verification;

namespace SharedStateAnalyzers.Tests.Rules;

/// <summary>SSA003's fix: exact output, Fix All, where it is not offered. The verifier compiles every fixed output.</summary>
public sealed class InstanceMutatesStaticFixerTests
{
    private static AnalyzerTest Test()
        => AnalyzerTest.Create<InstanceMutatesStaticAnalyzer>().WithCodeFix<InstanceMutatesStaticFixer>().WithReferences(References.Net);

    [Fact]
    public async Task Seed_TheCacheBecomesTheRemixersOwn()
    {
        await Test()
            .WithSource("""
                using System.Collections.Generic;

                public class PatternRemixer
                {
                    // Rendered samples by key.
                    private static Dictionary<string, string> _samplecache = new();
                    private readonly string _pattern;

                    public PatternRemixer(string pattern) => _pattern = pattern;

                    public string Remix(string[] song)
                    {
                        foreach (var key in song)
                        {
                            if (!_samplecache.ContainsKey(key))
                            {
                                [|_samplecache[key]|] = _pattern + key;
                            }
                        }

                        return string.Concat(_samplecache.Values);
                    }

                    public void ResetCache() => [|PatternRemixer._samplecache|] = new();
                }
                """)
            .ShouldFixCodeWith("""
                using System.Collections.Generic;

                public class PatternRemixer
                {
                    // Rendered samples by key.
                    private Dictionary<string, string> _samplecache = new();
                    private readonly string _pattern;

                    public PatternRemixer(string pattern) => _pattern = pattern;

                    public string Remix(string[] song)
                    {
                        foreach (var key in song)
                        {
                            if (!_samplecache.ContainsKey(key))
                            {
                                _samplecache[key] = _pattern + key;
                            }
                        }

                        return string.Concat(_samplecache.Values);
                    }

                    public void ResetCache() => _samplecache = new();
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task StaticPrefix_BecomesAnInstancePrefix_ReadOnlyStays_AutoPropertyToo()
    {
        await Test()
            .WithSource("""
                using System.Collections.Generic;

                public sealed class History
                {
                    private static readonly List<string> s_entries = new();

                    private static string? Current { get; set; }

                    public void Push(string entry)
                    {
                        [|s_entries.Add|](entry);
                        [|Current|] = entry;
                    }

                    public int Count => s_entries.Count;
                }
                """)
            .ShouldFixCodeWith("""
                using System.Collections.Generic;

                public sealed class History
                {
                    private readonly List<string> _entries = new();

                    private string? Current { get; set; }

                    public void Push(string entry)
                    {
                        _entries.Add(entry);
                        Current = entry;
                    }

                    public int Count => _entries.Count;
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task FixAll_InADocumentAndAProject()
    {
        const string first = """
            public sealed class Meter
            {
                private static int s_reading;
                private static double s_scale = 1;

                public void Record(int value)
                {
                    [|s_reading|] = value;
                    [|s_scale|] *= 1.5;
                }

                public double Scaled => s_reading * s_scale;
            }
            """;
        const string second = """
            using System.Collections.Generic;

            public sealed class Tags
            {
                private static HashSet<string> _tags = new();

                public void Tag(string tag) => [|_tags.Add|](tag);

                public void Reset() => [|_tags|] = new();
            }
            """;
        await Test()
            .WithSource("Meter.cs", first)
            .WithSource("Tags.cs", second)
            .WithFixAllScopes(FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution)
            .ShouldFixCodeWith("Meter.cs", """
                public sealed class Meter
                {
                    private int _reading;
                    private double _scale = 1;

                    public void Record(int value)
                    {
                        _reading = value;
                        _scale *= 1.5;
                    }

                    public double Scaled => _reading * _scale;
                }
                """)
            .ShouldFixCodeWith("Tags.cs", """
                using System.Collections.Generic;

                public sealed class Tags
                {
                    private HashSet<string> _tags = new();

                    public void Tag(string tag) => _tags.Add(tag);

                    public void Reset() => _tags = new();
                }
                """)
            .ValidateAsync();
    }

    [Fact]
    public async Task NoFix_WhenAStaticMemberUsesTheField()
    {
        await Test()
            .WithSource("""
                using System.Collections.Generic;

                public sealed class Audit
                {
                    private static readonly List<string> s_lines = new();

                    public void Log(string line) => [|s_lines.Add|](line);

                    public static int Count => s_lines.Count;
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task NoFix_ForANonPrivateField_UsedByADerivedType()
    {
        await Test()
            .WithSource("""
                public class Shape
                {
                    protected static int s_drawn;

                    public void Draw() => [|s_drawn|]++;
                }

                public sealed class Circle : Shape
                {
                    public void Redraw() => [|s_drawn|] = 0;
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task NoFix_WhenAStaticLambdaOrANestedTypeUsesTheField()
    {
        await Test()
            .WithSource("""
                using System;
                using System.Collections.Generic;

                public sealed class Jobs
                {
                    private static readonly List<string> s_done = new();
                    private static readonly List<string> s_failed = new();

                    public void Complete(string job)
                    {
                        [|s_done.Add|](job);
                        Func<int> count = static () => s_done.Count;
                    }

                    public void Fail(string job) => [|s_failed.Add|](job);

                    private sealed class Report
                    {
                        public int Failed => s_failed.Count;
                    }
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task NoFix_ForAnInstanceCounter_IncrementedInTheConstructor()
    {
        await Test()
            .WithSource("""
                public sealed class Connection
                {
                    private static int s_opened;
                    private readonly int _number;

                    public Connection()
                    {
                        [|s_opened|]++;
                        _number = s_opened;
                    }

                    public int Number => _number;
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task NoFix_WhenAnInitializerOrAConstructorInitializerReadsTheField()
    {
        // Instance initializers and base(...) arguments cannot read instance fields: the field must stay static.
        await Test()
            .WithSource("""
                public class Node
                {
                    public Node(int depth) => Depth = depth;

                    public int Depth { get; }
                }

                public sealed class Leaf : Node
                {
                    private static int s_depth;
                    private static int s_next;

                    public Leaf() : base(s_depth)
                    {
                    }

                    public int Id { get; } = s_next + 1;

                    public void Deeper() => [|s_depth|]++;

                    public void Skip() => [|s_next|] += 2;
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task NoFix_ForAFieldDeclaredInAnotherPartOfThePartialClass()
    {
        await Test()
            .WithSource("Part1.cs", """
                public sealed partial class Buffer
                {
                    private static int s_size;
                }
                """)
            .WithSource("Part2.cs", """
                public sealed partial class Buffer
                {
                    public void Resize(int size) => [|s_size|] = size;
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task NoFix_InAStruct()
    {
        await Test()
            .WithSource("""
                public struct Cursor
                {
                    private static int s_position;

                    public void Move(int by) => [|s_position|] += by;
                }
                """)
            .ShouldNotOfferFix()
            .ValidateAsync();
    }

    [Fact]
    public async Task FixIsOfferedFirst_SoDotnetFormatAppliesIt()
    {
        // No equivalence key: the verifier applies the first action offered, as dotnet format does.
        await Test()
            .WithSource("""
                public sealed class Wizard
                {
                    private static int s_step;

                    public void Next() => [|s_step|]++;

                    public int Step => s_step;
                }
                """)
            .ShouldFixCodeWith("""
                public sealed class Wizard
                {
                    private int _step;

                    public void Next() => _step++;

                    public int Step => _step;
                }
                """)
            .WithFixAllScopes(FixAllScope.Document)
            .ValidateAsync();
    }

    [Fact]
    public async Task WithTheEquivalenceKey_TheFixIsMakePerInstance()
    {
        await Test()
            .WithCodeFixEquivalenceKey(InstanceMutatesStaticFixer.MakePerInstanceKey)
            .WithSource("""
                public sealed class Wizard
                {
                    /* the current step */ private static int s_step;

                    public void Next() => [|s_step|]++;
                }
                """)
            .ShouldFixCodeWith("""
                public sealed class Wizard
                {
                    /* the current step */ private int _step;

                    public void Next() => _step++;
                }
                """)
            .ValidateAsync();
    }
}
