using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using SharedStateAnalyzers.Model;

namespace SharedStateAnalyzers.Configuration;

/// <summary>
/// The app's own dependency-injection registration helpers, named in <c>.editorconfig</c>
/// (<c>shared_state.singleton_registration_methods</c> and its scoped and transient twins): a call of a method with one
/// of these names registers its type arguments (or <c>typeof</c> arguments) with that lifetime, whatever assembly
/// declares the method. The built-in names (<c>AddSingleton</c> and the rest) cannot be redefined.
/// </summary>
internal sealed class RegistrationMethods
{
    public static readonly RegistrationMethods None = new(ImmutableDictionary<string, ServiceLifetimeKind>.Empty);

    private RegistrationMethods(ImmutableDictionary<string, ServiceLifetimeKind> lifetimes) => Lifetimes = lifetimes;

    /// <summary>Each helper's name, with the lifetime it registers with.</summary>
    public ImmutableDictionary<string, ServiceLifetimeKind> Lifetimes { get; }

    public bool IsEmpty => Lifetimes.IsEmpty;

    /// <summary>
    /// The helpers of the three lists. A name in more than one list says two lifetimes at once: it is left out, and its
    /// calls register nothing.
    /// </summary>
    public static RegistrationMethods Create(ImmutableArray<string> singleton, ImmutableArray<string> scoped, ImmutableArray<string> transient)
    {
        if (singleton.IsEmpty && scoped.IsEmpty && transient.IsEmpty)
        {
            return None;
        }

        var builder = ImmutableDictionary.CreateBuilder<string, ServiceLifetimeKind>(StringComparer.Ordinal);
        var contradicted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (names, lifetime) in new[] { (singleton, ServiceLifetimeKind.Singleton), (scoped, ServiceLifetimeKind.Scoped), (transient, ServiceLifetimeKind.Transient) })
        {
            foreach (var name in names)
            {
                if (ServiceRegistrations.IsBuiltInRegistrationMethod(name))
                {
                    continue;
                }

                if (builder.TryGetValue(name, out var given) && given != lifetime)
                {
                    contradicted.Add(name);
                }

                builder[name] = lifetime;
            }
        }

        builder.RemoveRange(contradicted);

        return builder.Count == 0 ? None : new RegistrationMethods(builder.ToImmutable());
    }
}
