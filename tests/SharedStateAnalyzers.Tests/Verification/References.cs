using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.EntityFrameworkCore;

namespace SharedStateAnalyzers.Tests.Verification;

/// <summary>The metadata a test compilation sees, beyond the .NET reference assemblies it always has.</summary>
[Flags]
public enum References
{
    /// <summary>The .NET reference assemblies (always included).</summary>
    Net = 1,

    /// <summary><c>Microsoft.Extensions.Caching.Memory</c> and what its API exposes (primitives, options, logging).</summary>
    MemoryCache = 2,

    /// <summary><c>Microsoft.Extensions.DependencyInjection</c>, its abstractions and the hosting abstractions.</summary>
    DependencyInjection = 4,

    /// <summary>The whole ASP.NET Core shared framework.</summary>
    AspNetCore = 8,

    /// <summary>EF Core, with the <c>Microsoft.Extensions</c> assemblies it depends on.</summary>
    EntityFrameworkCore = 16,

    /// <summary>xUnit (<c>xunit.core</c>): the compilation is a test project.</summary>
    TestFramework = 32,

    /// <summary>An ADO.NET provider (<c>Microsoft.Data.Sqlite</c>): a database library outside the compilation.</summary>
    DataProvider = 64,
}

/// <summary>Resolves <see cref="References"/> to metadata references from the installed .NET SDK's targeting packs.</summary>
public static class ReferenceAssemblies
{
    private static readonly ConcurrentDictionary<References, ImmutableArray<MetadataReference>> Cache = new();
    private static readonly ConcurrentDictionary<string, MetadataReference> FileReferences = new(StringComparer.Ordinal);

    private static readonly string[] MemoryCacheAssemblies =
    [
        "Microsoft.Extensions.Caching.Abstractions",
        "Microsoft.Extensions.Caching.Memory",
        "Microsoft.Extensions.Primitives",
        "Microsoft.Extensions.Options",
        "Microsoft.Extensions.Logging.Abstractions",
        "Microsoft.Extensions.DependencyInjection.Abstractions",
    ];

    private static readonly string[] DependencyInjectionAssemblies =
    [
        "Microsoft.Extensions.DependencyInjection",
        "Microsoft.Extensions.DependencyInjection.Abstractions",
        "Microsoft.Extensions.Hosting.Abstractions",
        "Microsoft.Extensions.Options",
        "Microsoft.Extensions.Primitives",
    ];

    /// <summary>The metadata references for a set of <see cref="References"/>; the .NET reference assemblies are always part of it.</summary>
    public static ImmutableArray<MetadataReference> Get(References references)
        => Cache.GetOrAdd(references | References.Net, Resolve);

    private static ImmutableArray<MetadataReference> Resolve(References references)
    {
        var files = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        void Add(string path) => files[Path.GetFileNameWithoutExtension(path)] = path;

        foreach (var path in Directory.EnumerateFiles(TargetingPacks.Find("Microsoft.NETCore.App.Ref"), "*.dll"))
        {
            Add(path);
        }

        var aspNetCore = new Lazy<string>(() => TargetingPacks.Find("Microsoft.AspNetCore.App.Ref"));
        void AddFromAspNetCore(IEnumerable<string> names)
        {
            foreach (var name in names)
            {
                Add(Path.Combine(aspNetCore.Value, name + ".dll"));
            }
        }

        if (references.HasFlag(References.AspNetCore))
        {
            foreach (var path in Directory.EnumerateFiles(aspNetCore.Value, "*.dll"))
            {
                Add(path);
            }
        }

        if (references.HasFlag(References.MemoryCache))
        {
            AddFromAspNetCore(MemoryCacheAssemblies);
        }

        if (references.HasFlag(References.DependencyInjection))
        {
            AddFromAspNetCore(DependencyInjectionAssemblies);
        }

        if (references.HasFlag(References.EntityFrameworkCore))
        {
            AddFromAspNetCore(MemoryCacheAssemblies.Concat(DependencyInjectionAssemblies).Append("Microsoft.Extensions.Logging"));
            var efCore = typeof(DbContext).Assembly.Location;
            Add(efCore);
            Add(Path.Combine(Path.GetDirectoryName(efCore)!, "Microsoft.EntityFrameworkCore.Abstractions.dll"));
        }

        if (references.HasFlag(References.DataProvider))
        {
            Add(typeof(Microsoft.Data.Sqlite.SqliteConnectionStringBuilder).Assembly.Location);
        }

        if (references.HasFlag(References.TestFramework))
        {
            Add(typeof(Xunit.FactAttribute).Assembly.Location);
        }

        return files.Values
            .Order(StringComparer.Ordinal)
            .Select(path => FileReferences.GetOrAdd(path, p => MetadataReference.CreateFromFile(p)))
            .ToImmutableArray();
    }
}
