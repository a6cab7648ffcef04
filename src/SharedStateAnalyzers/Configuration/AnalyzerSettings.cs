using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace SharedStateAnalyzers.Configuration;

/// <summary>A problem with one <c>.editorconfig</c> option's value.</summary>
internal readonly struct OptionProblem : IEquatable<OptionProblem>
{
    public OptionProblem(string key, string value, string reason)
    {
        Key = key;
        Value = value;
        Reason = reason;
    }

    public string Key { get; }

    public string Value { get; }

    public string Reason { get; }

    public bool Equals(OptionProblem other) => Key == other.Key && Value == other.Value;

    public override bool Equals(object? obj) => obj is OptionProblem other && Equals(other);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Key) ^ StringComparer.Ordinal.GetHashCode(Value);
}

/// <summary>
/// The <c>.editorconfig</c> options the rules read: type lists and method-name lists that extend the built-in tables,
/// and switches (<c>true</c>/<c>false</c>) that turn on a part of a rule. Type lists are comma-separated metadata names
/// (<c>MyApp.Tenancy.TenantContext</c>, <c>MyApp.Data.Repository`1</c>); method-name lists are comma-separated
/// identifiers (<c>AddSingletonAs</c>). Lists apply to the whole project: when sections give different files different
/// lists, the lists are merged. A malformed value is ignored (the default applies) and reported by SSA000.
/// </summary>
internal sealed class AnalyzerSettings
{
    public const string RequestScopedTypesKey = "shared_state.request_scoped_types";
    public const string ExternalDataTypesKey = "shared_state.external_data_types";
    public const string CodeDerivedKeyTypesKey = "shared_state.code_derived_key_types";

    public const string SingletonRegistrationMethodsKey = "shared_state.singleton_registration_methods";
    public const string ScopedRegistrationMethodsKey = "shared_state.scoped_registration_methods";
    public const string TransientRegistrationMethodsKey = "shared_state.transient_registration_methods";

    public const string ReportDoubleCheckedLockingKey = "shared_state.report_double_checked_locking";

    public static readonly ImmutableArray<string> TypeListKeys = ImmutableArray.Create(
        RequestScopedTypesKey, ExternalDataTypesKey, CodeDerivedKeyTypesKey);

    public static readonly ImmutableArray<string> NameListKeys = ImmutableArray.Create(
        SingletonRegistrationMethodsKey, ScopedRegistrationMethodsKey, TransientRegistrationMethodsKey);

    public static readonly ImmutableArray<string> SwitchKeys = ImmutableArray.Create(ReportDoubleCheckedLockingKey);

    public static readonly AnalyzerSettings Default = new(
        ImmutableArray<string>.Empty, ImmutableArray<string>.Empty, ImmutableArray<string>.Empty, RegistrationMethods.None, false);

    private AnalyzerSettings(
        ImmutableArray<string> requestScopedTypes,
        ImmutableArray<string> externalDataTypes,
        ImmutableArray<string> codeDerivedKeyTypes,
        RegistrationMethods registrationMethods,
        bool reportDoubleCheckedLocking)
    {
        RequestScopedTypes = requestScopedTypes;
        ExternalDataTypes = externalDataTypes;
        CodeDerivedKeyTypes = codeDerivedKeyTypes;
        RegistrationMethods = registrationMethods;
        ReportDoubleCheckedLocking = reportDoubleCheckedLocking;
    }

    /// <summary>Types whose instances hold one request's or one user's data, besides the built-in ones.</summary>
    public ImmutableArray<string> RequestScopedTypes { get; }

    /// <summary>Types whose members read external data, besides the built-in ones.</summary>
    public ImmutableArray<string> ExternalDataTypes { get; }

    /// <summary>Key types that mark a cache of code-derived data, besides <c>Type</c>, members and enums.</summary>
    public ImmutableArray<string> CodeDerivedKeyTypes { get; }

    /// <summary>The app's own registration helpers, by the lifetime they register with.</summary>
    public RegistrationMethods RegistrationMethods { get; }

    /// <summary>
    /// SSA009 also reports double-checked locking over a non-volatile field, at Info severity. Off by default: the
    /// pattern is correct on the .NET runtime's memory model. On when a section that applies to the project turns it
    /// on and none turns it off.
    /// </summary>
    public bool ReportDoubleCheckedLocking { get; }

    /// <summary>Reads the settings that apply to <paramref name="compilation"/>; cheap when no option is set.</summary>
    public static AnalyzerSettings Read(AnalyzerOptions options, Compilation compilation)
    {
        var lists = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var switchedOn = false;
        var switchedOff = false;
        foreach (var (key, value) in ReadRaw(options, compilation))
        {
            if (IsSwitch(key))
            {
                if (TryParseSwitch(value, out var on, out _))
                {
                    switchedOn |= on;
                    switchedOff |= !on;
                }

                continue;
            }

            if (!TryParseList(key, value, out var names, out _))
            {
                continue;
            }

            if (!lists.TryGetValue(key, out var set))
            {
                lists[key] = set = new HashSet<string>(StringComparer.Ordinal);
            }

            set.UnionWith(names);
        }

        var reportDoubleCheckedLocking = switchedOn && !switchedOff;
        if (lists.Count == 0 && !reportDoubleCheckedLocking)
        {
            return Default;
        }

        ImmutableArray<string> Get(string key) => lists.TryGetValue(key, out var set) ? ImmutableArray.CreateRange(set) : ImmutableArray<string>.Empty;
        var registrationMethods = RegistrationMethods.Create(
            Get(SingletonRegistrationMethodsKey), Get(ScopedRegistrationMethodsKey), Get(TransientRegistrationMethodsKey));
        return new AnalyzerSettings(
            Get(RequestScopedTypesKey), Get(ExternalDataTypesKey), Get(CodeDerivedKeyTypesKey), registrationMethods, reportDoubleCheckedLocking);
    }

