using System;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SharedStateAnalyzers.Model;

namespace SharedStateAnalyzers.Tests.Model;

/// <summary>The per-compilation index of which files each word appears in: the same answers as searching every text.</summary>
public sealed class WordIndexTests
{
    private static Compilation Compile(params string[] sources)
        => CSharpCompilation.Create("Words", sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, path: $"File{i}.cs")));

    [Fact]
    public void FindsTheFilesThatHoldAWholeWordInTheCompilationsOrder()
    {
        var compilation = Compile(
            "class Store { void Add(int x) { } }",
            "class Seeder { void Run(Store s) => s.Add(1); }",
            "class Other { int Adder; int AddX; int xAdd; }",
            "// calls Add on the store\nclass Notes { string s = \"Add\"; }");
        var trees = compilation.SyntaxTrees.ToArray();
        var index = WordIndex.For(compilation);

        Assert.Equal(new[] { trees[0], trees[1], trees[3] }, index.Files("Add", CancellationToken.None));
        Assert.Equal(new[] { trees[1] }, index.Files("Seeder", CancellationToken.None));
        Assert.Empty(index.Files("Missing", CancellationToken.None)!);
        Assert.True(index.Contains(trees[1], "Store", CancellationToken.None));
        Assert.False(index.Contains(trees[2], "Store", CancellationToken.None));
    }

    [Fact]
    public void AnswersNullWhereItCannotTell()
    {
        var compilation = Compile("class Caféteria { int _2fast; }");
        var index = WordIndex.For(compilation);

        Assert.Null(index.Files("Caféteria", CancellationToken.None));
        Assert.Null(index.Files("2fast", CancellationToken.None));
        Assert.Null(index.Files("", CancellationToken.None));
        Assert.Null(index.Contains(CSharpSyntaxTree.ParseText("class Store { }"), "Store", CancellationToken.None));
    }

    [Fact]
    public void AgreesWithSearchingEveryText()
    {
        // Words cut by non-ASCII letters, digits, verbatim identifiers and generic brackets, as WordSearch sees them.
        var sources = new[]
        {
            "class Caféteria { int @class; List<Store> _stores; int Store2; }",
            "var x = 2Store + Store_ + _Store + Store;",
            "/* Store */ Dictionary<string,Store>",
            "Storeé Stores éStore",
            "",
        };
        var compilation = Compile(sources);
        var trees = compilation.SyntaxTrees.ToArray();
        var index = WordIndex.For(compilation);
        foreach (var word in new[] { "Caf", "teria", "class", "Store", "Store2", "Store_", "_Store", "Stores", "Dictionary", "string", "List", "x" })
        {
            var searched = trees.Where(t => WordSearch.Contains(t.GetText(), word)).ToArray();
            Assert.Equal(searched, index.Files(word, CancellationToken.None));
        }
    }

    [Fact]
    public void HoldsManyDistinctWords()
    {
        var builder = new StringBuilder();
        for (var i = 0; i < 40_000; i++)
        {
            builder.Append("w").Append(i).Append(' ');
        }

        var compilation = Compile(builder.ToString(), "w39999 w7");
        var trees = compilation.SyntaxTrees.ToArray();
        var index = WordIndex.For(compilation);

        Assert.Equal(new[] { trees[0], trees[1] }, index.Files("w7", CancellationToken.None));
        Assert.Equal(new[] { trees[0], trees[1] }, index.Files("w39999", CancellationToken.None));
        Assert.Equal(new[] { trees[0] }, index.Files("w20000", CancellationToken.None));
        Assert.Empty(index.Files("w40000", CancellationToken.None)!);
    }

    [Fact]
    public void ACancelledBuildLeavesNothingBehind()
    {
        var compilation = Compile("class Store { }");
        var index = WordIndex.For(compilation);

        Assert.ThrowsAny<OperationCanceledException>(() => index.Files("Store", new CancellationToken(canceled: true)));
        Assert.Single(index.Files("Store", CancellationToken.None)!);
    }
}
