using System;
using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace SharedStateAnalyzers.Model;

/// <summary>
/// Where a word (a keyword or an identifier written without Unicode escapes) appears in a source text: the text is
/// copied out in chunks and searched with <see cref="Array.IndexOf{T}(T[], T, int, int)"/>, which is much cheaper than
/// walking every token of every file. A hit is the word not preceded or followed by a letter, digit or underscore;
/// hits in comments and strings are included, so the caller checks the token found there.
/// </summary>
internal static class WordSearch
{
    private const int ChunkLength = 8192;

    /// <summary>The positions where <paramref name="word"/> starts in <paramref name="text"/>.</summary>
    public static List<int> Find(SourceText text, string word)
    {
        var positions = new List<int>();
        foreach (var position in Hits(text, new[] { word }))
        {
            positions.Add(position);
        }

        return positions;
    }

    /// <summary>
    /// The simple names spelled <paramref name="word"/> in <paramref name="tree"/>: the identifier tokens that start at a
    /// hit (not text in comments, strings or disabled code, nor a longer identifier), whose parent is a simple name.
    /// </summary>
    public static IEnumerable<SimpleNameSyntax> Names(SyntaxTree tree, string word, CancellationToken cancellationToken = default)
    {
        SyntaxNode? root = null;
        foreach (var position in Find(tree.GetText(cancellationToken), word))
        {
            root ??= tree.GetRoot(cancellationToken);
            var token = root.FindToken(position);
            if (token.SpanStart == position && token.IsKind(SyntaxKind.IdentifierToken) && token.ValueText == word
                && token.Parent is SimpleNameSyntax name)
            {
                yield return name;
            }
        }
    }

    /// <summary>True when <paramref name="word"/> appears in <paramref name="text"/>.</summary>
    public static bool Contains(SourceText text, string word) => ContainsAny(text, new[] { word });

    /// <summary>True when one of <paramref name="words"/> appears in <paramref name="text"/>: one pass over the text.</summary>
    public static bool ContainsAny(SourceText text, IEnumerable<string> words)
    {
        foreach (var _ in Hits(text, words))
        {
            return true;
        }

        return false;
    }

    /// <summary>
    /// The positions, in increasing order, where one of <paramref name="words"/> starts as a whole word. Consecutive
    /// chunks overlap by the longest word's length, so a word cut by a chunk's end is seen whole in the next one.
    /// </summary>
    private static IEnumerable<int> Hits(SourceText text, IEnumerable<string> words)
    {
        var list = new List<string>();
        var firsts = new HashSet<char>();
        var longest = 0;
        foreach (var word in words)
        {
            if (word.Length > 0 && word.Length < ChunkLength)
            {
                list.Add(word);
                firsts.Add(word[0]);
                longest = Math.Max(longest, word.Length);
            }
        }

        if (list.Count == 0)
        {
            yield break;
        }

        var anyFirst = new char[firsts.Count];
        firsts.CopyTo(anyFirst);
        var buffer = new char[ChunkLength];
        var length = text.Length;
        var last = -1;
        for (var chunkStart = 0; chunkStart < length; chunkStart += ChunkLength - longest)
        {
            var count = Math.Min(ChunkLength, length - chunkStart);
            text.CopyTo(chunkStart, buffer, 0, count);
            for (var i = IndexOfAny(buffer, anyFirst, 0, count); i >= 0; i = IndexOfAny(buffer, anyFirst, i + 1, count))
            {
                var position = chunkStart + i;
                if (position <= last || (position > 0 && IsAsciiIdentifierPart(text[position - 1])))
                {
                    continue;
                }

                foreach (var word in list)
                {
                    if (i + word.Length <= count && Matches(buffer, i, word)
                        && (position + word.Length >= length || !IsAsciiIdentifierPart(text[position + word.Length])))
                    {
                        last = position;
                        yield return position;
                        break;
                    }
                }
            }

            if (chunkStart + count >= length)
            {
                break;
            }
        }
    }

    private static int IndexOfAny(char[] buffer, char[] any, int start, int count)
    {
        if (start >= count)
        {
            return -1;
        }

        var found = buffer.AsSpan(start, count - start).IndexOfAny(any);
        return found < 0 ? -1 : start + found;
    }

    private static bool Matches(char[] buffer, int start, string word)
    {
        for (var k = 1; k < word.Length; k++)
        {
            if (buffer[start + k] != word[k])
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsAsciiIdentifierPart(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_';
}
