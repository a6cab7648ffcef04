using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;

namespace SharedStateAnalyzers.CodeFixes;

/// <summary>
/// "Use injected IHttpContextAccessor": a private field (static, or an instance field of a class the container
/// builds) of type <c>HttpContext</c>, <c>HttpRequest</c>,
/// <c>HttpResponse</c>, <c>ClaimsPrincipal</c>, <c>ISession</c> or <c>ConnectionInfo</c> becomes
/// <c>private readonly IHttpContextAccessor _httpContextAccessor;</c> taken through the constructor; each read becomes
/// the current request's object (<c>_httpContextAccessor.HttpContext</c>, <c>_httpContextAccessor.HttpContext!.User</c>…)
/// and each write, which only remembered the current request's object, is removed.
/// <para>
/// Offered only in the simple shape where that is exact: the field has no initializer; every use is in an instance
/// member of its class, in this document; every write is a statement of its own assigning the current request's
/// object through member reads only (see <see cref="IsCurrentRequest"/>); no use is <c>ref</c>, <c>++</c> or a compound assignment; the
/// class is built by dependency injection (see <see cref="ConstructorInjection.FindInjectableConstructorAsync"/>)
/// and has no member named <c>_httpContextAccessor</c>. The app must register the accessor
/// (<c>services.AddHttpContextAccessor()</c>).
/// </para>
/// </summary>
internal static class HttpContextAccessorRewrite
{
    private const string FieldName = "_httpContextAccessor";
    private const string ParameterName = "httpContextAccessor";
    private const string HttpNamespace = "Microsoft.AspNetCore.Http";

    public static async Task<Document?> TryApplyAsync(Document document, SyntaxNode storageDeclaration, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null
            || storageDeclaration is not VariableDeclaratorSyntax { Initializer: null, Parent: VariableDeclarationSyntax { Variables.Count: 1, Parent: FieldDeclarationSyntax fieldDeclaration } } declarator
            || fieldDeclaration.Parent is not ClassDeclarationSyntax { ParameterList: null } owner
            || model.Compilation.GetTypeByMetadataName(HttpNamespace + ".IHttpContextAccessor") is not { } accessorType
            || model.GetDeclaredSymbol(declarator, cancellationToken) is not IFieldSymbol { DeclaredAccessibility: Accessibility.Private } field)
        {
            return null;
        }

        var path = GetPath(field.Type);
        var type = field.ContainingType;
        if (path is null || type is not { TypeKind: TypeKind.Class, IsStatic: false })
        {
            return null;
        }

        // A second field of the class (Fix All) reuses the accessor the first one brought in.
        var existing = type.GetMembers(FieldName);
        var reuse = existing.Length == 1 && existing[0] is IFieldSymbol { IsStatic: false } existingField
            && SymbolEqualityComparer.Default.Equals(existingField.Type, accessorType);
        if (!existing.IsEmpty && !reuse)
        {
            return null;
        }

        var references = await CacheFieldReferences.FindAsync(document, root, field, cancellationToken).ConfigureAwait(false);
        if (references is null || !references.AreAllInInstanceMembers(model, type, cancellationToken))
        {
            return null;
        }

        var constructor = reuse ? null : await ConstructorInjection.FindInjectableConstructorAsync(document, type, cancellationToken).ConfigureAwait(false);
        if (constructor is null && !reuse)
        {
            return null;
        }

        // HttpContext? reads stay nullable; the request's parts are there whenever a request is.
        var nullable = field.Type.NullableAnnotation == NullableAnnotation.Annotated;
        var read = path.Length == 0
            ? FieldName + ".HttpContext" + (nullable ? string.Empty : "!")
            : FieldName + ".HttpContext!." + path;

        var editor = new SyntaxEditor(root, document.Project.Solution.Services);
        foreach (var name in references.Names)
        {
            var reference = CacheFieldReferences.GetQualifiedReference(model, name, cancellationToken);
            if (reference.Parent is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } thisAccess && thisAccess.Name == reference)
            {
                // this._context: the whole access is the reference.
                reference = thisAccess;
            }

            if (SyntaxHelpers.IsInNameOf(reference))
            {
                return null;
            }

            switch (reference.Parent)
            {
                case AssignmentExpressionSyntax assignment when assignment.Left == reference:
                    if (!assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) || assignment.Parent is not ExpressionStatementSyntax statement
                        || !IsPlainRead(assignment.Right) || !IsCurrentRequest(model.GetOperation(assignment.Right, cancellationToken)))
                    {
                        return null;
                    }

