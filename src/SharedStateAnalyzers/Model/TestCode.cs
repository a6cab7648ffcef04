using System;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace SharedStateAnalyzers.Model;

/// <summary>
/// Test fixtures: classes of xUnit, NUnit, MSTest, TUnit or Machine.Specifications tests, their base classes' tests included, and the types
/// nested in them. A test class's static state is shared between its tests on purpose (a login token, a counter of
/// constructions the test asserts on), and no request of a web app ever reaches it. Attributes are matched by name,
/// so a test project whose framework reference does not resolve is still recognised.
/// </summary>
internal static class TestCode
{
    private const int MaxBaseTypes = 8;

    private static readonly ImmutableHashSet<string> s_testFrameworkAssemblies = ImmutableHashSet.Create(
        StringComparer.OrdinalIgnoreCase,
        "xunit.core", "xunit.v3.core", "nunit.framework", "Microsoft.VisualStudio.TestPlatform.TestFramework", "MSTest.TestFramework", "TUnit.Core");

    /// <summary>
    /// A test project: the compilation references xUnit, NUnit, MSTest or TUnit. Its fakes, hosts and fixtures
    /// (an in-memory queue, a database test host) share state between tests on purpose, and no request of the app
    /// reaches them; the rules leave the whole project alone.
    /// </summary>
    public static bool IsTestProject(Compilation compilation)
    {
        foreach (var assembly in compilation.ReferencedAssemblyNames)
        {
            if (s_testFrameworkAssemblies.Contains(assembly.Name))
            {
                return true;
            }
        }

        return false;
    }

    private static readonly ImmutableHashSet<string> s_testMethodAttributes = ImmutableHashSet.Create(
        StringComparer.Ordinal,
        "Fact", "Theory", "SkippableFact", "SkippableTheory", "Test", "TestCase", "TestCaseSource", "TestMethod", "DataTestMethod",
        "SetUp", "TearDown", "OneTimeSetUp", "OneTimeTearDown", "TestInitialize", "TestCleanup", "ClassInitialize", "ClassCleanup",
        "Before", "After");

    private static readonly ImmutableHashSet<string> s_testClassAttributes = ImmutableHashSet.Create(
        StringComparer.Ordinal, "TestFixture", "TestClass", "Collection");

    /// <summary>True when <paramref name="type"/>, a type it is nested in, or one of their base types holds tests.</summary>
    public static bool IsInTestFixture(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.ContainingType)
        {
            if (IsTestFixture(current))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsTestFixture(INamedTypeSymbol type)
    {
        var depth = 0;
        for (INamedTypeSymbol? current = type; current is not null && current.SpecialType != SpecialType.System_Object && depth < MaxBaseTypes; current = current.BaseType, depth++)
        {
            if (HasAttribute(current, s_testClassAttributes))
            {
                return true;
            }

            foreach (var member in current.GetMembers())
            {
                if (member is IMethodSymbol { MethodKind: MethodKind.Ordinary } method && HasAttribute(method, s_testMethodAttributes))
                {
                    return true;
                }

                if (member is IFieldSymbol field && IsSpecificationDelegate(field.Type))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// A Machine.Specifications (MSpec) context: its tests are fields of the delegate types <c>Establish</c>,
    /// <c>Because</c> and <c>It</c>, not attributed methods.
    /// </summary>
    private static bool IsSpecificationDelegate(ITypeSymbol type)
        => type.Name is "Establish" or "Because" or "It"
            && (type.TypeKind == TypeKind.Error || type.ContainingNamespace?.ToDisplayString() == "Machine.Specifications");

    private static bool HasAttribute(ISymbol symbol, ImmutableHashSet<string> names)
    {
        foreach (var attribute in symbol.GetAttributes())
        {
            var name = attribute.AttributeClass?.Name;
            if (name is null)
            {
                continue;
            }

            if (name.EndsWith("Attribute", StringComparison.Ordinal))
            {
                name = name.Substring(0, name.Length - "Attribute".Length);
            }

            if (names.Contains(name))
            {
                return true;
            }
        }

        return false;
    }
}
