using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SharedStateAnalyzers.Tests.Verification;

namespace SharedStateAnalyzers.Benchmarks;

/// <summary>The parsed sources of one benchmark and the references they compile against.</summary>
internal sealed class SourceSet
{
    /// <summary>What <c>Microsoft.NET.Sdk.Web</c> adds as global usings when a project sets <c>ImplicitUsings</c>.</summary>
    private static readonly string[] WebSdkImplicitUsings =
    [
        "System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Net.Http.Json",
        "System.Threading", "System.Threading.Tasks", "Microsoft.AspNetCore.Builder", "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Http", "Microsoft.AspNetCore.Routing", "Microsoft.Extensions.Configuration",
        "Microsoft.Extensions.DependencyInjection", "Microsoft.Extensions.Hosting", "Microsoft.Extensions.Logging",
    ];

    private static readonly CSharpParseOptions ParseOptions = new(
        LanguageVersion.Latest,
        preprocessorSymbols: ["NET", "NETCOREAPP", "NET10_0", "NET10_0_OR_GREATER", "NET9_0_OR_GREATER", "NET8_0_OR_GREATER", "NET7_0_OR_GREATER", "NET6_0_OR_GREATER", "NET5_0_OR_GREATER", "NETCOREAPP3_1_OR_GREATER", "NETCOREAPP3_0_OR_GREATER", "NETCOREAPP2_1_OR_GREATER", "RELEASE"]);

    private SourceSet(string description, ImmutableArray<SyntaxTree> trees, string? referenceDirectory = null)
    {
        Description = description;
        Trees = trees;
        LineCount = trees.Sum(tree => tree.GetText().Lines.Count);
        References = LoadReferences(referenceDirectory);
    }

    public string Description { get; }

    public ImmutableArray<SyntaxTree> Trees { get; }

    public int LineCount { get; }

    public ImmutableArray<MetadataReference> References { get; }

    /// <summary>
    /// Every <c>.cs</c> file under a folder, outside <c>bin/</c> and <c>obj/</c>, compiled as one project; with
    /// <paramref name="referenceDirectory"/>, also against every assembly under it (the code base's packages).
    /// </summary>
    public static SourceSet FromDirectory(string directory, bool implicitUsings, string? referenceDirectory = null)
    {
        var root = Path.GetFullPath(directory);
        var files = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(path => !IsBuildOutput(Path.GetRelativePath(root, path)))
            .Order(StringComparer.Ordinal)
            .ToArray();
        var trees = files
            .AsParallel().AsOrdered()
            .Select(path => CSharpSyntaxTree.ParseText(File.ReadAllText(path), ParseOptions, path))
            .ToList();
        if (implicitUsings)
        {
            var names = WebSdkImplicitUsings.Concat(ProjectUsings(root)).Distinct(StringComparer.Ordinal);
            var text = string.Concat(names.Select(name => $"global using global::{name};\n"));
            trees.Add(CSharpSyntaxTree.ParseText(text, ParseOptions, Path.Combine(root, "obj", "GlobalUsings.g.cs")));
        }

        var description = root
            + (implicitUsings ? " (with the Web SDK's implicit usings)" : "")
            + (referenceDirectory is null ? "" : $" (with the assemblies under {Path.GetFullPath(referenceDirectory)})");
        return new SourceSet(description, trees.ToImmutableArray(), referenceDirectory);
    }

    /// <summary>
    /// The namespaces the code base's project files add as global usings (<c>&lt;Using Include="Microsoft.Extensions.Logging" /&gt;</c>
    /// in a <c>.csproj</c>, <c>Directory.Build.props</c> or <c>.targets</c>), as the SDK would; aliased and static usings are
    /// left out.
    /// </summary>
    private static IEnumerable<string> ProjectUsings(string root)
    {
        var pattern = new Regex("<Using\\s+Include=\"([A-Za-z_][A-Za-z0-9_.]*)\"\\s*/>", RegexOptions.CultureInvariant);
        foreach (var path in Directory.EnumerateFiles(root, "*.*", SearchOption.AllDirectories))
        {
            if (!path.EndsWith(".csproj", StringComparison.Ordinal) && !path.EndsWith(".props", StringComparison.Ordinal)
                && !path.EndsWith(".targets", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (Match match in pattern.Matches(File.ReadAllText(path)))
            {
                yield return match.Groups[1].Value;
            }
        }
    }

    /// <summary>Generated web-application code: controllers, services, middleware, caches, lookup tables and DTOs.</summary>
    public static SourceSet Generate(int files)
    {
        var trees = Enumerable.Range(0, files)
            .AsParallel().AsOrdered()
            .Select(index => CSharpSyntaxTree.ParseText(SyntheticSource.File(index), ParseOptions, $"Generated/File{index:D5}.cs"))
            .ToImmutableArray();
        return new SourceSet($"{files} generated files of web-application code", trees);
    }

    private static bool IsBuildOutput(string relativePath)
    {
        foreach (var segment in relativePath.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar))
        {
            if (segment is "bin" or "obj")
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The .NET and ASP.NET Core reference assemblies of the installed SDK, then the assemblies under
    /// <paramref name="referenceDirectory"/>; where two share a file name, the SDK's wins.
    /// </summary>
    private static ImmutableArray<MetadataReference> LoadReferences(string? referenceDirectory)
        => new[] { "Microsoft.NETCore.App.Ref", "Microsoft.AspNetCore.App.Ref" }
            .SelectMany(pack => Directory.EnumerateFiles(TargetingPacks.Find(pack), "*.dll"))
            .Concat(referenceDirectory is null ? [] : Directory.EnumerateFiles(referenceDirectory, "*.dll", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            .GroupBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase)
            .Select(group => (MetadataReference)MetadataReference.CreateFromFile(group.First()))
            .ToImmutableArray();
}
