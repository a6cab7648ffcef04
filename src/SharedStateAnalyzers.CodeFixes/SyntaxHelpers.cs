using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SharedStateAnalyzers.CodeFixes;

/// <summary>Rewriting helpers shared by the code fixes.</summary>
internal static class SyntaxHelpers
{
    /// <summary>The field declarator or property declaration a diagnostic on a member's name points at.</summary>
    public static SyntaxNode? FindStorageDeclaration(SyntaxNode root, Microsoft.CodeAnalysis.Text.TextSpan span)
    {
        var token = root.FindToken(span.Start);
        return token.Parent switch
        {
            VariableDeclaratorSyntax declarator => declarator,
            PropertyDeclarationSyntax property => property,
            _ => null,
        };
    }

    /// <summary>Removes a modifier, handing its leading trivia (indentation, comments) to the token that follows it.</summary>
    public static TMember RemoveModifier<TMember>(TMember member, SyntaxKind kind)
        where TMember : MemberDeclarationSyntax
    {
        var index = member.Modifiers.IndexOf(kind);
        if (index < 0)
        {
            return member;
        }

        var removed = member.Modifiers[index];
        var next = removed.GetNextToken();
        var withTrivia = member.ReplaceToken(next, next.WithLeadingTrivia(removed.LeadingTrivia.AddRange(next.LeadingTrivia)));
        return (TMember)withTrivia.WithModifiers(withTrivia.Modifiers.RemoveAt(index));
    }

    /// <summary>Adds <c>readonly</c> after the other modifiers of a field, unless it is there.</summary>
    public static FieldDeclarationSyntax EnsureReadOnly(FieldDeclarationSyntax field)
    {
        if (field.Modifiers.Any(SyntaxKind.ReadOnlyKeyword))
        {
            return field;
        }

        if (field.Modifiers.Count == 0)
        {
            var type = field.Declaration.Type;
            return field
                .WithDeclaration(field.Declaration.WithType(type.WithLeadingTrivia(SyntaxFactory.Space)))
                .WithModifiers(SyntaxFactory.TokenList(SyntaxFactory.Token(type.GetLeadingTrivia(), SyntaxKind.ReadOnlyKeyword, SyntaxFactory.TriviaList())));
        }

        return field.WithModifiers(field.Modifiers.Add(SyntaxFactory.Token(SyntaxKind.ReadOnlyKeyword).WithTrailingTrivia(SyntaxFactory.Space)));
    }

    /// <summary>
    /// The name a static field takes when it becomes an instance field: the <c>s_</c> prefix of the .NET naming
    /// convention becomes <c>_</c>, unless the type already has a member of that name.
    /// </summary>
    public static string InstanceFieldName(ISymbol field)
    {
        var name = field.Name;
        if (!name.StartsWith("s_", StringComparison.Ordinal) || name.Length == 2)
        {
            return name;
        }

        var renamed = "_" + name.Substring(2);
        return field.ContainingType.GetMembers(renamed).IsEmpty ? renamed : name;
    }

    /// <summary>True when <paramref name="name"/> names <paramref name="expected"/> at <paramref name="position"/> (no using is needed).</summary>
    public static bool IsInScope(SemanticModel model, int position, string name, INamedTypeSymbol? expected)
        => expected is null || model.LookupNamespacesAndTypes(position, name: name).Any(s => SymbolEqualityComparer.Default.Equals(s, expected));

    /// <summary>True when <paramref name="node"/> is (inside) the argument of <c>nameof(…)</c>, where it names rather than reads.</summary>
    public static bool IsInNameOf(SyntaxNode node)
    {
        for (var current = node.Parent; current is not null; current = current.Parent)
        {
            if (current is InvocationExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.ValueText: "nameof" } })
            {
                return true;
            }

            if (current is StatementSyntax or MemberDeclarationSyntax)
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>The end-of-line sequence a document uses.</summary>
    public static string GetNewLine(SyntaxNode root)
    {
        foreach (var trivia in root.DescendantTrivia())
        {
            if (trivia.IsKind(SyntaxKind.EndOfLineTrivia))
            {
                return trivia.ToString();
            }
        }

        return "\n";
    }

