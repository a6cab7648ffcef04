using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SharedStateAnalyzers.Model;

/// <summary>Which objects live as long as the process.</summary>
internal static class Lifetimes
{
    /// <summary>
    /// A type that keeps its own single instance in a static field or auto-property of its own type (directly or in a
    /// <c>Lazy&lt;T&gt;</c>), and either no other code can make another instance (a non-abstract class whose non-public
    /// constructors nothing else uses, see <see cref="HandRolledSingletons.IsConstructedOnlyByItself"/>) or each instance
    /// registers itself as the one (<c>Instance = this;</c> in a constructor: a plugin the host creates once). Its instance fields live as long as the process, so moving static state onto the
    /// instance changes nothing. A <c>static readonly Empty</c> sentinel of a type that internal, protected or public
    /// constructors make more of is not one.
    /// </summary>
    public static bool IsHandRolledSingleton(INamedTypeSymbol type, Compilation compilation)
    {
        if (type.IsAbstract || type.TypeKind != TypeKind.Class)
        {
            return false;
        }

        // A type that gives each thread its own instance (`ThreadLocal<Self>`, a `[ThreadStatic]` field) has no
        // process-wide one: its static accessor (`Current => s_perThread.Value`) hands out the calling thread's.
        var perThread = false;
        foreach (var member in type.GetMembers())
        {
            perThread |= member is IFieldSymbol field && HandRolledSingletons.HoldsPerThreadInstance(field, type);
        }

        // Asked only of a type that keeps an instance of its own in a static member.
        bool? constructedOnlyByItself = null;
        foreach (var member in type.GetMembers())
        {
            var storageType = member switch
            {
                IFieldSymbol { IsStatic: true } field when !HandRolledSingletons.IsThreadStatic(field) => field.Type,
                IPropertySymbol { IsStatic: true } property when !perThread || CacheStorage.IsAutoProperty(property) => property.Type,
                _ => null,
            };

            if (storageType is null)
            {
                continue;
            }

            // A Lazy<T> of the type is filled by its factory, never by `Instance = this`.
            if (HandRolledSingletons.HoldsOwnInstance(storageType, type, out var isLazy))
            {
                if (!isLazy && AssignsThisInAConstructor(type, member))
                {
                    return true;
                }

                // Constructed only by itself, and only as the one instance: a type whose factories make more (SSA004's
                // "other factories") keeps a sentinel among many instances.
                constructedOnlyByItself ??= HandRolledSingletons.IsConstructedOnlyByItself(type, compilation, CancellationToken.None);
                if (constructedOnlyByItself.Value && !HandRolledSingletons.HasOtherFactory(type, member, CancellationToken.None))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>A constructor of <paramref name="type"/> stores <c>this</c> in <paramref name="storage"/> (<c>Instance = this;</c>).</summary>
    private static bool AssignsThisInAConstructor(INamedTypeSymbol type, ISymbol storage)
    {
        foreach (var constructor in type.InstanceConstructors)
        {
            foreach (var reference in constructor.DeclaringSyntaxReferences)
            {
                foreach (var node in reference.GetSyntax().DescendantNodes())
                {
                    if (node is AssignmentExpressionSyntax { Right: ThisExpressionSyntax } assignment && SyntaxNames.Names(assignment.Left, storage.Name))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }
}
