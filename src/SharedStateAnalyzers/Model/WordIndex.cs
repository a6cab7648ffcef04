using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace SharedStateAnalyzers.Model;

/// <summary>
/// Per compilation, which files each word appears in: a word is a longest run of ASCII letters, digits and
/// underscores that does not start with a digit, the same hits <see cref="WordSearch"/> finds (comments and strings
/// included). Built once, on the first question, by one pass over every file's text; after that, "which files name
/// this type" costs a lookup instead of a search through every file. Words with other characters are not indexed:
/// <see cref="Files"/> answers null for them and the caller searches the texts. Safe for concurrent use.
/// </summary>
internal sealed class WordIndex
{
    private static readonly ConditionalWeakTable<Compilation, WordIndex> s_indexes = new();

    private readonly BuiltOnce<Table> _table = new();
    private readonly Compilation _compilation;

    private WordIndex(Compilation compilation) => _compilation = compilation;

    /// <summary>The index of <paramref name="compilation"/>; its files are read on the first question.</summary>
    public static WordIndex For(Compilation compilation) => s_indexes.GetValue(compilation, static c => new WordIndex(c));

    /// <summary>
    /// The files <paramref name="word"/> appears in, in the compilation's order; empty when it appears in none; null
    /// when the word is not one the index holds (it has a character other than an ASCII letter, digit or underscore,
    /// or starts with a digit).
    /// </summary>
    public IReadOnlyList<SyntaxTree>? Files(string word, CancellationToken cancellationToken)
    {
        if (!IsIndexable(word))
        {
            return null;
        }

        var table = Built(cancellationToken);
        if (!table.TryGet(word, out var files))
        {
            return Array.Empty<SyntaxTree>();
        }

        var trees = new SyntaxTree[files.Count];
        for (var i = 0; i < trees.Length; i++)
        {
            trees[i] = table.Trees[files[i]];
        }

        return trees;
    }

    /// <summary>Whether <paramref name="word"/> appears in <paramref name="tree"/>; null when the index cannot tell.</summary>
    public bool? Contains(SyntaxTree tree, string word, CancellationToken cancellationToken)
    {
        if (!IsIndexable(word))
        {
            return null;
        }

        var table = Built(cancellationToken);
        if (!table.TreeNumbers.TryGetValue(tree, out var number))
        {
            return null;
        }

        return table.TryGet(word, out var files) && files.BinarySearch(number) >= 0;
    }

    private Table Built(CancellationToken cancellationToken)
        => _table.Get(_compilation, static (compilation, token) => Table.Build(compilation.SyntaxTrees.ToImmutableArray(), token), cancellationToken);

    private static bool IsIndexable(string word)
    {
        if (word.Length == 0 || !IsWordStart(word[0]))
        {
            return false;
        }

        foreach (var c in word)
        {
            if (!IsWordPart(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsWordStart(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_';

    private static bool IsWordPart(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_';

    /// <summary>An open hash table from word to the sorted numbers of the files it appears in; read-only once built.</summary>
    private sealed class Table
    {
        private int[] _buckets = new int[1 << 14];
        private Entry[] _entries = new Entry[1 << 14];
        private int _count;

        private Table(ImmutableArray<SyntaxTree> trees)
        {
            Trees = trees;
            TreeNumbers = new Dictionary<SyntaxTree, int>(trees.Length);
            for (var i = 0; i < trees.Length; i++)
            {
                TreeNumbers[trees[i]] = i;
            }

            Empty(_buckets);
        }

        public ImmutableArray<SyntaxTree> Trees { get; }

        public Dictionary<SyntaxTree, int> TreeNumbers { get; }

        public static Table Build(ImmutableArray<SyntaxTree> trees, CancellationToken cancellationToken)
        {
            var table = new Table(trees);
            var buffer = Array.Empty<char>();
            for (var number = 0; number < trees.Length; number++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var text = trees[number].GetText(cancellationToken);
                var length = text.Length;
                if (buffer.Length < length)
                {
                    buffer = new char[Math.Max(length, buffer.Length * 2)];
                }

                text.CopyTo(0, buffer, 0, length);
                var i = 0;
                while (i < length)
                {
                    var c = buffer[i];
                    if (!IsWordPart(c))
                    {
                        i++;
                        continue;
                    }

                    var start = i;
                    var hash = unchecked((int)2166136261);
                    while (i < length && IsWordPart(buffer[i]))
                    {
                        hash = unchecked((hash ^ buffer[i]) * 16777619);
                        i++;
                    }

                    // A run that starts with a digit (a number, `2Fast`) holds no name anyone looks up.
                    if (IsWordStart(c))
                    {
                        table.Add(buffer, start, i - start, hash, number);
                    }
                }
            }

            return table;
        }

        public bool TryGet(string word, out List<int> files)
        {
            var hash = unchecked((int)2166136261);
            foreach (var c in word)
            {
                hash = unchecked((hash ^ c) * 16777619);
            }

            for (var e = _buckets[hash & (_buckets.Length - 1)]; e >= 0; e = _entries[e].Next)
            {
                ref var entry = ref _entries[e];
                if (entry.Hash == hash && string.Equals(entry.Word, word, StringComparison.Ordinal))
                {
                    files = entry.Files;
                    return true;
                }
            }

            files = null!;
            return false;
        }

        private void Add(char[] buffer, int start, int length, int hash, int file)
        {
            for (var e = _buckets[hash & (_buckets.Length - 1)]; e >= 0; e = _entries[e].Next)
            {
                ref var entry = ref _entries[e];
                if (entry.Hash == hash && Matches(entry.Word, buffer, start, length))
                {
                    // Files are visited in order, so the last one noted is the only one that can be this file.
                    if (entry.Files[entry.Files.Count - 1] != file)
                    {
                        entry.Files.Add(file);
                    }

                    return;
                }
            }

            if (_count == _entries.Length)
            {
                Grow();
            }

            var bucket = hash & (_buckets.Length - 1);
            _entries[_count] = new Entry
            {
                Word = new string(buffer, start, length),
                Hash = hash,
                Next = _buckets[bucket],
                Files = new List<int>(1) { file },
            };
            _buckets[bucket] = _count++;
        }

        private static bool Matches(string word, char[] buffer, int start, int length)
        {
            if (word.Length != length)
            {
                return false;
            }

            for (var k = 0; k < length; k++)
            {
                if (word[k] != buffer[start + k])
                {
                    return false;
                }
            }

            return true;
        }

        private void Grow()
        {
            Array.Resize(ref _entries, _entries.Length * 2);
            _buckets = new int[_buckets.Length * 2];
            Empty(_buckets);

            for (var e = 0; e < _count; e++)
            {
                var bucket = _entries[e].Hash & (_buckets.Length - 1);
                _entries[e].Next = _buckets[bucket];
                _buckets[bucket] = e;
            }
        }

        private static void Empty(int[] buckets)
        {
            for (var i = 0; i < buckets.Length; i++)
            {
                buckets[i] = -1;
            }
        }

        private struct Entry
        {
            public string Word;
            public int Hash;
            public int Next;
            public List<int> Files;
        }
    }
}
