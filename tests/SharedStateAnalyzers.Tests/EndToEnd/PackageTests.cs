using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;

namespace SharedStateAnalyzers.Tests.EndToEnd;

/// <summary>What <c>dotnet pack</c> puts in the SharedStateAnalyzers package, entry by entry.</summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class PackageTests
{
    private const string AnalyzerPath = "analyzers/dotnet/cs/SharedStateAnalyzers.dll";
    private const string CodeFixesPath = "analyzers/dotnet/cs/SharedStateAnalyzers.CodeFixes.dll";

    private readonly PackageFixture _package;

    public PackageTests(PackageFixture package)
    {
        _package = package;
    }

    [Fact]
    public void Package_holds_the_two_analyzer_assemblies_readme_license_and_nothing_else()
    {
        using var archive = ZipFile.OpenRead(_package.PackagePath);
        var entries = archive.Entries
            .Select(e => e.FullName)
            .Select(name => name.StartsWith("package/services/metadata/core-properties/", StringComparison.Ordinal) && name.EndsWith(".psmdcp", StringComparison.Ordinal)
                ? "package/services/metadata/core-properties/*.psmdcp"
                : name)
            .Order(StringComparer.Ordinal)
            .ToArray();

        string[] expected =
        [
            "LICENSE",
            "README.md",
            "SharedStateAnalyzers.nuspec",
            "[Content_Types].xml",
            "_rels/.rels",
            AnalyzerPath,
            CodeFixesPath,
            "package/services/metadata/core-properties/*.psmdcp",
        ];

        Assert.Equal(expected.Order(StringComparer.Ordinal), entries);
        Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal));
    }

    [Fact]
    public void Nuspec_declares_a_development_dependency_without_dependencies()
    {
        var metadata = ReadNuspecMetadata();

        Assert.Equal(PackageFixture.PackageId, Child(metadata, "id").Value);
        Assert.Equal(_package.Version, Child(metadata, "version").Value);
        Assert.Equal("true", Child(metadata, "developmentDependency").Value);
        Assert.Equal("README.md", Child(metadata, "readme").Value);

        var license = Child(metadata, "license");
        Assert.Equal("expression", (string?)license.Attribute("type"));
        Assert.Equal("MIT", license.Value);

        var tags = Child(metadata, "tags").Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("roslyn", tags);
        Assert.Contains("analyzers", tags);

        var repository = Child(metadata, "repository");
        Assert.Equal("git", (string?)repository.Attribute("type"));
        Assert.StartsWith("https://github.com/", (string?)repository.Attribute("url"));

        Assert.False(string.IsNullOrWhiteSpace(Child(metadata, "description").Value));

        // A development dependency must not drag Roslyn (or anything else) into its users' graphs.
        var dependencies = metadata.Elements().Where(e => e.Name.LocalName == "dependencies").ToList();
        Assert.All(dependencies, d => Assert.DoesNotContain(d.Descendants(), e => e.Name.LocalName == "dependency"));
    }

    [Fact]
    public void Readme_and_license_are_the_repository_files()
    {
        using var archive = ZipFile.OpenRead(_package.PackagePath);

        Assert.Equal(File.ReadAllText(Path.Combine(RepositoryLayout.Root, "README.md")), ReadText(archive, "README.md"));
        Assert.Equal(File.ReadAllText(Path.Combine(RepositoryLayout.Root, "LICENSE")), ReadText(archive, "LICENSE"));
    }

    [Fact]
    public void Analyzer_assembly_holds_the_SSA001_analyzer()
    {
        Assert.Contains("SharedStateAnalyzers.Rules.StaticCacheAnalyzer", TypeNames(AnalyzerPath));
    }

    [Fact]
    public void Code_fix_assembly_holds_the_SSA001_fixer()
    {
        Assert.Contains("SharedStateAnalyzers.CodeFixes.StaticCacheFixer", TypeNames(CodeFixesPath));
    }

    private XElement ReadNuspecMetadata()
    {
        using var archive = ZipFile.OpenRead(_package.PackagePath);
        var nuspec = XDocument.Parse(ReadText(archive, PackageFixture.PackageId + ".nuspec"));
        return Child(nuspec.Root!, "metadata");
    }

    private List<string> TypeNames(string entryName)
    {
        using var archive = ZipFile.OpenRead(_package.PackagePath);
        var entry = archive.GetEntry(entryName);
        Assert.NotNull(entry);

        using var buffer = new MemoryStream();
        using (var stream = entry.Open())
        {
            stream.CopyTo(buffer);
        }

        buffer.Position = 0;
        using var pe = new PEReader(buffer);
        var reader = pe.GetMetadataReader();
        return reader.TypeDefinitions
            .Select(reader.GetTypeDefinition)
            .Select(t => reader.GetString(t.Namespace) + "." + reader.GetString(t.Name))
            .ToList();
    }

    private static string ReadText(ZipArchive archive, string entryName)
    {
        var entry = archive.GetEntry(entryName);
        Assert.True(entry is not null, $"The package has no entry '{entryName}'.");
        using var reader = new StreamReader(entry.Open());
        return reader.ReadToEnd();
    }

    private static XElement Child(XElement parent, string localName)
    {
        var child = parent.Elements().FirstOrDefault(e => e.Name.LocalName == localName);
        Assert.True(child is not null, $"<{parent.Name.LocalName}> has no <{localName}>.");
        return child;
    }
}
