using System;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SharedStateAnalyzers.Model;

namespace SharedStateAnalyzers.Tests.Model;

/// <summary>The per-compilation map from a class to the source types deriving from it.</summary>
public sealed class DerivedTypesTests
{
    private static Compilation Compile(string source)
        => CSharpCompilation.Create("Derived", new[] { CSharpSyntaxTree.ParseText(source) }, new[] { MetadataReference.CreateFromFile(typeof(object).Assembly.Location) });

    [Fact]
    public void FindsDirectIndirectAndGenericDerivedTypes()
    {
        var compilation = Compile("""
            class Store { }
            class Cached : Store { }
            class Tiered : Cached { class Nested : Store { } }
            class Repository<T> { }
            class Users : Repository<int> { }
            class Alone { }
            """);
        string[] Names(string type) => SymbolFacts.SourceTypesDerivedFrom(compilation, compilation.GetTypeByMetadataName(type)!, CancellationToken.None)
            .Select(t => t.Name).OrderBy(n => n, StringComparer.Ordinal).ToArray();

        Assert.Equal(new[] { "Cached", "Nested", "Tiered" }, Names("Store"));
        Assert.Equal(new[] { "Tiered" }, Names("Cached"));
        Assert.Equal(new[] { "Users" }, Names("Repository`1"));
        Assert.Empty(Names("Alone"));
        Assert.True(SymbolFacts.HasSourceTypesDerivedFrom(compilation, compilation.GetTypeByMetadataName("Cached")!, CancellationToken.None));
        Assert.False(SymbolFacts.HasSourceTypesDerivedFrom(compilation, compilation.GetTypeByMetadataName("Users")!, CancellationToken.None));
    }

    [Fact]
    public void ACancelledWalkLeavesNothingBehind()
    {
        var compilation = Compile("class Store { } class Cached : Store { }");
        var store = compilation.GetTypeByMetadataName("Store")!;

        Assert.ThrowsAny<OperationCanceledException>(() => SymbolFacts.SourceTypesDerivedFrom(compilation, store, new CancellationToken(canceled: true)));
        Assert.Single(SymbolFacts.SourceTypesDerivedFrom(compilation, store, CancellationToken.None));
    }
}