                    editor.RemoveNode(statement, SyntaxRemoveOptions.KeepNoTrivia);
                    continue;
                case PrefixUnaryExpressionSyntax or PostfixUnaryExpressionSyntax:
                case ArgumentSyntax { RefKindKeyword.RawKind: not (int)SyntaxKind.None }:
                case RefExpressionSyntax:
                    return null;
            }

            editor.ReplaceNode(reference, SyntaxFactory.ParseExpression(read).WithTriviaFrom(reference));
        }

        if (reuse)
        {
            editor.RemoveNode(fieldDeclaration, SyntaxRemoveOptions.KeepNoTrivia);
            return await Formatter.FormatAsync(document.WithSyntaxRoot(editor.GetChangedRoot()), Formatter.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        var newLine = SyntaxHelpers.GetNewLine(root);
        if (!ConstructorInjection.TryAssignFromExistingParameter(editor, constructor!, accessorType, FieldName, newLine, cancellationToken)
            && !ConstructorInjection.TryInject(editor, owner, constructor!, "IHttpContextAccessor", ParameterName, FieldName, newLine, cancellationToken))
        {
            return null;
        }

        // The field last: a new constructor may have been inserted after it.
        var newField = SyntaxHelpers.EnsureReadOnly(SyntaxHelpers.RemoveModifier(fieldDeclaration, SyntaxKind.StaticKeyword));
        newField = newField.WithDeclaration(newField.Declaration
            .WithType(SyntaxFactory.ParseTypeName("IHttpContextAccessor").WithTriviaFrom(newField.Declaration.Type))
            .WithVariables(SyntaxFactory.SingletonSeparatedList(declarator.WithIdentifier(SyntaxFactory.Identifier(FieldName).WithTriviaFrom(declarator.Identifier)))));
        editor.ReplaceNode(fieldDeclaration, (current, _) => ((FieldDeclarationSyntax)current).WithModifiers(newField.Modifiers).WithDeclaration(newField.Declaration));

        var newRoot = editor.GetChangedRoot();
        if (!model.LookupNamespacesAndTypes(fieldDeclaration.SpanStart, name: "IHttpContextAccessor").Any(s => SymbolEqualityComparer.Default.Equals(s, accessorType)))
        {
            newRoot = SyntaxHelpers.AddUsing(newRoot, HttpNamespace);
        }

        return await Formatter.FormatAsync(document.WithSyntaxRoot(newRoot), Formatter.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How the current request's object of this type is reached from an <c>HttpContext</c>: "" for the context itself, null for other types.</summary>
    private static string? GetPath(ITypeSymbol type) => type.OriginalDefinition.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) switch
    {
        "global::Microsoft.AspNetCore.Http.HttpContext" => string.Empty,
        "global::Microsoft.AspNetCore.Http.HttpRequest" => "Request",
        "global::Microsoft.AspNetCore.Http.HttpResponse" => "Response",
        "global::Microsoft.AspNetCore.Http.ISession" => "Session",
        "global::Microsoft.AspNetCore.Http.ConnectionInfo" => "Connection",
        "global::System.Security.Claims.ClaimsPrincipal" => "User",
        _ => null,
    };

    /// <summary>
    /// The value is the current request's object, which the accessor gives back: read from the framework's own
    /// members on <c>this</c> (<c>ControllerBase.User</c>, <c>PageModel.HttpContext</c>…), from an
    /// <c>HttpContext</c> parameter (a middleware's or handler's context), or from an <c>IHttpContextAccessor</c>.
    /// A value from anywhere else (a principal passed in, built, or looked up) would be lost: no fix.
    /// </summary>
    private static bool IsCurrentRequest(IOperation? value)
    {
        ISymbol? firstMember = null;
        var current = value;
        while (true)
        {
            switch (current)
            {
                case IConversionOperation conversion:
                    current = conversion.Operand;
                    continue;
                case IPropertyReferenceOperation { Instance: { } instance } property:
                    firstMember = property.Property;
                    if (property.Property.ContainingType?.Name == "IHttpContextAccessor" || property.Property.ContainingType?.Name == "HttpContextAccessor")
                    {
                        return true;
                    }

                    current = instance;
                    continue;
                case IInstanceReferenceOperation:
                    return firstMember?.ContainingType?.ContainingNamespace?.ToDisplayString().StartsWith("Microsoft.AspNetCore", System.StringComparison.Ordinal) == true;
                case IParameterReferenceOperation parameter:
                    return parameter.Type?.ToDisplayString() == "Microsoft.AspNetCore.Http.HttpContext";
                default:
                    return false;
            }
        }
    }

    /// <summary>A name, a member read or <c>this</c>: removing the assignment loses no side effect.</summary>
    private static bool IsPlainRead(ExpressionSyntax value) => value switch
    {
        IdentifierNameSyntax or ThisExpressionSyntax or BaseExpressionSyntax => true,
        MemberAccessExpressionSyntax { RawKind: (int)SyntaxKind.SimpleMemberAccessExpression } access => IsPlainRead(access.Expression),
        ParenthesizedExpressionSyntax parenthesized => IsPlainRead(parenthesized.Expression),
        _ => false,
    };
}
