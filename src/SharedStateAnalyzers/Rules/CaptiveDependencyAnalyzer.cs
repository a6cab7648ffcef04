using System;
using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using SharedStateAnalyzers.Model;

namespace SharedStateAnalyzers.Rules;

/// <summary>
/// SSA006: a singleton registration whose constructor (the one the container would pick) or factory asks for a service
/// the compilation registers as scoped — directly, through <c>IEnumerable&lt;T&gt;</c>, an open generic registration or
/// transients — or for a disposable transient or a typed <c>HttpClient</c>. Reported at the singleton's registration
/// call, once per captured dependency, with the dependency's registration as an additional location. Decided per
/// registration call from the compilation's registrations (gathered once), so it shows while typing.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class CaptiveDependencyAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The diagnostic property holding the ordinal of the constructor parameter that takes the dependency.</summary>
    internal const string ParameterOrdinalProperty = "ParameterOrdinal";

    private static readonly SymbolDisplayFormat s_typeFormat = SymbolDisplayFormat.MinimallyQualifiedFormat;

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.CaptiveDependency);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        ProductCodeAnalysis.RegisterCompilationStart(context, static start =>
        {
            if (!ServiceRegistrations.For(start.Compilation).CanRegister)
            {
                return;
            }

            var captives = new CaptiveDependencies(start.Compilation);
            start.RegisterSyntaxNodeAction(node => Analyze(node, captives), SyntaxKind.InvocationExpression);
        });
    }

    private static void Analyze(SyntaxNodeAnalysisContext context, CaptiveDependencies captives)
    {
        var invocation = (InvocationExpressionSyntax)context.Node;
        var name = invocation.Expression switch
        {
            MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
            SimpleNameSyntax simple => simple.Identifier.ValueText,
            _ => null,
        };

        // Only singleton registrations are consumers; the compilation's registrations are gathered on the first one.
        if (name is null || !captives.Registrations.MayRegisterSingleton(name)
            || captives.Registrations.GetRegistration(invocation) is not { Lifetime: ServiceLifetimeKind.Singleton } registration)
        {
            return;
        }

        foreach (var captive in captives.Find(registration, context.CancellationToken))
        {
            var properties = captive.Request.Parameter is { } parameter
                ? ImmutableDictionary<string, string?>.Empty.Add(ParameterOrdinalProperty, parameter.Ordinal.ToString(CultureInfo.InvariantCulture))
                : ImmutableDictionary<string, string?>.Empty;
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.CaptiveDependency,
                registration.Location,
                new[] { captive.Dependency.Location },
                properties,
                DescribeConsumer(registration),
                DescribeKind(captive),
                DescribeDependency(captive),
                DescribeVia(captive),
                DescribeConsequence(captive.Reason)));
        }
    }

    private static string DescribeConsumer(ServiceRegistration registration)
        => (registration.ImplementationType ?? registration.ServiceType)?.ToDisplayString(s_typeFormat) ?? registration.MethodName;

    private static string DescribeKind(CaptiveDependency captive) => captive.Reason switch
    {
        CaptiveReason.Scoped => "scoped",
        CaptiveReason.TypedHttpClient when captive.Dependency.MethodName == "AddGrpcClient" => "transient gRPC client",
        CaptiveReason.TypedHttpClient => "transient typed HttpClient",
        _ => "disposable transient",
    };

    private static string DescribeDependency(CaptiveDependency captive)
    {
        // Directly: the type asked for (IRepository<Order> of an open generic registration); through transients: the registered service.
        var type = captive.Via.IsEmpty ? captive.Request.Type : captive.Dependency.ServiceType;
        return type?.ToDisplayString(s_typeFormat) ?? captive.Dependency.DisplayName;
    }

    private static string DescribeVia(CaptiveDependency captive)
    {
        if (captive.Via.IsEmpty)
        {
            return string.Empty;
        }

        var text = new StringBuilder(captive.Via.Length == 1 ? " through transient " : " through transients ");
        for (var i = 0; i < captive.Via.Length; i++)
        {
            text.Append(i == 0 ? "'" : ", '").Append(captive.Via[i].ServiceType?.ToDisplayString(s_typeFormat) ?? captive.Via[i].DisplayName).Append('\'');
        }

        return text.ToString();
    }

    private static string DescribeConsequence(CaptiveReason reason) => reason switch
    {
        CaptiveReason.Scoped => "the instance made for one scope is kept for the life of the process and shared by every request",
        CaptiveReason.TypedHttpClient => "the client is kept for the life of the process, so its handler is never rotated and DNS changes are never seen",
        _ => "the instance is kept for the life of the process and disposed only when it ends",
    };
}
