using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis.Text;
using SharedStateAnalyzers.Model;

namespace SharedStateAnalyzers.Tests.Model;

/// <summary>The chunked text search that finds where a word could be a token, across chunk boundaries.</summary>
public sealed class WordSearchTests
{
    [Fact]
    public void FindsWholeWordsOnly()
    {
        var text = SourceText.From("new renew newer new_ _new new(x) =new\tnew");

        Assert.Equal(new[] { 0, 26, 34, 38 }, WordSearch.Find(text, "new"));
    }

    [Theory]
    [InlineData(8189)]
    [InlineData(8190)]
    [InlineData(8191)]
    [InlineData(8192)]
    [InlineData(8193)]
    [InlineData(16379)]
    public void FindsAWordThatStraddlesAChunkBoundary(int position)
    {
        var builder = new StringBuilder(new string(' ', position));
        builder.Append("Register(x); ");
        builder.Append(' ', 100);
        builder.Append("Register");
        var text = SourceText.From(builder.ToString());

        Assert.Equal(new[] { position, position + 13 + 100 }, WordSearch.Find(text, "Register"));
    }

    [Fact]
    public void FindsEveryOccurrenceOnceInALongText()
    {
        var builder = new StringBuilder();
        var expected = Enumerable.Range(0, 5000).Select(i => i * 7).ToArray();
        for (var i = 0; i < 5000; i++)
        {
            builder.Append("Add(); ");
        }

        Assert.Equal(expected, WordSearch.Find(SourceText.From(builder.ToString()), "Add"));
        Assert.False(WordSearch.Contains(SourceText.From("Adder AddX xAdd"), "Add"));
    }

    [Theory]
    [InlineData("app.MapGet(\"/\", () => 1);", true)]
    [InlineData("endpoints.MapPost(x)", true)]
    [InlineData("Mapper.MapGetter(x); RoadMapGet();", false)]
    [InlineData("", false)]
    public void ContainsAnyFindsOneOfSeveralWholeWords(string source, bool expected)
        => Assert.Equal(expected, WordSearch.ContainsAny(SourceText.From(source), new[] { "MapGet", "MapPost", "Map" }));

    [Theory]
    [InlineData(8185)]
    [InlineData(8190)]
    [InlineData(8192)]
    public void ContainsAnyFindsAWordThatStraddlesAChunkBoundary(int position)
    {
        var text = SourceText.From(new string(' ', position) + "MapDelete(x)");

        Assert.True(WordSearch.ContainsAny(text, new[] { "MapGet", "MapDelete" }));
        Assert.False(WordSearch.ContainsAny(text, new[] { "MapGet", "MapDel" }));
    }
}
