namespace CrawlerConfig;

/// <summary>Tells the crawler fleet that a carrier's config changed, when a webhook is configured.</summary>
public static class CarrierWebhook
{
    private static HttpClient? s_client;

    // Built on first use (SSA009): two admins who change carriers at the same moment can each build a client, and the
    // one that loses the race is never disposed.
    private static HttpClient Client => s_client ??= new HttpClient { Timeout = TimeSpan.FromSeconds(5) };

    public static async Task NotifyAsync(string? webhookUrl, string scacCode)
    {
        if (string.IsNullOrEmpty(webhookUrl))
        {
            return;
        }

        try
        {
            using var response = await Client.PostAsync($"{webhookUrl}?scac={Uri.EscapeDataString(scacCode)}", content: null);
        }
        catch (HttpRequestException)
        {
            // The fleet also polls the table: a missed notification only delays the change.
        }
    }
}
