namespace SharedStateAnalyzers;

/// <summary>The rule IDs. They are stable once shipped.</summary>
public static class RuleIdentifiers
{
    public const string InvalidOption = "SSA000";

    public const string StaticCache = "SSA001";

    public const string UnsynchronizedCollection = "SSA002";

    public const string InstanceMutatesStatic = "SSA003";

    public const string HandRolledSingleton = "SSA004";

    public const string SingletonRequestData = "SSA005";

    public const string CaptiveDependency = "SSA006";

    public const string StaticRequestData = "SSA007";

    public const string ThreadAffineState = "SSA008";

    public const string UnsynchronizedInitialization = "SSA009";

    public const string HelpLinkBase = "https://github.com/sharedstateanalyzers/SharedStateAnalyzers/blob/main/docs/rules/";

    public static string GetHelpUri(string id) => HelpLinkBase + id + ".md";
}
