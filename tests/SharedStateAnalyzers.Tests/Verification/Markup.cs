using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace SharedStateAnalyzers.Tests.Verification;

/// <summary>A span marked in test source: <c>[|…|]</c>, <c>{|ID:…|}</c> or <c>{|#0:…|}</c>.</summary>
internal sealed record MarkedSpan(TextSpan Span, string? DiagnosticId, int? LocationKey)
{
    /// <summary>True for <c>[|…|]</c> and <c>{|ID:…|}</c>: the span expects a diagnostic by itself.</summary>
    public bool ExpectsDiagnostic => LocationKey is null;
}

/// <summary>Source text with its markup removed, and the spans the markup named.</summary>
internal sealed record MarkedSource(string Text, IReadOnlyList<MarkedSpan> Spans)
{
    /// <summary>
    /// Parses markup: <c>[|text|]</c> expects a diagnostic of the analyzer under test on <c>text</c>;
    /// <c>{|SSA001:text|}</c> expects one with that ID; <c>{|#0:text|}</c> only names a location for
    /// <see cref="DiagnosticResult.WithLocation(int)"/>. Markup nests.
    /// </summary>
    public static MarkedSource Parse(string markup)
    {
        var text = new StringBuilder(markup.Length);
        var spans = new List<MarkedSpan>();
        var open = new Stack<(int Start, bool Braced, string? Id, int? Key, int MarkupOffset)>();

        for (var i = 0; i < markup.Length; i++)
        {
            if (At(markup, i, "[|"))
            {
                open.Push((text.Length, false, null, null, i));
                i++;
            }
            else if (At(markup, i, "{|") && TryReadLabel(markup, i + 2, out var label, out var end))
            {
                if (label.StartsWith('#'))
                {
                    if (!int.TryParse(label.AsSpan(1), out var key))
                    {
                        throw new FormatException($"Markup at offset {i}: '{{|{label}:' needs a number after '#'.");
                    }

                    open.Push((text.Length, true, null, key, i));
                }
                else
                {
                    open.Push((text.Length, true, label, null, i));
                }

                i = end;
            }
            else if (At(markup, i, "|]") || At(markup, i, "|}"))
            {
                var braced = markup[i + 1] == '}';
                if (open.Count == 0 || open.Peek().Braced != braced)
                {
                    throw new FormatException($"Markup at offset {i}: '{markup.Substring(i, 2)}' closes nothing that is open.");
                }

                var (start, _, id, key, _) = open.Pop();
                spans.Add(new MarkedSpan(TextSpan.FromBounds(start, text.Length), id, key));
                i++;
            }
            else
            {
                text.Append(markup[i]);
            }
        }

        if (open.Count > 0)
        {
            throw new FormatException($"Markup at offset {open.Peek().MarkupOffset} is never closed.");
        }

        return new MarkedSource(text.ToString(), spans.OrderBy(s => s.Span.Start).ThenBy(s => s.Span.Length).ToList());
    }

    private static bool At(string text, int index, string token)
        => string.CompareOrdinal(text, index, token, 0, token.Length) == 0;

    /// <summary>Reads <c>LABEL:</c> where a label is a diagnostic ID or <c>#number</c>.</summary>
    private static bool TryReadLabel(string markup, int start, out string label, out int colon)
    {
        colon = start;
        while (colon < markup.Length && (char.IsLetterOrDigit(markup[colon]) || markup[colon] is '#' or '_'))
        {
            colon++;
        }

        label = markup[start..colon];
        return label.Length > 0 && colon < markup.Length && markup[colon] == ':';
    }
}