    /// <summary>
    /// Adds <c>using <paramref name="namespaceName"/>;</c> to the file, in order (System first), where the file keeps
    /// its usings: the compilation unit, or the single namespace declaration when the usings live there.
    /// </summary>
    public static SyntaxNode AddUsing(SyntaxNode root, string namespaceName)
    {
        if (root is not CompilationUnitSyntax unit)
        {
            return root;
        }

        var newLine = GetNewLine(root);
        var ns = unit.Members.OfType<BaseNamespaceDeclarationSyntax>().FirstOrDefault();
        if (unit.Usings.Count == 0 && ns is { Usings.Count: > 0 })
        {
            return unit.ReplaceNode(ns, ns.WithUsings(Insert(ns.Usings, namespaceName, newLine, separateFromNext: false)));
        }

        return unit.WithUsings(Insert(unit.Usings, namespaceName, newLine, separateFromNext: unit.Usings.Count == 0));
    }

    private static SyntaxList<UsingDirectiveSyntax> Insert(SyntaxList<UsingDirectiveSyntax> usings, string namespaceName, string newLine, bool separateFromNext)
    {
        foreach (var existing in usings)
        {
            if (existing.Alias is null && existing.StaticKeyword.IsKind(SyntaxKind.None) && existing.Name?.ToString() == namespaceName)
            {
                return usings;
            }
        }

        var trailing = separateFromNext
            ? SyntaxFactory.TriviaList(SyntaxFactory.EndOfLine(newLine), SyntaxFactory.EndOfLine(newLine))
            : SyntaxFactory.TriviaList(SyntaxFactory.EndOfLine(newLine));
        var directive = SyntaxFactory.UsingDirective(SyntaxFactory.ParseName(namespaceName))
            .NormalizeWhitespace()
            .WithTrailingTrivia(trailing);

        var index = 0;
        while (index < usings.Count && ShouldPrecede(usings[index], namespaceName))
        {
            index++;
        }

        if (index > 0)
        {
            // Inside a namespace, usings are indented like the one before.
            directive = directive.WithLeadingTrivia(Indentation(usings[index - 1]));
        }
        else if (usings.Count > 0)
        {
            // Keep a file header on top: the old first directive's leading trivia moves to the new one.
            var first = usings[0];
            directive = directive.WithLeadingTrivia(first.GetLeadingTrivia());
            usings = usings.Replace(first, first.WithLeadingTrivia());
        }

        return usings.Insert(index, directive);
    }

    /// <summary>The empty lines that open a member's leading trivia (before its comments and indentation).</summary>
    public static SyntaxTriviaList LeadingBlankLines(SyntaxNode member)
    {
        var lines = new List<SyntaxTrivia>();
        var pending = new List<SyntaxTrivia>();
        foreach (var trivia in member.GetLeadingTrivia())
        {
            if (trivia.IsKind(SyntaxKind.WhitespaceTrivia))
            {
                pending.Add(trivia);
            }
            else if (trivia.IsKind(SyntaxKind.EndOfLineTrivia))
            {
                lines.AddRange(pending);
                lines.Add(trivia);
                pending.Clear();
            }
            else
            {
                break;
            }
        }

        return SyntaxFactory.TriviaList(lines);
    }

    /// <summary>The member declared right after <paramref name="member"/> in its type, if any.</summary>
    public static MemberDeclarationSyntax? MemberAfter(MemberDeclarationSyntax member)
    {
        if (member.Parent is not TypeDeclarationSyntax type)
        {
            return null;
        }

        var index = type.Members.IndexOf(member);
        return index >= 0 && index + 1 < type.Members.Count ? type.Members[index + 1] : null;
    }

    /// <summary>The whitespace a node's line starts with: the end of its leading trivia, after any comment lines.</summary>
    public static SyntaxTriviaList Indentation(SyntaxNode node)
        => SyntaxFactory.TriviaList(node.GetLeadingTrivia().Reverse().TakeWhile(t => t.IsKind(SyntaxKind.WhitespaceTrivia)).Reverse());

    private static bool ShouldPrecede(UsingDirectiveSyntax existing, string namespaceName)
    {
        if (existing.Alias is not null || !existing.StaticKeyword.IsKind(SyntaxKind.None))
        {
            return false;
        }

        var name = existing.Name?.ToString() ?? string.Empty;
        var existingIsSystem = IsSystem(name);
        var newIsSystem = IsSystem(namespaceName);
        if (existingIsSystem != newIsSystem)
        {
            return existingIsSystem;
        }

        return string.Compare(name, namespaceName, StringComparison.OrdinalIgnoreCase) < 0;
    }

    private static bool IsSystem(string name) => name == "System" || name.StartsWith("System.", StringComparison.Ordinal);
}