    /// <summary>Every malformed option value that applies to <paramref name="compilation"/>, each once.</summary>
    public static ImmutableArray<OptionProblem> Validate(AnalyzerOptions options, Compilation compilation)
    {
        var problems = ImmutableArray.CreateBuilder<OptionProblem>();
        var seen = new HashSet<OptionProblem>();
        foreach (var (key, value) in ReadRaw(options, compilation))
        {
            var wellFormed = IsSwitch(key) ? TryParseSwitch(value, out _, out var reason) : TryParseList(key, value, out _, out reason);
            if (!wellFormed)
            {
                var problem = new OptionProblem(key, value, reason!);
                if (seen.Add(problem))
                {
                    problems.Add(problem);
                }
            }
        }

        return problems.ToImmutable();
    }

    /// <summary>The distinct raw values of the options, over the global options and every source file.</summary>
    private static IEnumerable<(string Key, string Value)> ReadRaw(AnalyzerOptions options, Compilation compilation)
    {
        var provider = options.AnalyzerConfigOptionsProvider;
        var seen = new HashSet<(string, string)>();
        foreach (var configOptions in Sources(provider, compilation))
        {
            foreach (var key in TypeListKeys)
            {
                if (configOptions.TryGetValue(key, out var value) && seen.Add((key, value)))
                {
                    yield return (key, value);
                }
            }

            foreach (var key in NameListKeys)
            {
                if (configOptions.TryGetValue(key, out var value) && seen.Add((key, value)))
                {
                    yield return (key, value);
                }
            }

            foreach (var key in SwitchKeys)
            {
                if (configOptions.TryGetValue(key, out var value) && seen.Add((key, value)))
                {
                    yield return (key, value);
                }
            }
        }
    }

    private static IEnumerable<AnalyzerConfigOptions> Sources(AnalyzerConfigOptionsProvider provider, Compilation compilation)
    {
        yield return provider.GlobalOptions;
        foreach (var tree in compilation.SyntaxTrees)
        {
            yield return provider.GetOptions(tree);
        }
    }

    private static bool TryParseList(string key, string value, out ImmutableArray<string> names, out string? reason)
        => NameListKeys.Contains(key) ? TryParseNameList(value, out names, out reason) : TryParseTypeList(value, out names, out reason);

    /// <summary>
    /// Parses a comma-separated list of method names (C# identifiers). Empty entries are skipped; the whole value is
    /// rejected when one entry is not an identifier, with <paramref name="reason"/> saying which.
    /// </summary>
    public static bool TryParseNameList(string value, out ImmutableArray<string> names, out string? reason)
        => TryParseEntries(value, s_identifier, "a method name such as AddSingletonAs", out names, out reason);

    /// <summary>
    /// Parses a comma-separated list of metadata names. Empty entries are skipped; the whole value is rejected when
    /// one entry is not a type name, with <paramref name="reason"/> saying which.
    /// </summary>
    public static bool TryParseTypeList(string value, out ImmutableArray<string> names, out string? reason)
        => TryParseEntries(value, s_metadataName, "a type name such as MyApp.Tenancy.TenantContext or MyApp.Data.Repository`1", out names, out reason);

    private static bool TryParseEntries(string value, Regex entry, string expected, out ImmutableArray<string> names, out string? reason)
    {
        var builder = ImmutableArray.CreateBuilder<string>();
        foreach (var part in value.Split(','))
        {
            var name = part.Trim();
            if (name.Length == 0)
            {
                continue;
            }

            if (!entry.IsMatch(name))
            {
                names = ImmutableArray<string>.Empty;
                reason = $"'{name}' is not {expected}";
                return false;
            }

            builder.Add(name);
        }

        names = builder.ToImmutable();
        reason = null;
        return true;
    }

    private static bool IsSwitch(string key) => SwitchKeys.Contains(key);

    /// <summary>Parses <c>true</c> or <c>false</c> (any case, surrounding spaces ignored).</summary>
    public static bool TryParseSwitch(string value, out bool on, out string? reason)
    {
        var text = value.Trim();
        if (string.Equals(text, "true", StringComparison.OrdinalIgnoreCase) || string.Equals(text, "false", StringComparison.OrdinalIgnoreCase))
        {
            on = text.Length == 4;
            reason = null;
            return true;
        }

        on = false;
        reason = $"'{text}' is not true or false";
        return false;
    }

    /// <summary>Dotted identifiers, each optionally with a generic arity (<c>`1</c>); nested types use <c>+</c>.</summary>
    private static readonly Regex s_metadataName = new(
        @"^[\p{L}_][\p{L}\p{Nd}_]*(`\d+)?([.+][\p{L}_][\p{L}\p{Nd}_]*(`\d+)?)*$",
        RegexOptions.CultureInvariant);

    private static readonly Regex s_identifier = new(@"^[\p{L}_][\p{L}\p{Nd}_]*$", RegexOptions.CultureInvariant);

    /// <summary>The named types of <paramref name="names"/> the compilation can see; names it cannot resolve are skipped.</summary>
    public static ImmutableArray<INamedTypeSymbol> Resolve(Compilation compilation, ImmutableArray<string> names)
    {
        if (names.IsDefaultOrEmpty)
        {
            return ImmutableArray<INamedTypeSymbol>.Empty;
        }

        var types = ImmutableArray.CreateBuilder<INamedTypeSymbol>(names.Length);
        foreach (var name in names)
        {
            if (compilation.GetTypeByMetadataName(name) is { } type)
            {
                types.Add(type);
            }
        }

        return types.ToImmutable();
    }
}
