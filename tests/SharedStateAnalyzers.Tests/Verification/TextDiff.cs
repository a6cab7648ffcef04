using System.Text;

namespace SharedStateAnalyzers.Tests.Verification;

/// <summary>A line diff of expected and actual text, for failure messages.</summary>
internal static class TextDiff
{
    /// <summary>Lines only in <paramref name="expected"/> start with <c>-</c>, lines only in <paramref name="actual"/> with <c>+</c>; unchanged lines near a change are shown for context.</summary>
    public static string Render(string expected, string actual, int context = 2)
    {
        var a = SplitLines(expected);
        var b = SplitLines(actual);

        // Longest common subsequence table, from the end.
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        var lines = new List<(char Kind, int Line, string Text)>();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                lines.Add((' ', y + 1, a[x]));
                x++;
                y++;
            }
            else if (y < b.Length && (x == a.Length || lcs[x, y + 1] >= lcs[x + 1, y]))
            {
                lines.Add(('+', y + 1, b[y]));
                y++;
            }
            else
            {
                lines.Add(('-', x + 1, a[x]));
                x++;
            }
        }

        var output = new StringBuilder();
        var lastShown = -1;
        for (var i = 0; i < lines.Count; i++)
        {
            var nearChange = false;
            for (var k = Math.Max(0, i - context); k <= Math.Min(lines.Count - 1, i + context) && !nearChange; k++)
            {
                nearChange = lines[k].Kind != ' ';
            }

            if (!nearChange)
            {
                continue;
            }

            if (lastShown >= 0 && i > lastShown + 1)
            {
                output.AppendLine("  ...");
            }

            var (kind, line, text) = lines[i];
            output.Append(kind).Append(' ').Append(line.ToString().PadLeft(4)).Append(" | ").AppendLine(Visible(text));
            lastShown = i;
        }

        return output.ToString();
    }

    private static string[] SplitLines(string text) => text.Replace("\r\n", "\n").Split('\n');

    /// <summary>Makes trailing whitespace and carriage returns visible, where most mismatches hide.</summary>
    private static string Visible(string line)
    {
        var trimmed = line.TrimEnd(' ', '\t');
        return trimmed.Length == line.Length ? line : trimmed + new string('·', line.Length - trimmed.Length);
    }
}
