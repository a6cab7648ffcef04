using System;
using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SharedStateAnalyzers.Model;

/// <summary>Small facts about symbols that several models and fixes ask.</summary>
internal static class SymbolFacts
{
    /// <summary>An assembly of .NET or of Microsoft's libraries (or an unknown one): not the program's own code.</summary>
    public static bool IsFrameworkAssembly(IAssemblySymbol? assembly)
    {
        var name = assembly?.Name;
        return name is null or "mscorlib" or "netstandard"
            || name.StartsWith("System", StringComparison.Ordinal)
            || name.StartsWith("Microsoft", StringComparison.Ordinal);
    }

    /// <summary>An integral, floating-point or decimal number type (not a nullable one): SByte through Double.</summary>
    public static bool IsNumeric(ITypeSymbol type)
        => type.SpecialType is >= SpecialType.System_SByte and <= SpecialType.System_Double;

    /// <summary>A string, a primitive, an enum, or a nullable one of those: a value, not an instance with an identity.</summary>
    public static bool IsSimpleValueType(ITypeSymbol type)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T, TypeArguments.Length: 1 } nullable)
        {
            type = nullable.TypeArguments[0];
        }

        if (type.TypeKind == TypeKind.Enum)
        {
            return true;
        }

        switch (type.SpecialType)
        {
            case SpecialType.System_String:
            case SpecialType.System_Boolean:
            case SpecialType.System_Char:
            case SpecialType.System_SByte:
            case SpecialType.System_Byte:
            case SpecialType.System_Int16:
            case SpecialType.System_UInt16:
            case SpecialType.System_Int32:
            case SpecialType.System_UInt32:
            case SpecialType.System_Int64:
            case SpecialType.System_UInt64:
            case SpecialType.System_Decimal:
            case SpecialType.System_Single:
            case SpecialType.System_Double:
            case SpecialType.System_IntPtr:
            case SpecialType.System_UIntPtr:
            case SpecialType.System_DateTime:
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// <c>WindowsIdentity</c>/<c>WindowsPrincipal</c>: what <c>WindowsIdentity.GetCurrent()</c> gives is the process's own
    /// account, not a request's user (a request's Windows user is read through <c>HttpContext.User</c>).
    /// </summary>
    public static bool IsProcessIdentity(INamedTypeSymbol type)
        => type.Name is "WindowsIdentity" or "WindowsPrincipal" && type.ContainingNamespace?.ToDisplayString() == "System.Security.Principal";

    /// <summary><paramref name="type"/> implements <paramref name="interface"/> (any construction of it).</summary>
    public static bool Implements(INamedTypeSymbol type, INamedTypeSymbol @interface)
    {
        foreach (var candidate in type.AllInterfaces)
        {
            if (SymbolEqualityComparer.Default.Equals(candidate.OriginalDefinition, @interface.OriginalDefinition))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A type that does not resolve, or is built from one (<c>Dictionary&lt;string, Bitmap&gt;</c> where the package that
    /// declares <c>Bitmap</c> is missing, or the name is still being typed): what it holds cannot be judged.
    /// </summary>
    public static bool MentionsUnresolvedType(ITypeSymbol? type) => MentionsUnresolvedType(type, depth: 0);

    private static bool MentionsUnresolvedType(ITypeSymbol? type, int depth)
    {
        switch (type)
        {
            case null:
                return false;
            case { TypeKind: TypeKind.Error }:
                return true;
            case IArrayTypeSymbol array:
                return depth < 4 && MentionsUnresolvedType(array.ElementType, depth + 1);
            case INamedTypeSymbol { IsGenericType: true } generic when depth < 4:
                foreach (var argument in generic.TypeArguments)
                {
                    if (MentionsUnresolvedType(argument, depth + 1))
                    {
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }

    /// <summary>
    /// Whether an element type of <paramref name="collectionType"/> (a dictionary's values, a list's items, or the items
    /// of such a collection of collections) satisfies <paramref name="test"/>.
    /// </summary>
    public static bool AnyElementType(ITypeSymbol? collectionType, Func<ITypeSymbol, bool> test)
    {
        for (var depth = 0; depth < 2 && collectionType is INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: > 0 } named; depth++)
        {
            var element = named.TypeArguments[named.TypeArguments.Length - 1];
            if (test(element))
            {
                return true;
            }

            collectionType = element;
        }

        return false;
    }

    /// <summary>
    /// A static read-only or constant field, or a static get-only auto-property: set once, by its type's initialization.
    /// </summary>
    public static bool IsSetOnlyByTypeInitialization(ISymbol member) => member switch
    {
        IFieldSymbol { IsStatic: true } field => field.IsReadOnly || field.IsConst,
        IPropertySymbol { IsStatic: true, SetMethod: null, IsIndexer: false } property => CacheStorage.IsAutoProperty(property),
        _ => false,
    };

    /// <summary>
    /// A generic collection whose entries are code, not data: its element (a dictionary's value) is a delegate, a
    /// reflection object (<c>Type</c>, <c>MemberInfo</c>, <c>Assembly</c>), a service registration
    /// (<c>ServiceDescriptor</c>: a service type with its implementation and lifetime), a tuple of them, or a collection
    /// or array of them (<c>Dictionary&lt;Type, List&lt;MulticastDelegate&gt;&gt;</c> of callbacks per type), or a
    /// class of the compilation whose fields all hold such (<see cref="HoldsOnlyCodeMembers(ITypeSymbol)"/>), and its
    /// other type arguments (a dictionary's key) are such too, an enum or a <c>string</c> name. A registry of handler
    /// types, of set-up callbacks or of services to register holds what the code that registers is, not what it reads.
    /// </summary>
    public static bool HoldsOnlyCode(ITypeSymbol? collectionType) => HoldsOnlyCode(collectionType, depth: 0);

    /// <summary>How deep the code-only questions look into what a type holds (a class holding a list of itself stops here).</summary>
    private const int MaxCodeDepth = 3;

    private static bool HoldsOnlyCode(ITypeSymbol? collectionType, int depth)
    {
        if (depth > MaxCodeDepth || collectionType is not INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: > 0 } named || !IsCollection(named))
        {
            return false;
        }

        var arguments = named.TypeArguments;
        for (var i = 0; i < arguments.Length - 1; i++)
        {
            if (arguments[i] is not { SpecialType: SpecialType.System_String } and not { TypeKind: TypeKind.Enum } && !IsCode(arguments[i], depth))
            {
                return false;
            }
        }

        var element = arguments[arguments.Length - 1];
        return IsCodeOrArrayOfCode(element, depth) || HoldsOnlyCode(element, depth + 1) || HoldsOnlyCodeMembers(element, depth + 1);
    }

    /// <summary>
    /// A class of the compilation whose instance fields (auto-properties' included, its source base classes' too) all
    /// hold code: delegates, reflection objects, or collections of them (<see cref="HoldsOnlyCode"/>), with at least
    /// one such field. An options class of callbacks (<c>List&lt;Action&lt;TSettings&gt;&gt; Modifiers</c>) is one.
    /// </summary>
    public static bool HoldsOnlyCodeMembers(ITypeSymbol type) => HoldsOnlyCodeMembers(type, depth: 0);

    private static bool HoldsOnlyCodeMembers(ITypeSymbol type, int depth)
    {
        if (depth > MaxCodeDepth || type is not INamedTypeSymbol { TypeKind: TypeKind.Class } named)
        {
            return false;
        }

        var any = false;
        for (var current = named; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
        {
            if (current.DeclaringSyntaxReferences.IsEmpty)
            {
                // A library base class may hold values of its own.
                return false;
            }

            foreach (var member in current.GetMembers())
            {
                if (member is IFieldSymbol { IsStatic: false, IsConst: false } field)
                {
                    if (!IsCodeOrArrayOfCode(field.Type, depth) && !HoldsOnlyCode(field.Type, depth + 1))
                    {
                        return false;
                    }

                    any = true;
                }
            }
        }

        return any;
    }

    /// <summary>Code (<see cref="IsCode"/>), or an array of it (<c>Type[] ParameterTypes</c>).</summary>
    private static bool IsCodeOrArrayOfCode(ITypeSymbol type, int depth)
        => IsCode(type, depth) || (type is IArrayTypeSymbol array && IsCode(array.ElementType, depth));

    private static bool IsCode(ITypeSymbol type, int depth = 0)
    {
        if (type.TypeKind == TypeKind.Delegate || IsReflectionObject(type)
            || (type is { Name: "Delegate" or "MulticastDelegate", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } })
            || (type.Name == "ServiceDescriptor" && type.ContainingNamespace?.ToDisplayString() == "Microsoft.Extensions.DependencyInjection"))
        {
            return true;
        }

        if (type is INamedTypeSymbol { IsTupleType: true, TupleElements: { Length: > 0 } elements })
        {
            foreach (var element in elements)
            {
                if (depth > MaxCodeDepth || !(IsCodeOrArrayOfCode(element.Type, depth + 1) || HoldsOnlyCode(element.Type, depth + 1)))
                {
                    return false;
                }
            }

            return true;
        }

        return false;
    }

    /// <summary>
    /// A type of a desktop or mobile UI toolkit: Avalonia, WPF and Windows Forms (<c>System.Windows</c>), .NET MAUI,
    /// Xamarin.Forms, WinUI and UWP XAML. The toolkit creates and uses its objects on its UI thread.
    /// </summary>
    public static bool IsUiToolkitType(ITypeSymbol type)
    {
        var segments = new List<string>();
        for (var current = type.ContainingNamespace; current is { IsGlobalNamespace: false }; current = current.ContainingNamespace)
        {
            segments.Insert(0, current.Name);
        }

        return IsUiToolkitNamespace(segments);
    }

    /// <summary>
    /// Text that names a UI toolkit's namespace (the namespaces of <see cref="IsUiToolkitType"/>): a <c>using</c>
    /// directive's name, or a type written with its namespace.
    /// </summary>
    public static bool NamesUiToolkitNamespace(string text) => IsUiToolkitNamespace(text.Split('.'));

    /// <summary>Avalonia…, System.Windows…, Microsoft.Maui…, Xamarin.Forms…, or Microsoft.UI…/Windows.UI… with a <c>Xaml</c> part.</summary>
    private static bool IsUiToolkitNamespace(IReadOnlyList<string> segments)
    {
        if (segments.Count == 0)
        {
            return false;
        }

        var second = segments.Count > 1 ? segments[1].Trim() : null;
        switch (segments[0].Trim(), second)
        {
            case ("Avalonia", _):
            case ("System", "Windows"):
            case ("Microsoft", "Maui"):
            case ("Xamarin", "Forms"):
                return true;
            case ("Microsoft", "UI") or ("Windows", "UI"):
                foreach (var segment in segments)
                {
                    if (segment.Trim() == "Xaml")
                    {
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }

    /// <summary>The source types of <paramref name="compilation"/> that derive, directly or not, from <paramref name="owner"/>.</summary>
    public static IReadOnlyList<INamedTypeSymbol> SourceTypesDerivedFrom(Compilation compilation, INamedTypeSymbol owner, CancellationToken cancellationToken)
        => DerivedTypes.Of(compilation, owner, cancellationToken);

    /// <summary>Whether some source type of <paramref name="compilation"/> derives from <paramref name="owner"/>.</summary>
    public static bool HasSourceTypesDerivedFrom(Compilation compilation, INamedTypeSymbol owner, CancellationToken cancellationToken)
        => DerivedTypes.Of(compilation, owner, cancellationToken).Count > 0;

    /// <summary>
    /// The declaration an override chain starts from (<paramref name="method"/> itself when it overrides nothing), as its
    /// original definition: the method C# binds a call to, whatever override runs.
    /// </summary>
    public static IMethodSymbol FirstDeclaration(IMethodSymbol method)
    {
        var first = method.OriginalDefinition;
        for (var current = method.OverriddenMethod; current is not null; current = current.OverriddenMethod)
        {
            first = current.OriginalDefinition;
        }

        return first;
    }

    /// <summary><paramref name="method"/> overrides <paramref name="baseMethod"/>, directly or further down.</summary>
    public static bool Overrides(IMethodSymbol method, IMethodSymbol baseMethod)
    {
        for (var current = method.OverriddenMethod; current is not null; current = current.OverriddenMethod)
        {
            if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, baseMethod.OriginalDefinition))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The interface methods <paramref name="method"/> implements (by name, implicitly or explicitly), as original definitions.</summary>
    public static List<IMethodSymbol> ImplementedInterfaceMethods(IMethodSymbol method)
    {
        var implemented = new List<IMethodSymbol>();
        var type = method.ContainingType;
        if (type is null || method.IsStatic)
        {
            return implemented;
        }

        foreach (var @interface in type.AllInterfaces)
        {
            foreach (var member in @interface.GetMembers(method.Name))
            {
                if (member is IMethodSymbol interfaceMethod
                    && SymbolEqualityComparer.Default.Equals(type.FindImplementationForInterfaceMember(interfaceMethod)?.OriginalDefinition, method.OriginalDefinition))
                {
                    implemented.Add(interfaceMethod.OriginalDefinition);
                }
            }
        }

        return implemented;
    }

    /// <summary>Whether <paramref name="node"/> lies inside one of <paramref name="type"/>'s declarations (any part of a partial type).</summary>
    public static bool IsInDeclarationOf(INamedTypeSymbol type, SyntaxNode node)
    {
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree == node.SyntaxTree && reference.Span.Contains(node.Span))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="declaration"/> is one of <paramref name="type"/>'s own declarations (a part of it, for a partial type).</summary>
    public static bool IsDeclarationOf(SyntaxNode? declaration, INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        if (declaration is null)
        {
            return false;
        }

        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree == declaration.SyntaxTree && reference.GetSyntax(cancellationToken) == declaration)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A primary constructor (<c>class Catalog(IServiceCollection services)</c>): declared by the type declaration itself.</summary>
    public static bool IsPrimaryConstructor(IMethodSymbol constructor)
        => constructor is { MethodKind: MethodKind.Constructor, DeclaringSyntaxReferences.Length: 1 }
            && constructor.DeclaringSyntaxReferences[0].GetSyntax() is TypeDeclarationSyntax;

    /// <summary><paramref name="type"/> has <paramref name="owner"/> among its base classes.</summary>
    public static bool DerivesFrom(INamedTypeSymbol type, INamedTypeSymbol owner)
    {
        for (var current = type.BaseType; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, owner.OriginalDefinition))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A collection of values: enumerable, and not a string.</summary>
    public static bool IsCollection(ITypeSymbol? type)
    {
        if (type is null || type.SpecialType == SpecialType.System_String)
        {
            return false;
        }

        foreach (var @interface in type.AllInterfaces)
        {
            if (@interface.SpecialType == SpecialType.System_Collections_IEnumerable)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The name starts with one of <paramref name="verbs"/> as a whole word: <c>RegisterTool</c> and <c>Register</c> for
    /// "Register", not <c>Registry</c>.
    /// </summary>
    public static bool IsNamedFor(string name, string[] verbs)
    {
        foreach (var verb in verbs)
        {
            if (name.StartsWith(verb, StringComparison.Ordinal) && (name.Length == verb.Length || char.IsUpper(name[verb.Length])))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A <c>Type</c>, <c>MemberInfo</c>, <c>Assembly</c> or <c>Module</c>: what the program's own code defines, loaded once by the runtime.</summary>
    public static bool IsReflectionObject(ITypeSymbol? type)
    {
        for (var current = type as INamedTypeSymbol; current is not null; current = current.BaseType)
        {
            var ns = current.ContainingNamespace?.ToDisplayString();
            if ((current.Name == "Type" && ns == "System") || (ns == "System.Reflection" && current.Name is "MemberInfo" or "Assembly" or "Module"))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A logging abstraction: <c>ILogger</c>, <c>ILogger&lt;T&gt;</c>, <c>ILoggerFactory</c> or <c>ILog</c> of any
    /// logging library (Microsoft.Extensions.Logging, Castle, Serilog, log4net, also when the package is not resolved),
    /// or NLog's <c>Logger</c>. Code writes to a logger and never reads state back from it.
    /// </summary>
    public static bool IsLogger(ITypeSymbol type)
        => type.Name switch
        {
            "ILogger" or "ILoggerFactory" or "ILog" => type.TypeKind is TypeKind.Interface or TypeKind.Error,
            "Logger" => type.ContainingNamespace is { Name: "NLog", ContainingNamespace.IsGlobalNamespace: true },
            _ => false,
        };

    /// <summary>
    /// A type the runtime itself shares process-wide, so that one shared instance of a subclass is its idiom: a buffer
    /// pool (<c>ArrayPool&lt;T&gt;.Shared</c>, <c>MemoryPool&lt;T&gt;.Shared</c>, an <c>ObjectPool&lt;T&gt;</c>) or a clock
    /// (<c>TimeProvider.System</c>). Code that needs one takes the base type, and the subclass's state (pooled
    /// buffers, a cached time) is nobody's request data.
    /// </summary>
    public static bool IsSharedRuntimeService(INamedTypeSymbol type)
    {
        for (var current = type.BaseType; current is not null; current = current.BaseType)
        {
            var isCandidate = current switch
            {
                { Name: "ArrayPool" or "MemoryPool", Arity: 1 } => current.ContainingNamespace?.ToDisplayString() == "System.Buffers",
                { Name: "ObjectPool", Arity: 1 } => current.ContainingNamespace?.ToDisplayString() == "Microsoft.Extensions.ObjectPool",
                { Name: "TimeProvider", Arity: 0 } => current.ContainingNamespace?.ToDisplayString() == "System",
                _ => false,
            };
            if (isCandidate)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A subclass of <c>System.Diagnostics.Tracing.EventSource</c>. The runtime requires one instance per event source
    /// name for the life of the process (the <c>public static readonly Log</c> idiom), and calls its
    /// <c>OnEventCommand</c> under the listeners' lock.
    /// </summary>
    public static bool IsEventSource(INamedTypeSymbol type)
    {
        for (var current = type.BaseType; current is not null; current = current.BaseType)
        {
            if (current.Name == "EventSource" && current.ContainingNamespace?.ToDisplayString() == "System.Diagnostics.Tracing")
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// For a call with no receiver that does not bind (an argument or type argument the build cannot resolve), the
    /// ordinary methods of <paramref name="type"/> it names: <c>Register(types.ToArray())</c>,
    /// <c>RegisterHandler&lt;User&gt;(repo)</c>.
    /// </summary>
    public static IEnumerable<IMethodSymbol> OwnMethodsNamedBy(Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax call, INamedTypeSymbol type)
    {
        var name = call.Expression switch
        {
            Microsoft.CodeAnalysis.CSharp.Syntax.IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
            Microsoft.CodeAnalysis.CSharp.Syntax.GenericNameSyntax generic => generic.Identifier.ValueText,
            _ => null,
        };

        if (name is null)
        {
            yield break;
        }

        foreach (var member in type.GetMembers(name))
        {
            if (member is IMethodSymbol { MethodKind: MethodKind.Ordinary } method)
            {
                yield return method;
            }
        }
    }
}
