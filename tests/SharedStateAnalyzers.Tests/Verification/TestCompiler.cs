using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace SharedStateAnalyzers.Tests.Verification;

/// <summary>Compiles test sources (typically a fix's output) and loads the assembly, so a test can run the code.</summary>
public static class TestCompiler
{
    /// <summary>
    /// Compiles <paramref name="sources"/> into a library and loads it into its own collectible load context; its
    /// dependencies (the memory cache, EF Core) resolve from the test process. Fails with the errors when it does not compile.
    /// </summary>
    public static Assembly CompileAndLoad(IEnumerable<string> sources, References references = References.Net)
    {
        var compilation = CSharpCompilation.Create(
            "Compiled" + Guid.NewGuid().ToString("N"),
            sources.Select(source => CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest))),
            ReferenceAssemblies.Get(references),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        if (!result.Success)
        {
            throw new VerificationException("The code does not compile:" + Environment.NewLine
                + string.Join(Environment.NewLine, result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        }

        image.Position = 0;
        return new AssemblyLoadContext(compilation.AssemblyName, isCollectible: true).LoadFromStream(image);
    }
}
