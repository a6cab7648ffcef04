using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SharedStateAnalyzers.Model;

/// <summary>
/// The state of a console program that runs on one thread: in an executable, a private static field of the class that
/// declares the program's static <c>Main</c>, where nothing in that class starts other threads or serves requests. Read from the
/// class's syntax: a class that mentions <c>Parallel</c>, <c>Task.Run</c>, <c>Thread</c>, a timer, <c>WhenAll</c>, a
/// host or web application builder, or passes lambdas to anything named <c>Map…</c>, is not such a program.
/// </summary>
internal static class SingleThreadedPrograms
{
    private static readonly HashSet<string> s_concurrencyNames = new(System.StringComparer.Ordinal)
    {
        "Parallel", "AsParallel", "Thread", "ThreadPool", "Timer", "PeriodicTimer", "Run", "RunAsync", "StartNew",
        "WhenAll", "WhenAny", "WhenEach", "ContinueWith", "BeginInvoke", "QueueUserWorkItem", "UnsafeQueueUserWorkItem",
        "WebApplication", "WebHost", "Host", "HostBuilder", "CreateBuilder", "CreateSlimBuilder", "CreateEmptyBuilder",
        "CreateDefaultBuilder", "CreateHostBuilder", "CreateApplicationBuilder", "UseKestrel", "Channel",
    };

    /// <summary>True for a private static field or property of a single-threaded console program's entry class.</summary>
    public static bool IsStateOfSingleThreadedProgram(Compilation compilation, ISymbol storage, CancellationToken cancellationToken)
    {
        if (compilation.Options.OutputKind is not (OutputKind.ConsoleApplication or OutputKind.WindowsApplication)
            || !storage.IsStatic || storage.DeclaredAccessibility != Accessibility.Private
            || storage.ContainingType is not { TypeKind: TypeKind.Class } type
            || type.ContainingType is not null
            || !DeclaresMain(type))
        {
            return false;
        }

        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            foreach (var token in reference.GetSyntax(cancellationToken).DescendantTokens())
            {
                if (token.IsKind(SyntaxKind.IdentifierToken) && token.Parent is SimpleNameSyntax
                    && (s_concurrencyNames.Contains(token.ValueText) || (token.ValueText.StartsWith("Map", System.StringComparison.Ordinal) && token.ValueText.Length > 3)))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static bool DeclaresMain(INamedTypeSymbol type)
    {
        foreach (var member in type.GetMembers("Main"))
        {
            if (member is IMethodSymbol { IsStatic: true, MethodKind: MethodKind.Ordinary })
            {
                return true;
            }
        }

        return false;
    }
}
