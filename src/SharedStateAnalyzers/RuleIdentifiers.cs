namespace SharedStateAnalyzers;

/// <summary>The rule IDs. They are stable once shipped.</summary>
public static class RuleIdentifiers
{
    public const string InvalidOption = "SSA000";

    public const string StaticCache = "SSA001";

    public const string UnsynchronizedInitialization = "SSA009";

    public const string HelpLinkBase = "https://github.com/sharedstateanalyzers/SharedStateAnalyzers/blob/main/docs/rules/";

    public static string GetHelpUri(string id) => HelpLinkBase + id + ".md";
}
