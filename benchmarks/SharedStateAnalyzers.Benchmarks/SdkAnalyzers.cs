using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace SharedStateAnalyzers.Benchmarks;

/// <summary>
/// The analyzers every project built with the installed SDK runs by default (the .NET code-quality analyzers in
/// <c>sdk/&lt;version&gt;/Sdks/Microsoft.NET.Sdk/analyzers</c>). A real build pays the cost of hosting analyzers once
/// for all of them, so the wall time our package adds is measured on top of these.
/// </summary>
internal static class SdkAnalyzers
{
    private static readonly string[] FileNames = ["Microsoft.CodeAnalysis.NetAnalyzers.dll", "Microsoft.CodeAnalysis.CSharp.NetAnalyzers.dll"];

    /// <summary>The SDK's C# analyzers, or none with the reason they could not be loaded into this process.</summary>
    public static ImmutableArray<DiagnosticAnalyzer> Load(out string description)
    {
        var folder = FindFolder();
        if (folder is null)
        {
            description = "not found under the SDK";
            return ImmutableArray<DiagnosticAnalyzer>.Empty;
        }

        var analyzers = ImmutableArray.CreateBuilder<DiagnosticAnalyzer>();
        var failures = new List<string>();
        var loader = new Loader();
        foreach (var name in FileNames)
        {
            var reference = new AnalyzerFileReference(Path.Combine(folder, name), loader);
            reference.AnalyzerLoadFailed += (_, e) => failures.Add($"{name}: {e.Message}");
            try
            {
                analyzers.AddRange(reference.GetAnalyzers(LanguageNames.CSharp));
            }
            catch (Exception exception) when (exception is IOException or BadImageFormatException or TypeLoadException or ReflectionTypeLoadException)
            {
                failures.Add($"{name}: {exception.Message}");
            }
        }

        description = failures.Count > 0
            ? $"could not be loaded by this benchmark's compiler ({string.Join("; ", failures.Distinct().Take(2))})"
            : $"{analyzers.Count} analyzers from {folder}";
        return failures.Count > 0 ? ImmutableArray<DiagnosticAnalyzer>.Empty : analyzers.ToImmutable();
    }

    private static string? FindFolder()
    {
        var sdkRoot = Path.Combine(TargetingPacksRoot(), "sdk");
        if (!Directory.Exists(sdkRoot))
        {
            return null;
        }

        return Directory.EnumerateDirectories(sdkRoot)
            .Select(directory => (Version: Version.TryParse(Path.GetFileName(directory).Split('-')[0], out var version) ? version : null, Folder: Path.Combine(directory, "Sdks", "Microsoft.NET.Sdk", "analyzers")))
            .Where(candidate => candidate.Version is not null && File.Exists(Path.Combine(candidate.Folder, FileNames[0])))
            .OrderByDescending(candidate => candidate.Version)
            .Select(candidate => candidate.Folder)
            .FirstOrDefault();
    }

    private static string TargetingPacksRoot() => Tests.Verification.TargetingPacks.DotNetRoot();

    private sealed class Loader : IAnalyzerAssemblyLoader
    {
        public void AddDependencyLocation(string fullPath)
        {
        }

        public Assembly LoadFromPath(string fullPath) => Assembly.LoadFrom(fullPath);
    }
}
